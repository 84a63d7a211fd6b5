"""Demo consultations (デモデータ): real local governments and associations answering invented
questions, with the secretariat's responses.

Two consultations, dated from the day the demo is loaded:
- the draft list of three demo candidates, through prefectures, closed: answers on time and
  one late, one corrected after submission, responses to single opinions and to a group, and
  the demo hearing of 全国町村会 attached (its remarks shown with the opinions);
- the promotion-policy draft of 学校給食費管理システム, open: a few answers, none yet from 呉市
  or 全国市長会 (the demo logins that answer it in the browser journeys).

Answers go through services.answer_write with the day they were given, so every rule
(complete submissions, late marking, versions) holds as it does on screen. All rows are marked
is_demo and their texts are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from candidates.demo import DEMO_MARK
from candidates.models import Candidate
from consultations import services
from consultations.models import Consultation, Opinion, Position, ResponseKind, Route, SubjectKind
from consultations.services import Addressees, OpinionValues
from core.models import User
from hearings.models import Meeting, MeetingKind
from municipalities.models import Association, LocalGovernment

DRAFT_LIST = ("選挙人名簿管理システム", "農地台帳システム", "環境影響評価手続システム")
POLICY = "学校給食費管理システム"
FREE_QUESTION = "その他、共通化の進め方についての意見"

A, C, X, N = Position.AGREE, Position.CONDITIONAL, Position.OPPOSE, Position.NO_OPINION


@dataclass(frozen=True)
class DemoAnswer:
    """One respondent's answer: a body's code or an association's slug, the day it came in
    (days after opening), a position per candidate, and (section, text) per question."""

    respondent: str
    day: int
    positions: tuple[str, ...]
    texts: dict[int, tuple[str, str]]


DRAFT_LIST_ANSWERS = (
    DemoAnswer(
        "340006",
        5,
        (A, A, A),
        {4: ("", "県内市町の共同調達を県が調整できるよう、早期に仕様を示してほしい。")},
    ),
    DemoAnswer(
        "011002",
        9,
        (C, A, N),
        {1: ("機能要件", "指定都市の区役所単位の名簿管理に対応した機能を確保すること。")},
    ),
    DemoAnswer(
        "221309",
        12,
        (X, A, A),
        {
            1: (
                "移行時期",
                "令和6年度に独自システムを更新したばかりであり、移行時期を柔軟に設定してほしい。",
            )
        },
    ),
    DemoAnswer(
        "401005",
        14,
        (C, C, A),
        {
            1: ("移行時期", "現行システムの更新時期に合わせた移行を認めること。"),
            2: ("", "農業委員会の業務との連携機能を標準で備えること。"),
        },
    ),
    DemoAnswer("232033", 20, (A, N, X), {3: ("", "独自に構築した審査支援機能を維持したい。")}),
    DemoAnswer(
        "013951",
        25,
        (A, A, N),
        {4: ("費用負担", "小規模団体の費用負担が過大とならないよう配慮してほしい。")},
    ),
    DemoAnswer(
        "governors",
        28,
        (A, A, A),
        {4: ("", "都道府県による共同調達を選択肢として明記してほしい。")},
    ),
    DemoAnswer(
        "designated-cities", 29, (C, A, A), {1: ("", "指定都市の行政区の業務に対応すること。")}
    ),
    # After the deadline (day 30): accepted and marked late.
    DemoAnswer("401307", 33, (A, A, C), {3: ("", "手続の電子化と合わせて進めること。")}),
)
# 浜松市 corrects its answer after submitting it: both versions are kept.
CORRECTION = DemoAnswer(
    "221309",
    15,
    (C, A, A),
    {
        1: (
            "移行時期",
            "令和6年度に独自システムを更新したため、令和11年度以降の移行を認めてほしい。",
        )
    },
)

POLICY_ANSWERS = (
    DemoAnswer("011002", 2, (A,), {2: ("スケジュール", "令和9年度当初からの利用開始を希望する。")}),
    DemoAnswer(
        "towns-villages", 4, (C,), {1: ("費用", "町村の負担が現行より増えないことを条件とする。")}
    ),
    DemoAnswer("440001", 5, (A,), {}),
)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _loader() -> User:
    user = (
        User.objects.filter(groups__name="secretariat").order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        user = User.objects.create(
            username="demo_loader", display_name="デモデータ投入", is_superuser=True
        )
    return user


def _write(user: User, consultation: Consultation, demo: DemoAnswer, version=None) -> None:
    questions = list(consultation.questions.order_by("number"))
    opinions = {}
    for question in questions:
        section, text = demo.texts.get(question.number, ("", ""))
        position = demo.positions[question.number - 1] if question.asks_position else ""
        opinions[question.pk] = OpinionValues(position=position, section=section, text=text)
    respondent: dict = (
        {"local_government": LocalGovernment.objects.get(code=demo.respondent)}
        if demo.respondent.isdigit()
        else {"association": Association.objects.get(slug=demo.respondent)}
    )
    services.answer_write(
        user=user,
        consultation=consultation,
        opinions=opinions,
        submit=True,
        version=version,
        now=_at(consultation.opens_on + dt.timedelta(days=demo.day)),
        is_demo=True,
        **respondent,
    )


def _respond(user, consultation, pairs, kind, text) -> None:
    """Respond to the opinions of (respondent, question number) pairs at once."""
    ids = [
        opinion.pk
        for opinion in Opinion.objects.filter(answer__consultation=consultation).select_related(
            "answer__local_government", "answer__association", "question"
        )
        if (
            opinion.answer.local_government.code
            if opinion.answer.local_government
            else opinion.answer.association.slug,  # type: ignore[union-attr]
            opinion.question.number,
        )
        in pairs
    ]
    services.response_record(
        user=user, consultation=consultation, opinion_ids=ids, kind=kind, text=text
    )


@transaction.atomic
def demo_consultations_load(*, today: dt.date | None = None) -> int:
    """Load the demo consultations once (skipped when any exists); returns how many demo
    consultations exist afterwards."""
    if Consultation.objects.filter(is_demo=True).exists():
        return Consultation.objects.filter(is_demo=True).count()
    today = today or timezone.localdate()
    user = _loader()
    demo = Candidate.objects.filter(summary__endswith=DEMO_MARK)
    by_name = {c.name: c for c in demo.filter(name__in=(*DRAFT_LIST, POLICY))}
    associations = {a.slug: a for a in Association.objects.all()}
    if all(name in by_name for name in DRAFT_LIST):
        _draft_list(user, [by_name[name] for name in DRAFT_LIST], associations, today)
    if POLICY in by_name:
        _policy(user, by_name[POLICY], associations, today)
    return Consultation.objects.filter(is_demo=True).count()


def _draft_list(user, candidates, associations, today) -> None:
    opens_on = today - dt.timedelta(days=75)
    consultation = services.consultation_create(
        user=user,
        title="共通化の対象候補案に関する意見照会",
        subject_kind=SubjectKind.DRAFT_LIST,
        candidates=candidates,
        description="対象候補案について、各団体の意見を求めます。" + DEMO_MARK,
        free_questions=[FREE_QUESTION],
        opens_on=opens_on,
        deadline=opens_on + dt.timedelta(days=30),
        route=Route.PREFECTURE,
        addressees=Addressees(
            all_local_governments=True,
            associations=[associations[s] for s in ("governors", "mayors", "towns-villages")]
            + [associations[s] for s in ("designated-cities", "core-cities")],
        ),
        is_demo=True,
    )
    for answer in DRAFT_LIST_ANSWERS:
        _write(user, consultation, answer)
    version = consultation.answers.get(local_government__code=CORRECTION.respondent).version
    _write(user, consultation, CORRECTION, version=version)
    _respond(
        user,
        consultation,
        {("221309", 1), ("401005", 1)},
        ResponseKind.CONSIDER,
        "現行システムの更新時期を踏まえた移行期間の設定を、推進方針の策定の中で検討します。",
    )
    _respond(
        user,
        consultation,
        {("governors", 4), ("340006", 4)},
        ResponseKind.REFLECT,
        "都道府県による共同調達を選択肢として推進方針に明記します。",
    )
    _respond(
        user,
        consultation,
        {("232033", 3)},
        ResponseKind.NOT_REFLECT,
        "共通化の効果を確保するため、独自機能は標準機能への集約を基本とします。",
    )
    _respond(
        user,
        consultation,
        {("013951", 4)},
        ResponseKind.CONSIDER,
        "団体規模に応じた費用負担の在り方を検討します。",
    )
    _attach_hearing(user, consultation)
    services.consultation_close(user=user, consultation=consultation, version=None)
    Consultation.objects.filter(pk=consultation.pk).update(
        closed_at=_at(opens_on + dt.timedelta(days=45))
    )


def _attach_hearing(user, consultation) -> None:
    """The demo's association hearing (the fictional 全国町村会 minutes, loaded by
    hearings.demo before the consultations) beside the opinions, when the association was
    asked; without demo meetings there is nothing to attach."""
    hearing = (
        Meeting.objects.filter(
            kind=MeetingKind.HEARING,
            association__in=consultation.to_associations.all(),
        )
        .order_by("date", "pk")
        .first()
    )
    if hearing is not None:
        services.consultation_hearing_link(
            user=user, consultation=consultation, meeting=hearing, attach=True
        )


def _policy(user, candidate, associations, today) -> None:
    opens_on = today - dt.timedelta(days=7)
    consultation = services.consultation_create(
        user=user,
        title=f"{candidate.name}の共通化推進方針案に関する意見照会",
        subject_kind=SubjectKind.POLICY_DRAFT,
        candidates=[candidate],
        description="推進方針案（スケジュールを含む）について意見を求めます。" + DEMO_MARK,
        free_questions=["スケジュール（令和9年度からの段階的な利用開始）についての意見"],
        opens_on=opens_on,
        deadline=today + dt.timedelta(days=21),
        route=Route.PREFECTURE,
        addressees=Addressees(
            all_local_governments=True,
            associations=[associations[s] for s in ("governors", "mayors", "towns-villages")],
        ),
        is_demo=True,
    )
    for answer in POLICY_ANSWERS:
        _write(user, consultation, answer)
