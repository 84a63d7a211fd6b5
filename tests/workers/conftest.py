"""Tests across processes: a real Celery worker and Redis see only committed rows.

These tests are transactional (django_db(transaction=True)): they write through autocommit to
the test database, as users would, and the database is emptied after each. pytest-django runs
transactional tests after all others, so the master data the others rely on is gone only
after they have run; what these tests need they make themselves. The worker processes they
start read the same test database and the same Redis.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from core.models import User
from core.roles import Role

REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def wait_until_settled(report, seconds: float = 120):
    """Poll the report row until it is no longer queued or running (or time runs out)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if not report.is_pending:
            break
        time.sleep(0.3)
    return report


@pytest.fixture
def committed(transactional_db):
    """Committed writes, and the role groups (an earlier test's flush removed them)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def committed_secretariat(committed) -> User:
    user = User.objects.create_user(username="worker_secretariat", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name=Role.SECRETARIAT.value))
    return user


class Worker:
    """A Celery worker process of our own, killable as a whole (its own process group)."""

    def __init__(self, log_path: Path, env: dict[str, str]):
        self.log_path = log_path
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while "ready." not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as an OOM killer or a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def start_worker(committed, tmp_path, settings):
    """Start workers on the test database and this run's broker, writing their files where this
    test reads them; all are killed at the end."""
    workers: list[Worker] = []
    settings.MEDIA_ROOT = tmp_path / "media"
    base_env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )

    def start(**extra_env: str) -> Worker:
        worker = Worker(tmp_path / f"worker-{len(workers)}.log", {**base_env, **extra_env})
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def redis_pid() -> int:
    info = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "info", "server"], capture_output=True, text=True
    ).stdout
    return int(
        next(line for line in info.splitlines() if line.startswith("process_id:")).split(":")[1]
    )


def redis_up() -> bool:
    return (
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True
        ).stdout.strip()
        == "PONG"
    )


def redis_start() -> None:
    if redis_up():
        return
    Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
    Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
    subprocess.run(REDIS_START, check=True)
    deadline = time.monotonic() + 30
    while not redis_up():
        if time.monotonic() > deadline:
            raise RuntimeError("Redis did not come back")
        time.sleep(0.2)


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], capture_output=True)
    deadline = time.monotonic() + 30
    while redis_up():
        if time.monotonic() > deadline:
            raise RuntimeError("Redis did not stop")
        time.sleep(0.2)


@pytest.fixture
def redis_control():
    """Stop, hang or restart the machine's Redis; it is always running again afterwards."""
    paused: list[int] = []

    class Control:
        stop = staticmethod(redis_stop)
        start = staticmethod(redis_start)

        @staticmethod
        def hang() -> None:
            pid = redis_pid()
            os.kill(pid, signal.SIGSTOP)
            paused.append(pid)

        @staticmethod
        def resume() -> None:
            while paused:
                os.kill(paused.pop(), signal.SIGCONT)

    yield Control
    Control.resume()
    redis_start()
