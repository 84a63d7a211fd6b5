"""The request type of the product's pages, for annotations."""

from django.http import HttpRequest

from core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What a view behind LoginRequiredMiddleware receives: `user` is a signed-in User, never
    AnonymousUser. Views marked `login_not_required` take a plain HttpRequest."""

    user: User
