"""The SMTP round trip: a notice goes through Django's SMTP backend to a real SMTP server on
loopback (aiosmtpd), and what that server received is read back as a mail client would."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from notifications import producers
from notifications.models import Notice, NoticeStatus
from tests.notifications.test_services import TRIES, as_a_worker_would

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


class Inbox:
    """An aiosmtpd handler that keeps every message accepted, parsed, with its envelope
    recipients."""

    def __init__(self):
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on 127.0.0.1 at a free port, with Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "kyotsuka@example.go.jp"
    yield inbox, controller
    controller.stop()


def test_a_notice_goes_through_a_real_smtp_server_and_reads_back(world, smtp_server, committed):
    inbox, _controller = smtp_server
    committed(producers.milestone_digest_notices, today=TODAY)
    by_recipient = {tuple(rcpts): message for rcpts, message in inbox.received}
    assert set(by_recipient) == {("a@mlit.example.go.jp",), ("en@mlit.example.go.jp",)}
    message = by_recipient[("a@mlit.example.go.jp",)]
    # Django folds the encoded subject onto the next line ("Subject: \r\n =?utf-8?b?...");
    # a mail client drops that folding space, as strip() does here.
    assert message["Subject"].strip() == "【週次】期限超過1件・期限間近1件（国土交通省）"
    assert message["To"] == "a@mlit.example.go.jp"
    assert message["From"] == "kyotsuka@example.go.jp"
    part = message.get_body(preferencelist=("plain",))
    assert part.get_content_charset() == "utf-8"
    body = part.get_payload(decode=True).decode("utf-8")
    assert body.startswith("ministry_a 様")
    assert "公営住宅管理システム / 要件定義：令和8年10月31日（24日超過）" in body
    mlit = world.ministries["mlit"].pk
    assert f"https://kyotsuka.example.go.jp/candidates/?ministry={mlit}&due_within=30" in body
    assert set(Notice.objects.values_list("status", flat=True)) == {NoticeStatus.SENT}


def test_an_smtp_server_that_is_down_leaves_the_notice_failed_after_its_retries(
    world, smtp_server, committed, settings
):
    inbox, _controller = smtp_server
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    committed(producers.stale_progress_notices, today=TODAY)
    notice = Notice.objects.get(to_email="a@mlit.example.go.jp")
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.PENDING, attempts=0)
    assert as_a_worker_would(notice.pk) == TRIES
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    assert notice.attempts == TRIES
    assert notice.error.startswith("ConnectionRefusedError")
    assert inbox.received == []
