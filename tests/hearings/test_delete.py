"""Deleting a meeting: a confirmation page that shows what goes with it, refused while a
decision cites it, files removed, and on the audit trail."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from candidates import services as candidate_services
from candidates.lifecycle import Stage
from core.models import AuditEvent, AuditOutcome
from hearings import services
from hearings.models import Attendee, Material, Meeting, MinutesEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_confirmation_page_shows_what_goes_with_the_meeting(
    client, secretariat, hearing, care_candidate
):
    remark = hearing.entries.get(kind="remark")
    services.entry_link_candidates(user=secretariat, entry=remark, candidates=[care_candidate])
    services.material_add(user=secretariat, meeting=hearing, label="資料1")
    client.force_login(secretariat)
    body = client.get(reverse("hearings:delete", args=[hearing.pk])).content.decode()
    assert "指定都市市長会ヒアリング" in body
    assert "出席者 2人" in body and "議事の記載 3件" in body and "資料1" in body
    assert care_candidate.name in body and "共通化の効果は大きい" in body
    assert Meeting.objects.filter(pk=hearing.pk).exists()  # a GET deletes nothing


def test_deleting_removes_the_meeting_its_rows_links_and_files_and_is_audited(
    client, secretariat, hearing, care_candidate, media_root
):
    remark = hearing.entries.get(kind="remark")
    services.entry_link_candidates(user=secretariat, entry=remark, candidates=[care_candidate])
    material = services.material_add(
        user=secretariat,
        meeting=hearing,
        label="資料1",
        file=ContentFile(b"%PDF-1.4\n", name="資料1.pdf"),
    )
    stored = media_root / material.file.name
    assert stored.is_file()
    client.force_login(secretariat)
    response = client.post(reverse("hearings:delete", args=[hearing.pk]), follow=True)
    assert response.status_code == 200
    assert "を削除しました" in response.content.decode()
    assert not Meeting.objects.filter(pk=hearing.pk).exists()
    assert not MinutesEntry.objects.exists() and not Attendee.objects.exists()
    assert not Material.objects.exists() and not care_candidate.remarks.exists()
    event = AuditEvent.objects.filter(action="hearings:delete").get()
    assert (event.object_id, event.outcome, event.username) == (
        str(hearing.pk),
        AuditOutcome.DONE,
        secretariat.username,
    )


def test_the_file_goes_once_the_deletion_is_committed(
    secretariat, hearing, media_root, django_capture_on_commit_callbacks
):
    material = services.material_add(
        user=secretariat,
        meeting=hearing,
        label="資料1",
        file=ContentFile(b"%PDF-1.4\n", name="資料1.pdf"),
    )
    stored = media_root / material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_delete(user=secretariat, meeting=hearing)
    assert not stored.exists()


def test_a_meeting_that_a_decision_cites_is_not_deleted_and_the_page_says_which(
    client, secretariat, hearing, care_candidate
):
    candidate_services.candidate_transition(
        user=secretariat,
        candidate=care_candidate,
        to_stage=Stage.FEASIBILITY,
        decided_on=dt.date(2025, 10, 18),
        meeting=hearing,
    )
    client.force_login(secretariat)
    page = client.get(reverse("hearings:delete", args=[hearing.pk])).content.decode()
    assert care_candidate.name in page and "削除できません" in page
    assert "この会議を削除する" not in page

    response = client.post(reverse("hearings:delete", args=[hearing.pk]))
    assert response.status_code == 400
    assert care_candidate.name in response.content.decode()
    assert Meeting.objects.filter(pk=hearing.pk).exists()
    assert care_candidate.transitions.get(to_stage=Stage.FEASIBILITY).meeting == hearing
    event = AuditEvent.objects.filter(action="hearings:delete").get()
    assert event.outcome == AuditOutcome.INVALID


def test_only_the_secretariat_deletes_and_the_detail_page_offers_it_only_to_them(
    client, secretariat, wt_member, hearing
):
    url = reverse("hearings:delete", args=[hearing.pk])
    client.force_login(wt_member)
    assert url not in client.get(hearing.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 403
    assert Meeting.objects.filter(pk=hearing.pk).exists()
    client.force_login(secretariat)
    assert url in client.get(hearing.get_absolute_url()).content.decode()
