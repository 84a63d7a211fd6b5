"""What happened to consultations that other apps may act on (core/events.py)."""

from django.dispatch import Signal

# A consultation was created. Sent with consultation_id and today (the day it was created).
consultation_created = Signal()
