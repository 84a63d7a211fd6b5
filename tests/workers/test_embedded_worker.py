"""The embedded default as `make run` starts it: SQLite, a Celery worker on kombu's filesystem
broker (no broker server), and a report request that returns before the report is made.

Everything runs in processes of its own on a fresh SQLite file, as on a new machine; no Redis
and no PostgreSQL are involved, so this runs in every pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from tests.workers.conftest import Worker

# Run in a process of its own with the embedded settings: the secretariat requests a report
# through the page, as a browser would; prints what the page and the row said right after.
REQUEST = """
import datetime as dt, json, time
from django.contrib.auth.models import Group
from django.test import Client
from candidates.models import Candidate, CouncilReport, Ministry
from core.models import User
from core.roles import Role

ministry = Ministry.objects.create(name="埋込試験省")
Candidate.objects.create(name="埋込試験候補", selected_fiscal_year=2025, lead_ministry=ministry)
user = User.objects.create_user(username="embedded_secretariat", password="pw-for-tests-only")
user.groups.add(Group.objects.get_or_create(name=Role.SECRETARIAT.value)[0])
client = Client()
client.force_login(user)
started = time.perf_counter()
response = client.post("/candidates/reports/", {"as_of": "2026-11-24"})
seconds = time.perf_counter() - started
report = CouncilReport.objects.get()
print(json.dumps({"status_code": response.status_code, "seconds": seconds,
                  "status": report.status, "id": report.pk}))
"""

POLL = """
import json
from candidates import reports
from candidates.models import CouncilReport
report = CouncilReport.objects.get()
pdf = reports.report_exists(report) and reports.report_content(report).startswith(b"%PDF-")
print(json.dumps({"status": report.status, "error": report.error, "pdf": pdf}))
"""


def _embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REDIS_", "CELERY_", "DJANGO_MEDIA"))
    }
    return {
        **env,
        "KYOTSUKA_VAR_DIR": str(var_dir),
        "DJANGO_MEDIA_ROOT": str(var_dir / "media"),
        "CELERY_BROKER_URL": "filesystem://localhost/",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_make_run_renders_reports_in_its_worker_not_in_the_request(tmp_path):
    env = _embedded_env(tmp_path / "var")
    _manage(env, "migrate", "--noinput", "-v0")
    worker = Worker(tmp_path / "worker.log", env)
    try:
        requested = _last_json(_manage(env, "shell", "-c", REQUEST))
        # The page answered (a redirect back to the list) with the row still waiting: the
        # report was handed to the worker, not made inside the request (eager mode would
        # have made it, and say "done", before answering).
        assert requested["status_code"] == 302
        assert requested["status"] in ("queued", "running"), requested
        deadline = time.monotonic() + 180
        while True:
            polled = _last_json(_manage(env, "shell", "-c", POLL))
            if polled["status"] not in ("queued", "running") or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert polled == {"status": "done", "error": "", "pdf": True}, worker.output()[-3000:]
        assert "generate_council_report" in worker.output()
    finally:
        worker.kill()
