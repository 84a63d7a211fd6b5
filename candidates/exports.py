"""The columns of the candidate list and the slip list as exported to CSV and .xlsx.

A slip (遅れ: current plan against the 当初予定) and being overdue (期限超過: the planned date has
passed and the milestone is not reached) are separate columns, as on the pages."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from candidates.models import Candidate
from candidates.selectors import SlipRow
from core.display import fiscal_year_display


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
    ]
    rows = [
        [
            row.candidate.name,
            str(row.candidate.lead_ministry),
            row.milestone.label,
            row.milestone.baseline_date,
            row.milestone.planned_date,
            row.milestone.actual_date,
            row.slip_days,
            row.overdue_days or "",
            row.reason,
            row.added_value,
        ]
        for row in slips
    ]
    return headers, rows
