"""When something breaks: a database outage is a calm 503 to retry, other errors a 500 page."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client(wt_member):
    client = Client(raise_request_exception=False)  # as a deployed server answers
    client.force_login(wt_member)
    return client


def test_a_database_outage_is_answered_with_503_and_retry_after(browser_client, monkeypatch):
    def down(**kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("candidates.selectors.dashboard", down)
    response = browser_client.get(reverse("candidates:dashboard"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert "一時的に利用できません" in body and "Temporarily unavailable" in body
    assert "Connection refused" not in body  # no internals shown


def test_any_other_error_is_the_bilingual_500_page(browser_client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("candidates.selectors.dashboard", broken)
    response = browser_client.get(reverse("candidates:dashboard"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "システムエラーが発生しました" in body and "secret detail" not in body
