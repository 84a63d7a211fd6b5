"""The Celery wiring: in-process by default, a real worker round trip when CI provides one."""

import uuid

import pytest
from django.conf import settings

from config.celery import app
from core.tasks import ping


def test_tasks_run_in_process_when_no_broker_is_configured():
    if settings.CELERY_BROKER_URL:
        assert not app.conf.task_always_eager
        return
    assert app.conf.task_always_eager
    assert ping.delay("abc").get() == "pong:abc"


def test_celery_uses_json_and_time_limits():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert "core.tasks.ping" in app.tasks


@pytest.mark.celery_worker
def test_a_real_worker_answers_through_redis():
    token = uuid.uuid4().hex
    assert not app.conf.task_always_eager
    assert ping.delay(token).get(timeout=30) == f"pong:{token}"
