"""Benchmark 2: Japanese search over the 100,000 minutes entries, with and without the trigram
indexes, and on SQLite for reference.

    python -m bench.search [--repeat 40]     (environment: bench/run.py)

Times hearings.search.search() — every query the search page makes (entries, agenda items,
meetings, candidates) — for a 2-, a 3- and a 6-character query, and a 2-character query found
in no entry (the worst case: nothing lets the scan stop early). Three ways, interleaved in one
process:
- index: PostgreSQL as migrated (trigram GIN indexes on UPPER(text), migration hearings 0002);
- no index: the same, in a transaction that drops those seven indexes first and is rolled back
  after the search (so each query is planned without them, and nothing is changed);
- SQLite: a SQLite copy of the same data set (same generator and seeds), as in development.
"""

from __future__ import annotations

import argparse
import importlib

from bench.common import setup, stats, timed, write_results
from bench.spec import QUERY_TERMS, SEARCH_QUERIES

MODES = ("index", "no_index", "sqlite")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction

    from bench.routing import using_database
    from hearings.models import MinutesEntry
    from hearings.search import search

    trigram = importlib.import_module("hearings.migrations.0002_trigram_indexes")

    def without_indexes(fn):
        with transaction.atomic():
            with connection.cursor() as cursor:
                for name, _table, _column in trigram.INDEXES:
                    cursor.execute(f"DROP INDEX {name}")
            result = fn()
            transaction.set_rollback(True)
        return result

    def once(mode: str, query: str):
        if mode == "index":
            return timed(search, query=query)
        if mode == "no_index":
            return without_indexes(lambda: timed(search, query=query))
        with using_database("sqlite_ref"):
            return timed(search, query=query)

    def entry_plan(query: str) -> str:
        """The scan PostgreSQL chooses for the entries query (first scan node of EXPLAIN)."""
        qs = MinutesEntry.objects.filter(text__icontains=query).order_by(
            "-meeting__date", "position"
        )[:200]
        plan = qs.explain()
        for line in plan.splitlines():
            if "Scan" in line and "hearings_minutesentry" in line:
                return line.strip().lstrip("-> ").split("  (")[0]
        return "?"

    queries = list(SEARCH_QUERIES)
    facts = {}
    for query in queries:
        with using_database("sqlite_ref"):
            sqlite_matches = MinutesEntry.objects.filter(text__icontains=query).count()
        facts[query] = {
            "chars": len(query),
            "share": QUERY_TERMS.get(query, 0.0),
            "matching_entries": MinutesEntry.objects.filter(text__icontains=query).count(),
            "matching_entries_sqlite": sqlite_matches,
            "hits": {mode: len(once(mode, query)[1]) for mode in MODES},  # also a warm-up
            "plan_index": entry_plan(query),
            "plan_no_index": without_indexes(lambda q=query: entry_plan(q)),
        }

    samples: dict[tuple[str, str], list[float]] = {(q, m): [] for q in queries for m in MODES}
    for repetition in range(args.repeat):
        for query in queries:
            shift = repetition % len(MODES)
            for mode in MODES[shift:] + MODES[:shift]:
                seconds, _hits = once(mode, query)
                samples[query, mode].append(seconds)

    print(
        f"{'query':<14} {'chars':>5} {'entries':>7} {'index med/p95 ms':>17} "
        f"{'no index med/p95 ms':>20} {'×':>5} {'SQLite med/p95 ms':>18}"
    )
    results = {"repeat": args.repeat, "entries": MinutesEntry.objects.count(), "queries": {}}
    for query in queries:
        s = {mode: stats(samples[query, mode]) for mode in MODES}
        ratio = s["no_index"]["median_ms"] / s["index"]["median_ms"]
        results["queries"][query] = {**facts[query], **s, "no_index_over_index": ratio}
        print(
            f"{query:<14} {len(query):>5} {facts[query]['matching_entries']:>7} "
            f"{s['index']['median_ms']:>8.1f}/{s['index']['p95_ms']:<8.1f} "
            f"{s['no_index']['median_ms']:>10.1f}/{s['no_index']['p95_ms']:<9.1f} {ratio:>5.1f} "
            f"{s['sqlite']['median_ms']:>9.1f}/{s['sqlite']['p95_ms']:<8.1f}"
        )
        print(f"{'':<14} plan: {facts[query]['plan_index']} | {facts[query]['plan_no_index']}")
    write_results("search", results)


if __name__ == "__main__":
    main()
