"""Benchmark: the adoption pages at 1,000 candidates × 1,788 bodies (1.8 million answers).

    .venv/bin/python bench/adoption_pages.py [--requests 30] [--fresh]

Runs on its own PostgreSQL database, kyotsuka_bench_adoption (bench/environment.py refuses
any name not starting with kyotsuka_bench): created, migrated and loaded with the master data
once, then 1,000 candidates and an answer of every adopter for each (1,788,000 rows, one
INSERT … SELECT over candidates × bodies, statuses spread by a hash of the two ids) and 40
meetings with attendees. The data set is made again only with --fresh or when its key changes.

Measures, through Django's test client (whole middleware stack, a logged-in superuser, DEBUG
off), interleaved rounds of: the candidate page with its adoption panel, a local government's
page (its answer for every candidate, 100 a page, and its meetings), the overview across
candidates (page 1 of 20, unfiltered and for one prefecture) and a prefecture's bodies from
the map. Query counts are taken at full scale and again for the candidate page with that
candidate's 1,788 answers deleted (in a transaction rolled back): the same number. Then a
survey of every adopter is previewed and applied (bench/survey_import.py).

Writes bench/adoption_pages.md (bench/report.py appends it to docs/benchmarks.md) and
prints it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("KYOTSUKA_BENCH_DB", "kyotsuka_bench_adoption")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import environment as env  # noqa: E402

KEY = "adoption-pages-v1: 1000 candidates x all adopters, 40 meetings"
CANDIDATES = 1000
RESULT = env.ROOT / "bench" / "adoption_pages.md"
TARGET_MS = 50.0

STATUS_SQL = """
CASE
  WHEN h < 10 THEN 'no_answer' WHEN h < 35 THEN 'considering' WHEN h < 55 THEN 'planned'
  WHEN h < 62 THEN 'applied' WHEN h < 70 THEN 'migrating' WHEN h < 85 THEN 'in_use'
  ELSE 'declined'
