"""Demo selection rounds and proposals (デモデータ), dated from the day the demo is loaded.

- the round of the current fiscal year, decided in writing (書面) after the draft-list
  consultation of consultations/demo.py closed: the three drafts consulted on were selected
  (they are demo candidates already at 候補選定, so their rows are written as decided, not
  moved again), one draft deferred and one not selected with its reason;
- the round of the next fiscal year, open: the deferred draft carried over, and 呉市's
  proposal as a new draft;
- a proposal in each triage state: 呉市's (a draft in the next round), 全国市長会's (merged into
  選挙人名簿管理システム), 指定都市市長会's real 提言 of 2021-05-24 (answered without a draft:
  it is about standardisation, 標準化, not sharing) and 中核市市長会's (not yet triaged).

All rows are marked is_demo (a proposal's text also ends with DEMO_MARK); texts other than the
指定都市市長会's 提言 are invented.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from candidates.demo import DEMO_MARK, _loader
from candidates.models import Candidate, Ministry
from consultations.demo import DRAFT_LIST
from core import wareki
from core.models import User
from municipalities.models import Association, LocalGovernment
from selection import services
from selection.models import (
    DecisionMethod,
    Outcome,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    RoundDraft,
    SelectionRound,
)

TEIGEN = Path(__file__).parent / "demo_proposals" / "shiteitoshi_teigen_2021.txt"
TEIGEN_TITLE = "自治体情報システムの標準化・共通化に関する指定都市市長会提言"

# (name, lead ministry, outcome, reason, effect, feasibility)
OTHER_DRAFTS = (
    (
        "屋外広告物許可システム",
        "国土交通省",
        Outcome.DEFERRED,
        "条例による許可基準の差異を調査した上で、次年度に改めて検討する。",
        "申請の電子化により事業者と団体双方の事務の効率化が見込まれる。",
        "許可基準が条例ごとに異なり、共通の機能の範囲の整理が必要。",
    ),
    (
        "公民館予約システム",
        "文部科学省",
        Outcome.NOT_SELECTED,
        "民間の予約サービスが広く普及しており、共通化以外の方法（既存サービスの利用）で足りる。",
        "一定の効果は見込まれるが、既に多くの団体が民間サービスを利用している。",
        "技術的には可能。",
    ),
)
SELECTED_ASSESSMENT = (
    "全団体で同じ事務を行っており、共通化による費用の削減が見込まれる。",
    "法令で事務の内容が定まっており、団体間の差異は小さい。",
)


# A numbered item (「１ 」, 「２．」) or 記 starts a paragraph of the 提言.
PARAGRAPH_START = re.compile(r"^(?:[０-９0-9]+[．.\s]|記$|以上$)")


def unwrap_pdf_lines(text: str) -> str:
    """The 提言 as paragraphs: the sample is pasted from a PDF, one printed line a line with blank
    lines between (DOMAIN.md). A line joins the one before unless that one ended a sentence or
    was a short heading or signature line, or this one starts a numbered item. The raw text is
    kept as the proposal's attachment."""
    paragraphs: list[str] = []
    previous = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        starts = (
            len(paragraphs) < 2  # the title stands alone
            or previous.endswith(("。", "：", "）"))
            or len(previous) < 20
            or PARAGRAPH_START.match(line) is not None
        )
        if starts:
            paragraphs.append(line)
        else:
            paragraphs[-1] += line
        previous = line
    return "\n\n".join(paragraphs)


def _user(username: str, fallback: User) -> User:
    return User.objects.filter(username=username).first() or fallback


@transaction.atomic
def demo_selection_load(*, today: dt.date | None = None) -> int:
    """Load the demo rounds and proposals once (skipped when a demo round exists); returns how
    many demo proposals exist afterwards."""
    if SelectionRound.objects.filter(is_demo=True).exists():
        return Proposal.objects.filter(is_demo=True).count()
    today = today or timezone.localdate()
    secretariat = _loader()
    ministries = {m.name: m for m in Ministry.objects.filter(bureau="")}
    if not all(name in ministries for name in ("国土交通省", "文部科学省")):
        return 0
    fiscal_year = wareki.fiscal_year_of(today)
    current = _decided_round(secretariat, fiscal_year, ministries, today)
    following = services.round_create(
        user=secretariat,
        fiscal_year=fiscal_year + 1,
        note="次年度の候補案の検討（提案・要望を含む）。" + DEMO_MARK,
        is_demo=True,
    )
    deferred = current.drafts.get(outcome=Outcome.DEFERRED).candidate
    services.round_draft_add(user=secretariat, selection_round=following, candidate=deferred)
    _proposals(secretariat, following, ministries, today)
    return Proposal.objects.filter(is_demo=True).count()


