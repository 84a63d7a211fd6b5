"""The columns of the candidate list and the slip list as exported to CSV and .xlsx.

A slip (遅れ: current plan against the 当初予定) and being overdue (期限超過: the planned date has
passed and the milestone is not reached) are separate columns, as on the pages. A date stated
as 令和7年度中 is exported as written and as the ISO date it is compared by (2026-03-31); the
slip in the unit the dates share (「1年度遅れ」) and in days."""

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from candidates.models import Candidate
from candidates.selectors import SlipRow
from core.display import fiscal_year_display, slip_display


def _iso(date: dt.date | None) -> str:
    """The comparable date of a stated one (the last day its precision allows), as ISO 8601."""
    return date.isoformat() if date else ""


def candidate_table(candidates: Iterable[Candidate]) -> tuple[list[str], list[list]]:
    headers = [
        _("ID"),
        _("名称"),
        _("区分"),
        _("業務分野"),
        _("選定年度"),
        _("決定年度"),
        _("主担当府省庁"),
        _("共同担当府省庁"),
        _("段階"),
        _("遅れのあるマイルストーン数"),
        _("期限超過のマイルストーン数"),
        _("最新の進捗報告"),
    ]
    rows = [
        [
            c.pk,
            c.name,
            c.official_label,
            c.business_area,
            fiscal_year_display(c.selected_fiscal_year),
            fiscal_year_display(c.decided_fiscal_year) if c.decided_fiscal_year else "",
            str(c.lead_ministry),
            "、".join(str(m) for m in c.co_ministries.all()),
            c.stage_label,
            getattr(c, "slipped_count", 0),
            getattr(c, "overdue_count", 0),
            getattr(c, "last_progress_on", None),
        ]
        for c in candidates
    ]
    return headers, rows


def slip_table(slips: Iterable[SlipRow]) -> tuple[list[str], list[list]]:
    headers = [
        _("候補"),
        _("府省庁"),
        _("マイルストーン"),
        _("当初予定"),
        _("現在の予定日"),
        _("実績日"),
        _("遅れ（日）"),
        _("期限超過（日）"),
        _("理由"),
        _("付加価値"),
        # Added after the columns above, which existing spreadsheets read by position.
        _("当初予定（ISO）"),
        _("現在の予定日（ISO）"),
        _("遅れ"),
    ]
    rows = [
        [
            row.candidate.name,
            str(row.candidate.lead_ministry),
            row.milestone.label,
            row.milestone.baseline_written,
            row.milestone.planned_written,
            row.milestone.actual_date,
            row.slip_days,
            row.overdue_days or "",
            row.reason,
            row.added_value,
            _iso(row.milestone.baseline_date),
            _iso(row.milestone.planned_date),
            slip_display(row.slip),
        ]
        for row in slips
    ]
    return headers, rows
