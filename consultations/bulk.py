"""The bulk answer sheet (一括回答票): one spreadsheet out per prefecture or association, the
answers back in, as the adoption survey does (core.sheet_upload's file contract).

Out: for a prefecture that collects its municipalities' answers (都道府県経由), one row per
body (itself and its addressed municipalities) × question; for an association, one row per
question. Each row carries the current working copy, so a sheet sent back unchanged changes
nothing.

In: rows are grouped by body; a body whose every answer cell is blank is left alone (not
answered). Every other body's rows are checked as a submission (services.answer_errors) and
each message points at the line of the question it is about. `bulk_read` writes nothing;
`bulk_apply` submits every changed body through services.answers_submit_bulk, all or none,
under the single answer's rules (late marking, versions, closed consultation refused).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from adoption import survey_cells
from adoption.selectors import adopters_by_code
from consultations import permissions, selectors, services
from consultations.models import Answer, Consultation, Position, Question
from consultations.services import OpinionValues
from core import sheet_upload
from core.display import choice_label
from core.models import User
from core.sheet_upload import Issue
from core.spreadsheets import neutralise, unneutralise
from municipalities.codes import read_body
from municipalities.models import Association, Kind, LocalGovernment

CODE, PREFECTURE, NAME, NUMBER, QUESTION = "団体コード", "都道府県", "団体名", "設問番号", "設問"
POSITION, SECTION, TEXT = "賛否", "該当箇所", "意見"
BODY_HEADERS = (CODE, PREFECTURE, NAME, NUMBER, QUESTION, POSITION, SECTION, TEXT)
ASSOCIATION_HEADERS = (NAME, NUMBER, QUESTION, POSITION, SECTION, TEXT)
# Hokkaido's 180 bodies × 30 questions is 5,400 rows.
MAX_ROWS = 20000

Respondent = LocalGovernment | Association


@dataclass(frozen=True)
class BulkChange:
    """One respondent whose answer the file submits: first submission or correction."""

    row: int
    name: str
    is_correction: bool
    opinions: int


@dataclass(frozen=True)
class BulkAnswer:
    respondent: Respondent
    opinions: Mapping[int, OpinionValues]


@dataclass
class BulkResult:
    rows: int = 0
    changes: list[BulkChange] = field(default_factory=list)
    unchanged: int = 0
    blank: int = 0
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    answers: list[BulkAnswer] = field(default_factory=list)
    late: bool = False
    applied: bool = False


# --- the sheet out ----------------------------------------------------------------------


def bulk_bodies(*, user: User, consultation: Consultation, prefecture: LocalGovernment):
    """The bodies a prefecture's sheet holds: itself and its addressed municipalities that
    the user answers for, by code."""
    bodies = (
        selectors.addressed_bodies(consultation)
        .filter(Q(pk=prefecture.pk) | Q(prefecture=prefecture))
        .select_related("prefecture")
        .order_by("code")
    )
    return [body for body in bodies if permissions.answers_for_body(user, consultation, body)]


def bulk_sheet(*, user: User, consultation: Consultation, respondent: Respondent) -> bytes:
    """The answer sheet, in Japanese whatever the page's language (its headers are the
    form's)."""
    with translation.override("ja"):
        return _bulk_sheet(user, consultation, respondent)


def _bulk_sheet(user: User, consultation: Consultation, respondent: Respondent) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("一括回答票")
    questions = list(consultation.questions.all())
    answers = Answer.objects.filter(consultation=consultation)
    rows: list[tuple[list, dict]] = []  # (the respondent's cells, its working copy)
    headers: tuple[str, ...]
    widths: tuple[int, ...]
    if isinstance(respondent, LocalGovernment):
        headers, widths, position_column = BODY_HEADERS, (10, 10, 16, 8, 30, 14, 24, 60), "F"
        bodies = bulk_bodies(user=user, consultation=consultation, prefecture=respondent)
        drafts = {
            a.local_government_id: a.draft for a in answers.filter(local_government__in=bodies)
        }
        for body in bodies:
            prefecture = body.prefecture.name if body.prefecture else body.name
            rows.append(([body.code, prefecture, body.name], drafts.get(body.pk) or {}))
    else:
        headers, widths, position_column = ASSOCIATION_HEADERS, (24, 8, 30, 14, 24, 60), "D"
        answer = answers.filter(association=respondent).first()
        rows.append(([respondent.name], answer.draft if answer else {}))
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for respondent_cells, draft in rows:
        for question in questions:
            given = draft.get(str(question.pk)) or {}
            position = given.get("position", "")
            sheet.append(
                [
                    *respondent_cells,
                    question.number,
                    neutralise(question.heading),
                    choice_label(Position, position) if position else "",
                    neutralise(given.get("section", "")),
                    neutralise(given.get("text", "")),
                ]
            )
    last = sheet.max_row
    if headers is BODY_HEADERS:
        # Codes are text: Excel must not turn 011002 into 11002.
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last, max_col=1):
            cell.number_format = "@"
    sheet_upload.drop_down(sheet, position_column, last, [str(p) for p in Position.labels])
    letters = "ABCDEFGH"[: len(headers)]
    for column, width in zip(letters, widths, strict=True):
        sheet.column_dimensions[column].width = width
    for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=len(headers)):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"{position_column}2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the sheet back in ------------------------------------------------------------------


