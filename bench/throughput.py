"""Benchmark 3: throughput of gunicorn (3 sync workers, as deploy/start runs it) under wrk.

    python -m bench.throughput [--seconds 30] [--connections 4]     (environment: bench/run.py)

Starts gunicorn on a free local port with the benchmark settings (DEBUG off, persistent
database connections), logs a superuser in (session cookie passed to wrk), checks that both
URLs answer 200, then runs wrk for the candidate list and the floor view in turn. "Errors" are
wrk's socket errors and non-2xx/3xx answers plus every access-log line that is not a 200, so a
silent redirect to the login page would count too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from bench.common import ROOT, bench_user, setup, write_results
from bench.pages import FILTERED

TARGETS = [
    ("list", f"/candidates/?{FILTERED}", "candidate list, filtered (50 rows)"),
    ("floor", "/floor/", "floor: fixed string"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own local server
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, response.read()


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited during start-up")
        try:
            fetch(base + "/floor/", {"X-Forwarded-Proto": "https"})
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not start")


def _found(match: re.Match[str] | None, what: str) -> re.Match[str]:
    if match is None:
        raise ValueError(f"wrk printed no {what}")
    return match


def to_ms(value: str) -> float:
    number, unit = _found(re.fullmatch(r"([\d.]+)(us|ms|s|m)", value), "latency").groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output: str) -> dict:
    result = {
        "requests_per_s": float(
            _found(re.search(r"Requests/sec:\s+([\d.]+)", output), "rate").group(1)
        ),
        "requests": int(_found(re.search(r"(\d+) requests in", output), "count").group(1)),
        "socket_errors": 0,
        "non_2xx_3xx": 0,
    }
    for percentile in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{percentile}%\s+(\S+)", output, re.MULTILINE)
        result[f"p{percentile}_ms"] = to_ms(_found(match, "percentile").group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result["socket_errors"] = sum(int(g) for g in match.groups())
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result["non_2xx_3xx"] = int(match.group(1))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    setup()
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(bench_user())
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https"}

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    access_log = (
        Path(os.environ.get("KYOTSUKA_BENCH_RESULTS") or tempfile.gettempdir())
        / "gunicorn-access.log"
    )
    access_log.unlink(missing_ok=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            str(access_log),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ,
    )
    results = {
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "wrk": subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split(
            " Copyright"
        )[0],
        "targets": {},
    }
    try:
        wait_until_up(base, server)
        for key, path, _label in TARGETS:
            status, body = fetch(base + path, headers)
            if status != 200 or (key == "list" and b"/candidates/" not in body):
                sys.exit(f"{path} answered {status} before the run")
            for _ in range(20):  # warm every worker
                fetch(base + path, headers)
        for key, path, label in TARGETS:
            lines_before = len(access_log.read_text().splitlines())
            done = subprocess.run(
                [
                    wrk,
                    "-t1",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--latency",
                    "-H",
                    f"Cookie: {cookie}",
                    "-H",
                    "X-Forwarded-Proto: https",
                    base + path,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            time.sleep(0.5)  # the last access-log lines
            logged = access_log.read_text().splitlines()[lines_before:]
            statuses = Counter(
                m.group(1) for line in logged if (m := re.search(r'" (\d{3}) ', line))
            )
            row = parse_wrk(done.stdout)
            row["label"] = label
            row["path"] = path
            row["access_log_statuses"] = dict(statuses)
            row["errors"] = (
                row["socket_errors"]
                + row["non_2xx_3xx"]
                + sum(n for s, n in statuses.items() if s != "200")
            )
            results["targets"][key] = row
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs; "
        f"wrk -t1 -c{args.connections} -d{args.seconds}s"
    )
    print(f"{'target':<36} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'requests':>9} {'errors':>6}")
    for row in results["targets"].values():
        print(
            f"{row['label']:<36} {row['requests_per_s']:>8.1f} {row['p50_ms']:>7.1f} "
            f"{row['p99_ms']:>7.1f} {row['requests']:>9} {row['errors']:>6}"
        )
    write_results("throughput", results)


if __name__ == "__main__":
    main()