def _decided_round(secretariat, fiscal_year, ministries, today) -> SelectionRound:
    selection_round = services.round_create(
        user=secretariat,
        fiscal_year=fiscal_year,
        note="意見照会の結果を踏まえて選定。" + DEMO_MARK,
        is_demo=True,
    )
    consulted = Candidate.objects.filter(name__in=DRAFT_LIST, summary__endswith=DEMO_MARK)
    for position, candidate in enumerate(consulted.order_by("name"), start=1):
        RoundDraft.objects.create(
            round=selection_round,
            candidate=candidate,
            position=position,
            effect_assessment=SELECTED_ASSESSMENT[0],
            feasibility_assessment=SELECTED_ASSESSMENT[1],
            outcome=Outcome.SELECTED,
        )
    for name, ministry, outcome, reason, effect, feasibility in OTHER_DRAFTS:
        draft = services.round_draft_add(
            user=secretariat,
            selection_round=selection_round,
            name=name,
            lead_ministry=ministries[ministry],
            summary=effect + DEMO_MARK,
        )
        services.round_draft_assess(
            user=secretariat,
            draft=draft,
            version=None,
            effect_assessment=effect,
            feasibility_assessment=feasibility,
            outcome=outcome,
            outcome_reason=reason,
        )
    # The selected drafts are already at 候補選定: record the decision on the round only.
    start = wareki.fiscal_year_bounds(fiscal_year)[0]
    SelectionRound.objects.filter(pk=selection_round.pk).update(
        decision_method=DecisionMethod.WRITTEN,
        decided_on=max(start, today - dt.timedelta(days=20)),
        decision_reason="意見照会の結果を踏まえ、日程の都合により書面で決定した。" + DEMO_MARK,
        decided_by=secretariat,
    )
    selection_round.refresh_from_db()
    return selection_round


def _proposal(user, proposer, *, title, concerns, text, submitted_on) -> Proposal:
    body = (
        {"local_government": proposer}
        if isinstance(proposer, LocalGovernment)
        else {"association": proposer}
    )
    proposal = Proposal(
        title=title,
        concerns=concerns,
        text=text + "\n" + DEMO_MARK,
        submitted_by=user,
        submitted_on=submitted_on,
        is_demo=True,
        **body,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _proposals(secretariat, following, ministries, today) -> None:
    associations = {a.slug: a for a in Association.objects.all()}
    kure = LocalGovernment.objects.get(code="342025")
    kure_staff = _user("municipality_kure", secretariat)
    mayors_staff = _user("association_shichokai", secretariat)

    drafted = _proposal(
        kure_staff,
        kure,
        title="住宅耐震化助成事務の共通化",
        concerns="住宅耐震化助成事務",
        text="住宅の耐震診断・改修の助成は全国の市町村が同じ流れで行っているが、"
        "それぞれ個別のシステムや表計算ソフトで管理している。申請から交付までを共通の"
        "システムで扱えるよう検討を求める。",
        submitted_on=today - dt.timedelta(days=40),
    )
    services.proposal_triage(
        user=secretariat,
        proposal=drafted,
        version=None,
        status=ProposalStatus.DRAFTED,
        selection_round=following,
        lead_ministry=ministries["国土交通省"],
        draft_name="住宅耐震化助成管理システム",
        answer=f"{following.title}の候補案として、効果の見込みと実現可能性を検討します。",
        triaged_on=today - dt.timedelta(days=25),
    )
    merged = _proposal(
        mayors_staff,
        associations["mayors"],
        title="選挙事務のシステムの共通化について",
        concerns="選挙人名簿管理・投票所入場券の発行",
        text="選挙のたびに各市が同じ改修を行っている。選挙人名簿の管理と入場券の発行の共通化を"
        "要望する。",
        submitted_on=today - dt.timedelta(days=120),
    )
    services.proposal_triage(
        user=secretariat,
        proposal=merged,
        version=None,
        status=ProposalStatus.MERGED,
        candidate=Candidate.objects.filter(name=DRAFT_LIST[0]).first(),
        answer="既に選定した候補「選挙人名簿管理システム」の検討に含めます。",
        triaged_on=today - dt.timedelta(days=100),
    )
    answered = _proposal(
        secretariat,
        associations["designated-cities"],
        title=TEIGEN_TITLE,
        concerns="自治体情報システムの標準化・共通化（17業務）",
        text=unwrap_pdf_lines(TEIGEN.read_text(encoding="utf-8")),
        submitted_on=dt.date(2021, 5, 24),
    )
    raw = TEIGEN.read_bytes()
    attachment = ProposalAttachment(proposal=answered, name=TEIGEN.name, size=len(raw))
    attachment.file.save(TEIGEN.name, ContentFile(raw), save=False)
    attachment.save()
    services.proposal_triage(
        user=secretariat,
        proposal=answered,
        version=None,
        status=ProposalStatus.ANSWERED,
        answer="標準化（基幹業務システムの標準準拠システムへの移行）に関する提言であり、"
        "共通化の候補案とはしません。提言の趣旨は関係府省と共有し、標準化の取組の中で対応します。",
        triaged_on=today - dt.timedelta(days=10),
    )
    _proposal(
        secretariat,
        associations["core-cities"],
        title="保健所業務のシステムの共通化について",
        concerns="保健所の感染症対応業務",
        text="中核市は保健所を設置しており、感染症発生時の業務を各市のシステムで行っている。"
        "都道府県・指定都市と共通のシステムの検討を要望する。",
        submitted_on=today - dt.timedelta(days=5),
    )
