"""Benchmark 2: Japanese search over the 100,000 minutes entries, with and without the search
indexes, with and without planner statistics, and on SQLite for reference.

    python -m bench.search [--repeat 40]     (environment: bench/run.py)

Times hearings.search.search() — every query the search page makes (entries, agenda items,
meetings, candidates) — for queries of 1, 2, 3 and 6 characters, a two-word query, and a
two-character query found in no entry (nothing lets a scan stop early). Four ways, interleaved
in one process:
- index: PostgreSQL as migrated (GIN indexes over search_grams(search_text), hearings 0005),
  statistics fresh from ANALYZE;
- no statistics: the same, in a transaction that first deletes the search tables' statistics
  (as after a restore or a bulk load, before autovacuum) and is rolled back afterwards;
- no index: in a transaction that drops the search indexes first and is rolled back (so each
  query is planned without them: a sequential scan, the speed of a search with no index), and
  without the search's first look at the newest meetings (RECENT_MEETINGS = 0);
- SQLite: a SQLite copy of the same data set (same generator and seeds), as in development;
- entries, index and entries, sequential scan: what the targets of issue 21 compare, the
  search's query of the entries alone (its newest 200 hits with their meetings): as the
  search makes it (the newest meetings first, then the GIN index), and as one sequential scan
  of every entry testing the words (the same query with index and bitmap scans, parallel
  workers and JIT off). The search without its index is not a sequential scan: walking the
  meetings by date it stops once 200 hits are found, which for a frequent word is early.

It also records how PostgreSQL reads the entries (the entries query's EXPLAIN) after each of
several ANALYZE runs and with no statistics, the indexes' sizes, and what the index costs an
import: 500 entries inserted with and without it.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time

from bench.common import setup, stats, timed, write_results
from bench.spec import QUERY_TERMS, SEARCH_QUERIES

MODES = (
    "index",
    "no_stats",
    "no_index",
    "entries_index",
    "entries_no_stats",
    "seq_scan",
    "sqlite",
)
# One plain read of the whole entries table, in one process (the settings last until the
# rolled-back transaction ends).
SEQ_SCAN_SETTINGS = [
    "SET LOCAL enable_indexscan = off",
    "SET LOCAL enable_bitmapscan = off",
    "SET LOCAL max_parallel_workers_per_gather = 0",
    "SET LOCAL jit = off",
]
SEARCH_TABLES = (
    "hearings_minutesentry",
    "hearings_agendaitem",
    "hearings_meeting",
    "hearings_attendee",
    "candidates_candidate",
)
ANALYZE_RUNS = 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction

    from bench.routing import using_database
    from core import planner_stats
    from core.text_search import words
    from hearings import search as hearings_search
    from hearings.models import Meeting, MinutesEntry
    from hearings.search import search

    search_indexes = importlib.import_module("hearings.migrations.0005_search_grams")

    def rolled_back(prepare_sql: list[str], fn):
        with transaction.atomic():
            with connection.cursor() as cursor:
                for sql in prepare_sql:
                    cursor.execute(sql)
            result = fn()
            transaction.set_rollback(True)
        return result

    def scan_search(query: str):
        """The search as a sequential scan does it: no GIN index (dropped by the caller) and
        no first look at the newest meetings (which is itself an index's help)."""
        recent, hearings_search.RECENT_MEETINGS = hearings_search.RECENT_MEETINGS, 0
        try:
            return search(query=query)
        finally:
            hearings_search.RECENT_MEETINGS = recent

    def entries_query(query: str) -> list:
        """The search's query of the entries, as search() makes it."""
        found = words(hearings_search.normalise_query(query))
        filters = hearings_search.SearchFilters()
        short = max(map(len, found)) <= hearings_search.SHORT_WORD
        recent = hearings_search._recent_meetings(filters) if short else []
        with planner_stats.index_plans():
            return hearings_search._newest_entries(found, filters, recent)

    def entries_scan(query: str) -> list:
        """The same query as one sequential scan of the entries (the caller's settings)."""
        found = words(hearings_search.normalise_query(query))
        filters = hearings_search.SearchFilters()
        return list(hearings_search._entries(found, filters, by_index=False)[:200])

    drop_indexes = [f"DROP INDEX {name}" for name, _table in search_indexes.INDEXES]
    tables = ", ".join(f"'{table}'::regclass" for table in SEARCH_TABLES)
    forget_statistics = [f"DELETE FROM pg_statistic WHERE starelid IN ({tables})"]  # noqa: S608

    def once(mode: str, query: str):
        if mode == "index":
            return timed(search, query=query)
        if mode == "no_stats":
            # Deleting the statistics invalidates the planner's cached catalog entries: the
            # first search after it pays for reloading them (30 ms, whatever the query), which
            # a server left without statistics does not. Timed: the second search.
            return rolled_back(
                forget_statistics,
                lambda: (search(query=query), timed(search, query=query))[1],
            )
        if mode == "no_index":
            return rolled_back(drop_indexes, lambda: timed(scan_search, query=query))
        if mode == "entries_index":
            return timed(entries_query, query)
        if mode == "entries_no_stats":
            return rolled_back(
                forget_statistics,
                lambda: (entries_query(query), timed(entries_query, query))[1],
            )
        if mode == "seq_scan":
            return rolled_back(SEQ_SCAN_SETTINGS, lambda: timed(entries_scan, query))
        with using_database("sqlite_ref"):
            return timed(search, query=query)

    def entry_plan(query: str) -> str:
        """How the search's entries query reads the entries table (its scan node of EXPLAIN)."""
        queryset = (
            MinutesEntry.objects.filter(search_text__contains_words=words(query))
            .select_related("meeting")
            .order_by("-meeting__date", "position")[:200]
        )
        with planner_stats.index_plans():
            plan = queryset.explain()
        # The node that reads the entries table: a bitmap index scan names its index, a
        # sequential or index scan the table.
        scans = [
            line.strip().lstrip("-> ").split("  (")[0]
            for line in plan.splitlines()
            if ("Bitmap Index Scan" in line and ("_entry_" in line or "minutesentry" in line))
            or ("Scan" in line and "on hearings_minutesentry" in line and "Bitmap" not in line)
        ]
        return scans[0] if scans else "?"

    def matching(query: str) -> int:
        return MinutesEntry.objects.filter(search_text__contains_words=words(query)).count()

    queries = list(SEARCH_QUERIES)
    facts = {}
    for query in queries:
        with using_database("sqlite_ref"):
            sqlite_matches = matching(query)
        plans_analysed = []
        for _run in range(ANALYZE_RUNS):
            planner_stats.analyze(*_models(SEARCH_TABLES))
            plans_analysed.append(entry_plan(query))
        facts[query] = {
            "chars": len(query),
            "share": QUERY_TERMS.get(query, 0.0),
            "matching_entries": matching(query),
            "matching_entries_sqlite": sqlite_matches,
            "hits": {mode: len(once(mode, query)[1]) for mode in MODES},  # also a warm-up
            "plan_index": plans_analysed[0],
            "plans_after_analyze": plans_analysed,
            "plan_no_stats": rolled_back(forget_statistics, lambda q=query: entry_plan(q)),
            "plan_no_index": rolled_back(drop_indexes, lambda q=query: entry_plan(q)),
        }

    samples: dict[tuple[str, str], list[float]] = {(q, m): [] for q in queries for m in MODES}
    for repetition in range(args.repeat):
        for query in queries:
            shift = repetition % len(MODES)
            for mode in MODES[shift:] + MODES[:shift]:
                seconds, _hits = once(mode, query)
                samples[query, mode].append(seconds)

    print(
        f"{'query':<14} {'chars':>5} {'entries':>7} {'index ms':>9} {'no stats ms':>12} "
        f"{'no index ms':>12} {'entries ms':>10} {'no stats':>8} {'scan ms':>8} {'÷':>5} "
        f"{'÷nostat':>7} {'SQLite ms':>10}"
    )
    results = {
        "repeat": args.repeat,
        "entries": MinutesEntry.objects.count(),
        "queries": {},
        "indexes": _index_sizes(connection, search_indexes.INDEXES),
        "insert": _insert_cost(connection, transaction, Meeting, MinutesEntry, drop_indexes),
    }
    for query in queries:
        s = {mode: stats(samples[query, mode]) for mode in MODES}
        ratio = s["no_index"]["median_ms"] / s["index"]["median_ms"]
        scan_ratio = s["seq_scan"]["median_ms"] / s["entries_index"]["median_ms"]
        scan_ratio_no_stats = s["seq_scan"]["median_ms"] / s["entries_no_stats"]["median_ms"]
        results["queries"][query] = {
            **facts[query],
            **s,
            "no_index_over_index": ratio,
            "seq_scan_over_index": scan_ratio,
            "seq_scan_over_no_stats": scan_ratio_no_stats,
        }
        print(
            f"{query:<14} {len(query):>5} {facts[query]['matching_entries']:>7} "
            f"{s['index']['median_ms']:>9.1f} {s['no_stats']['median_ms']:>12.1f} "
            f"{s['no_index']['median_ms']:>12.1f} {s['entries_index']['median_ms']:>10.1f} "
            f"{s['entries_no_stats']['median_ms']:>8.1f} {s['seq_scan']['median_ms']:>8.1f} "
            f"{scan_ratio:>5.1f} {scan_ratio_no_stats:>7.1f} {s['sqlite']['median_ms']:>10.1f}"
        )
        print(
            f"{'':<14} plans: {' | '.join(facts[query]['plans_after_analyze'])} | no stats: "
            f"{facts[query]['plan_no_stats']} | no index: {facts[query]['plan_no_index']}"
        )
    print(f"indexes: {results['indexes']}")
    print(f"insert of 500 entries: {results['insert']}")
    write_results("search", results)


def _models(tables):
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.db_table in tables]


