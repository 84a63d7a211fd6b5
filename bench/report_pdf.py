"""Benchmark: council PDF for 10, 100 and 500 candidates — seconds, peak memory, size.

    .venv/bin/python bench/report_pdf.py [--sizes 10 100 500] [--database-url URL]

Each size runs in its own process on a fresh scratch database (SQLite in a temporary folder
unless --database-url names an empty PostgreSQL database), so peak memory is that report's.
Time is split into our part (queries and templating: report_html) and WeasyPrint's (layout and
PDF writing: render_pdf). Prints a table; not a test, nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(size: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command

    from bench import datagen
    from candidates import reports
    from candidates.report_pdf import render_pdf, report_html

    call_command("migrate", verbosity=0)
    datagen.candidates(size)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = reports.report_request(user=None, as_of=dt.date(2026, 11, 24), queue=False)
    started = time.perf_counter()
    html = report_html(report)
    ours = time.perf_counter() - started
    rendered = render_pdf(html)
    total = time.perf_counter() - started
    return {
        "candidates": size,
        "seconds": total,
        "ours_seconds": ours,
        "weasyprint_seconds": total - ours,
        "pages": rendered.page_count,
        "pdf_mb": len(rendered.content) / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            env = dict(os.environ, DJANGO_MEDIA_ROOT=scratch, DJANGO_LOG_LEVEL="WARNING")
            env.pop("REDIS_URL", None)
            env.pop("CELERY_BROKER_URL", None)
            env["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/bench-{size}.sqlite3"
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(size)],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.exit(f"size {size} failed:\n{done.stderr}")
            out = done.stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            if args.database_url:
                break  # one shared database: later sizes would add to earlier data
    print(
        f"{'candidates':>10} {'pages':>6} {'seconds':>8} {'ours':>6} {'weasyprint':>10} "
        f"{'ours %':>6} {'peak MB':>8} {'PDF MB':>7}"
    )
    for r in rows:
        print(
            f"{r['candidates']:>10} {r['pages']:>6} {r['seconds']:>8.2f} {r['ours_seconds']:>6.2f} "
            f"{r['weasyprint_seconds']:>10.2f} {100 * r['ours_seconds'] / r['seconds']:>6.1f} "
            f"{r['peak_rss_mb']:>8.0f} {r['pdf_mb']:>7.2f}"
        )


if __name__ == "__main__":
    main()
