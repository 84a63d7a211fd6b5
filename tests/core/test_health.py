"""/healthz: what compose and load balancers ask before sending traffic or marking a container."""

import importlib.util
import socket
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port():
    """A local port nothing listens on: a broker that is down refuses connections there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hung_port():
    """A local port that accepts connections and never answers, like a stopped (SIGSTOP) Redis."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_health_check_needs_no_login_and_names_each_part(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "in-process"}


def test_without_a_broker_tasks_run_in_process_and_that_is_healthy(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


def test_a_broker_that_is_down_makes_the_check_fail_with_503(client, settings, closed_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}


def test_a_hung_broker_is_reported_within_seconds(client, settings, hung_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{hung_port}/0"
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert time.monotonic() - started < 5


def test_a_database_failure_makes_the_check_fail_with_503(client, settings):
    settings.CELERY_BROKER_URL = ""
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "broker": "in-process",
    }


def _container_healthcheck():
    """deploy/healthcheck.py, the script compose runs in the web container."""
    path = django_settings.BASE_DIR / "deploy" / "healthcheck.py"
    spec = importlib.util.spec_from_file_location("container_healthcheck", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("kyotsuka.example.jp,www.example.jp", "kyotsuka.example.jp"),
        (" .example.jp", "example.jp"),
        ("*", None),
        ("", None),
    ],
)
def test_the_container_healthcheck_asks_with_a_host_django_allows(monkeypatch, allowed_hosts, host):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", allowed_hosts)
    assert _container_healthcheck().allowed_host() == host
