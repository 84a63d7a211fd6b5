from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from api.urls import v1_urls
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", core_views.audit_index, name="audit"),
    path("settings/", core_views.settings_index, name="settings"),
    path("secretariat/", core_views.secretariat_index, name="secretariat"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The login page has the language switch too: choosing a language needs no login.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("candidates/", include("candidates.urls")),
    path("meetings/", include("hearings.urls")),
    path("municipalities/", include("municipalities.urls")),
    path("bodies/", include("bodies.urls")),
    path("adoption/", include("adoption.urls")),
    path("consultations/", include("consultations.urls")),
    path("", include("selection.urls")),
    path("calendars/", include("calendars.urls")),
    path("api/", include("api.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", v1_urls()),
    path("admin/", admin.site.urls),
]

# A database outage is answered with 503 and Retry-After, other errors with the 500 page.
handler500 = "core.views.server_error"
