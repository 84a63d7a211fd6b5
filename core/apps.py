from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-app pieces with no single owner: users and roles, era dates, health checks."""

    name = "core"
    verbose_name = _("基盤")
