"""Benchmark: asking for a council report answers at once, whatever the report's size.

    .venv/bin/python bench/report_request.py [--sizes 10 500] [--modes filesystem redis]
                                             [--requests 50] [--json FILE]

Issue 19's target: a POST to candidates:reports answers in at most 50 ms median, for 10 and for
500 candidates, in both modes: the embedded one (kombu's filesystem transport, what `make run`
uses) and Redis. Each size gets a fresh SQLite scratch database shaped like the benchmark data
set (as bench/report_pdf.py makes it); each size × mode runs in its own process, since the
broker is chosen when settings load. Nothing renders in the request: no worker consumes the
queue, and the process checks that every report it asked for is still queued afterwards (an
eager render would have finished it). The time includes saving the row and publishing the task
to the broker (on commit, inside the request).

Redis mode needs a Redis server (REDIS_URL, default redis://127.0.0.1:6379/13); its tasks go to a
queue of their own, deleted at the end, so no worker of another process ever takes them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "kyotsuka-bench-report-request"
REDIS_DEFAULT = "redis://127.0.0.1:6379/13"


def generate(size: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from bench import datagen

    call_command("migrate", verbosity=0)
    datagen.candidates_like_the_data_set(size)


def measure(size: int, mode: str, requests: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from bench.common import bench_user, stats
    from candidates.models import Candidate, CouncilReport, ReportStatus
    from config.celery import app

    assert not settings.CELERY_TASK_ALWAYS_EAGER, "a broker must be configured"
    app.conf.task_default_queue = QUEUE
    client = Client()
    client.force_login(bench_user())
    url = reverse("candidates:reports")
    data = {"as_of": "2026-11-24", "edition": "detailed"}
    first = CouncilReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    samples = []
    for index in range(requests + 5):  # the first five warm up connections and templates
        started = time.perf_counter()
        response = client.post(url, data, secure=True)  # DEBUG off: http is redirected
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, (response.status_code, response.get("Location"))
        if index >= 5:
            samples.append(elapsed)
    asked = CouncilReport.objects.filter(pk__gt=first)
    assert asked.count() == requests + 5
    assert not asked.exclude(status=ReportStatus.QUEUED).exists(), "a report rendered in-request"
    return {
        "candidates": Candidate.objects.count(),
        "mode": mode,
        **stats(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 500])
    parser.add_argument("--modes", nargs="+", choices=["filesystem", "redis"])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
        return
    if args.measure:
        size, mode = args.measure
        print(json.dumps(measure(int(size), mode, args.requests)))
        return
    modes = args.modes or ["filesystem", "redis"]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            base = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
            base.update(
                DJANGO_MEDIA_ROOT=scratch,
                KYOTSUKA_VAR_DIR=f"{scratch}/var-{size}",
                DJANGO_LOG_LEVEL="WARNING",
                DATABASE_URL=f"sqlite:///{scratch}/bench-{size}.sqlite3",
            )
            for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
                base.pop(name, None)
            run([sys.executable, __file__, "--generate", str(size)], base)
            for mode in modes:
                env = dict(base)
                if mode == "filesystem":
                    env["CELERY_BROKER_URL"] = "filesystem://localhost/"
                else:
                    env["REDIS_URL"] = os.environ.get("REDIS_URL", REDIS_DEFAULT)
                command = [sys.executable, __file__, "--measure", str(size), mode]
                try:
                    done = run([*command, "--requests", str(args.requests)], env)
                finally:
                    if mode == "redis":
                        forget_queue(env["REDIS_URL"])
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{'candidates':>10} {'mode':>10} {'n':>4} {'median ms':>9} {'p95 ms':>7} {'min ms':>7}")
    for r in rows:
        print(
            f"{r['candidates']:>10} {r['mode']:>10} {r['n']:>4} {r['median_ms']:>9.1f} "
            f"{r['p95_ms']:>7.1f} {r['min_ms']:>7.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps({"rows": rows}, indent=1))


def forget_queue(url: str) -> None:
    """Delete the bench's queue and kombu's bindings of it: nobody was meant to consume them."""
    import redis

    keys = [QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}"]
    redis.Redis.from_url(url).delete(*keys)


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"{' '.join(command[2:])} failed:\n{done.stderr}")
    return done


if __name__ == "__main__":
    main()
