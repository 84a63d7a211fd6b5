"""What happened to candidates that other apps may act on (core/events.py)."""

from django.dispatch import Signal

# A milestone date was moved later (a slip). Sent with change_id: the MilestoneChange.
slip_recorded = Signal()
# A council report is done or failed for good. Sent with report_id.
council_report_finished = Signal()
