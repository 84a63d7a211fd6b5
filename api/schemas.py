"""The JSON shapes of the API (pydantic, through ninja): what each endpoint answers.

Fields read loaded rows from the apps' selectors; nothing here queries (the endpoints' tests
hold the query count constant in rows). Labels are in Japanese, the product's language.
"""

import datetime as dt

from ninja import Field, Schema

from hearings.models import MeetingKind


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


class MilestoneOut(Schema):
    id: int
    kind: str
    label: str
    position: int
    baseline_date: dt.date | None
    planned_date: dt.date | None
    actual_date: dt.date | None
    slip_days: int | None = Field(..., description="当初予定より何日遅い（負は早い）か")
    overdue_days: int | None = Field(..., description="予定日を過ぎて未達の日数（今日時点）")
    is_slipped: bool


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
