"""Consistency checks (整合性の確認): where the recorded stages, schedules, decisions and meetings
contradict one another.

Each rule is a small function over rows already loaded (no queries of its own) that returns
Issue objects with a translated message. The rules warn; none of them refuses a save, because
the record may be right and the rule's expectation wrong (a pilot run before development, a
decision recorded the day after its meeting). The tables below are the expectations:

- a stage and its schedule: a milestone reached means the candidate has come that far
  (STAGES_ONCE_REACHED), and some stages mean a milestone is reached (MUST_BE_REACHED);
- the schedule's own order (SCHEDULE_ORDER): a later step is not finished before, or while,
  an earlier one is not;
- a decision linked to a meeting carries the meeting's date;
- within a numbered series of meetings (NUMBERED_SERIES) a later meeting has a higher number,
  whether the meeting was imported or only named in a decision's free text (「第9回WT」).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from candidates.lifecycle import DECIDED_STAGES, Stage
from candidates.models import Candidate, LifecycleTransition, Milestone, MilestoneKind
from core.display import choice_label, date_display


class Rule:
    """The kinds of issue, in the order the page lists them."""

    STAGE = "stage"
    ORDER = "order"
    DECISION = "decision"
    NUMBERING = "numbering"


RULE_LABELS = {
    Rule.STAGE: gettext_lazy("段階とマイルストーン"),
    Rule.ORDER: gettext_lazy("マイルストーンの順序"),
    Rule.DECISION: gettext_lazy("決定日と会議の日付"),
    Rule.NUMBERING: gettext_lazy("会議の回と日付"),
}


@dataclass(frozen=True)
class Issue:
    """One contradiction: what it is about (candidates, meetings) and what contradicts what."""

    rule: str
    message: str
    candidates: tuple[Candidate, ...] = ()
    meetings: tuple[Any, ...] = ()  # hearings.Meeting rows
    candidate_ids: frozenset[int] = field(default=frozenset())

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS[self.rule])


def _issue(rule: str, message: str, candidates=(), meetings=()) -> Issue:
    candidates = tuple(dict.fromkeys(c for c in candidates if c is not None))
    meetings = tuple(dict.fromkeys(m for m in meetings if m is not None))
    return Issue(rule, message, candidates, meetings, frozenset(c.pk for c in candidates))


# --- a stage and its schedule -------------------------------------------------------------

SCHEDULE_ORDER = (
    MilestoneKind.POLICY_DECISION,
    MilestoneKind.REQUIREMENTS,
    MilestoneKind.PROCUREMENT,
    MilestoneKind.DEVELOPMENT,
    MilestoneKind.PILOT,
    MilestoneKind.SERVICE_START,
)
WORKING_STAGES = (Stage.IN_PROGRESS, Stage.IN_SERVICE)
# A milestone reached (with an actual date) means the candidate is at one of these stages: the
# policy is decided on consent, the work runs while 推進中, and 供用開始 is the stage itself.
STAGES_ONCE_REACHED: dict[str, tuple[str, ...]] = {
    MilestoneKind.POLICY_DECISION: DECIDED_STAGES,
    MilestoneKind.REQUIREMENTS: WORKING_STAGES,
    MilestoneKind.PROCUREMENT: WORKING_STAGES,
    MilestoneKind.DEVELOPMENT: WORKING_STAGES,
    MilestoneKind.PILOT: WORKING_STAGES,
    MilestoneKind.SERVICE_START: (Stage.IN_SERVICE,),
}
# A stage means these milestones, where the schedule has them, are reached (the steps before
# 供用開始 are the order rule's: it names the one left unfinished).
MUST_BE_REACHED: dict[str, tuple[str, ...]] = {
    **{stage: (MilestoneKind.POLICY_DECISION,) for stage in DECIDED_STAGES},
    Stage.IN_SERVICE: (MilestoneKind.POLICY_DECISION, MilestoneKind.SERVICE_START),
}


def stage_issues(candidate: Candidate, milestones: Iterable[Milestone]) -> list[Issue]:
    """The stage against the milestones: reached too early, or not reached at this stage."""
    stage = choice_label(Stage, candidate.stage)
    issues = []
    for milestone in milestones:
        if milestone.actual_date is not None:
            allowed = STAGES_ONCE_REACHED.get(milestone.kind)
            if allowed is not None and candidate.stage not in allowed:
                message = _(
                    "「%(milestone)s」に実績日（%(date)s）がありますが、段階は「%(stage)s」です。"
                ) % {
                    "milestone": milestone.label,
                    "date": date_display(milestone.actual_date),
                    "stage": stage,
                }
                issues.append(_issue(Rule.STAGE, message, [candidate]))
        elif milestone.kind in MUST_BE_REACHED.get(candidate.stage, ()):
            message = _("段階は「%(stage)s」ですが、「%(milestone)s」に実績日がありません。") % {
                "stage": stage,
                "milestone": milestone.label,
            }
            issues.append(_issue(Rule.STAGE, message, [candidate]))
    return issues


def order_issues(candidate: Candidate, milestones: Iterable[Milestone]) -> list[Issue]:
    """The schedule's order against the actual dates: for each finished step, the earlier steps
    still unfinished, and those finished after it."""
    rank: dict[str, int] = {kind: index for index, kind in enumerate(SCHEDULE_ORDER)}
    ordered = [m for m in milestones if m.kind in rank]
    issues = []
    for later in ordered:
        if later.actual_date is None:
            continue
        earlier = sorted(
            (m for m in ordered if rank[m.kind] < rank[later.kind]), key=lambda m: rank[m.kind]
        )
        pending = [m for m in earlier if m.actual_date is None]
        if pending:
            message = _(
                "「%(later)s」が完了（%(date)s）していますが、先に来る%(pending)sが完了していません。"
            ) % {
                "later": later.label,
                "date": date_display(later.actual_date),
                "pending": pgettext("consistency list", "、").join(
                    pgettext("consistency list", "「%(label)s」") % {"label": m.label}
                    for m in pending
                ),
            }
            issues.append(_issue(Rule.ORDER, message, [candidate]))
        for before in earlier:
            if before.actual_date is not None and later.actual_date < before.actual_date:
                message = _(
                    "「%(later)s」の完了（%(later_date)s）が、先に来る「%(earlier)s」の完了"
                    "（%(earlier_date)s）より前です。"
                ) % {
                    "later": later.label,
                    "later_date": date_display(later.actual_date),
                    "earlier": before.label,
                    "earlier_date": date_display(before.actual_date),
                }
                issues.append(_issue(Rule.ORDER, message, [candidate]))
    return issues


# --- decisions and their meetings ---------------------------------------------------------


def decision_issues(
    candidate: Candidate, transitions: Iterable[LifecycleTransition]
) -> list[Issue]:
    """A decision linked to a meeting is dated the day of that meeting."""
    issues = []
    for transition in transitions:
        meeting = transition.meeting
        if meeting is None or transition.decided_on == meeting.date:
            continue
        values = {
            "stage": choice_label(Stage, transition.to_stage),
            "decided_on": date_display(transition.decided_on),
            "meeting": meeting.title,
            "date": date_display(meeting.date),
        }
        if transition.decided_on < meeting.date:
            message = _(
                "「%(stage)s」の決定日（%(decided_on)s）が、決定した会議「%(meeting)s」の開催日"
                "（%(date)s）より前です。"
            )
        else:
            message = _(
                "「%(stage)s」の決定日（%(decided_on)s）が、決定した会議「%(meeting)s」の開催日"
                "（%(date)s）より後です。"
            )
        issues.append(_issue(Rule.DECISION, message % values, [candidate], [meeting]))
    return issues


def candidate_issues(
    candidate: Candidate,
    milestones: Sequence[Milestone],
    transitions: Sequence[LifecycleTransition],
) -> list[Issue]:
    """Every rule about one candidate, from its loaded milestones and decisions."""
    return [
        *stage_issues(candidate, milestones),
        *order_issues(candidate, milestones),
        *decision_issues(candidate, transitions),
    ]


# --- numbered meetings --------------------------------------------------------------------

# Series numbered 第1回, 第2回 … in date order, by hearings.MeetingKind value. Hearings and
# interim report meetings are numbered per association or candidate, so they are not here.
NUMBERED_SERIES = {
    "council": gettext_lazy("連絡協議会"),
    "wt": gettext_lazy("ワーキングチーム"),
    "prep": gettext_lazy("準備会合"),
}
# How a decision's free text names its series: the first word found decides (the WT's full
# name holds 連絡協議会 too).
SERIES_WORDS = (
    ("ワーキングチーム", "wt"),
    ("WT", "wt"),
    ("準備会合", "prep"),
    ("連絡協議会", "council"),
)
NUMBER = re.compile(r"第\s*(\d+)\s*回")


def series_of_text(text: str) -> tuple[str, int] | None:
    """The series and number a free-text meeting name gives (「第9回WT」 -> ("wt", 9))."""
    number = NUMBER.search(text)
    if number is None:
        return None
    for word, kind in SERIES_WORDS:
        if word in text.upper():
            return kind, int(number.group(1))
    return None


@dataclass(frozen=True)
class NumberedMeeting:
    """A meeting of a numbered series, as imported (meeting) or named by a decision."""

    kind: str
    number: int
    date: dt.date
    meeting: Any = None  # hearings.Meeting
    candidate: Candidate | None = None

    @property
    def label(self) -> str:
        return _("%(series)s第%(number)s回（%(date)s）") % {
            "series": NUMBERED_SERIES[self.kind],
            "number": self.number,
            "date": date_display(self.date),
        }


def numbered_from_decision(transition: LifecycleTransition) -> NumberedMeeting | None:
    """The numbered meeting a decision without a linked meeting names in its free text."""
    found = series_of_text(transition.meeting_text)
    if found is None or found[0] not in NUMBERED_SERIES:
        return None
    return NumberedMeeting(found[0], found[1], transition.decided_on, None, transition.candidate)


def numbering_issues(meetings: Iterable[NumberedMeeting]) -> list[Issue]:
    """Within a series, a later meeting has a higher number, and a number has one date.

    Only neighbours in date order are compared (any inversion shows between two neighbours),
    so one wrong entry gives one or two issues, not one for every meeting after it.
    """
    by_kind: dict[str, dict[tuple[int, dt.date], list[NumberedMeeting]]] = {}
    for meeting in meetings:
        if meeting.kind in NUMBERED_SERIES:
            by_kind.setdefault(meeting.kind, {}).setdefault(
                (meeting.number, meeting.date), []
            ).append(meeting)
    issues = []
    for same in by_kind.values():
        # One entry per (number, date): the imported meeting and the decisions naming it.
        held = sorted(same.items(), key=lambda item: (item[0][1], item[0][0]))
        for before, after in itertools.pairwise(held):
            (number_before, date_before), named_before = before
            (number_after, date_after), named_after = after
            if date_before < date_after and number_before > number_after:
                message = _("%(later)sが、それより前の%(earlier)sより小さい回になっています。")
                issues.append(_numbering_issue(message, named_before, named_after))
        first_held: dict[int, list[NumberedMeeting]] = {}
        for (number, _date), named in held:
            if number in first_held:
                message = _("%(earlier)sと%(later)sは、同じ回が異なる日付で記録されています。")
                issues.append(_numbering_issue(message, first_held[number], named))
            else:
                first_held[number] = named
    return issues


def _numbering_issue(
    message: str, earlier: list[NumberedMeeting], later: list[NumberedMeeting]
) -> Issue:
    return _issue(
        Rule.NUMBERING,
        message % {"earlier": earlier[0].label, "later": later[0].label},
        [m.candidate for m in _suspects(earlier, later)],
        [m.meeting for m in [*earlier, *later]],
    )


def _suspects(
    earlier: list[NumberedMeeting], later: list[NumberedMeeting]
) -> list[NumberedMeeting]:
    """Whose record to check: an imported meeting holds its number and date from the minutes,
    so when only one side was imported, the decisions naming the other are the suspects (a
    decision agreeing with the minutes is not)."""
    imported_earlier = any(m.meeting for m in earlier)
    imported_later = any(m.meeting for m in later)
    if imported_earlier != imported_later:
        return later if imported_earlier else earlier
    return [*earlier, *later]
