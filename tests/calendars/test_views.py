"""The カレンダー連携 page: issuing shows the secret URL once, reissuing and stopping work, and
every role that reads the product finds the page from the header."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calendars.models import CalendarFeed
from tests.calendars.conftest import fetch

pytestmark = pytest.mark.django_db
SETTINGS = "/calendars/"


def feed_url_in(html: str) -> str:
    start = html.index("http://testserver/calendars/")
    return html[start : html.index('"', start)]


def test_issuing_shows_the_feed_url_once(client, world):
    client.force_login(world.users["ministry_a"])
    response = client.post(reverse("calendars:reset"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    url = feed_url_in(html)
    assert url.endswith("/mine.ics")
    assert "このURLは今だけ表示されます。" in html
    fetch(url.removeprefix("http://testserver"))  # it opens the feed
    token = url.split("/")[4]
    assert f"http://testserver/calendars/{token}/candidates/" in html

    again = client.get(SETTINGS).content.decode()
    assert token not in again
    assert "URL を表示し直すことはできません" in again


def test_reissuing_replaces_the_url(client, world):
    client.force_login(world.users["municipality"])
    first = feed_url_in(client.post(reverse("calendars:reset")).content.decode())
    second = feed_url_in(client.post(reverse("calendars:reset")).content.decode())
    assert first != second
    assert client.get(first.removeprefix("http://testserver")).status_code == 404
    assert CalendarFeed.objects.filter(user=world.users["municipality"]).count() == 1


def test_stopping_the_feed_removes_it(client, world):
    client.force_login(world.users["association"])
    url = feed_url_in(client.post(reverse("calendars:reset")).content.decode())
    response = client.post(reverse("calendars:revoke"), follow=True)
    assert "カレンダー連携を停止しました。" in response.content.decode()
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert not CalendarFeed.objects.filter(user=world.users["association"]).exists()


def test_the_page_says_what_the_users_feed_holds(client, world):
    client.force_login(world.users["municipality"])
    html = client.get(SETTINGS).content.decode()
    assert "所属団体に照会された意見照会の回答期限" in html
    assert "所属府省庁が主担当" not in html


@pytest.mark.parametrize(
    "role", ["secretariat", "wt_member", "ministry_a", "municipality", "association"]
)
def test_every_role_finds_the_page_through_the_headers_settings(client, world, role):
    client.force_login(world.users[role])
    html = client.get(reverse("candidates:dashboard")).content.decode()
    assert f'href="{reverse("settings")}"' in html
    assert f'href="{SETTINGS}"' in client.get(reverse("settings")).content.decode()


def test_a_login_with_no_role_is_not_offered_the_page(client, outsider):
    client.force_login(outsider)
    assert f'href="{reverse("settings")}"' not in client.get("/").content.decode()


def test_the_page_reads_in_english(client, world):
    client.force_login(world.users["ministry_a"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(SETTINGS).content.decode()
    assert "What your calendar holds" in html
    assert "Milestones of the candidates your ministry leads or co-leads" in html
