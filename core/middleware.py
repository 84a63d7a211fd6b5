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
