"""Benchmark: the results of a consultation asked of all 1,788 bodies on 30 candidates.

    python -m bench.consultation_results [--requests 30]

Targets (issue 17): the results page (list, filters, filtered export) ≤ 100 ms median, the
whole 意見照会結果 table as .xlsx ≤ 5 s. Runs on the bench database (its master data and
candidates); everything it writes is rolled back. In one transaction it writes a consultation
through prefectures asked of every local government, with one question per candidate (the
first 30 by id), answers from about 93% of the 1,788 bodies (1,660 answers, 49,800 opinions:
positions spread by a hash, a text on the conditional and opposing ones and on every fifth
other, 5% of them late) and 200 responses covering every opposing opinion; then measures,
through Django's test client (whole middleware stack, a logged-in superuser, DEBUG off),
after an ANALYZE (as autovacuum would run), interleaved rounds of the results page unfiltered (page 1 and a deep page), filtered four
ways and exported filtered, and then the whole table as .xlsx. Query counts are taken too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics

from bench.common import bench_user, setup, stats, timed, write_results

QUESTIONS = 30
PAGE_TARGET_MS = 100.0
XLSX_TARGET_S = 5.0
POSITIONS = ("agree",) * 6 + ("conditional", "conditional", "oppose", "no_opinion")


class _Rollback(Exception):
    pass


def generate(user) -> dict:
    """The consultation and its answers, in bulk (inside the caller's transaction)."""
    from django.utils import timezone

    from candidates.models import Candidate
    from consultations.models import (
        Answer,
        Consultation,
        Opinion,
        Question,
        QuestionKind,
        Response,
        Route,
        SubjectKind,
        opinion_sort_key,
    )
    from municipalities.models import LocalGovernment

    today = timezone.localdate()
    candidates = list(Candidate.objects.order_by("pk")[:QUESTIONS])
    consultation = Consultation.objects.create(
        title="ベンチマーク用 意見照会（全団体・30候補）",
        subject_kind=SubjectKind.DRAFT_LIST,
        opens_on=today - dt.timedelta(days=40),
        deadline=today - dt.timedelta(days=10),
        route=Route.PREFECTURE,
        to_all_local_governments=True,
        created_by=user,
    )
    consultation.candidates.set(candidates)
    questions = Question.objects.bulk_create(
        Question(consultation=consultation, number=n, kind=QuestionKind.CANDIDATE, candidate=c)
        for n, c in enumerate(candidates, start=1)
    )
    bodies = list(LocalGovernment.objects.exclude(kind="ward").order_by("code"))
    now = timezone.now()
    answers = Answer.objects.bulk_create(
        Answer(
            consultation=consultation,
            local_government=body,
            submitted_at=now,
            first_submitted_at=now,
            draft_saved_at=now,
            is_late=index % 20 == 0,
            submitted_by=user,
        )
        for index, body in enumerate(bodies)
        if index % 14 != 0
    )
    opinions = []
    for answer in answers:
        for question in questions:
            position = POSITIONS[(answer.pk * 31 + question.pk * 17) % len(POSITIONS)]
            needs_text = position in ("conditional", "oppose") or (answer.pk + question.pk) % 5 == 0
            opinions.append(
                Opinion(
                    answer=answer,
                    question=question,
                    consultation=consultation,
                    sort_key=opinion_sort_key(question.number, answer),
                    position=position,
                    section="第3章 機能要件" if needs_text else "",
                    text=f"標準仕様書の{question.number}番目の要件について、移行時期と経費の支援を"
                    "明確にしてほしい。"
                    if needs_text
                    else "",
                )
            )
    Opinion.objects.bulk_create(opinions, batch_size=5000)
    opposing = list(
        Opinion.objects.filter(answer__consultation=consultation, position="oppose")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            kind=("reflect", "consider", "not_reflect")[n % 3],
            text="標準仕様書の改定で対応を検討します。",
            responded_by=user,
        )
        for n in range(200)
    )
    for n, response in enumerate(responses):
        Opinion.objects.filter(pk__in=opposing[n::200]).update(response=response)
    return {
        "bodies": len(bodies),
        "answers": len(answers),
        "opinions": len(opinions),
        "opposing": len(opposing),
        "consultation": consultation,
    }


