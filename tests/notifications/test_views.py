"""The preferences page (each user's own) and the notice log (the secretariat's)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notice, NoticeKind, NoticeStatus, NotificationPreference

pytestmark = pytest.mark.django_db
PREFERENCES, LOG = reverse("notifications:preferences"), reverse("notifications:log")


def notice(user, n: int, *, status=NoticeStatus.SENT, kind=NoticeKind.STALE_PROGRESS, error=""):
    return Notice.objects.create(
        key=f"{kind}:u{user.pk}:test{n}",
        kind=kind,
        recipient=user,
        to_email=user.email,
        language="ja",
        subject=f"件名{n}",
        body="本文",
        url="https://kyotsuka.example.go.jp/candidates/",
        status=status,
        attempts=1,
        error=error,
    )


def test_a_user_is_offered_the_notices_of_their_role_and_keeps_their_choice(client, world):
    user = world.users["ministry_a"]
    client.force_login(user)
    page = client.get(PREFERENCES)
    assert page.status_code == 200
    offered = [value for value, _label in page.context["form"].fields["kinds"].choices]
    assert offered == [NoticeKind.STALE_PROGRESS, NoticeKind.MILESTONE_DIGEST]
    assert "a@mlit.example.go.jp" in page.content.decode()
    response = client.post(PREFERENCES, {"kinds": [NoticeKind.STALE_PROGRESS], "language": "en"})
    assert response.status_code == 302
    saved = NotificationPreference.objects.get(user=user)
    assert (saved.disabled_kinds, saved.language) == ([NoticeKind.MILESTONE_DIGEST], "en")
    page = client.get(PREFERENCES)
    assert page.context["form"].initial == {
        "kinds": [NoticeKind.STALE_PROGRESS],
        "language": "en",
    }


def test_a_kind_not_offered_or_an_unknown_language_is_refused_with_a_400(client, world):
    user = world.users["ministry_a"]
    client.force_login(user)
    for bad in (
        {"kinds": [NoticeKind.SLIP_RECORDED], "language": "ja"},
        {"kinds": [], "language": "fr"},
    ):
        response = client.post(PREFERENCES, bad)
        assert response.status_code == 400
        assert response.context["form"].errors
    assert not NotificationPreference.objects.exists()


def test_the_log_shows_who_was_sent_what_and_what_failed(client, world):
    ministry_a, municipality = world.users["ministry_a"], world.users["municipality"]
    notice(ministry_a, 1)
    notice(
        municipality,
        2,
        status=NoticeStatus.FAILED,
        kind=NoticeKind.CONSULTATION_OPENED,
        error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(world.users["secretariat"])
    html = client.get(LOG).content.decode()
    for text in ("a@mlit.example.go.jp", "件名1", "送信済み", "送信失敗", "SMTPServerDisconnected"):
        assert text in html
    failed = client.get(LOG, {"status": NoticeStatus.FAILED})
    assert [n.subject for n in failed.context["page"]] == ["件名2"]
    by_kind = client.get(LOG, {"kind": NoticeKind.STALE_PROGRESS})
    assert [n.subject for n in by_kind.context["page"]] == ["件名1"]
    by_address = client.get(LOG, {"q": "kure@"})
    assert [n.subject for n in by_address.context["page"]] == ["件名2"]
    nonsense = client.get(LOG, {"status": "nonsense", "kind": "\x00", "page": "x"})
    assert nonsense.status_code == 200
    assert len(nonsense.context["page"]) == 2


def test_the_log_is_paged_with_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(60):
        notice(world.users["ministry_a"], n)
    client.force_login(world.users["secretariat"])
    with django_assert_max_num_queries(12):
        page = client.get(LOG)
    assert len(page.context["page"]) == 50
    assert len(client.get(LOG, {"page": 2}).context["page"]) == 10


@pytest.mark.parametrize("who", ["wt_member", "ministry_a", "municipality", "no_role"])
def test_only_the_secretariat_reads_the_log(client, world, who):
    notice(world.users["ministry_a"], 1)
    client.force_login(world.users[who])
    response = client.get(LOG)
    assert response.status_code == 403
    assert "件名1" not in response.content.decode()


def test_the_preferences_page_reads_in_english(client, world):
    client.force_login(world.users["municipality"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(PREFERENCES).content.decode()
    for text in ("Notifications to receive", "A consultation opened", "Language of e-mails"):
        assert text in html


def test_the_admin_lists_notices_read_only(client, world, admin_user):
    notice(world.users["ministry_a"], 1)
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:notifications_notice_changelist"))
    assert changelist.status_code == 200
    assert "件名1" in changelist.content.decode()
    assert client.get(reverse("admin:notifications_notice_add")).status_code == 403


def test_the_secretariat_finds_the_log_from_the_audit_trail_and_its_own_settings(client, world):
    client.force_login(world.users["secretariat"])
    assert f'href="{LOG}"' in client.get(reverse("audit")).content.decode()
    assert f'href="{LOG}"' in client.get(PREFERENCES).content.decode()
    client.force_login(world.users["ministry_a"])
    assert f'href="{LOG}"' not in client.get(PREFERENCES).content.decode()
