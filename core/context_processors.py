"""Template context the base layout needs on every page."""

from django.http import HttpRequest

from core.permissions import UserRules


def rules(request: HttpRequest) -> dict:
    """`rules`: the signed-in user's role rules (core/permissions.py), read when a page asks."""
    return {"rules": UserRules(request.user)}
