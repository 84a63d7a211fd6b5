"""The demo data set (デモデータ): ministries (master data) and candidates that tell a story.

Every demo candidate's summary ends with DEMO_MARK; loading is skipped when one exists, so the
set-up command can run any number of times. All writes go through the services, so the
history, change records and permissions are exercised exactly as users would.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from candidates import services
from candidates.lifecycle import Stage, path_to
from candidates.models import Candidate, MilestoneKind, Ministry, ProgressStatus
from core.demo import DEMO_ACCOUNTS
from core.models import User

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
    ("消防庁", "", "Fire and Disaster Management Agency"),
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
VIA = {Stage.CONSULTATION_REQUESTED: (Stage.JUDGED_NOT_PURSUED,)}

MEETINGS = ("第7回ワーキングチーム", "第8回ワーキングチーム", "連絡協議会", "第9回ワーキングチーム")

# name, ministry, co-ministries, area, fiscal years before the current one, target stage, summary
CANDIDATES = (
    (
        "土木施設に関する住民からの通報等システム",
        "国土交通省",
        (),
        "インフラ維持管理",
        2,
        Stage.REPORTED,
        "道路・河川等の損傷を住民がスマートフォンで通報する仕組み。実現可能性調査の結果、既存の民間サービスの"
        "共同調達など共通化以外の方法が妥当と判断された。",
    ),
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
        "消防庁",
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


def _load_candidates(today: dt.date, ministries: dict[str, Ministry]) -> None:
    secretariat = (
        User.objects.filter(groups__name="secretariat").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if secretariat is None:
        secretariat = User.objects.create(username="demo_loader", display_name="デモデータ投入")
        secretariat.is_superuser = True
        secretariat.save()
    current_fy = today.year if today.month >= 4 else today.year - 1
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
        start = dt.date(fiscal_year, 6, 1)
        span = max((today - start).days - 30, len(steps))
        for index, step in enumerate(steps):
            decided_on = start + dt.timedelta(days=span * (index + 1) // (len(steps) + 1))
            note = ""
            if step == Stage.CONSENT_OMITTED:
                note = (
                    "大規模災害への対応で緊急に整備する必要があり、協議会の同意を省略（事後報告）"
                )
            elif step == Stage.JUDGED_OTHER_METHOD:
                note = "民間の通報サービスが普及しており、都道府県単位の共同調達が妥当"
            services.candidate_transition(
                user=secretariat,
                candidate=candidate,
                to_stage=step,
                decided_on=decided_on,
                meeting_text=MEETINGS[index % len(MEETINGS)],
                note=note,
            )
        candidate.refresh_from_db()
        if candidate.is_decided or stage == Stage.POLICY_DRAFT:
            _schedule(candidate, today, secretariat)


def _schedule(candidate: Candidate, today: dt.date, secretariat: User) -> None:
    staff = _staff_for(candidate.lead_ministry, secretariat)
    start = dt.date(candidate.selected_fiscal_year + 1, 4, 1)
    kinds = [
        MilestoneKind.POLICY_DECISION,
        MilestoneKind.REQUIREMENTS,
        MilestoneKind.PROCUREMENT,
        MilestoneKind.DEVELOPMENT,
        MilestoneKind.PILOT,
        MilestoneKind.SERVICE_START,
    ]
    baselines = {kind: _months(start, index * 5) for index, kind in enumerate(kinds)}
    milestones = {
        kind: services.milestone_create(
            user=secretariat, candidate=candidate, kind=kind, baseline_date=baseline
        )
        for kind, baseline in baselines.items()
    }
    in_service = candidate.stage == Stage.IN_SERVICE
    for kind, milestone in milestones.items():
        if baselines[kind] <= today - dt.timedelta(days=20) and (
            in_service or kind != MilestoneKind.SERVICE_START
        ):
            if candidate.name in SLIPS and any(s[0] == kind for s in SLIPS[candidate.name]):
                continue
            milestone = services.milestone_update(
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
            actual_date=None,
            progress_note="",
            reason=reason,
            added_value=added,
        )
    if candidate.stage == Stage.IN_PROGRESS:
        stale = candidate.lead_ministry.name == "デジタル庁"
        as_of = today - dt.timedelta(days=150 if stale else 20)
        slipped = candidate.name in SLIPS
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
