"""Benchmark: a council 詳細版 rendered in parts by 1, 2 and 4 worker processes, end to end.

    .venv/bin/python bench/report_parallel.py [--sizes 500] [--workers 1 2 4]
                                              [--editions detailed summary]
                                              [--broker filesystem|redis] [--part-candidates 25]
                                              [--part-slips 400] [--no-whole] [--json FILE]
    .venv/bin/python bench/report_parallel.py --quick     # 30 candidates, 1 and 2 processes

Issue 19's targets: 500 candidates with 2 worker processes under 60 s end to end, every process
under 600 MB, at least 20 pages/s; and how the time falls with 1, 2 and 4 processes. Each size
gets a fresh SQLite scratch database shaped like the benchmark data set (as bench/report_pdf.py
makes it). For each worker count a Celery worker is started with that many processes
(--concurrency) on the broker (kombu's filesystem transport by default, what `make run` uses;
--broker redis uses REDIS_URL, default redis://127.0.0.1:6379/13, a database of its own), and
once it is ready the report is requested the way the web page requests it (the row saved, the
task enqueued on commit); the clock stops when the row is done. So the time includes planning,
every part, the queue between them and the join. Peak memory is each worker process's VmHWM
(its peak resident set, polled from /proc: the main process and every pool process).

Unless --no-whole, the same report is also made whole (KYOTSUKA_REPORT_PART_CANDIDATES=0) by a
1-process worker, the baseline in the same run. Prints a table; not a test, nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report_request import generate  # noqa: E402 - a fresh scratch database of `size`

REDIS_DEFAULT = "redis://127.0.0.1:6379/13"
AS_OF = "2026-11-24"


def measure(timeout: float, edition: str) -> dict:
    """Request the report (enqueued on commit, as the page does) and wait until it is done."""
    sys.path.insert(0, str(ROOT))
    import datetime as dt

    import django

    django.setup()
    from candidates import reports
    from candidates.models import Candidate, CouncilReportPart, ReportStatus

    started = time.perf_counter()
    report = reports.report_request(user=None, as_of=dt.date.fromisoformat(AS_OF), edition=edition)
    deadline = time.monotonic() + timeout
    while report.is_pending and time.monotonic() < deadline:
        time.sleep(0.1)
        report.refresh_from_db()
    seconds = time.perf_counter() - started
    if report.status != ReportStatus.DONE:
        raise SystemExit(f"report {report.pk} {report.status}: {report.error}")
    parts = CouncilReportPart.objects.filter(report=report)
    slowest = max(
        (
            (p.finished_at - p.started_at).total_seconds()
            for p in parts
            if p.started_at and p.finished_at
        ),
        default=0.0,
    )
    join = (
        (report.finished_at - report.join_started_at).total_seconds()
        if report.join_started_at and report.finished_at
        else 0.0
    )
    pages, size = report.page_count or 0, report.file_size or 0
    return {
        "candidates": Candidate.objects.count(),
        "seconds": seconds,
        "pages": pages,
        "pages_per_second": pages / seconds,
        "pdf_mb": size / 1e6,
        "parts": parts.count(),
        "slowest_part_seconds": slowest,
        "join_seconds": join,
    }


class Worker:
    """A Celery worker of our own (its own process group), its processes' peak memory polled."""

    def __init__(self, concurrency: int, env: dict[str, str], log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.peaks: dict[int, int] = {}  # pid -> VmHWM kB
        self.stopped = threading.Event()
        deadline = time.monotonic() + 120
        while "ready." not in log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        self.poller = threading.Thread(target=self._poll, daemon=True)
        self.poller.start()

    def _poll(self) -> None:
        while not self.stopped.is_set():
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    pid = int(status.parent.name)
                    if os.getpgid(pid) != self.process.pid:
                        continue
                    for line in status.read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            kb = int(line.split()[1])
                            self.peaks[pid] = max(self.peaks.get(pid, 0), kb)
                except (OSError, ValueError):
                    continue
            time.sleep(0.25)

    def stop(self) -> dict:
        self.stopped.set()
        self.poller.join()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return {
            "peak_rss_mb": max(self.peaks.values(), default=0) / 1024,
            "processes_seen": len(self.peaks),
        }


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"{' '.join(command[2:])} failed:\n{done.stderr}")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--broker", choices=["filesystem", "redis"], default="filesystem")
    parser.add_argument("--part-candidates", type=int, default=25)
    parser.add_argument("--part-slips", type=int, default=400)
    parser.add_argument(
        "--editions",
        nargs="+",
        choices=["detailed", "summary"],
        default=["detailed"],
        help="summary: the 概要版, its list in parts of --part-slips rows",
    )
    parser.add_argument("--edition", default="detailed", help=argparse.SUPPRESS)
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-report baseline")
    parser.add_argument("--quick", action="store_true", help="30 candidates, 1 and 2 processes")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the rows (and the broker) here"
    )
    parser.add_argument("--logs", type=Path, default=None, help="keep the workers' logs here")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
        return
    if args.measure:
        print(json.dumps(measure(args.timeout, args.edition)))
        return
    if args.quick:
        args.sizes, args.workers, args.part_candidates = [30], [1, 2], 10
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            base = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
            base.update(
                DJANGO_MEDIA_ROOT=f"{scratch}/media-{size}",
                DJANGO_LOG_LEVEL="WARNING",
                DATABASE_URL=f"sqlite:///{scratch}/bench-{size}.sqlite3",
                KYOTSUKA_REPORT_PART_SLIPS=str(args.part_slips),
            )
            for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
                base.pop(name, None)
            run([sys.executable, __file__, "--generate", str(size)], base)
            runs = [
                (edition, mode, processes)
                for edition in args.editions
                for mode, processes in ([("whole", 1)] if not args.no_whole else [])
                + [("parts", n) for n in args.workers]
            ]
            for edition, mode, processes in runs:
                name = f"{size}-{edition}-{mode}-{processes}"
                env = dict(base, KYOTSUKA_VAR_DIR=f"{scratch}/var-{name}")
                env["KYOTSUKA_REPORT_PART_CANDIDATES"] = (
                    "0" if mode == "whole" else str(args.part_candidates)
                )
                if args.broker == "filesystem":
                    env["CELERY_BROKER_URL"] = "filesystem://localhost/"
                else:
                    env["REDIS_URL"] = os.environ.get("REDIS_URL", REDIS_DEFAULT)
                logs = args.logs or Path(scratch)
                logs.mkdir(parents=True, exist_ok=True)
                worker = Worker(processes, env, logs / f"worker-{name}.log")
                try:
                    command = [
                        sys.executable,
                        __file__,
                        "--measure",
                        "--edition",
                        edition,
                        "--timeout",
                        str(args.timeout),
                    ]
                    done = run(command, env)
                finally:
                    memory = worker.stop()
                row = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append(
                    {"edition": edition, "mode": mode, "processes": processes, **row, **memory}
                )
    print(
        f"{'candidates':>10} {'edition':>8} {'mode':>6} {'procs':>5} {'seconds':>8} {'pages':>6} {'pages/s':>7} "
        f"{'parts':>5} {'slowest':>7} {'join s':>6} {'peak MB':>8} {'PDF MB':>7}"
    )
    for r in rows:
        print(
            f"{r['candidates']:>10} {r['edition']:>8} {r['mode']:>6} {r['processes']:>5} {r['seconds']:>8.2f} "
            f"{r['pages']:>6} {r['pages_per_second']:>7.1f} {r['parts']:>5} "
            f"{r['slowest_part_seconds']:>7.2f} {r['join_seconds']:>6.2f} "
            f"{r['peak_rss_mb']:>8.0f} {r['pdf_mb']:>7.2f}"
        )
    if args.json:
        made = {
            "broker": args.broker,
            "part_candidates": args.part_candidates,
            "part_slips": args.part_slips,
        }
        args.json.write_text(json.dumps({**made, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
