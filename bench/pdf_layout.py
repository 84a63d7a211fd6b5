"""Experiment (not part of `make bench`): which parts of the council PDF cost WeasyPrint its time.

    python -m bench.pdf_layout [--candidates 100]     (environment: bench/run.py's)

Renders the report HTML of the first N candidates of the benchmark database once as it is and
once each with one part taken out (the slip table, the timelines, the table of contents' lines
per candidate), interleaved, and prints WeasyPrint's seconds and pages for each. The HTML is
cut with regular expressions on the rendered report, so nothing in the product changes; the
differences say where a simpler layout would pay.
"""

from __future__ import annotations

import argparse
import re
import time

from bench.common import only_first_candidates, setup, write_results

VARIANTS = {
    "as is": [],
    "without the slip table": [(r'<table class="slips">.*?</table>', "")],
    "without the timelines": [(r'<figure class="timeline">.*?</figure>', "")],
    "without the per-candidate TOC lines": [(r'<li><a href="#c\d+">.*?</a></li>', "")],
    "without all three": [
        (r'<table class="slips">.*?</table>', ""),
        (r'<figure class="timeline">.*?</figure>', ""),
        (r'<li><a href="#c\d+">.*?</a></li>', ""),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    setup()
    import datetime as dt

    from bench.spec import TODAY
    from candidates import reports
    from candidates.report_pdf import render_pdf, report_html

    with only_first_candidates(args.candidates):
        report = reports.report_request(user=None, as_of=min(TODAY, dt.date.today()), queue=False)
        html = report_html(report)
    variants = {}
    for name, cuts in VARIANTS.items():
        text = html
        for pattern, replacement in cuts:
            text, count = re.subn(pattern, replacement, text, flags=re.DOTALL)
            assert count, (name, pattern)
        variants[name] = text
    results: dict[str, dict] = {name: {"seconds": []} for name in variants}
    for _ in range(args.repeat):
        for name, text in variants.items():
            started = time.perf_counter()
            rendered = render_pdf(text)
            results[name]["seconds"].append(time.perf_counter() - started)
            results[name]["pages"] = rendered.page_count
    base = min(results["as is"]["seconds"])
    print(f"{'HTML':<40} {'WeasyPrint s':>12} {'share of as-is':>15} {'pages':>6}")
    for name, row in results.items():
        seconds = min(row["seconds"])
        row["best_seconds"] = seconds
        print(f"{name:<40} {seconds:>12.2f} {100 * seconds / base:>14.0f}% {row['pages']:>6}")
    write_results("pdf_layout", {"candidates": args.candidates, "variants": results})


if __name__ == "__main__":
    main()
