"""Run every benchmark and write docs/benchmarks.md: `make bench`.

    .venv/bin/python bench/run.py [--fresh] [--quick] [--only pages search ...] [--save-baseline]

1. Prepares the PostgreSQL database kyotsuka_bench (bench/environment.py): created with a
   UTF-8 C.UTF-8 locale and pg_trgm, migrated, master data loaded; the data set
   (bench/spec.py) is generated once and marked, and made again only if the marker differs
   (or with --fresh). A SQLite copy of the same data set is kept for the search comparison.
   Skipped when every step run makes its own database (--only report_request report_parallel).
2. Runs each benchmark in its own process with production-like settings (DEBUG off):
   pages, search, throughput (gunicorn + wrk), report_pdf, minutes_import, then
   before_after (the optimised selectors against their code before, side by side),
   pdf_layout (which parts of the PDF cost WeasyPrint its time), consultation_results (a
   consultation of all 1,788 bodies on 30 candidates), report_request (asking for a report
   answers at once) and report_parallel (the 詳細版 in parts on 1, 2 and 4 worker processes).
   The last two make SQLite scratch databases of their own, and use Redis when one answers
   (REDIS_URL, else their own database 13 on the local server), the embedded filesystem broker
   otherwise. Each prints its table.
3. Writes docs/benchmarks.md from the results, with bench/baseline.json (the numbers before the
   optimisations, saved by --save-baseline) beside them.

--quick makes fewer requests and shorter wrk runs to try the pipeline; it, and --only, write
their report to the scratch folder, never to docs/. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import environment as env  # noqa: E402
from bench.report import write_report  # noqa: E402
from bench.report_request import REDIS_DEFAULT  # noqa: E402
from bench.spec import DATASET_KEY  # noqa: E402

BASELINE = env.ROOT / "bench" / "baseline.json"
DOC = env.ROOT / "docs" / "benchmarks.md"
STEPS = (
    "pages",
    "search",
    "throughput",
    "report_pdf",
    "minutes_import",
    "before_after",
    "pdf_layout",
    "consultation_results",
    "report_request",
    "report_parallel",
)
# Steps that make SQLite scratch databases of their own: they need no kyotsuka_bench.
OWN_DATABASE = ("report_request", "report_parallel")


def load_average() -> float:
    return os.getloadavg()[0]


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory_kb = int(info.readline().split()[1])
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def prepare(fresh: bool) -> dict:
    """The database, its data set and the SQLite reference; returns how long each took."""
    timings = {}
    started = time.perf_counter()
    generate = env.database_prepare(key=DATASET_KEY, fresh=fresh)
    django = env.django_env()
    env.manage("compile_translations", env=django)
    env.manage("migrate", "--noinput", env=django)
    env.manage("load_municipalities", env=django)
    env.manage("collectstatic", "--noinput", env=django)
    timings["prepare_seconds"] = time.perf_counter() - started
    if generate:
        print("generating the data set (once) …", flush=True)
        made = json.loads(env.run([env.PYTHON, "bench/generate.py"], env=django, quiet=True))
        env.marker_write(DATASET_KEY, made["seconds"])
        timings["generate_seconds"] = made["seconds"]
        print(f"  done in {made['seconds']:.0f} s", flush=True)
    reference = env.sqlite_reference(DATASET_KEY)
    if fresh or not reference.exists():
        print("making the SQLite reference copy (once) …", flush=True)
        partial = reference.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        sqlite = env.django_env(
            DATABASE_URL=f"sqlite:///{partial}", DJANGO_SETTINGS_MODULE="config.settings"
        )
        env.manage("migrate", "--noinput", env=sqlite)
        env.manage("load_municipalities", env=sqlite)
        made = json.loads(env.run([env.PYTHON, "bench/generate.py"], env=sqlite, quiet=True))
        partial.rename(reference)
        timings["sqlite_generate_seconds"] = made["seconds"]
    return timings


def reachable_redis() -> str | None:
    """The Redis the report steps use (REDIS_URL, else the scripts' own database on the local
    server); None if it does not answer."""
    import redis

    url = os.environ.get("REDIS_URL", REDIS_DEFAULT)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, OSError):
        return None
    return url


def report_queue_command(
    step: str, quick: bool, results_dir: Path, django: dict[str, str]
) -> list[str]:
    """bench/report_request.py or bench/report_parallel.py, on Redis when one answers (its URL
    put in django, the step's environment); asking for a report is timed on the embedded
    filesystem broker either way."""
    redis = reachable_redis()
    if redis:
        django["REDIS_URL"] = redis
    else:
        print(f"no Redis at {os.environ.get('REDIS_URL', REDIS_DEFAULT)}: filesystem broker only")
    command = [env.PYTHON, f"bench/{step}.py", "--json", str(results_dir / f"{step}.json")]
    if step == "report_request":
        modes = ["filesystem", "redis"] if redis else ["filesystem"]
        sizes = ["--sizes", "10", "--requests", "10"] if quick else ["--sizes", "10", "500"]
        return [*command, "--modes", *modes, *sizes]
    broker = ["--broker", "redis" if redis else "filesystem"]
    sizes = (
        ["--quick", "--no-whole"]
        if quick
        else [
            "--sizes",
            "10",
            "500",
            "--workers",
            "1",
            "2",
            "4",
            "--editions",
            "detailed",
            "summary",
        ]
    )
    return [*command, *broker, *sizes]


def run_step(step: str, quick: bool, results_dir: Path) -> dict:
    extra = {
        "pages": ["--requests", "20"] if quick else [],
        "search": ["--repeat", "5"] if quick else [],
        "throughput": ["--seconds", "5"] if quick else [],
        "minutes_import": ["--repeat", "2"] if quick else [],
        "before_after": ["--rounds", "4"] if quick else [],
        "pdf_layout": ["--candidates", "10" if quick else "50"],
        "consultation_results": ["--requests", "5"] if quick else [],
    }
    django = env.django_env(
        KYOTSUKA_BENCH_RESULTS=str(results_dir),
        KYOTSUKA_BENCH_SQLITE=str(env.sqlite_reference(DATASET_KEY)),
    )
    if step == "report_pdf":
        sizes = ["10"] if quick else ["10", "100", "500"]
        command = [
            env.PYTHON,
            "bench/report_pdf.py",
            "--database-url",
            env.database_url(),
            "--json",
            str(results_dir / "report_pdf.json"),
            "--sizes",
            *sizes,
        ]
    elif step in OWN_DATABASE:
        command = report_queue_command(step, quick, results_dir, django)
    else:
        command = [env.PYTHON, "-m", f"bench.{step}", *extra.get(step, [])]
    print(f"\n== {step} ==", flush=True)
    load_before = load_average()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=env.ROOT, env=django, check=False)
    if done.returncode:
        sys.exit(f"benchmark {step} failed")
    return {
        "seconds": time.perf_counter() - started,
        "load_before": load_before,
        "load_after": load_average(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the data set")
    parser.add_argument("--quick", action="store_true", help="try the pipeline (not for docs)")
    parser.add_argument("--only", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument(
        "--save-baseline", action="store_true", help="keep this run as the 'before' numbers"
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write docs/benchmarks.md again from the last full run's results",
    )
    args = parser.parse_args()
    if args.report_only:
        last = json.loads((env.RESULTS / "full" / "run.json").read_text())
        baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else None
        write_report(DOC, last, baseline)
        print(f"wrote {DOC} from the run of {last['date']}")
        return
    started = time.perf_counter()
    when = datetime.now().astimezone()
    if "throughput" in args.only and not shutil.which("wrk"):
        sys.exit("wrk is needed for the throughput benchmark: apt-get install wrk")
    needs_database = any(step not in OWN_DATABASE for step in args.only)
    timings = prepare(args.fresh) if needs_database else {}
    results_dir = env.RESULTS / ("quick" if args.quick else "full")
    results_dir.mkdir(parents=True, exist_ok=True)
    # Only the steps run now lose their last results: with --only, the report keeps the other
    # steps' figures from their last run (each section says when the run was).
    for step in args.only:
        (results_dir / f"{step}.json").unlink(missing_ok=True)
    previous = results_dir / "run.json"
    earlier_steps = json.loads(previous.read_text())["steps"] if previous.exists() else {}
    steps = {
        **earlier_steps,
        **{step: run_step(step, args.quick, results_dir) for step in args.only},
    }
    if needs_database:
        env.run(
            [env.PYTHON, "-m", "bench.facts"],
            env=env.django_env(KYOTSUKA_BENCH_RESULTS=str(results_dir)),
        )
    results = {
        name: json.loads((results_dir / f"{name}.json").read_text())
        for name in (*STEPS, "facts")
        if (results_dir / f"{name}.json").exists()
    }
    run = {
        "date": when.isoformat(timespec="seconds"),
        "machine": machine(),
        "timings": timings,
        "steps": steps,
        "total_seconds": time.perf_counter() - started,
        "quick": args.quick,
        "results": results,
    }
    (results_dir / "run.json").write_text(json.dumps(run, ensure_ascii=False, indent=1))
    if args.save_baseline:
        BASELINE.write_text(json.dumps(run, ensure_ascii=False, indent=1) + "\n")
        print(f"baseline saved to {BASELINE.relative_to(env.ROOT)}")
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else None
    complete = not args.quick and set(results) >= set(STEPS)
    target = DOC if complete else env.WORKDIR / "benchmarks-partial.md"
    write_report(target, run, baseline)
    print(f"\nwrote {target} — total {run['total_seconds'] / 60:.1f} min")


if __name__ == "__main__":
    main()
