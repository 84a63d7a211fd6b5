from django.http import HttpRequest


class JapaneseFirstMiddleware:
    """Japanese is the default whatever the browser asks for; English is chosen explicitly.

    Drops Accept-Language before Django's LocaleMiddleware, so only the language cookie set by
    the header's switch (or a URL's explicit choice) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class AuditMiddleware:
    """Record every attempted write (any method but GET/HEAD/OPTIONS) as an AuditEvent.

    Sits after authentication, so it sees who asked, and around the view, so it sees what
    came of it: done, invalid input, refused (403/404/405, login required) or failed. New
    views are covered without touching them. Logins are recorded with the name that was
    tried; the language switch writes no data and is not recorded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        # Who asked is read before the view runs (logging out changes request.user).
        actor = request.user if request.user.is_authenticated else None
        response = self.get_response(request)
        from core.audit import audit_record

        audit_record(request=request, response=response, actor=actor)
        return response