def measure(requests: int) -> dict:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    result: dict = {}
    try:
        with transaction.atomic():
            user = bench_user()
            made_s, made = timed(generate, user)
            if connection.vendor == "postgresql":
                # As autovacuum would after such a load: without statistics the planner takes
                # the new tables for empty ones and picks nested loops over 50,000 rows.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "ANALYZE consultations_answer, consultations_opinion, "
                        "consultations_response, consultations_question"
                    )
            consultation = made.pop("consultation")
            result["data"] = {**made, "generate_s": made_s}
            client = Client()
            client.force_login(user)
            page = reverse("consultations:opinions", args=[consultation.pk])
            deep = made["opinions"] // 50 // 2
            cases = {
                "list (page 1)": (page, {}),
                f"list (page {deep})": (page, {"page": deep}),
                "filter: one question": (page, {"question": 7}),
                "filter: opposing, not yet answered": (
                    page,
                    {"position": "oppose", "response": "none"},
                ),
                "filter: one prefecture": (page, {"prefecture": "13"}),
                "filter: words": (page, {"q": "12番目"}),
                "export: one question, one prefecture (.xlsx)": (
                    page,
                    {"question": 7, "prefecture": "34", "format": "xlsx"},
                ),
            }
            samples: dict[str, list[float]] = {name: [] for name in cases}
            queries: dict[str, int] = {}
            for name, (url, params) in cases.items():  # warm up, and count the queries
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url, params, secure=True)
                assert response.status_code == 200, (name, response.status_code)
                queries[name] = len(captured)
            for _ in range(requests):
                for name, (url, params) in cases.items():
                    seconds, response = timed(client.get, url, params, secure=True)
                    samples[name].append(seconds)
            result["pages"] = {
                name: {
                    **stats(samples[name]),
                    "queries": queries[name],
                    "target_ms": PAGE_TARGET_MS,
                }
                for name in cases
            }
            xlsx = reverse("consultations:results", args=[consultation.pk])
            times = []
            for _ in range(3):
                seconds, response = timed(client.get, xlsx, secure=True)
                assert response.status_code == 200
                times.append(seconds)
            result["xlsx"] = {
                "rows": made["opinions"],
                "median_s": statistics.median(times),
                "max_s": max(times),
                "bytes": len(response.content),
                "target_s": XLSX_TARGET_S,
            }
            raise _Rollback
    except _Rollback:
        pass
    result["requests"] = requests
    result["database"] = connection.vendor
    return result


def report_lines(result: dict) -> list[str]:
    data = result["data"]
    lines = [
        f"consultation results: {data['bodies']:,} bodies asked, {data['answers']:,} answers, "
        f"{data['opinions']:,} opinions (generated in {data['generate_s']:.1f} s), "
        f"{result['database']}, {result['requests']} rounds"
    ]
    for name, p in result["pages"].items():
        verdict = "ok" if p["median_ms"] <= p["target_ms"] else "OVER TARGET"
        lines.append(
            f"  {name:<46} median {p['median_ms']:7.1f} ms  p95 {p['p95_ms']:7.1f} ms  "
            f"queries {p['queries']:3d}  {verdict}"
        )
    x = result["xlsx"]
    verdict = "ok" if x["median_s"] <= x["target_s"] else "OVER TARGET"
    lines.append(
        f"  whole table .xlsx ({x['rows']:,} rows, {x['bytes'] / 1e6:.1f} MB)  median "
        f"{x['median_s']:.2f} s  max {x['max_s']:.2f} s  target ≤ {x['target_s']:.0f} s  {verdict}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    setup()
    result = measure(args.requests)
    print("\n".join(report_lines(result)))
    write_results("consultation_results", result)


if __name__ == "__main__":
    main()
