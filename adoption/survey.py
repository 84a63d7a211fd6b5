"""The survey round trip (利用意向調査): a sheet out per candidate, the answers back in.

Out: one row per adopter (optionally one prefecture's), with the current values and drop-down
validation for 利用意向 and 調達方法. In: that sheet, or a CSV in UTF-8 (with or without BOM)
or Shift_JIS/CP932. Headers are matched by name, extra columns ignored; a column that is
absent keeps the current values, a blank 利用意向 keeps the current status.

`survey_read` checks every row and lists what would change, writing nothing; `survey_apply`
writes the changes through services.adoptions_apply only when no row has an error. Both read
the bodies and the candidate's rows in a few queries, whatever the number of rows. Line
numbers are the file's (the header is line 1).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from adoption import permissions, selectors, services, survey_cells
from adoption.models import (
    Adoption,
    ChangeField,
    Procurement,
    Status,
    decode_value,
    encode_value,
    planned_start_first_day,
)
from adoption.services import AdoptionValues, BulkAnswer
from candidates.models import Candidate
from core import sheet_upload
from core.display import choice_label, fiscal_year_display
from core.models import User
from core.sheet_upload import Issue
from core.spreadsheets import neutralise, unneutralise
from municipalities.codes import read_body
from municipalities.models import Kind, LocalGovernment

CODE, PREFECTURE, NAME, KIND = "団体コード", "都道府県", "団体名", "区分"
STATUS, START, RENEWAL, PROCUREMENT, REASON, NOTE = (
    "利用意向",
    "利用開始予定",
    "現行システム更新時期",
    "調達方法",
    "理由",
    "備考",
)
SHEET_HEADERS = (CODE, PREFECTURE, NAME, KIND, STATUS, START, RENEWAL, PROCUREMENT, REASON, NOTE)
# Written out beside the answers, not read back (the upload ignores columns it does not know):
# the planned start as an ISO date, the first day of the period written in 利用開始予定.
START_DAY = "利用開始予定日（期間の初日）"
REQUIRED_HEADERS = (CODE, STATUS)


NO_ANSWER = AdoptionValues()


@dataclass(frozen=True)
class RowChange:
    """One body whose answer would change: each changed field as (field, old, new) in their
    stored form (decoded for display only when shown)."""

    row: int
    local_government: LocalGovernment
    changed: Sequence[tuple[str, str, str]]
    new_status: str
    status_changed: bool

    @property
    def fields(self) -> list[tuple[str, str, str]]:
        """Each changed field as (label, old, new) in the active language."""
        return [
            (choice_label(ChangeField, f), decode_value(f, old), decode_value(f, new))
            for f, old, new in self.changed
        ]


@dataclass
class SurveyResult:
    rows: int = 0
    changes: list[RowChange] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    answers: list[BulkAnswer] = field(default_factory=list)
    applied: bool = False

    def status_counts(self) -> list[tuple[str, int]]:
        """How many rows move to each status (labels in the active language, in order)."""
        counts = Counter(change.new_status for change in self.changes if change.status_changed)
        return [(choice_label(Status, s), counts[s]) for s in Status.values if counts[s]]

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "changes": len(self.changes),
            "warnings": [{"row": i.row, "message": i.message} for i in self.warnings],
            "errors": [{"row": i.row, "message": i.message} for i in self.errors],
        }


# --- the sheet out ----------------------------------------------------------------------


def survey_sheet(*, candidate: Candidate, prefecture: LocalGovernment | None = None) -> bytes:
    """The survey workbook for a candidate (one prefecture's bodies, or all 1,788), in
    Japanese whatever the page's language: it is the official form and its headers are."""
    with translation.override("ja"):
        return _survey_sheet(candidate, prefecture)


def _survey_sheet(candidate: Candidate, prefecture: LocalGovernment | None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("利用意向調査")[:31]
    sheet.append([*SHEET_HEADERS, START_DAY])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    answers = selectors.answers_for_candidate(candidate=candidate, prefecture=prefecture)
    for answer in answers:
        body, row = answer.local_government, answer.adoption
        sheet.append(
            [
                body.code,
                body.prefecture.name if body.prefecture else body.name,
                body.name,
                choice_label(Kind, body.kind),
                choice_label(Status, row.status),
                row.planned_start_display,
                fiscal_year_display(row.renewal_fiscal_year) if row.renewal_fiscal_year else "",
                row.procurement_display,
                neutralise(row.reason),
                neutralise(row.note),
                first_day.isoformat()
                if (first_day := planned_start_first_day(row.planned_start))
                else "",
            ]
        )
    last = len(answers) + 1
    # Codes are text: Excel must not turn 011002 into 11002.
    for (cell,) in sheet.iter_rows(min_row=2, max_row=last, max_col=1):
        cell.number_format = "@"
    sheet_upload.drop_down(sheet, "E", last, [str(label) for label in Status.labels])
    sheet_upload.drop_down(sheet, "H", last, [str(label) for label in Procurement.labels])
    widths = (10, 10, 16, 12, 14, 16, 18, 26, 40, 40, 14)
    for column, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "D2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading a file ---------------------------------------------------------------------


def read_table(data: bytes) -> list[tuple[int, dict[str, object]]]:
    """Rows of a survey file (core.sheet_upload's contract) as (line, {header: cell})."""
    return sheet_upload.read_table(
        data, headers=SHEET_HEADERS, required=REQUIRED_HEADERS, sheet_hint=_("調査票")
    )


# --- checking rows ----------------------------------------------------------------------


@dataclass
class _Context:
    user: User
    candidate: Candidate
    bodies: dict[str, LocalGovernment]
    current: dict[int, Adoption]
    may_edit: Callable[[LocalGovernment], bool]
    status_words: dict[str, str]
    procurement_words: dict[str, str]
    seen: dict[str, int] = field(default_factory=dict)


def survey_read(*, user: User, candidate: Candidate, data: bytes) -> SurveyResult:
    """Check every row of a survey file and list what would change; writes nothing."""
    result = SurveyResult()
    try:
        table = read_table(data)
    except sheet_upload.SheetFileError as exc:
        result.errors.append(Issue(1, str(exc)))
        return result
    context = _Context(
        user=user,
        candidate=candidate,
        bodies=selectors.adopters_by_code(),
        current={row.local_government_id: row for row in candidate.adoptions.all()},
        may_edit=permissions.adoption_editor(user, candidate),
        status_words=survey_cells.choice_words(Status),
        procurement_words=survey_cells.choice_words(Procurement),
    )
    result.rows = len(table)
    for line, cells in table:
        _read_row(context, result, line, cells)
    return result


def _body(context: _Context, result: SurveyResult, line: int, cells) -> LocalGovernment | None:
    reading = read_body(cells.get(CODE), cells.get(NAME), context.bodies)
    result.warnings.extend(Issue(line, message) for message in reading.warnings)

    def fail(message: str) -> None:
        result.errors.append(Issue(line, message))

    if reading.error:
        fail(reading.error)
        return None
    body = reading.body
    code = body.code
    if body.kind == Kind.WARD:
        fail(services.ward_error(body))
        return None
    if code in context.seen:
        fail(
            _("団体コード「%(code)s」は%(line)s行目にもあります。1団体1行にしてください。")
            % {"code": code, "line": context.seen[code]}
        )
        return None
    context.seen[code] = line
    return body


def _read_row(context: _Context, result: SurveyResult, line: int, cells) -> None:
    body = _body(context, result, line, cells)
    if body is None:
        return
    saved = context.current.get(body.pk)
    current = AdoptionValues.of(saved) if saved else NO_ANSWER
    errors: list[str] = []
    values = _values(context, current, cells, errors).cleaned()
    change_reason = values.reason if REASON in cells else ""
    if not errors:
        errors += [
            message
            for messages in services.adoption_errors(
                local_government=body,
                current=current if saved else None,
                values=values,
                change_reason=change_reason,
            ).values()
            for message in messages
        ]
    if errors:
        result.errors.extend(Issue(line, message) for message in errors)
        return
    changed = [
        (f, old, new)
        for f in services.TRACKED
        if (new := encode_value(values, f)) != (old := encode_value(current, f))
    ]
    if not changed:
        return
    if not context.may_edit(body):
        result.errors.append(
            Issue(
                line,
                _("%(body)sの利用状況を編集する権限がありません。") % {"body": body.qualified_name},
            )
        )
        return
    result.changes.append(
        RowChange(line, body, changed, values.status, values.status != current.status)
    )
    result.answers.append(BulkAnswer(body, values, change_reason))


def _values(context: _Context, values: AdoptionValues, cells, errors: list[str]):
    """The row's answer: present columns replace the current values, absent ones keep them."""
    changes: dict[str, Any] = {}
    if STATUS in cells:
        try:
            status = survey_cells.parse_choice(cells[STATUS], context.status_words)
        except survey_cells.CellError as exc:
            errors.append(
                _("利用意向「%(word)s」は選択肢にありません（%(choices)s）。")
                % {"word": exc, "choices": "、".join(str(label) for label in Status.labels)}
            )
        else:
            if status is not None:  # a blank 利用意向 keeps the current status
                changes["status"] = status
    if START in cells:
        try:
            start = survey_cells.parse_start(cells[START])
        except survey_cells.CellError as exc:
            errors.append(f"{START}: {exc}")
        else:
            changes["planned_start_fiscal_year"] = start[0] if start else None
            changes["planned_start_month"] = start[1] if start else None
            changes["planned_start_half"] = start[2] if start else None
    if RENEWAL in cells:
        try:
            changes["renewal_fiscal_year"] = survey_cells.parse_fiscal_year(cells[RENEWAL])
        except survey_cells.CellError as exc:
            errors.append(f"{RENEWAL}: {exc}")
    if PROCUREMENT in cells:
        word, group = survey_cells.split_procurement(cells[PROCUREMENT])
        try:
            procurement = survey_cells.parse_choice(word, context.procurement_words)
        except survey_cells.CellError:
            errors.append(
                _("調達方法「%(word)s」は選択肢にありません（%(choices)s）。")
                % {
                    "word": word,
                    "choices": "、".join(str(label) for label in Procurement.labels),
                }
            )
        else:
            changes["procurement"] = procurement or ""
            changes["procurement_group"] = group
    if REASON in cells:
        changes["reason"] = unneutralise(sheet_upload.plain_text(cells[REASON]))
    if NOTE in cells:
        changes["note"] = unneutralise(sheet_upload.plain_text(cells[NOTE]))
    return replace(values, **changes)


def survey_apply(*, user: User, candidate: Candidate, data: bytes) -> SurveyResult:
    """Check a survey file and, if no row has an error, write every change (all or nothing)."""
    result = survey_read(user=user, candidate=candidate, data=data)
    if not result.errors and result.answers:
        services.adoptions_apply(user=user, candidate=candidate, answers=result.answers)
        result.applied = True
    return result
