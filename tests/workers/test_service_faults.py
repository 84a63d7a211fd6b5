"""Faults of the services under the app: PostgreSQL restarted under load, Redis stopped.

Run in CI's fault pass (KYOTSUKA_FAULT_TESTS=1): the app runs as gunicorn, as deployed, and is
never restarted; PostgreSQL is restarted while requests keep coming.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.workers.conftest import _database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[
        -1
    ]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def gunicorn(committed, tmp_path):
    """The app as deployed: gunicorn with two workers on the test database, DEBUG off."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="fault-test-" + "x" * 60,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_MANIFEST="0",
    )
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)  # noqa: S310 - our server
                break
            except OSError:
                assert time.monotonic() < deadline, Path(log).read_text()
                time.sleep(0.2)
        yield base, process
        process.terminate()
        process.wait(timeout=10)


def _get(url: str, cookie: str) -> int | str:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (TimeoutError, OSError) as error:  # a hang or a dropped connection: not clean
        return type(error).__name__


def test_postgresql_restarted_under_load_fails_requests_cleanly_and_recovers(
    gunicorn, committed_secretariat
):
    base, process = gunicorn
    client = Client()
    client.force_login(committed_secretariat)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    url = base + reverse("candidates:list")
    assert _get(url, cookie) == 200

    results: list[tuple[float, int | str]] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            results.append((time.monotonic(), _get(url, cookie)))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    restarted = time.monotonic()
    restart_postgresql()
    back = time.monotonic()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    connections.close_all()  # this process's own connection died with the restart too

    statuses = {status for _at, status in results}
    assert statuses <= {200, 503}, f"unclean answers during the restart: {statuses}"
    assert 503 in statuses, "no request met the restart: the test did not test anything"
    assert any(at < restarted and s == 200 for at, s in results)
    late = [s for at, s in results if at > back + 2]
    assert late and all(s == 200 for s in late), "the app did not recover by itself"
    assert process.poll() is None  # the same gunicorn, never restarted
    assert _get(url, cookie) == 200


def test_with_redis_stopped_pages_work_and_health_names_the_broker(
    committed_secretariat, redis_control
):
    client = Client()
    client.force_login(committed_secretariat)
    redis_control.stop()
    for name in ("candidates:dashboard", "candidates:list", "candidates:reports", "hearings:list"):
        assert client.get(reverse(name)).status_code == 200, name
    health = client.get(reverse("healthz"))
    assert health.status_code == 503 and health.json()["broker"] != "ok"
