"""Domain events: how an app tells apps to its right (docs/architecture.md) that something
happened, without importing them. The app that owns the data defines the signal in its
`events.py` and sends it; a listener (notifications/ e-mails people) connects in its
AppConfig.ready(). Sent once the write commits, robustly: a listener's failure is logged
(django.dispatch) and never undoes or fails the write."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal


def send_after_commit(signal: Signal, **kwargs) -> None:
    """Send `signal` with these keyword arguments once the current transaction commits (at
    once outside one)."""
    transaction.on_commit(lambda: signal.send_robust(sender=None, **kwargs), robust=True)