def _index_sizes(connection, indexes) -> dict:
    with connection.cursor() as cursor:
        sizes = {}
        for name, table in indexes:
            cursor.execute(
                "SELECT pg_relation_size(%s::regclass), pg_relation_size(%s::regclass)",
                [name, table],
            )
            index_bytes, table_bytes = cursor.fetchone()
            sizes[name] = {"index_mb": index_bytes / 2**20, "table_mb": table_bytes / 2**20}
    return sizes


def _insert_cost(connection, transaction, Meeting, MinutesEntry, drop_indexes, rounds=5) -> dict:
    """Milliseconds to insert 500 entries (bulk_create, as an import's save) with and without
    the search indexes, each in a transaction rolled back; interleaved, medians."""
    import datetime as dt

    text = MinutesEntry.objects.order_by("pk").values_list("text", flat=True)[:500]
    texts = list(text)

    def insert(without_index: bool) -> float:
        with transaction.atomic():
            if without_index:
                with connection.cursor() as cursor:
                    for sql in drop_indexes:
                        cursor.execute(sql)
            meeting = Meeting.objects.create(kind="wt", title="bench", date=dt.date(2026, 1, 1))
            started = time.perf_counter()
            MinutesEntry.objects.bulk_create(
                MinutesEntry(meeting=meeting, kind="remark", text=t, position=n)
                for n, t in enumerate(texts)
            )
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds

    with_index, without = [], []
    for _round in range(rounds):
        with_index.append(insert(False))
        without.append(insert(True))
    with_ms = statistics.median(with_index) * 1000
    without_ms = statistics.median(without) * 1000
    return {
        "entries": len(texts),
        "with_index_ms": with_ms,
        "without_index_ms": without_ms,
        "index_ms_per_entry": (with_ms - without_ms) / len(texts),
    }


if __name__ == "__main__":
    main()
