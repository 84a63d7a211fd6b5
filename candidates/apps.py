from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = _("共通化候補")

    def ready(self) -> None:
        from candidates import cache

        cache.connect()