@dataclass
class _Respondent:
    respondent: Respondent
    first_line: int
    lines: dict[int, int] = field(default_factory=dict)  # question pk -> line
    opinions: dict[int, OpinionValues] = field(default_factory=dict)
    has_error: bool = False


def bulk_read(
    *, user: User, consultation: Consultation, respondent: Respondent, data: bytes
) -> BulkResult:
    """Check every row of an answer sheet and list the answers it would submit; writes
    nothing."""
    result = BulkResult()
    today = timezone.localdate()
    if consultation.is_closed:
        result.errors.append(
            Issue(0, _("この意見照会は締め切られました。回答の提出・修正はできません。"))
        )
        return result
    if today < consultation.opens_on:
        result.errors.append(Issue(0, _("この意見照会はまだ始まっていません。")))
        return result
    is_body = isinstance(respondent, LocalGovernment)
    headers = BODY_HEADERS if is_body else ASSOCIATION_HEADERS
    try:
        table = sheet_upload.read_table(
            data,
            headers=headers,
            required=(CODE, NUMBER, POSITION, TEXT) if is_body else (NUMBER, POSITION, TEXT),
            sheet_hint=_("回答票"),
            max_rows=MAX_ROWS,
        )
    except sheet_upload.SheetFileError as exc:
        result.errors.append(Issue(1, str(exc)))
        return result
    result.rows = len(table)
    result.late = today > consultation.deadline
    questions = {q.number: q for q in consultation.questions.all()}
    bodies = adopters_by_code() if is_body else {}
    groups: dict[str, _Respondent] = {}
    for line, cells in table:
        errors: list[str] = []
        if is_body:
            who = _row_body(user, consultation, respondent, bodies, line, cells, result)
        else:
            who = respondent
        question = _row_question(questions, cells.get(NUMBER), errors)
        values = _row_values(cells, errors)
        if who is None:
            continue
        key = who.code if isinstance(who, LocalGovernment) else who.slug
        group = groups.setdefault(key, _Respondent(who, line))
        if errors or question is None:
            result.errors.extend(Issue(line, message) for message in errors)
            group.has_error = True
            continue
        if question.pk in group.lines:
            result.errors.append(
                Issue(
                    line,
                    _("%(name)sの設問%(n)sは%(line)s行目にもあります。1設問1行にしてください。")
                    % {"name": _name(who), "n": question.number, "line": group.lines[question.pk]},
                )
            )
            group.has_error = True
            continue
        group.lines[question.pk] = line
        group.opinions[question.pk] = values
    _check_answers(consultation, list(questions.values()), groups, result)
    return result


def _name(respondent: Respondent) -> str:
    return respondent.qualified_name if isinstance(respondent, LocalGovernment) else respondent.name


def _row_body(user, consultation, prefecture, bodies, line, cells, result):
    reading = read_body(cells.get(CODE), cells.get(NAME), bodies)
    result.warnings.extend(Issue(line, message) for message in reading.warnings)
    body = reading.body
    if reading.error:
        message = reading.error
    elif body.kind == Kind.WARD:
        message = _("%(ward)sは指定都市の行政区です。回答は%(city)sとして入力してください。") % {
            "ward": body.name,
            "city": body.parent.qualified_name if body.parent else "",
        }
    elif not permissions.is_addressed(consultation, body):
        message = _("%(body)sはこの意見照会の照会先ではありません。") % {
            "body": body.qualified_name
        }
    elif not permissions.answers_for_body(user, consultation, body):
        message = _(
            "%(body)sの回答を入力する権限がありません（%(prefecture)s及び管内の市区町村のみ）。"
        ) % {"body": body.qualified_name, "prefecture": prefecture.name}
    else:
        return body
    result.errors.append(Issue(line, message))
    return None


