"""Benchmark: a 1,788-row adoption survey (利用意向調査) previewed and applied.

    DATABASE_URL=... python bench/survey_import.py [--repeat 3]

Targets (issue 16): preview ≤ 2 s, apply ≤ 5 s. Uses the database of DATABASE_URL (master
data must be loaded: manage.py load_municipalities); everything it writes is rolled back.
Each repeat times, on a fresh candidate: the preview of a CSV that changes every adopter's
row (利用予定 with a start year, renewal year and procurement), the apply of that file (all
rows new), and the apply of a second file that changes them again (all rows updated), and
counts the queries each made.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGETS_S = {"preview": 2.0, "apply (new rows)": 5.0, "apply (updates)": 5.0}


class _Rollback(Exception):
    pass


def survey_csv(bodies, *, status: str, year: str) -> bytes:
    lines = ["団体コード,団体名,利用意向,利用開始予定,現行システム更新時期,調達方法,理由,備考"]
    lines += [f"{b.code},{b.name},{status},{year},{year},単独,更新時期に合わせる," for b in bodies]
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def measure(repeat: int = 3) -> dict:
    """Median and worst seconds and the query count of each step (Django set up already)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from adoption import selectors, survey
    from candidates.models import Candidate, Ministry
    from core.models import User

    bodies = list(selectors.adopters())
    first = survey_csv(bodies, status="利用予定", year="令和9年度")
    second = survey_csv(bodies, status="利用申込済", year="令和9年度")
    samples: dict[str, list[float]] = {name: [] for name in TARGETS_S}
    queries: dict[str, int] = {}
    for _ in range(repeat):
        try:
            with transaction.atomic():
                user = User.objects.create(username="bench_survey", is_superuser=True)
                ministry, _created = Ministry.objects.get_or_create(name="ベンチ省")
                candidate = Candidate.objects.create(
                    name="ベンチ候補", selected_fiscal_year=2025, lead_ministry=ministry
                )
                for name, run, data in (
                    ("preview", survey.survey_read, first),
                    ("apply (new rows)", survey.survey_apply, first),
                    ("apply (updates)", survey.survey_apply, second),
                ):
                    with CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        result = run(user=user, candidate=candidate, data=data)
                        samples[name].append(time.perf_counter() - start)
                    queries[name] = len(captured)
                    assert not result.errors and len(result.changes) == len(bodies), result
                raise _Rollback
        except _Rollback:
            pass
    return {
        "rows": len(bodies),
        "repeat": repeat,
        "steps": {
            name: {
                "median_s": statistics.median(samples[name]),
                "max_s": max(samples[name]),
                "queries": queries[name],
                "target_s": target,
            }
            for name, target in TARGETS_S.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    result = measure(args.repeat)
    print(f"adoption survey: {result['rows']} rows, {connection.vendor}, {args.repeat} repeats")
    for name, step in result["steps"].items():
        verdict = "ok" if step["median_s"] <= step["target_s"] else "OVER TARGET"
        print(
            f"  {name:<18} median {step['median_s']:6.2f} s  max {step['max_s']:6.2f} s  "
            f"queries {step['queries']:4d}  target ≤ {step['target_s']:.0f} s  {verdict}"
        )


if __name__ == "__main__":
    main()
