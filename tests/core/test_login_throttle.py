"""Login throttling (django-axes): five wrong passwords for one username from one address lock
that pair out for 15 minutes; other addresses and usernames are unaffected."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db

RIGHT = "pw-for-tests-only"
HOME = "10.0.0.1"
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _login(client, username: str, password: str, address: str = HOME):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail(client, username: str, times: int, address: str = HOME) -> None:
    for _ in range(times):
        response = _login(client, username, "wrong-password", address)
        assert response.status_code in (200, 429)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(
    client, secretariat, clock
):
    _fail(client, "secretariat", 4)
    fifth = _login(client, "secretariat", "wrong-password")
    assert fifth.status_code == 429
    response = _login(client, "secretariat", RIGHT)
    body = response.content.decode()
    assert response.status_code == 429
    assert "ログインを一時停止しています" in body
    assert "パスワードの誤りが5回続いたため" in body and "15分間停止" in body
    assert "共通化推進トラッカー" in body  # the site's own page (base.html), not a bare message
    assert not _logged_in(client)


def test_four_wrong_passwords_do_not_lock_and_a_success_starts_the_count_again(
    client, secretariat, clock
):
    _fail(client, "secretariat", 4)
    assert _login(client, "secretariat", RIGHT).status_code == 302
    client.logout()
    _fail(client, "secretariat", 4)
    assert _login(client, "secretariat", RIGHT).status_code == 302
    assert _logged_in(client)


def test_the_lockout_is_for_the_username_and_address_together(
    client, secretariat, wt_member, clock
):
    _fail(client, "secretariat", 5)
    assert _login(client, "secretariat", RIGHT).status_code == 429
    assert _login(client, "secretariat", RIGHT, address="10.0.0.2").status_code == 302
    client.logout()
    assert _login(client, "wt_member", RIGHT).status_code == 302


def test_after_fifteen_minutes_the_right_password_works_again(client, secretariat, clock):
    _fail(client, "secretariat", 5)
    clock.move_to(START + dt.timedelta(minutes=15, seconds=1))
    assert _login(client, "secretariat", RIGHT).status_code == 302
    assert _logged_in(client)


def test_trying_during_the_lockout_starts_the_fifteen_minutes_again(client, secretariat, clock):
    _fail(client, "secretariat", 5)
    clock.move_to(START + dt.timedelta(minutes=10))
    assert _login(client, "secretariat", RIGHT).status_code == 429
    clock.move_to(START + dt.timedelta(minutes=15, seconds=1))
    assert _login(client, "secretariat", RIGHT).status_code == 429  # as the page warns
    clock.move_to(START + dt.timedelta(minutes=30, seconds=2))
    assert _login(client, "secretariat", RIGHT).status_code == 302


def test_a_locked_out_attempt_is_on_the_audit_trail_as_refused(client, secretariat, clock):
    _fail(client, "secretariat", 5)
    _login(client, "secretariat", RIGHT)
    events = AuditEvent.objects.filter(action="login").order_by("pk")
    assert events.count() == 6
    assert {e.outcome for e in events} == {AuditOutcome.REFUSED}
    last = events.last()
    assert (last.username, last.status_code, last.remote_addr) == ("secretariat", 429, HOME)


def test_the_lockout_page_reads_in_english(client, secretariat, clock):
    _fail(client, "secretariat", 5)
    client.cookies["django_language"] = "en"  # as the header's language switch sets it
    body = _login(client, "secretariat", RIGHT).content.decode()
    assert "Login temporarily suspended" in body
    assert "15 minutes" in body


def test_signing_in_with_force_login_is_not_throttled(client, secretariat, clock):
    _fail(client, "secretariat", 5)
    client.force_login(secretariat)
    assert client.get(reverse("candidates:dashboard")).status_code == 200
