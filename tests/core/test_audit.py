"""The audit trail: every write attempt recorded, with its outcome; nobody can change it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import get_resolver, reverse

from core.audit import ACTION_LABELS, action_label
from core.models import AuditEvent, AuditOutcome
from tests.factories import AuditEventFactory, MeetingFactory, MilestoneFactory
from tests.test_authorization_matrix import MATRIX, NOT_ALLOWED

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


def _rows(page) -> str:
    """The table of the audit page (the action filter's options hold the URL names)."""
    return page.content.decode().split("<tbody>")[1].split("</tbody>")[0]


def test_the_secretariat_reads_the_trail_and_filters_it(client, secretariat, wt_member):
    client.force_login(wt_member)
    client.post(reverse("candidates:create"), {"name": "x"})
    client.force_login(secretariat)
    page = client.get(reverse("audit"), {"outcome": "refused", "username": "wt_"})
    rows = _rows(page)
    assert page.status_code == 200 and "候補の登録" in rows and "拒否" in rows
    assert "権限がない" in rows and "candidates:create" not in rows and "403" not in rows
    assert list(page.context["page"]) == list(AuditEvent.objects.filter(username="wt_member"))
    assert client.get(reverse("audit"), {"outcome": "'; DROP TABLE x"}).status_code == 200


def _slip(client, milestone, **extra):
    return client.post(
        reverse("candidates:milestone_update", args=[milestone.pk]),
        {"planned_date": "2026-09-30", "version": milestone.version, **extra},
    )


def test_a_slip_without_a_reason_is_recorded_as_invalid_input_not_as_a_save(client, secretariat):
    milestone = MilestoneFactory.create()
    client.force_login(secretariat)
    assert _slip(client, milestone).status_code == 400
    assert _slip(client, milestone, reason="調達の不調による再公告").status_code == 302
    outcomes = [(e.action_label, e.outcome) for e in AuditEvent.objects.order_by("pk")]
    assert outcomes == [
        ("マイルストーンの更新", AuditOutcome.INVALID),
        ("マイルストーンの更新", AuditOutcome.DONE),
    ]


def test_a_refused_slip_is_recorded_as_refused(client, wt_member):
    milestone = MilestoneFactory.create()
    client.force_login(wt_member)
    _slip(client, milestone, reason="調達の不調による再公告")
    event = AuditEvent.objects.get()
    assert (event.outcome, event.refusal_reason) == (AuditOutcome.REFUSED, "権限がない")


def test_a_material_that_is_not_a_pdf_is_recorded_as_invalid_input(client, secretariat):
    meeting = MeetingFactory.create()
    client.force_login(secretariat)
    response = client.post(reverse("hearings:material_create", args=[meeting.pk]), {"label": ""})
    assert response.status_code == 400 and "資料を登録できませんでした" in response.content.decode()
    assert AuditEvent.objects.get().outcome == AuditOutcome.INVALID


def test_a_new_candidate_with_errors_is_recorded_as_invalid_input(client, secretariat):
    client.force_login(secretariat)
    assert client.post(reverse("candidates:create"), {"name": ""}).status_code == 400
    assert AuditEvent.objects.get().outcome == AuditOutcome.INVALID


def _writing_url_names() -> set[str]:
    """The URL names some signed-in role may POST to (tests/test_authorization_matrix.py lists
    every URL of the urlconf, and fails when one is missing)."""
    return {
        name
        for name, (_, methods, _) in MATRIX.items()
        if any(
            outcome != NOT_ALLOWED
            for role, outcome in methods["POST"].items()
            if role != "anonymous"
        )
    }


def test_every_url_that_writes_has_words_for_the_audit_trail():
    writing = _writing_url_names() - {"set_language"}  # not recorded: it changes no data
    assert {"logout", "candidates:milestone_update", "hearings:delete"} <= writing
    unlabelled = {name for name in writing if action_label(name) == name}
    assert not unlabelled, f"add these to core.audit.ACTION_LABELS: {sorted(unlabelled)}"


def test_every_audit_label_names_a_url_of_the_project():
    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    namespaced = {
        f"{namespace}:{name}"
        for namespace, (_, resolver) in get_resolver().namespace_dict.items()
        for name in resolver.reverse_dict
        if isinstance(name, str)
    }
    unknown = set(ACTION_LABELS) - names - namespaced - {"admin:", "unknown"}
    assert not unknown


def test_the_audit_page_says_what_was_done_in_english(client, secretariat):
    AuditEventFactory.create(action="hearings:delete", outcome=AuditOutcome.DONE, status_code=302)
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("audit"))
    rows = _rows(page)
    assert "Deleting a meeting" in rows and "hearings:delete" not in rows
    assert '<th scope="col">Action</th>' in page.content.decode()
    assert "1 result<" in page.content.decode()


def test_the_trail_is_filtered_by_action(client, secretariat):
    AuditEventFactory.create(action="hearings:delete")
    AuditEventFactory.create(action="candidates:create")
    AuditEventFactory.create(action="admin:auth_user_add")
    client.force_login(secretariat)
    page = client.get(reverse("audit"), {"action": "hearings:delete"}).context["page"]
    assert [e.action for e in page] == ["hearings:delete"]
    page = client.get(reverse("audit"), {"action": "admin:"}).context["page"]
    assert [e.action_label for e in page] == ["管理画面での操作"]
