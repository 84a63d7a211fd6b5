"""Benchmark 1: server time and query count of the candidate list and the dashboard, against
the Django admin changelist of the same model and filters, and against the framework's floor.

    python -m bench.pages [--requests 200]     (environment: bench/run.py)

Requests go through Django's test client (the whole middleware stack, a logged-in superuser,
DEBUG off), interleaved: each round requests every page once, in a rotating order, so a noisy
neighbour slows all pages alike and the ratios hold. Query counts are then taken on the full
data set and again with only 100 candidates (the others deleted inside a transaction that is
rolled back).
"""

from __future__ import annotations

import argparse
import re
import time

from bench.common import bench_user, only_first_candidates, setup, stats, write_results

FILTERED = "fiscal_year=2025&stage=in_progress"
ADMIN_FILTERED = "selected_fiscal_year=2025&stage__exact=in_progress"
PAGES = [
    ("floor", "/floor/", "floor: fixed string, same middleware"),
    ("list", f"/candidates/?{FILTERED}", "candidate list, filtered (FY2025, 推進中)"),
    (
        "admin",
        f"/bench-admin/candidates/candidate/?{ADMIN_FILTERED}",
        "admin changelist, same filters",
    ),
    ("list_all", "/candidates/", "candidate list, no filter (page 1 of 1,000)"),
    ("admin_all", "/bench-admin/candidates/candidate/", "admin changelist, no filter"),
    ("dashboard", "/candidates/dashboard/", "dashboard (cached: any view but the first)"),
    ("dashboard_fresh", "/candidates/dashboard/", "dashboard, first view after a change"),
    ("search", "/meetings/search/?q=%E6%A8%99%E6%BA%96%E5%8C%96", "search page, 標準化"),
]
ROW = {
    "list": re.compile(r'<td><a href="/candidates/\d+/">'),
    "admin": re.compile(r'name="_selected_action"'),
}


def get(client, key: str, url: str):
    """The page as a user gets it; for the fresh dashboard the cache is emptied first (a
    dictionary cleared inside the timing), as the first view after any change computes it."""
    if key == "dashboard_fresh":
        from django.core.cache import cache

        cache.clear()
    return client.get(url, secure=True)


def rows_on(key: str, body: str) -> int | None:
    kind = "admin" if key.startswith("admin") else "list" if key.startswith("list") else None
    return len(ROW[kind].findall(body)) if kind else None


def query_counts(client, pages) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for key, url, _label in pages:
        with CaptureQueriesContext(connection) as captured:
            response = get(client, key, url)
        assert response.status_code == 200, (url, response.status_code)
        counts[key] = len(captured)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    setup()
    from django.test import Client

    from candidates.models import Candidate

    client = Client()
    client.force_login(bench_user())
    info = {}
    for key, url, label in PAGES:
        response = get(client, key, url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        info[key] = {"url": url, "label": label, "bytes": len(body), "rows": rows_on(key, body)}
        for _ in range(args.warmup - 1):
            get(client, key, url)

    samples: dict[str, list[float]] = {key: [] for key, _u, _l in PAGES}
    started = time.perf_counter()
    for round_number in range(args.requests):
        shift = round_number % len(PAGES)
        for key, url, _label in PAGES[shift:] + PAGES[:shift]:
            t0 = time.perf_counter()
            response = get(client, key, url)
            samples[key].append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
    wall = time.perf_counter() - started

    full = query_counts(client, PAGES)
    total = Candidate.objects.count()
    with only_first_candidates(100):
        small = query_counts(client, PAGES)
        small_rows = {}
        for key, url, _label in PAGES:
            small_rows[key] = rows_on(key, get(client, key, url).content.decode())

    results = {"requests": args.requests, "wall_seconds": wall, "candidates": total, "pages": {}}
    floor = stats(samples["floor"])["median_ms"]
    admin = stats(samples["admin"])["median_ms"]
    print(
        f"{'page':<48} {'median ms':>9} {'p95 ms':>8} {'×floor':>7} {'×admin':>7} "
        f"{'rows':>5} {'queries':>7} {'@100 cand.':>10}"
    )
    for key, _url, label in PAGES:
        s = stats(samples[key])
        row = {
            **info[key],
            **s,
            "queries": full[key],
            "queries_100": small[key],
            "rows_100": small_rows[key],
            "x_floor": s["median_ms"] / floor,
            "x_admin": s["median_ms"] / admin,
        }
        results["pages"][key] = row
        print(
            f"{label:<48} {s['median_ms']:>9.1f} {s['p95_ms']:>8.1f} {row['x_floor']:>7.1f} "
            f"{row['x_admin']:>7.2f} {info[key]['rows'] if info[key]['rows'] is not None else '':>5} "
            f"{full[key]:>7} {small[key]:>10}"
        )
    print(f"({args.requests} interleaved rounds in {wall:.0f} s; @100 cand.: same page with 100)")
    write_results("pages", results)


if __name__ == "__main__":
    main()
