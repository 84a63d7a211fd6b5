from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("メール通知")

    def ready(self) -> None:
        from candidates import events as candidate_events
        from consultations import events as consultation_events
        from notifications import receivers

        candidate_events.slip_recorded.connect(receivers.slip_recorded)
        candidate_events.council_report_finished.connect(receivers.council_report_finished)
        consultation_events.consultation_created.connect(receivers.consultation_created)
