"""Benchmark: council PDF for 10, 100 and 500 candidates — seconds, peak memory, size.

    .venv/bin/python bench/report_pdf.py [--sizes 10 100 500] [--edition detailed|summary]
                                         [--database-url URL] [--json FILE]

Each size runs in its own process, so peak memory (peak RSS of the process) is that report's.
Without --database-url each process makes a fresh SQLite scratch database in a temporary
folder and generates `size` candidates shaped like the benchmark data set (30 milestones,
20 date changes and 4 progress updates each). With --database-url naming the benchmark
database (bench/run.py passes kyotsuka_bench), the report covers the first `size` candidates
of its 1,000: the others are deleted inside a transaction that is rolled back afterwards, so the
report reads the full minutes (100,000 entries) for its remarks and nothing is changed.

Time is split into our part (queries and templating: report_html) and WeasyPrint's (layout and
PDF writing: render_pdf). --edition chooses the report's edition (詳細版 by default; summary is
the 概要版, one row per candidate). Prints a table; not a test, nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(size: int, shared: bool, edition: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command

    from bench import datagen
    from bench.common import only_first_candidates
    from bench.spec import TODAY
    from candidates import reports
    from candidates.models import Candidate, Milestone
    from candidates.report_pdf import render_pdf, report_html

    scope: contextlib.AbstractContextManager[None]
    if shared:
        scope = only_first_candidates(size)
    else:
        call_command("migrate", verbosity=0)
        datagen.candidates_like_the_data_set(size)
        scope = contextlib.nullcontext()
    as_of = min(TODAY, dt.date.today())
    with scope:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report = reports.report_request(user=None, as_of=as_of, edition=edition, queue=False)
        started = time.perf_counter()
        html = report_html(report)
        ours = time.perf_counter() - started
        rendered = render_pdf(html)
        total = time.perf_counter() - started
        in_report = Candidate.objects.count()
        milestones = Milestone.objects.count()
    return {
        "candidates": size,
        "edition": edition,
        "candidates_in_report": in_report,
        "milestones": milestones,
        "seconds": total,
        "ours_seconds": ours,
        "weasyprint_seconds": total - ours,
        "pages": rendered.page_count,
        "html_kb": len(html) / 1e3,
        "pdf_mb": len(rendered.content) / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--edition", choices=["detailed", "summary"], default="detailed")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--shared", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.shared, args.edition)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            env = dict(os.environ, DJANGO_MEDIA_ROOT=scratch, DJANGO_LOG_LEVEL="WARNING")
            env.pop("REDIS_URL", None)
            env.pop("CELERY_BROKER_URL", None)
            env["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/bench-{size}.sqlite3"
            command = [sys.executable, __file__, "--child", str(size), "--edition", args.edition]
            done = subprocess.run(
                command + (["--shared"] if args.database_url else []),
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.exit(f"size {size} failed:\n{done.stderr}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        f"{'candidates':>10} {'edition':>8} {'pages':>6} {'seconds':>8} {'ours':>6} {'weasyprint':>10} "
        f"{'ours %':>6} {'peak MB':>8} {'PDF MB':>7}"
    )
    for r in rows:
        print(
            f"{r['candidates']:>10} {r['edition']:>8} {r['pages']:>6} {r['seconds']:>8.2f} {r['ours_seconds']:>6.2f} "
            f"{r['weasyprint_seconds']:>10.2f} {100 * r['ours_seconds'] / r['seconds']:>6.1f} "
            f"{r['peak_rss_mb']:>8.0f} {r['pdf_mb']:>7.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps({"rows": rows}, indent=1))


if __name__ == "__main__":
    main()