def _row_question(questions: dict[int, Question], cell, errors: list[str]) -> Question | None:
    text = sheet_upload.normalise(cell)
    if not text:
        errors.append(_("設問番号が空欄です。"))
        return None
    question = questions.get(int(text)) if text.isdigit() else None
    if question is None:
        errors.append(_("設問番号「%(n)s」はこの意見照会にありません。") % {"n": text})
    return question


POSITION_WORDS: dict[str, str] = {}


def _row_values(cells, errors: list[str]) -> OpinionValues:
    if not POSITION_WORDS:
        POSITION_WORDS.update(survey_cells.choice_words(Position))
    position = ""
    try:
        position = survey_cells.parse_choice(cells.get(POSITION), POSITION_WORDS) or ""
    except survey_cells.CellError as exc:
        errors.append(
            _("賛否「%(word)s」は選択肢にありません（%(choices)s）。")
            % {"word": exc, "choices": "、".join(str(label) for label in Position.labels)}
        )
    return OpinionValues(
        position=position,
        section=unneutralise(sheet_upload.plain_text(cells.get(SECTION))),
        text=unneutralise(sheet_upload.plain_text(cells.get(TEXT))),
    ).cleaned()


def _check_answers(
    consultation: Consultation,
    questions: list[Question],
    groups: dict[str, _Respondent],
    result: BulkResult,
) -> None:
    """Hold each respondent's rows to a submission's rules; list what would be submitted."""
    by_pk = {q.pk: q for q in questions}
    current = _current_answers(consultation, [g.respondent for g in groups.values()])
    for group in groups.values():
        if group.has_error:
            continue
        if all(values.is_empty for values in group.opinions.values()):
            result.blank += 1
            continue
        errors = services.answer_errors(questions, group.opinions, submit=True)
        for key, messages in errors.items():
            pk = int(key[1:].split("_")[0]) if key.startswith("q") else None
            line = group.lines.get(pk, group.first_line) if pk else group.first_line
            for message in messages:
                prefix = (
                    _("%(name)s 設問%(n)s")
                    % {"name": _name(group.respondent), "n": by_pk[pk].number}
                    if pk
                    else _name(group.respondent)
                )
                result.errors.append(Issue(line, f"{prefix}: {message}"))
        if errors:
            continue
        answer = current.get(_key(group.respondent))
        draft = {str(q.pk): asdict(group.opinions.get(q.pk, OpinionValues())) for q in questions}
        if answer is not None and answer.is_submitted and _same(answer, draft):
            result.unchanged += 1
            continue
        result.changes.append(
            BulkChange(
                group.first_line,
                _name(group.respondent),
                answer is not None and answer.is_submitted,
                sum(not v.is_empty for v in group.opinions.values()),
            )
        )
        result.answers.append(BulkAnswer(group.respondent, group.opinions))


def _key(respondent: Respondent) -> tuple[str, int]:
    return ("lg" if isinstance(respondent, LocalGovernment) else "as", respondent.pk)


def _current_answers(consultation: Consultation, respondents: list[Respondent]):
    bodies = [r.pk for r in respondents if isinstance(r, LocalGovernment)]
    associations = [r.pk for r in respondents if isinstance(r, Association)]
    answers = Answer.objects.filter(consultation=consultation).filter(
        local_government__in=bodies
    ) | Answer.objects.filter(consultation=consultation, association__in=associations)
    return {
        ("lg", a.local_government_id) if a.local_government_id else ("as", a.association_id): a
        for a in answers
    }


def _same(answer: Answer, draft: dict) -> bool:
    """Whether the sheet says what was last submitted (and no later draft differs)."""
    saved_later = (
        answer.draft_saved_at is not None
        and answer.submitted_at is not None
        and answer.draft_saved_at > answer.submitted_at
    )
    return not saved_later and answer.draft == draft


def bulk_apply(
    *, user: User, consultation: Consultation, respondent: Respondent, data: bytes
) -> BulkResult:
    """Check an answer sheet and, if no row has an error, submit every changed answer (all or
    nothing)."""
    result = bulk_read(user=user, consultation=consultation, respondent=respondent, data=data)
    if result.errors or not result.answers:
        return result
    try:
        services.answers_submit_bulk(
            user=user,
            consultation=consultation,
            answers=[(a.respondent, a.opinions) for a in result.answers],
        )
    except ValidationError as exc:
        result.errors.extend(Issue(0, message) for message in exc.messages)
        return result
    result.applied = True
    return result
