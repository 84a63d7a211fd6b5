"""The user's settings: one header link to one page that leads to each of them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_header_links_one_settings_page_that_leads_to_each_setting(client, wt_member):
    client.force_login(wt_member)
    dashboard = client.get(reverse("candidates:dashboard")).content.decode()
    assert f'href="{reverse("settings")}"' in dashboard
    for name in ("notifications:preferences", "calendars:settings", "api:token"):
        assert f'href="{reverse(name)}"' not in dashboard  # one link, not three
    page = client.get(reverse("settings"))
    assert page.status_code == 200
    body = page.content.decode()
    for name in ("notifications:preferences", "calendars:settings", "api:token"):
        assert f'href="{reverse(name)}"' in body
    calendars = client.get(reverse("calendars:settings")).content.decode()
    assert f'href="{reverse("settings")}" aria-current="page"' in calendars
