"""Before and after the optimisations, side by side in one process.

    python -m bench.before_after [--rounds 30] [--ref 75d6383]     (environment: bench/run.py)

Loads candidates/selectors.py and hearings/search.py as they were at BEFORE_REF (read with
`git show`, nothing in the checkout changes) and, for the "before" requests only, puts their
functions in place of today's. Each round requests every page once with the old code and once
with today's, and the admin changelist as the fixed reference, so both sides see the same
machine. If the old code cannot be read or no longer runs against today's models, this prints
why and writes no results; the two full runs (bench/baseline.json and docs/benchmarks.md)
still compare.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import subprocess
import sys
import time
import types

from bench.common import ROOT, bench_user, setup, stats, timed, write_results
from bench.pages import ADMIN_FILTERED, FILTERED
from bench.spec import SEARCH_QUERIES

BEFORE_REF = "75d6383"  # the last commit before the optimisations of docs/benchmarks.md
# Today's function -> the old function put in its place (None: leave the argument as it is).
SWAPPED: dict[str, dict[str, str | None]] = {
    "candidates.selectors": {
        # The old list read candidate_list() and picked each next milestone from its prefetch.
        "candidate_rows": "candidate_list",
        "with_next_milestone": None,
        "candidate_list": "candidate_list",
        "dashboard": "dashboard",
        "slip_rows": "slip_rows",
    },
    "hearings.search": {"search": "search"},
}
PAGES = [
    ("list", f"/candidates/?{FILTERED}", "candidate list, filtered"),
    ("list_all", "/candidates/", "candidate list, no filter"),
    ("dashboard", "/candidates/dashboard/", "dashboard"),
    ("search", "/meetings/search/?q=%E6%A8%99%E6%BA%96%E5%8C%96", "search page, 標準化"),
]
ADMIN = f"/bench-admin/candidates/candidate/?{ADMIN_FILTERED}"


def old_module(ref: str, name: str) -> types.ModuleType:
    path = name.replace(".", "/") + ".py"
    source = subprocess.run(
        ["git", "show", f"{ref}:{path}"],  # noqa: S607 - git from PATH, read-only
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(f"bench_before_{name.replace('.', '_')}")
    module.__file__ = f"{ref}:{path}"
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own history
    return module


@contextlib.contextmanager
def before(old: dict[str, types.ModuleType]):
    """Today's modules with the old functions in place (views look them up at call time)."""
    saved = []
    for name, functions in SWAPPED.items():
        current = sys.modules[name]
        for function, old_function in functions.items():
            saved.append((current, function, getattr(current, function)))
            replacement = getattr(old[name], old_function) if old_function else lambda x: x
            setattr(current, function, replacement)
    try:
        yield
    finally:
        for module, function, value in saved:
            setattr(module, function, value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--ref", default=BEFORE_REF)
    args = parser.parse_args()
    setup()
    from django.core.cache.backends.dummy import DummyCache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import candidates.cache
    import candidates.selectors  # noqa: F401 - registered in sys.modules for the swap

    # Both sides compute the dashboard on every request (the old code had no cache, and caching
    # the old dashboard would add pickling its 12,000 slip rows to its time).
    candidates.cache.cache = DummyCache("bench", {})
    import hearings.search  # noqa: F401
    from hearings.search import search as search_today

    try:
        old = {name: old_module(args.ref, name) for name in SWAPPED}
    except Exception as exc:  # noqa: BLE001 - no git, a shallow clone, code that no longer loads
        print(f"before/after skipped: the code at {args.ref} cannot be loaded ({exc!r})")
        return
    client = Client()
    client.force_login(bench_user())

    def get(url):
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        return response

    queries = {}
    try:
        for side in ("before", "after"):
            with before(old) if side == "before" else contextlib.nullcontext():
                for key, url, _label in PAGES:
                    get(url)
                    with CaptureQueriesContext(connection) as captured:
                        get(url)
                    queries[key, side] = len(captured)
    except Exception as exc:  # noqa: BLE001 - old code against new models: report, do not fail
        print(f"before/after skipped: the code at {args.ref} no longer runs ({exc!r})")
        return

    samples: dict[tuple[str, str], list[float]] = {}
    for round_number in range(args.rounds):
        sides = ("before", "after") if round_number % 2 == 0 else ("after", "before")
        gc.collect()
        samples.setdefault(("admin", "-"), []).append(timed(get, ADMIN)[0])
        for key, url, _label in PAGES:
            for side in sides:
                # The old dashboard leaves 12,000 rows of garbage: collect it, untimed, so
                # neither side pays for the other's.
                gc.collect()
                with before(old) if side == "before" else contextlib.nullcontext():
                    samples.setdefault((key, side), []).append(timed(get, url)[0])
        for query in SEARCH_QUERIES:
            for side in sides:
                function = old["hearings.search"].search if side == "before" else search_today
                gc.collect()
                t0 = time.perf_counter()
                function(query=query)
                samples.setdefault((f"search() {query}", side), []).append(time.perf_counter() - t0)

    admin = stats(samples["admin", "-"])["median_ms"]
    rows = {}
    print(f"before = {args.ref}; {args.rounds} interleaved rounds; admin changelist {admin:.1f} ms")
    print(
        f"{'':<34} {'before med/p95 ms':>18} {'after med/p95 ms':>17} {'speed-up':>8} "
        f"{'×admin before/after':>20} {'queries':>8}"
    )
    labels = [(key, label) for key, _url, label in PAGES] + [
        (f"search() {q}", f"search() {q}") for q in SEARCH_QUERIES
    ]
    for key, label in labels:
        b, a = stats(samples[key, "before"]), stats(samples[key, "after"])
        row = {
            "label": label,
            "before": b,
            "after": a,
            "speedup": b["median_ms"] / a["median_ms"],
            "queries_before": queries.get((key, "before")),
            "queries_after": queries.get((key, "after")),
        }
        rows[key] = row
        q = (
            f"{row['queries_before']}→{row['queries_after']}"
            if row["queries_before"] is not None
            else ""
        )
        print(
            f"{label:<34} {b['median_ms']:>9.1f}/{b['p95_ms']:<8.1f} "
            f"{a['median_ms']:>8.1f}/{a['p95_ms']:<8.1f} {row['speedup']:>7.1f}× "
            f"{b['median_ms'] / admin:>9.2f}/{a['median_ms'] / admin:<10.2f} {q:>8}"
        )
    write_results(
        "before_after",
        {"ref": args.ref, "rounds": args.rounds, "admin_median_ms": admin, "rows": rows},
    )


if __name__ == "__main__":
    main()
