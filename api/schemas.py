"""The JSON shapes of the API (pydantic, through ninja): what each endpoint answers.

Fields read loaded rows from the apps' selectors; nothing here queries (the endpoints' tests
hold the query count constant in rows). Labels are in Japanese, the product's language.
"""

import datetime as dt

from ninja import Field, Schema

from core.display import slip_display
from core.stated_dates import written_ja
from hearings.models import MeetingKind, RequestStatus


class Ministry(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)  # with its bureau, as the pages show it


class CandidateRow(Schema):
    id: int
    name: str
    business_area: str
    selected_fiscal_year: int
    decided_fiscal_year: int | None
    stage: str
    stage_label: str
    judgment: str
    lead_ministry: Ministry
    co_ministries: list[Ministry]
    slipped_count: int = Field(..., description="遅れているマイルストーンの数（当初予定より後）")
    overdue_count: int = Field(..., description="期限を過ぎて未達のマイルストーンの数")
    last_progress_on: dt.date | None

    @staticmethod
    def resolve_co_ministries(obj) -> list:
        return list(obj.co_ministries.all())


class SlipOut(Schema):
    amount: int = Field(..., description="遅れ（正）又は前倒し（負）の量")
    unit: str = Field(
        ...,
        description="単位：fiscal_year（両方が年度）、month（両方が月末で終わる精度）、day（その他）",
    )
    text: str = Field(..., description="表示用（例：1年度遅れ）")


def _written(precision: str, date: dt.date | None) -> str:
    return "" if date is None else written_ja(precision, date)


class MilestoneOut(Schema):
    id: int
    kind: str
    label: str
    position: int
    baseline_date: dt.date | None = Field(
        ..., description="当初予定（年度・月などの精度で示された日付はその期間の末日）"
    )
    baseline_precision: str = Field(
        ..., description="当初予定の精度：day, month, half, fiscal_year（年度中）, fiscal_year_end"
    )
    baseline_written: str = Field(..., description="当初予定の表記（例：令和7年度中）")
    planned_date: dt.date | None = Field(
        ..., description="現在の予定日（精度の期間の末日。期限超過はこの翌日から）"
    )
    planned_precision: str
    planned_written: str = Field(..., description="現在の予定日の表記（例：令和8年3月）")
    actual_date: dt.date | None
    slip_days: int | None = Field(..., description="当初予定より何日遅い（負は早い）か")
    slip: SlipOut | None = Field(..., description="両方の日付に共通の単位での遅れ")
    overdue_days: int | None = Field(..., description="予定日を過ぎて未達の日数（今日時点）")
    is_slipped: bool

    @staticmethod
    def resolve_baseline_written(obj) -> str:
        return _written(obj.baseline_precision, obj.baseline_date)

    @staticmethod
    def resolve_planned_written(obj) -> str:
        return _written(obj.planned_precision, obj.planned_date)

    @staticmethod
    def resolve_slip(obj) -> dict | None:
        slip = obj.slip
        if slip is None:
            return None
        return {"amount": slip.amount, "unit": slip.unit, "text": slip_display(slip)}


class MeetingRef(Schema):
    id: int
    title: str
    date: dt.date


class TransitionOut(Schema):
    from_stage: str
    to_stage: str
    decided_on: dt.date
    meeting: MeetingRef | None
    meeting_text: str
    note: str


class CandidateDetail(CandidateRow):
    summary: str
    milestones: list[MilestoneOut]
    transitions: list[TransitionOut] = Field(..., description="段階の変更（決定日、決定した会議）")

    # The list's counts, read on the loaded milestones by the same rules (Milestone.is_slipped,
    # overdue_days): tests hold those equal to the selectors' queries.
    @staticmethod
    def resolve_slipped_count(obj) -> int:
        return sum(m.is_slipped for m in obj.milestones.all())

    @staticmethod
    def resolve_overdue_count(obj) -> int:
        return sum(m.overdue_days is not None for m in obj.milestones.all())

    @staticmethod
    def resolve_last_progress_on(obj) -> dt.date | None:
        return max((u.as_of for u in obj.progress_updates.all()), default=None)

    @staticmethod
    def resolve_milestones(obj) -> list:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_transitions(obj) -> list:
        return list(obj.transitions.all())


