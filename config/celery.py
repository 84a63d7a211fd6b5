"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kyotsuka")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def import_the_report_renderer(**_kwargs) -> None:
    """Import the council PDF's renderer (WeasyPrint, pypdf, HarfBuzz) in the worker's main
    process, before its pool starts: each pool process then has it from its start. Imported
    on a process's first report instead, it was 0.6 s of that report's time, and of every
    part and join a fresh process takes (docs/benchmarks.md). The web server never imports it."""
    import candidates.report_parts  # noqa: F401
