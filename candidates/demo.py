"""The demo data set (デモデータ): ministries (master data) and candidates that tell a story.

Every demo candidate's summary ends with DEMO_MARK; loading is skipped when one exists, so the
set-up command can run any number of times. All writes go through the services, so the
history, change records and permissions are exercised exactly as users would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from candidates import services
from candidates.lifecycle import Stage, path_to
from candidates.models import Candidate, MilestoneKind, Ministry, ProgressStatus
from core import wareki
from core.demo import DEMO_ACCOUNTS
from core.models import User
from core.stated_dates import Precision

DEMO_MARK = "（デモデータ）"

MINISTRIES: tuple[tuple[str, str, str], ...] = (
    ("内閣官房", "", "Cabinet Secretariat"),
    ("内閣府", "", "Cabinet Office"),
    ("警察庁", "", "National Police Agency"),
    ("金融庁", "", "Financial Services Agency"),
    ("こども家庭庁", "", "Children and Families Agency"),
    ("デジタル庁", "", "Digital Agency"),
    ("総務省", "", "Ministry of Internal Affairs and Communications"),
    ("総務省", "自治行政局", "MIC Local Administration Bureau"),
    # 消防庁 is a bureau (外局) of 総務省: pages name it 総務省消防庁.
    ("総務省", "消防庁", "Fire and Disaster Management Agency"),
    ("法務省", "", "Ministry of Justice"),
    ("外務省", "", "Ministry of Foreign Affairs"),
    ("財務省", "", "Ministry of Finance"),
    ("文部科学省", "", "Ministry of Education, Culture, Sports, Science and Technology"),
    ("厚生労働省", "", "Ministry of Health, Labour and Welfare"),
    ("農林水産省", "", "Ministry of Agriculture, Forestry and Fisheries"),
    ("経済産業省", "", "Ministry of Economy, Trade and Industry"),
    ("国土交通省", "", "Ministry of Land, Infrastructure, Transport and Tourism"),
    ("環境省", "", "Ministry of the Environment"),
)

# The demo's one consultation request follows 見送り; every other candidate walks the usual way.
VIA: dict[str, tuple[str, ...]] = {Stage.CONSULTATION_REQUESTED: (Stage.JUDGED_NOT_PURSUED,)}

# Invented decisions name the kind of meeting that makes them, never a number: the real WT and
# council meetings have numbers and dates on the public record, and an invented 「第8回」 on a
# day of our choosing would contradict it. The real candidate's decisions carry their own.
MEETING_OF_STAGE: dict[str, str] = {
    Stage.INTERIM: "中間報告会",
    Stage.JUDGED_PROCEED: "ワーキングチーム",
    Stage.JUDGED_CONDITIONAL: "ワーキングチーム",
    Stage.JUDGED_OTHER_METHOD: "ワーキングチーム",
    Stage.JUDGED_NOT_PURSUED: "ワーキングチーム",
    Stage.CONSENTED: "連絡協議会",
    Stage.REPORTED: "連絡協議会",
    Stage.CONSULTATION_REQUESTED: "連絡協議会",
}
NOTE_OF_STAGE: dict[str, str] = {
    Stage.CONSENT_OMITTED: (
        "大規模災害への対応で緊急に整備する必要があり、協議会の同意を省略（事後報告）"
    ),
    Stage.JUDGED_OTHER_METHOD: "既存の民間サービスが普及しており、複数団体による共同調達が妥当",
    Stage.JUDGED_NOT_PURSUED: "対象業務の団体間の差異が大きく、共通化の効果が見込めない",
}


@dataclass(frozen=True)
class RealDecision:
    """A decision on the public record: its date and meeting do not depend on the load day."""

    to_stage: str
    decided_on: dt.date
    meeting_text: str
    note: str


@dataclass(frozen=True)
class RealCandidate:
    name: str
    lead: str
    business_area: str
    selected_fiscal_year: int
    summary: str
    decisions: tuple[RealDecision, ...]


# The title the minutes importer gives the WT's 9th meeting (demo_minutes/wt09_2026-02-04.txt);
# hearings/demo.py links the decisions naming it to the imported meeting.
WT9_TITLE = "国・地方デジタル共通基盤推進連絡協議会ワーキングチーム（第9回）"
WT9_DATE = dt.date(2026, 2, 4)

# 共通化候補（令和7年度選定分）, from the WT's 9th meeting (議事要旨, 令和8年2月4日) and the
# interim report meeting its minutes cite (令和7年12月22日).
ROAD_REPORTS = RealCandidate(
    name="土木施設に関する住民からの通報等システム",
    lead="国土交通省",
    business_area="インフラ維持管理",
    selected_fiscal_year=2025,
    summary=(
        "道路・公園の損傷箇所などを住民が通報する仕組み。My City Report をはじめとする住民通報"
        "アプリが既に導入されている状況を踏まえ、第9回ワーキングチーム（令和8年2月4日）で、"
        "「共通化以外の方法の検討が妥当とされたもの」として検討結果を連絡協議会に報告する事務局の"
        "方針のとおり進めることとなった。他の方法として、民間アプリの導入や、都道府県に限らず"
        "複数自治体による共同調達などが挙げられた。"
    ),
    decisions=(
        RealDecision(
            Stage.FEASIBILITY,
            # Not on the public record we hold: the first day of the year of selection stands
            # in for it, and the note says so.
            dt.date(2025, 4, 1),
            "",
            "国土交通省による実現可能性調査（開始日は公表資料で未確認のため、選定年度の初日を"
            "仮に置いている）",
        ),
        RealDecision(
            Stage.INTERIM,
            dt.date(2025, 12, 22),
            "中間報告会（土木施設に関する住民からの通報等システム）",
            "国土交通省が実現可能性調査の結果を説明",
        ),
        RealDecision(
            Stage.JUDGED_OTHER_METHOD,
            WT9_DATE,
            WT9_TITLE,
            "事務局の対応案（「共通化以外の方法の検討が妥当とされたもの」として検討結果を連絡協議会"
            "に報告する）のとおり進めることとなった。国土交通省は、民間アプリの導入や都道府県に"
            "限らず複数自治体による共同調達などの事例について情報提供し、推進策の検討を深める。",
        ),
    ),
)
REAL_CANDIDATES = (ROAD_REPORTS,)

# Invented candidates: name, ministry, co-ministries, area, fiscal years before the current one,
# target stage, summary. Their dates follow the day the demo is loaded, so that something is
# always due; each is consistent in itself (tests/candidates/test_demo.py checks them with
# candidates/consistency.py).
CANDIDATES = (
    (
        "公営住宅管理システム",
        "国土交通省",
        (),
        "住宅",
        2,
        Stage.IN_PROGRESS,
        "入居者募集・家賃計算・修繕管理を行う公営住宅の管理システム。",
    ),
    (
        "道路占用許可システム",
        "国土交通省",
        (),
        "道路",
        1,
        Stage.CONSENTED,
        "道路占用の申請受付から許可、占用料の算定までを扱うシステム。",
    ),
    (
        "介護認定審査会支援システム",
        "厚生労働省",
        (),
        "介護",
        2,
        Stage.IN_PROGRESS,
        "要介護認定の審査会資料の作成・共有と審査結果の管理を行うシステム。",
    ),
    (
        "予防接種事務システム",
        "厚生労働省",
        ("デジタル庁",),
        "保健",
        2,
        Stage.IN_SERVICE,
        "予防接種の対象者管理、予診票、接種記録の管理を行うシステム。",
    ),
    (
        "障害福祉サービス支給決定システム",
        "厚生労働省",
        (),
        "障害福祉",
        1,
        Stage.JUDGED_CONDITIONAL,
        "障害福祉サービスの申請受付と支給決定を行うシステム。",
    ),
    (
        "消防指令システム",
        "総務省消防庁",
        (),
        "消防",
        2,
        Stage.CONSENT_OMITTED,
        "119番通報の受付と出動指令を行うシステム。",
    ),
    (
        "学校給食費管理システム",
        "文部科学省",
        (),
        "教育",
        1,
        Stage.POLICY_DRAFT,
        "学校給食費の徴収・管理を公会計化するためのシステム。",
    ),
    (
        "児童相談所業務システム",
        "こども家庭庁",
        (),
        "児童福祉",
        1,
        Stage.INTERIM,
        "児童相談所の相談受付、記録、関係機関との情報共有を行うシステム。",
    ),
    (
        "農地台帳システム",
        "農林水産省",
        (),
        "農業",
        0,
        Stage.FEASIBILITY,
        "農地の権利関係・利用状況を管理する台帳システム。",
    ),
    (
        "公金収納システム",
        "デジタル庁",
        ("総務省",),
        "収納",
        2,
        Stage.IN_PROGRESS,
        "地方税以外の公金をeLTAXを通じて収納する仕組み。",
    ),
    (
        "選挙人名簿管理システム",
        "総務省",
        (),
        "選挙",
        0,
        Stage.SELECTED,
        "選挙人名簿の調製と投票所入場券の発行を行うシステム。",
    ),
    (
        "犯罪被害者等支援システム",
        "警察庁",
        (),
        "安全",
        1,
        Stage.CONSULTATION_REQUESTED,
        "犯罪被害者等への支援の相談・記録を行うシステム。",
    ),
    (
        "環境影響評価手続システム",
        "環境省",
        (),
        "環境",
        0,
        Stage.FEASIBILITY,
        "環境影響評価の届出と縦覧手続を行うシステム。",
    ),
    (
        "鳥獣被害対策実施記録システム",
        "農林水産省",
        (),
        "鳥獣被害対策",
        1,
        Stage.REPORTED,
        "有害鳥獣の捕獲実績と被害状況を記録・集計するシステム。",
    ),
)

# candidate name -> [(kind, index of change to make)] slips as (milestone kind, months later, reason, added value)
SLIPS = {
    "公営住宅管理システム": [
        (
            MilestoneKind.REQUIREMENTS,
            3,
            "標準仕様書の改定（令和8年度版）に合わせるため要件定義を延長",
            "家賃減免のオンライン申請に対応",
        ),
        (MilestoneKind.PROCUREMENT, 2, "要件定義の延長に伴う後ろ倒し", ""),
    ],
    "介護認定審査会支援システム": [
        (
            MilestoneKind.DEVELOPMENT,
            4,
            "審査会のオンライン開催機能を追加するため",
            "審査会委員の移動負担の解消、ペーパーレス化",
        ),
    ],
    "公金収納システム": [
        (
            MilestoneKind.PILOT,
            2,
            "参加団体の追加募集に応じたため",
            "実証団体が12団体から30団体に拡大",
        ),
    ],
}


def ministries_ensure() -> dict[str, Ministry]:
    """Create the responsible ministries (master data) if missing; keyed by name (+ bureau)."""
    found = {}
    for order, (name, bureau, name_en) in enumerate(MINISTRIES):
        ministry, _created = Ministry.objects.get_or_create(
            name=name, bureau=bureau, defaults={"name_en": name_en, "display_order": order}
        )
        found[name + bureau] = ministry
    return found


def _months(date: dt.date, months: int) -> dt.date:
    month = date.month - 1 + months
    year = date.year + month // 12
    return dt.date(year, month % 12 + 1, min(date.day, 28))


@transaction.atomic
def demo_data_load(*, today: dt.date | None = None) -> dict[str, int]:
    """Load the demo candidates once; returns what exists afterwards."""
    today = today or timezone.localdate()
    ministries = ministries_ensure()
    for account in DEMO_ACCOUNTS:
        if account.ministry:
            User.objects.filter(username=account.username).update(
                ministry=ministries[account.ministry]
            )
    if not Candidate.objects.filter(summary__endswith=DEMO_MARK).exists():
        _load_candidates(today, ministries)
    demo = Candidate.objects.filter(summary__endswith=DEMO_MARK)
    return {"candidates": demo.count(), "ministries": Ministry.objects.count()}


def _staff_for(ministry: Ministry, secretariat: User) -> User:
    return (
        User.objects.filter(ministry=ministry, groups__name="ministry_staff").first() or secretariat
    )


def _loader() -> User:
    found = (
        User.objects.filter(groups__name="secretariat").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if found is None:
        found = User.objects.create(username="demo_loader", display_name="デモデータ投入")
        found.is_superuser = True
        found.save()
    return found


def _load_candidates(today: dt.date, ministries: dict[str, Ministry]) -> None:
    secretariat = _loader()
    for real in REAL_CANDIDATES:
        _load_real(real, today, ministries, secretariat)
    current_fy = wareki.fiscal_year_of(today)
    for name, lead, co, area, years_back, stage, summary in CANDIDATES:
        fiscal_year = current_fy - years_back
        candidate = services.candidate_create(
            user=secretariat,
            name=name,
            selected_fiscal_year=fiscal_year,
            lead_ministry=ministries[lead],
            co_ministries=[ministries[m] for m in co],
            business_area=area,
            summary=summary + DEMO_MARK,
        )
        steps = path_to(stage, via=VIA.get(stage, ()))
        decided = dict(zip(steps, _decision_dates(fiscal_year, len(steps), today), strict=True))
        for step, decided_on in decided.items():
            services.candidate_transition(
                user=secretariat,
                candidate=candidate,
                to_stage=step,
                decided_on=decided_on,
                meeting_text=MEETING_OF_STAGE.get(step, ""),
                note=NOTE_OF_STAGE.get(step, ""),
            )
        candidate.refresh_from_db()
        if candidate.is_decided or stage == Stage.POLICY_DRAFT:
            _schedule(candidate, today, secretariat, decided)


def _decision_dates(fiscal_year: int, count: int, today: dt.date) -> list[dt.date]:
    """`count` dates spread from June of the year of selection to a month before today, never
    before the year began nor after today (the services refuse both)."""
    year_start = wareki.fiscal_year_bounds(fiscal_year)[0]
    start = max(year_start, min(dt.date(fiscal_year, 6, 1), today - dt.timedelta(days=60)))
    end = min(today, max(start + dt.timedelta(days=count), today - dt.timedelta(days=30)))
    span = (end - start).days
    return [start + dt.timedelta(days=span * (i + 1) // (count + 1)) for i in range(count)]


def _load_real(
    real: RealCandidate, today: dt.date, ministries: dict[str, Ministry], secretariat: User
) -> None:
    """A candidate on the public record, with its decisions on their real dates (those not yet
    made on `today` are left out, as the services refuse future dates)."""
    candidate = services.candidate_create(
        user=secretariat,
        name=real.name,
        selected_fiscal_year=real.selected_fiscal_year,
        lead_ministry=ministries[real.lead],
        co_ministries=[],
        business_area=real.business_area,
        summary=real.summary + DEMO_MARK,
    )
    for decision in real.decisions:
        if decision.decided_on > today:
            break
        services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=decision.to_stage,
            decided_on=decision.decided_on,
            meeting_text=decision.meeting_text,
            note=decision.note,
        )


SCHEDULE_KINDS = (
    MilestoneKind.POLICY_DECISION,
    MilestoneKind.REQUIREMENTS,
    MilestoneKind.PROCUREMENT,
    MilestoneKind.DEVELOPMENT,
    MilestoneKind.PILOT,
    MilestoneKind.SERVICE_START,
)
# How far along its schedule each stage may be: a policy is decided (推進方針決定) on consent,
# the work runs while 推進中, and 供用開始 is reached only in service.
REACHABLE: dict[str, tuple[str, ...]] = {
    Stage.POLICY_DRAFT: (),
    Stage.CONSENTED: SCHEDULE_KINDS[:1],
    Stage.CONSENT_OMITTED: SCHEDULE_KINDS[:1],
    Stage.IN_PROGRESS: SCHEDULE_KINDS[:-1],
    Stage.IN_SERVICE: SCHEDULE_KINDS,
}


STATED_BY_FISCAL_YEAR = frozenset({"道路占用許可システム", "介護認定審査会支援システム"})


def _schedule(
    candidate: Candidate, today: dt.date, secretariat: User, decided: dict[str, dt.date]
) -> None:
    """The promotion policy's schedule, anchored on the consent: 推進方針決定 on that day, the
    other steps five months apart (or, in service, evenly up to the day it went into service).
    Steps are reached in order while due, and a slipped step holds back the ones after it."""
    staff = _staff_for(candidate.lead_ministry, secretariat)
    consent = decided.get(Stage.CONSENTED) or decided.get(Stage.CONSENT_OMITTED)
    in_service = decided.get(Stage.IN_SERVICE)
    baselines: dict[str, dt.date]
    if consent is None:  # a policy still in draft, to be decided in about two months
        baselines = {
            kind: _months(today + dt.timedelta(days=60), i * 5)
            for i, kind in enumerate(SCHEDULE_KINDS)
        }
    elif in_service is not None:
        days = (in_service - consent).days
        last = len(SCHEDULE_KINDS) - 1
        baselines = {
            kind: consent + dt.timedelta(days=days * i // last)
            for i, kind in enumerate(SCHEDULE_KINDS)
        }
    else:
        baselines = {kind: _months(consent, i * 5) for i, kind in enumerate(SCHEDULE_KINDS)}
        baselines[MilestoneKind.POLICY_DECISION] = consent
    # Officials state a service start still ahead by its fiscal year (令和9年度中), as the WT 9
    # minutes do; it is stored as that year's last day (core/stated_dates.py). Two candidates
    # show it; the others keep days, which the browser journeys edit.
    milestones = {
        kind: services.milestone_create(
            user=secretariat,
            candidate=candidate,
            kind=kind,
            baseline_date=baseline,
            baseline_precision=Precision.FISCAL_YEAR
            if kind == MilestoneKind.SERVICE_START
            and in_service is None
            and candidate.name in STATED_BY_FISCAL_YEAR
            else Precision.DAY,
        )
        for kind, baseline in baselines.items()
    }
    slipped = {kind for kind, *_rest in SLIPS.get(candidate.name, [])}
    for kind in REACHABLE[candidate.stage]:
        reached_by = milestones[kind].baseline_date
        assert reached_by is not None  # every demo milestone is created with a baseline
        if kind in slipped or reached_by > today - dt.timedelta(days=20):
            break
        milestone = milestones[kind]
        services.milestone_update(
            user=staff,
            milestone=milestone,
            version=milestone.version,
            planned_date=milestone.planned_date,
            actual_date=milestone.baseline_date,
            progress_note="完了",
        )
    for kind, months, reason, added in SLIPS.get(candidate.name, []):
        milestone = milestones[kind]
        milestone.refresh_from_db()
        assert milestone.planned_date is not None  # created with a baseline, so planned too
        services.milestone_update(
            user=staff,
            milestone=milestone,
            version=milestone.version,
            planned_date=_months(milestone.planned_date, months),
            planned_precision=milestone.planned_precision,
            actual_date=None,
            progress_note="",
            reason=reason,
            added_value=added,
        )
    if candidate.stage == Stage.IN_PROGRESS:
        stale = candidate.lead_ministry.name == "デジタル庁"
        as_of = today - dt.timedelta(days=150 if stale else 20)
        services.progress_update_create(
            user=staff,
            candidate=candidate,
            as_of=as_of,
            status=ProgressStatus.AT_RISK if slipped else ProgressStatus.ON_TRACK,
            cost_note="当初見込みの範囲内" if not slipped else "要件追加により約5%増の見込み",
            function_note="標準仕様書に準拠",
            schedule_note="一部工程に遅れ" if slipped else "計画どおり",
            next_steps="参加団体向け説明会の開催",
        )
