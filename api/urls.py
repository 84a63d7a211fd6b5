from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_GET

from api import views
from api.endpoints import api

app_name = "api"
urlpatterns = [
    path("token/", views.token_settings, name="token"),
    path("token/reset/", views.token_reset, name="token_reset"),
    path("token/revoke/", views.token_revoke, name="token_revoke"),
]


def v1_urls():
    """The API's URLs: the endpoints answer by token alone (no session, so outside
    LoginRequiredMiddleware); the description and docs page keep the login. Ninja's root
    (which it reverses to place the operations in the description) answers 404, to GET only."""
    patterns, app, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":
            pattern.callback = require_GET(pattern.callback)
        if pattern.name not in ("openapi-json", "openapi-view"):
            login_not_required(pattern.callback)
    return patterns, app, namespace
