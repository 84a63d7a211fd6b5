"""The audit trail: every write attempt recorded, with its outcome; nobody can change it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db


def test_a_failed_login_is_recorded_with_the_name_that_was_tried(client):
    client.post(reverse("login"), {"username": "secretariat", "password": "wrong"})
    event = AuditEvent.objects.get()
    assert (event.action, event.username, event.outcome) == (
        "login",
        "secretariat",
        AuditOutcome.REFUSED,
    )


def test_a_refused_write_is_recorded_with_who_tried(client, wt_member):
    client.force_login(wt_member)
    client.post(reverse("candidates:create"), {"name": "x"})
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.outcome, event.status_code) == (
        "wt_member",
        "candidates:create",
        AuditOutcome.REFUSED,
        403,
    )
    assert event.roles == "wt_member"


def test_reads_are_not_recorded(client, wt_member):
    client.force_login(wt_member)
    client.get(reverse("candidates:list"))
    assert not AuditEvent.objects.exists()


def _event() -> AuditEvent:
    return AuditEvent.objects.create(
        method="POST", path="/x/", action="x", outcome=AuditOutcome.DONE, status_code=302
    )


def test_an_event_cannot_be_changed_or_deleted_through_the_model():
    event = _event()
    event.username = "someone-else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_to_update_an_event_whatever_code_asks():
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET outcome = 'done'")
    assert AuditEvent.objects.get(pk=event.pk).username == ""


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_an_event():
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_secretariat_reads_the_trail_and_filters_it(client, secretariat, wt_member):
    client.force_login(wt_member)
    client.post(reverse("candidates:create"), {"name": "x"})
    client.force_login(secretariat)
    page = client.get(reverse("audit"), {"outcome": "refused", "username": "wt_"})
    body = page.content.decode()
    assert page.status_code == 200 and "candidates:create" in body and "拒否" in body
    assert list(page.context["page"]) == list(AuditEvent.objects.filter(username="wt_member"))
    assert client.get(reverse("audit"), {"outcome": "'; DROP TABLE x"}).status_code == 200