END"""


def generate() -> dict:
    """The data set, written in bulk: candidates through the ORM, answers by one SQL statement."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from adoption.models import Adoption
    from candidates.models import Candidate, Ministry
    from hearings.models import Attendee, AttendeeGroup, Meeting, MeetingKind
    from municipalities.models import LocalGovernment

    started = time.perf_counter()
    with transaction.atomic():
        ministries = Ministry.objects.bulk_create(
            Ministry(name=f"府省庁{i:02d}", display_order=i) for i in range(16)
        )
        Candidate.objects.bulk_create(
            Candidate(
                name=f"共通化候補{i:04d}システム",
                selected_fiscal_year=2024 + i % 3,
                lead_ministry=ministries[i % 16],
            )
            for i in range(CANDIDATES)
        )
        bodies = list(LocalGovernment.objects.exclude(kind="ward").order_by("code"))
        for n in range(40):
            meeting = Meeting.objects.create(
                kind=MeetingKind.WT if n % 2 else MeetingKind.HEARING,
                title=f"第{n + 1}回会議",
                date=dt.date(2024, 4, 1) + dt.timedelta(days=20 * n),
            )
            if n % 2 == 0:
                meeting.speaking_municipalities.set([bodies[n * 37 % len(bodies)]])
            Attendee.objects.bulk_create(
                Attendee(
                    meeting=meeting,
                    position=i,
                    group=AttendeeGroup.WT_MEMBER if i < 4 else AttendeeGroup.OTHER,
                    title=f"{bodies[(n + i * 53) % len(bodies)].qualified_name}総務部長",
                    name=f"出席者{i}",
                )
                for i in range(12)
            )
    now = timezone.now()
    table = Adoption._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (candidate_id, local_government_id, status,
                planned_start_fiscal_year, planned_start_month, renewal_fiscal_year,
                procurement, procurement_group, reason, note, is_demo, version, updated_at)
            SELECT c.id, lg.id, s.status,
                CASE WHEN s.status IN ('planned','applied','migrating','in_use')
                     THEN 2024 + (c.id + lg.id) %% 7 END,
                NULL, CASE WHEN s.status = 'considering' THEN 2027 END,
                '', '', CASE WHEN s.status = 'declined' THEN '現行システムを継続するため' ELSE '' END,
                '', false, 1, %s
            FROM {Candidate._meta.db_table} c
            CROSS JOIN {LocalGovernment._meta.db_table} lg
            CROSS JOIN LATERAL (SELECT ((hashint4((c.id * 7919 + lg.id)::int)::bigint %% 100) + 100) %% 100 AS h) r
            CROSS JOIN LATERAL (SELECT {STATUS_SQL} AS status) s
            WHERE lg.kind <> 'ward'
            """,  # noqa: S608 - table names from the models, no user input
            [now],
        )
        rows = cursor.rowcount
        cursor.execute("VACUUM ANALYZE")
    return {"answers": rows, "seconds": round(time.perf_counter() - started, 1)}


def measure(requests: int) -> list[dict]:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from adoption.models import Adoption
    from bench.common import bench_user, stats
    from candidates.models import Candidate

    client = Client()
    client.force_login(bench_user())
    candidate = Candidate.objects.order_by("pk")[CANDIDATES // 2]
    pages = [
        ("candidate", f"/candidates/{candidate.pk}/", "candidate page with its adoption panel"),
        ("body", "/municipalities/011002/", "local-government page (札幌市), 100 of 1,000"),
        ("overview", "/adoption/", "overview, page 1 of 20, no filter"),
        ("overview_pref", "/adoption/?prefecture=13", "overview, page 1, 東京都 only"),
        ("overview_band", "/adoption/?band=0", "overview, page 1, under 10,000 people"),
        (
            "prefecture",
            f"/adoption/candidates/{candidate.pk}/prefectures/130001/",
            "a prefecture's bodies (東京都, 63 rows)",
        ),
    ]
    for _key, url, _label in pages:  # warm up: templates, translations, the plan cache
        for _ in range(3):
            assert client.get(url, secure=True).status_code == 200, url
    samples: dict[str, list[float]] = {key: [] for key, _url, _label in pages}
    for round_ in range(requests):
        for key, url, _label in pages[round_ % len(pages) :] + pages[: round_ % len(pages)]:
            started = time.perf_counter()
            client.get(url, secure=True)
            samples[key].append(time.perf_counter() - started)
    results = []
    for key, url, label in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        results.append({"key": key, "label": label, "queries": len(queries), **stats(samples[key])})
    with transaction.atomic():
        Adoption.objects.filter(candidate=candidate).delete()
        with CaptureQueriesContext(connection) as queries:
            client.get(pages[0][1], secure=True)
        results[0]["queries_without_rows"] = len(queries)
        transaction.set_rollback(True)
    return results


def report(results: list[dict], surveys: dict, made: dict | None, requests: int) -> str:
    lines = [
        "## Adoption pages at 1,000 candidates × 1,788 bodies",
        "",
        f"`bench/adoption_pages.py`, {requests} interleaved rounds, PostgreSQL "
        f"{env.server_version()}, 1,788,000 adoption rows, load average "
        f"{os.getloadavg()[0]:.1f} at the end (the machine is shared). Target: ≤ {TARGET_MS:.0f} "
        "ms median each, with a query count that does not grow with rows.",
        "",
        "| page | median ms | p95 ms | queries | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        met = (
            "met"
            if r["median_ms"] <= TARGET_MS
            else f"missed by {r['median_ms'] - TARGET_MS:.0f} ms"
        )
        queries = str(r["queries"])
        if "queries_without_rows" in r:
            queries += f" ({r['queries_without_rows']} with its rows deleted)"
        lines.append(
            f"| {r['label']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {queries} | {met} |"
        )
    if made:
        lines += ["", f"Data set made in {made['seconds']} s ({made['answers']:,} answers)."]
    lines += [
        "",
        f"A survey of every adopter ({surveys['rows']:,} rows, a CP932 CSV) for a new candidate "
        f"(`bench/survey_import.py`, {surveys['repeat']} repeats, rolled back): targets "
        "preview ≤ 2 s, apply ≤ 5 s.",
        "",
        "| step | median s | worst s | queries | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, step in surveys["steps"].items():
        met = "met" if step["median_s"] <= step["target_s"] else "missed"
        lines.append(
            f"| {name} | {step['median_s']:.2f} | {step['max_s']:.2f} | {step['queries']} "
            f"| ≤ {step['target_s']:.0f} s, {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.inside:
        if env.database_prepare(key=KEY, fresh=args.fresh):
            env.manage("migrate", "--no-input")
            env.manage("load_municipalities")
            generate_now = ["--generate"]
        else:
            generate_now = []
        env.manage("compile_translations")
        env.manage("collectstatic", "--noinput", env=env.django_env())  # DEBUG off: the manifest
        done = subprocess.run(
            [env.PYTHON, __file__, "--inside", "--requests", str(args.requests), *generate_now],
            cwd=env.ROOT,
            env=env.django_env(),
            check=False,
        )
        sys.exit(done.returncode)
    import django

    django.setup()
    made = generate() if args.generate else None
    if made:
        env.marker_write(KEY, made["seconds"])
    from bench import survey_import

    text = report(measure(args.requests), survey_import.measure(), made, args.requests)
    RESULT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
