from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionConfig(AppConfig):
    name = "adoption"
    verbose_name = _("団体の利用状況")
