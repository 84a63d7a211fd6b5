"""Demo meetings (デモデータ): the sample minutes imported as the secretariat would import them.

Each file goes through the same parser and service as a paste in the browser. A remark is
linked to a demo candidate only where the minutes speak of it: the remark names the candidate,
or it was made under an agenda item that names it. The decisions the demo records as made at
an imported meeting (same title, same day) are linked to it. Loading is skipped for a meeting
that already exists (same date and title), so set-up can run any number of times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from candidates import services as candidate_services
from candidates.demo import DEMO_MARK
from candidates.models import Candidate, LifecycleTransition, Ministry
from core.models import User
from core.stated_dates import Precision
from hearings import decision_services, request_services, services
from hearings.minutes_import import preview_record
from hearings.models import Meeting, MeetingKind
from hearings.records import MeetingRecord

# The requests (要請) of the WT 9th meeting (2026-02-04), as the secretariat records them from
# its remarks: (words the remark contains, ministry, candidate or "", what is asked, due date
# stated as (precision, a day in it), whether the demo ministry has answered).
WT9_REQUESTS = (
    (
        "調整作業の前倒し",
        "国土交通省",
        "公営住宅管理システム",
        "スケジュールの後ろ倒しについて、想定される論点の早期整理や必要な調整作業の前倒しなど、"
        "可能な限り速やかに取り組むこと。後ろ倒しとなる場合は、その理由又は見合った付加価値を"
        "説明すること。",
        (Precision.FISCAL_YEAR, dt.date(2025, 4, 1)),
        True,
    ),
    (
        "調整作業の前倒し",
        "厚生労働省",
        "介護認定審査会支援システム",
        "スケジュールの後ろ倒しについて、想定される論点の早期整理や必要な調整作業の前倒しなど、"
        "可能な限り速やかに取り組むこと。後ろ倒しとなる場合は、その理由又は見合った付加価値を"
        "説明すること。",
        (Precision.FISCAL_YEAR, dt.date(2025, 4, 1)),
        False,
    ),
    (
        "その結果をご報告",
        "国土交通省",
        "土木施設に関する住民からの通報等システム",
        "先進自治体の事例を共有するとともに、市町村の状況に即して取り組むべき内容を検討し、"
        "その結果を報告すること。",
        (Precision.HALF, dt.date(2026, 4, 1)),
        False,
    ),
    (
        "計画の大幅な簡略化",
        "デジタル庁",
        "",
        "地方公共団体情報システム運用最適化計画の作成について、自治体の負担を踏まえ、"
        "計画の大幅な簡略化などを検討すること。",
        (Precision.FISCAL_YEAR_END, dt.date(2026, 4, 1)),
        False,
    ),
)
WT9_ANSWER = (
    "論点整理を前倒しし、要件定義の延長は3か月にとどめる。延長の理由と付加価値"
    "（家賃減免のオンライン申請への対応）は進捗報告に記載した。"
)

MINUTES_DIR = Path(__file__).resolve().parent / "demo_minutes"


@transaction.atomic
def demo_meetings_load(*, secretariat: User) -> int:
    """Import the demo minutes once each; returns how many demo meetings exist."""
    for path in sorted(MINUTES_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        record = preview_record(text)
        if record.header.date is None:
            raise ValueError(f"demo minutes {path.name} have no date")
        meeting = Meeting.objects.filter(date=record.header.date, title=record.header.title).first()
        if meeting is None:
            meeting = services.meeting_save(
                user=secretariat, meeting=None, version=None, record=record, allow_duplicate=True
            )
            _link_remarks(meeting, secretariat)
        elif not meeting.attendees.filter(seat__isnull=False).exists():
            # Loaded before seats existed (or seats added since): link its attendees now.
            services.attendees_link_seats(user=secretariat, meeting=meeting)
        _link_decisions(meeting, secretariat)
        _record_decisions(meeting, record, secretariat)
        if meeting.kind == MeetingKind.WT and meeting.number == 9:
            _record_requests(meeting, secretariat)
    return Meeting.objects.count()


def _link_remarks(meeting: Meeting, secretariat: User) -> None:
    for candidate in Candidate.objects.filter(summary__endswith=DEMO_MARK):
        items = list(meeting.agenda_items.filter(title__contains=candidate.name))
        for item in items:
            services.agenda_item_link_candidates(
                user=secretariat, item=item, candidates=[*item.candidates.all(), candidate]
            )
        spoken_of = meeting.entries.filter(agenda_item__in=items) | meeting.entries.filter(
            text__contains=candidate.name
        )
        for entry in spoken_of.distinct():
            services.entry_link_candidates(
                user=secretariat, entry=entry, candidates=[*entry.candidates.all(), candidate]
            )


def _link_decisions(meeting: Meeting, secretariat: User) -> None:
    decisions = LifecycleTransition.objects.filter(
        candidate__summary__endswith=DEMO_MARK,
        meeting__isnull=True,
        meeting_text=meeting.title,
        decided_on=meeting.date,
    )
    for decision in decisions:
        candidate_services.transition_link_meeting(
            user=secretariat, transition=decision, meeting=meeting
        )


def _record_decisions(meeting: Meeting, record: MeetingRecord, secretariat: User) -> None:
    """The decisions the import proposes (WT 9: both agenda items 「（案）のとおり進めていく
    こととなった」), once, as the secretariat confirms them in the preview. A decision a
    lifecycle transition already recorded at this meeting (WT 9: the judgment on the road
    reports system) is placed on its agenda item instead of being recorded twice."""
    if not record.decisions or meeting.decision_records.filter(agenda_item__isnull=False).exists():
        return
    items = {item.number: item for item in meeting.agenda_items.all()}
    made = {
        (d.kind, frozenset(c.pk for c in d.candidates.all())): d
        for d in meeting.decision_records.filter(transition__isnull=False).prefetch_related(
            "candidates"
        )
    }
    rows = []
    for row in record.decisions:
        known = made.get((row.kind, frozenset(c.pk for c in row.candidates)))
        if known is not None:
            decision_services.decision_link_meeting(
                user=secretariat,
                decision=known,
                meeting=meeting,
                agenda_item=items.get(row.agenda_number or 0),
            )
        else:
            rows.append(replace(row, confirmed=True))
    services.decisions_add_confirmed(
        user=secretariat, meeting=meeting, rows=rows, agenda_items=items
    )


def _record_requests(meeting: Meeting, secretariat: User) -> None:
    """The WT 9 requests, once; the first is answered by its ministry's demo account when the
    demo is loaded after the meeting."""
    if meeting.requests.exists():
        return
    today = timezone.localdate()
    for words, ministry_name, candidate_name, text, (precision, day), answered in WT9_REQUESTS:
        entry = meeting.entries.filter(text__contains=words).first()
        ministry = Ministry.objects.filter(name=ministry_name, bureau="").first()
        if ministry is None:
            continue
        follow_up = request_services.request_create(
            user=secretariat,
            meeting=meeting,
            entry=entry,
            ministry=ministry,
            candidate=Candidate.objects.filter(name=candidate_name).first(),
            text=text,
            due_date=day,
            due_precision=precision,
        )
        staff = User.objects.filter(ministry=ministry, groups__name="ministry_staff").first()
        answered_on = min(today, meeting.date + dt.timedelta(days=40))
        if answered and staff is not None and answered_on >= meeting.date:
            request_services.request_answer(
                user=staff,
                follow_up=follow_up,
                version=None,
                answer=WT9_ANSWER,
                answered_on=answered_on,
            )
