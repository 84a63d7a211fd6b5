"""Benchmark 5: parsing and previewing a 200 KB minutes text (議事要旨の取込).

    python -m bench.minutes_import [--repeat 10]     (environment: bench/run.py)

Two texts of 200 KB (UTF-8), in the two long formats: a transcript (the header of the real
準備会合 minutes, then ○speaker speeches) and a WT minutes (agenda items with bullet remarks),
their sentences from bench/datagen.py. Times, interleaved: parse_minutes() alone,
record_from_parse() (the preview record's initial values, with its master-data look-ups), and the whole
preview request (POST to the import page, which renders the editor with one form per entry).
"""

from __future__ import annotations

import argparse
import random
from typing import Any

from bench.common import ROOT, bench_user, setup, stats, timed, write_results

TARGET_BYTES = 200_000
SAMPLE = ROOT / "hearings" / "demo_minutes" / "prep01_2024-04-05.txt"


def transcript_text(rng: random.Random) -> str:
    from bench.datagen import SENTENCES, SURNAMES

    header = SAMPLE.read_text().split("（概要）")[0] + "（概要）\n\n"
    parts = [header]
    size = len(header.encode())
    while size < TARGET_BYTES:
        speech = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 12)))
        line = f"○**{rng.choice(SURNAMES)}構成員** {speech}\n\n"
        parts.append(line)
        size += len(line.encode())
    return "".join(parts)


def wt_text(rng: random.Random) -> str:
    from bench.datagen import AGENDA_TITLES, SENTENCES

    header = (
        "国・地方デジタル共通基盤推進連絡協議会ワーキングチーム（第99回）\n\n議事要旨\n\n"
        "1. 日 時 令和8年2月4日（水）14:30～15:15\n\n2. 場 所 オンライン開催\n\n"
        "3. 出席者\n\n池田 博之\t山口県総合企画部長\n伊藤 正樹\t愛知県一宮市総務部長\n\n"
        "4. 議事概要\n\n"
    )
    parts = [header]
    size = len(header.encode())
    number = 0
    while size < TARGET_BYTES:
        number += 1
        remarks = "".join(
            "- ・ " + "".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6))) + "\n"
            for _ in range(20)
        )
        block = (
            f"({number}) {AGENDA_TITLES[number % len(AGENDA_TITLES)]}\n\n"
            f"事務局から、資料{number}に基づき説明し、（案）のとおり進めていくこととなった。\n\n"
            f"<ワーキングチーム・メンバーからの主な発言>\n\n{remarks}\n"
        )
        parts.append(block)
        size += len(block.encode())
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup()
    from django.test import Client

    from hearings.minutes_import import record_from_parse
    from hearings.minutes_parser import parse_minutes

    rng = random.Random(5)
    texts = {"transcript": transcript_text(rng), "wt": wt_text(rng)}
    client = Client()
    client.force_login(bench_user())

    def preview(text: str):
        response = client.post("/meetings/import/", {"text": text}, secure=True)
        assert response.status_code == 200, response.status_code
        return response

    facts: dict[str, dict[str, Any]] = {}
    for name, text in texts.items():
        parsed = parse_minutes(text)
        body = preview(text).content
        facts[name] = {
            "bytes": len(text.encode()),
            "chars": len(text),
            "format": parsed.format,
            "entries": len(parsed.entries),
            "agenda_items": len(parsed.agenda_items),
            "unplaced": len(parsed.unplaced),
            "preview_html_kb": len(body) / 1e3,
        }
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for name, text in texts.items():
            seconds, parsed = timed(parse_minutes, text)
            samples.setdefault((name, "parse"), []).append(seconds)
            seconds, _ = timed(record_from_parse, parsed, text)
            samples.setdefault((name, "initial"), []).append(seconds)
            seconds, _ = timed(preview, text)
            samples.setdefault((name, "request"), []).append(seconds)

    results = {"repeat": args.repeat, "texts": {}}
    print(
        f"{'text':<11} {'KB':>4} {'format':<10} {'entries':>7} {'parse ms':>9} "
        f"{'initial ms':>10} {'preview request ms (med/p95)':>29} {'HTML KB':>8}"
    )
    for name in texts:
        s = {step: stats(samples[name, step]) for step in ("parse", "initial", "request")}
        results["texts"][name] = {**facts[name], **s}
        f = facts[name]
        print(
            f"{name:<11} {f['bytes'] / 1000:>4.0f} {f['format']:<10} {f['entries']:>7} "
            f"{s['parse']['median_ms']:>9.1f} {s['initial']['median_ms']:>10.1f} "
            f"{s['request']['median_ms']:>14.1f}/{s['request']['p95_ms']:<14.1f} "
            f"{f['preview_html_kb']:>8.0f}"
        )
    write_results("minutes_import", results)


if __name__ == "__main__":
    main()
