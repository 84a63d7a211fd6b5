"""Synthetic data at scale for benchmarks and fault tests (never for users: names say 合成).

Rows are bulk-created, so no history rows are written: this measures reading, not writing.
Deterministic for a given seed, so two runs measure the same data.

`candidates()` makes candidates with their lifecycle, progress, milestones and slips;
`meetings()` makes meetings with attendees, agenda and minutes entries whose Japanese text is
built from domain phrases, with the search benchmark's query words (QUERY_TERMS) placed in a
controlled share of the entries; `dataset()` makes the whole benchmark data set (LARGE).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from bench.spec import LARGE, QUERY_TERMS, TODAY
from candidates.demo import MINISTRIES, VIA
from candidates.lifecycle import JUDGMENTS, Stage, path_to
from candidates.models import (
    Candidate,
    DateField,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    MilestoneKind,
    Ministry,
    ProgressStatus,
    ProgressUpdate,
)
from core.models import User

SYNTHETIC_MARK = "（合成データ）"
AREAS = ("福祉", "税務", "教育", "防災", "土木", "戸籍", "子育て", "介護", "環境", "産業")
SYSTEMS = ("申請管理", "台帳管理", "給付", "許認可", "通報受付", "予約", "審査支援", "統計")
STAGES = (
    Stage.SELECTED,
    Stage.FEASIBILITY,
    Stage.INTERIM,
    Stage.POLICY_DRAFT,
    Stage.CONSENTED,
    Stage.IN_PROGRESS,
    Stage.IN_PROGRESS,
    Stage.IN_PROGRESS,
    Stage.IN_SERVICE,
    Stage.REPORTED,
)
KINDS = (
    MilestoneKind.POLICY_DECISION,
    MilestoneKind.REQUIREMENTS,
    MilestoneKind.PROCUREMENT,
    MilestoneKind.DEVELOPMENT,
    MilestoneKind.PILOT,
    MilestoneKind.SERVICE_START,
)
REASONS = (
    "標準仕様書の改定に合わせて要件定義を延長するため",
    "参加団体の追加募集に応じ、実証の範囲を広げたため",
    "調達手続で入札不調があり、再公告を行ったため",
    "関係法令の改正を待って設計を確定させるため",
)

TERM_PHRASES = {
    "介護": ("介護保険の認定事務", "介護サービス事業所の指定", "介護報酬の請求"),
    "標準化": ("基幹業務システムの標準化", "標準化対象業務", "帳票の標準化"),
    "住民基本台帳": ("住民基本台帳の記載事項", "住民基本台帳ネットワークシステム"),
}
SENTENCES = (
    "共通化対象候補の実現可能性調査について説明があった。",
    "参加団体の追加募集に応じて実証の範囲を広げる方針である。",
    "費用、機能、スケジュールの観点を相互に確認しながら検討を進めたい。",
    "自治体の業務負担を軽減するため、手続の簡素化を併せて検討してほしい。",
    "国と地方の役割分担を明確にした上で、調達の進め方を整理する必要がある。",
    "スケジュールの後ろ倒しが生じる場合には、その理由と付加価値を説明いただきたい。",
    "小規模な団体でも利用できるよう、運用面の支援策を用意していただきたい。",
    "データ連携の仕様について、関係府省庁と早期に調整を行う。",
    "住民の利便性向上につながる取組として期待している。",
    "ガバメントクラウドへの移行状況を踏まえて判断する必要がある。",
    "現行システムの更改時期が団体ごとに異なる点に留意が必要である。",
    "要件定義の一部工程に遅れがあるが、全体の日程は維持する見込みである。",
    "都道府県としても国と連携し、円滑な共通システムの実現に向けて取り組む。",
    "事務局としては、各府省庁に対して進捗の報告を求めていきたい。",
    "意見照会の結果を取りまとめ、次回のワーキングチームで報告する。",
    "セキュリティ対策の水準について、統一的な考え方を示してほしい。",
    "移行経費の負担について、財政措置の見通しを早期に示していただきたい。",
    "現場の職員の声を丁寧に聞きながら進めてほしい。",
    "ご指摘の点については、持ち帰って検討させていただく。",
    "実証の結果を踏まえ、推進方針案を取りまとめる予定である。",
    "共同調達の事例について、積極的に情報提供をお願いしたい。",
    "様式の統一により、窓口での確認作業が減ることを期待する。",
)
SURNAMES = ("青木", "石田", "上野", "岡本", "川口", "木村", "小池", "佐野", "田村", "中西")
AGENDA_TITLES = (
    "共通化対象の進捗報告について",
    "共通化候補の中間報告について",
    "推進方針案について",
    "意見照会の結果について",
    "今後の進め方について",
)
MEETING_KINDS = (
    ("wt", "国・地方デジタル共通基盤推進連絡協議会ワーキングチーム", 0.30),
    ("hearing", "共通化候補に係る個別ヒアリング", 0.40),
    ("interim", "共通化候補に係る中間報告会", 0.15),
    ("council", "国・地方デジタル共通基盤推進連絡協議会", 0.10),
    ("other", "関係府省庁連絡会議", 0.05),
)
BATCH = 5_000


def ministries() -> list[Ministry]:
    for order, (name, bureau, name_en) in enumerate(MINISTRIES, start=1):
        Ministry.objects.get_or_create(
            name=name, bureau=bureau, defaults={"name_en": name_en, "display_order": order}
        )
    return list(Ministry.objects.all())


def clerk() -> User:
    user, _ = User.objects.get_or_create(
        username="synthetic_clerk", defaults={"display_name": f"事務局{SYNTHETIC_MARK}"}
    )
    return user


def candidates(
    count: int,
    *,
    fiscal_years: tuple[int, ...] = (2024, 2025, 2026),
    milestones_each: int = 6,
    spacing_days: int = 120,
    slip_share: float = 0.4,
    changes_total: int | None = None,
    progress_each: int = 1,
    co_ministry_share: float = 0.0,
    seed: int = 7,
    today: dt.date = TODAY,
) -> list[Candidate]:
    """Create count candidates with transitions, progress updates, milestones and slips.

    Every slipped milestone gets a later-move with a reason. With changes_total, more change
    records are added up to exactly that many: some slips made in two steps, then the
    recording of actual dates.
    """
    rng = random.Random(seed)
    pool = ministries()
    user = clerk()
    made = Candidate.objects.bulk_create(
        _candidate(rng, n, fiscal_years, pool) for n in range(count)
    )
    co_owned = [
        Candidate.co_ministries.through(candidate_id=c.pk, ministry_id=m.pk)
        for c in made
        if rng.random() < co_ministry_share
        for m in [rng.choice([m for m in pool if m.pk != c.lead_ministry_id])]
    ]
    Candidate.co_ministries.through.objects.bulk_create(co_owned, batch_size=BATCH)
    transitions, progress, milestones = [], [], []
    for candidate in made:
        start = dt.date(candidate.selected_fiscal_year, 6, 1)
        transitions.extend(_transitions(candidate, start, user))
        for k in range(progress_each):
            progress.append(
                ProgressUpdate(
                    candidate=candidate,
                    as_of=today - dt.timedelta(days=rng.randint(10, 200) + 91 * k),
                    status=rng.choice(ProgressStatus.values),
                    schedule_note="要件定義の一部工程に遅れがあるが、全体の日程は維持する見込み。",
                    next_steps="参加団体向け説明会の開催",
                    written_by=user,
                )
            )
        for position in range(milestones_each):
            baseline = start + dt.timedelta(days=spacing_days * (position + 1))
            slip = rng.choice((30, 61, 92, 123)) if rng.random() < slip_share else 0
            planned = baseline + dt.timedelta(days=slip)
            milestones.append(
                Milestone(
                    candidate=candidate,
                    kind=KINDS[position % len(KINDS)],
                    position=position,
                    baseline_date=baseline,
                    planned_date=planned,
                    actual_date=planned if planned < today - dt.timedelta(days=30) else None,
                )
            )
    LifecycleTransition.objects.bulk_create(transitions, batch_size=BATCH)
    ProgressUpdate.objects.bulk_create(progress, batch_size=BATCH)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    MilestoneChange.objects.bulk_create(
        _changes(rng, milestones, changes_total, user), batch_size=BATCH
    )
    return made


def _path(stage: str) -> tuple[str, ...]:
    """The stages a candidate passed through to reach `stage`, as the demo walks them."""
    return path_to(stage, via=VIA.get(stage, ()))


def _candidate(rng: random.Random, n: int, fiscal_years, pool) -> Candidate:
    stage = STAGES[n % len(STAGES)]
    judged = [s for s in _path(stage) if s in JUDGMENTS]
    year = rng.choice(fiscal_years)
    return Candidate(
        name=f"{rng.choice(AREAS)}{rng.choice(SYSTEMS)}システム{n:04d}{SYNTHETIC_MARK}",
        summary="地方公共団体が共通して利用するシステムの合成データ。" * 3,
        business_area=rng.choice(AREAS),
        selected_fiscal_year=year,
        decided_fiscal_year=year + 1 if n % 3 else None,
        lead_ministry=rng.choice(pool),
        stage=stage,
        judgment=judged[-1] if judged else "",
    )


def _transitions(candidate: Candidate, start: dt.date, user: User) -> list[LifecycleTransition]:
    steps: list[LifecycleTransition] = []
    previous: str = Stage.SELECTED
    for number, stage in enumerate(_path(candidate.stage)):
        steps.append(
            LifecycleTransition(
                candidate=candidate,
                from_stage=previous,
                to_stage=stage,
                decided_on=start + dt.timedelta(days=90 * number),
                meeting_text=f"第{number + 7}回ワーキングチーム",
                recorded_by=user,
            )
        )
        previous = stage
    return steps


def _changes(rng, milestones: list[Milestone], total: int | None, user: User):
    slipped = [m for m in milestones if m.planned_date != m.baseline_date]
    reached = [m for m in milestones if m.actual_date is not None]
    extra = 0 if total is None else total - len(slipped)
    if extra < 0:
        raise ValueError(f"{len(slipped)} slipped milestones need more than {total} changes")
    two_step = min(extra // 2, len(slipped))
    actual = extra - two_step
    if actual > len(reached):
        raise ValueError(f"not enough reached milestones for {total} changes")

    def move(milestone, old, new):
        return MilestoneChange(
            milestone=milestone,
            field=DateField.PLANNED,
            old_date=old,
            new_date=new,
            reason=rng.choice(REASONS),
            added_value="実証団体の拡大" if rng.random() < 0.3 else "",
            changed_by=user,
        )

    for index, m in enumerate(slipped):
        if index < two_step:
            baseline, planned = m.baseline_date, m.planned_date
            assert baseline is not None and planned is not None  # slipped: both dates are set
            middle = baseline + (planned - baseline) / 2
            yield move(m, baseline, middle)
            yield move(m, middle, planned)
        else:
            yield move(m, m.baseline_date, m.planned_date)
    for m in reached[:actual]:
        yield MilestoneChange(
            milestone=m,
            field=DateField.ACTUAL,
            old_date=None,
            new_date=m.actual_date,
            changed_by=user,
        )


def entry_text(rng: random.Random, terms: Iterable[str] = ()) -> str:
    """A minutes entry of 40–200 characters from domain phrases, with the given query words."""
    target = int(rng.triangular(40, 200, 90))
    parts = [f"{rng.choice(TERM_PHRASES[t])}について、" for t in terms]
    while sum(map(len, parts)) < target:
        parts.append(rng.choice(SENTENCES))
    text = "".join(parts)
    return text if len(text) <= 200 else text[:199] + "。"


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """total split into parts counts of roughly total/parts each (20 to 80 for 50)."""
    mean = total / parts
    counts = [max(1, int(rng.uniform(0.4, 1.6) * mean)) for _ in range(parts)]
    drift = total - sum(counts)
    step = 1 if drift > 0 else -1
    i = 0
    while drift:
        if counts[i % parts] + step >= 1:
            counts[i % parts] += step
            drift -= step
        i += 1
    return counts


def meetings(
    count: int,
    *,
    entries_total: int,
    fiscal_years: tuple[int, ...] = (2024, 2025, 2026),
    agenda_each: int = 3,
    attendees_each: int = 6,
    link_share: float = 0.03,
    seed: int = 11,
    today: dt.date = TODAY,
) -> int:
    """Create meetings with minutes, attendees, agenda items and entries_total minutes entries.

    A link_share of the entries is linked to a random candidate (remarks). Returns the number
    of entries made.
    """
    from hearings.models import (
        AgendaItem,
        Attendee,
        EntryKind,
        Meeting,
        Minutes,
        MinutesEntry,
        MinutesFormat,
    )
    from municipalities.models import Association, LocalGovernment

    rng = random.Random(seed)
    associations = list(Association.objects.all())
    governments = list(LocalGovernment.objects.municipalities().values_list("pk", flat=True))
    candidate_ids = list(Candidate.objects.values_list("pk", flat=True))
    first = dt.date(min(fiscal_years), 4, 1)
    last = min(dt.date(max(fiscal_years) + 1, 3, 31), today)
    numbers: dict[str, int] = {}
    made = []
    for _n in range(count):
        kind, title, _share = rng.choices(MEETING_KINDS, weights=[k[2] for k in MEETING_KINDS])[0]
        numbers[kind] = numbers.get(kind, 0) + 1
        hearing = kind == "hearing"
        made.append(
            Meeting(
                kind=kind,
                number=numbers[kind],
                title=f"{title}（第{numbers[kind]}回）{SYNTHETIC_MARK}",
                date=first + dt.timedelta(days=rng.randint(0, (last - first).days)),
                start_time=dt.time(rng.choice((10, 13, 14, 15)), rng.choice((0, 30))),
                end_time=dt.time(17, 0),
                place="オンライン開催",
                association=rng.choice(associations) if hearing and associations else None,
            )
        )
    made = Meeting.objects.bulk_create(made, batch_size=BATCH)
    Meeting.speaking_municipalities.through.objects.bulk_create(
        (
            Meeting.speaking_municipalities.through(
                meeting_id=m.pk, localgovernment_id=rng.choice(governments)
            )
            for m in made
            if m.kind == "hearing" and governments
        ),
        batch_size=BATCH,
    )

    Attendee.objects.bulk_create(
        (
            Attendee(
                meeting=m,
                position=p,
                group="wt_member" if p < attendees_each - 1 else "secretariat",
                organisation=f"合成県総務部{p + 1}",
                title="課長",
                name=f"{rng.choice(SURNAMES)} 太郎",
            )
            for m in made
            for p in range(attendees_each)
        ),
        batch_size=BATCH,
    )
    items = AgendaItem.objects.bulk_create(
        (
            AgendaItem(
                meeting=m,
                number=number,
                title=AGENDA_TITLES[(number - 1) % len(AGENDA_TITLES)],
                explanation=entry_text(rng),
                materials_text=f"資料{number}",
                outcome="（案）のとおり進めていくこととなった。",
            )
            for m in made
            for number in range(1, agenda_each + 1)
        ),
        batch_size=BATCH,
    )
    items_of: dict[int, list] = {}
    for item in items:
        items_of.setdefault(item.meeting_id, []).append(item)

    kinds = {
        "hearing": (EntryKind.QUESTION, EntryKind.ANSWER, EntryKind.REMARK),
        "wt": (EntryKind.REMARK,),
        "council": (EntryKind.SPEECH,),
        "interim": (EntryKind.QUESTION, EntryKind.ANSWER),
        "other": (EntryKind.SPEECH,),
    }
    formats = {"hearing": MinutesFormat.HEARING, "wt": MinutesFormat.WT}
    links: list = []
    entries_made = 0
    through = MinutesEntry.candidates.through
    per_meeting = _split(entries_total, count, rng)
    for start in range(0, count, 200):
        chunk = made[start : start + 200]
        counts = per_meeting[start : start + 200]
        batch, minutes = [], []
        for meeting, n in zip(chunk, counts, strict=True):
            texts = []
            for position in range(n):
                terms = [t for t, share in QUERY_TERMS.items() if rng.random() < share]
                text = entry_text(rng, terms)
                texts.append(text)
                kind = kinds[meeting.kind][position % len(kinds[meeting.kind])]
                batch.append(
                    MinutesEntry(
                        meeting=meeting,
                        position=position,
                        kind=kind,
                        question_number=position // 3 + 1 if kind == EntryKind.QUESTION else None,
                        agenda_item=rng.choice(items_of[meeting.pk])
                        if meeting.kind == "wt"
                        else None,
                        speaker=f"{rng.choice(SURNAMES)}構成員" if kind == EntryKind.SPEECH else "",
                        text=text,
                    )
                )
            minutes.append(
                Minutes(
                    meeting=meeting,
                    format=formats.get(meeting.kind, MinutesFormat.TRANSCRIPT),
                    raw_text="\n".join(texts),
                )
            )
        Minutes.objects.bulk_create(minutes)
        saved = MinutesEntry.objects.bulk_create(batch, batch_size=BATCH)
        entries_made += len(saved)
        links.extend(
            through(minutesentry_id=e.pk, candidate_id=rng.choice(candidate_ids))
            for e in saved
            if candidate_ids and rng.random() < link_share
        )
    through.objects.bulk_create(links, batch_size=BATCH)
    return entries_made


def dataset(*, scale: dict | None = None) -> dict[str, int]:
    """The benchmark data set (LARGE unless scale says otherwise); returns what was made."""
    spec = {**LARGE, **(scale or {})}
    years = spec["fiscal_years"]
    made = candidates(
        spec["candidates"],
        fiscal_years=years,
        milestones_each=spec["milestones_each"],
        spacing_days=max(30, 1800 // spec["milestones_each"]),
        changes_total=spec["changes_total"],
        progress_each=spec["progress_each"],
        co_ministry_share=0.2,
    )
    entries = meetings(spec["meetings"], entries_total=spec["entries_total"], fiscal_years=years)
    return {"candidates": len(made), "entries": entries}


def candidates_like_the_data_set(count: int) -> list[Candidate]:
    """`count` candidates shaped as the benchmark data set's (spec.LARGE): its milestones each,
    date changes and progress updates in the same proportion, one in five co-owned."""
    from bench.spec import LARGE

    each = LARGE["milestones_each"]
    return candidates(
        count,
        fiscal_years=LARGE["fiscal_years"],
        milestones_each=each,
        spacing_days=max(30, 1800 // each),
        changes_total=LARGE["changes_total"] * count // LARGE["candidates"],
        progress_each=LARGE["progress_each"],
        co_ministry_share=0.2,
    )