class MeetingBase(Schema):
    """What the list and one meeting both say of a meeting."""

    id: int
    kind: str
    number: int | None
    title: str
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    place: str
    association: str | None

    @staticmethod
    def resolve_association(obj) -> str | None:
        return obj.association.name if obj.association else None


class MeetingRow(MeetingBase):
    entry_count: int


class AgendaItemOut(Schema):
    id: int
    number: int
    title: str
    outcome: str
    candidate_ids: list[int]

    @staticmethod
    def resolve_candidate_ids(obj) -> list[int]:
        return [c.pk for c in obj.candidates.all()]


class EntryOut(Schema):
    id: int
    position: int
    kind: str
    question_number: int | None
    speaker: str
    text: str
    candidate_ids: list[int]

    @staticmethod
    def resolve_candidate_ids(obj) -> list[int]:
        return [c.pk for c in obj.candidates.all()]


class MeetingDetail(MeetingBase):
    agenda_items: list[AgendaItemOut]
    entries: list[EntryOut] = Field(..., description="議事要旨の発言・質疑")

    @staticmethod
    def resolve_agenda_items(obj) -> list:
        return list(obj.agenda_items.all())

    @staticmethod
    def resolve_entries(obj) -> list:
        return list(obj.entries.all())


class StatusCount(Schema):
    status: str
    label: str
    count: int


class AdoptionCounts(Schema):
    candidate_id: int
    counts: list[StatusCount] = Field(..., description="地方公共団体の利用意向の状況ごとの団体数")
    committed: int = Field(..., description="利用中・移行中・利用申込済・利用予定の団体数")


class Error(Schema):
    detail: str
    detail_en: str | None = None


class CandidateQuery(Schema):
    """The list page's filters (candidates.filters.CandidateFilter), by the same names."""

    q: str | None = None
    fiscal_year: int | None = None
    ministry: int | None = None
    stage: list[str] = Field(default_factory=list)
    judgment: str | None = None
    slipped: bool = False
    due_within: int | None = None


class MeetingQuery(Schema):
    """The meetings list page's filter (hearings.views.meeting_index), by the same name."""

    kind: str | None = Field(None, description="会議の種別: " + ", ".join(MeetingKind.values))


class CandidateRef(Schema):
    id: int
    name: str


class RequestRow(Schema):
    """A request (要請・宿題) as the request list shows it."""

    id: int
    meeting: MeetingRef = Field(..., description="要請した会議")
    ministry: Ministry | None = Field(..., description="宛先の府省庁（null は事務局宛て）")
    addressee: str = Field(..., description="宛先の表示（府省庁名又は「事務局」）")
    candidate: CandidateRef | None
    text: str
    due_date: dt.date | None = Field(
        ...,
        description="期限（年度・月などの精度で示された日付はその期間の末日。期限超過はこの翌日から）",
    )
    due_precision: str = Field(
        ..., description="期限の精度：day, month, half, fiscal_year（年度中）, fiscal_year_end"
    )
    due_written: str = Field(..., description="期限の表記（例：令和7年度中）")
    overdue_days: int | None = Field(..., description="期限を過ぎて未回答の日数（今日時点）")
    status: str = Field(..., description="状態: " + ", ".join(RequestStatus.values))
    status_label: str
    answer: str = Field(..., description="府省庁の回答")
    answered_on: dt.date | None
    reported_at: MeetingRef | None = Field(..., description="回答を報告した会議")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class RequestQuery(Schema):
    """The request list page's status filter by the same name, and the addressed ministry."""

    status: str | None = Field(None, description="状態: " + ", ".join(RequestStatus.values))
    ministry: int | None = Field(None, description="宛先の府省庁の id")
