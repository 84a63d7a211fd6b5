"""Reads of consultations that pages, exports and (later) the council report share.

Only submitted opinions leave this module for readers; a draft is read through `answer_of`,
which views call only after the per-object rule (permissions.answers_for_*) let the user in.
The results table (`results_rows`) is the published 意見照会結果 form, so a PDF section can
reuse it as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Left, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import permissions
from consultations.models import (
    Answer,
    AnswerVersion,
    Consultation,
    Opinion,
    Position,
    Question,
    ResponseKind,
    opinion_summary,
    response_display,
)
from core import text_search
from core.display import choice_label
from core.models import User
from hearings.models import EntryKind, Meeting, MeetingKind, MinutesEntry
from municipalities.models import (
    MUNICIPALITY_KINDS,
    Association,
    Kind,
    LocalGovernment,
    qualified_name,
)


def consultation_list() -> QuerySet[Consultation]:
    """Every consultation, newest first, with how many answers were submitted."""
    return Consultation.objects.annotate(
        submitted=Count("answers", filter=Q(answers__submitted_at__isnull=False))
    ).order_by("-opens_on", "-pk")


def consultation_get(*, pk: int) -> Consultation:
    """One consultation with what its pages show of it (raises Consultation.DoesNotExist)."""
    return Consultation.objects.prefetch_related(
        "candidates",
        Prefetch("to_prefectures", queryset=LocalGovernment.objects.order_by("code")),
        "to_associations",
        Prefetch("questions", queryset=Question.objects.select_related("candidate")),
    ).get(pk=pk)


def addressed_bodies(consultation: Consultation) -> QuerySet[LocalGovernment]:
    """The local governments the consultation asks (never a designated-city ward)."""
    bodies = LocalGovernment.objects.filter(kind__in=(Kind.PREFECTURE, *MUNICIPALITY_KINDS))
    if consultation.to_all_local_governments:
        return bodies
    prefecture_ids = [p.pk for p in consultation.to_prefectures.all()]
    return bodies.filter(
        Q(kind__in=consultation.to_kinds)
        | Q(pk__in=prefecture_ids)
        | Q(prefecture_id__in=prefecture_ids)
    )


def local_government_by_code(*, code: str) -> LocalGovernment:
    return LocalGovernment.objects.select_related("prefecture").get(code=code)


def association_by_slug(*, slug: str) -> Association:
    return Association.objects.get(slug=slug)


def answer_of(
    *,
    consultation: Consultation,
    local_government: LocalGovernment | None = None,
    association: Association | None = None,
) -> Answer | None:
    """The respondent's answer with its draft and versions: only for those who answer for it."""
    respondent: dict[str, LocalGovernment | Association | None] = (
        {"local_government": local_government}
        if local_government is not None
        else {"association": association}
    )
    return (
        Answer.objects.filter(consultation=consultation, **respondent)
        .prefetch_related("versions__submitted_by")
        .select_related("submitted_by", "via_prefecture")
        .first()
    )


@dataclass(frozen=True)
class Respondent:
    """A body or association the user answers for, with where its answer stands."""

    name: str
    code: str  # a local government's code, or an association's slug
    is_association: bool
    answer: Answer | None

    @property
    def status(self) -> str:
        if self.answer is None or (self.answer.draft_saved_at is None):
            return _("未回答")
        if not self.answer.is_submitted:
            return _("下書き")
        if self.answer.draft_saved_at and self.answer.draft_saved_at > self.answer.submitted_at:  # type: ignore[operator]
            return _("提出済（修正の下書きあり）")
        return _("提出済（期限後）") if self.answer.is_late else _("提出済")


def respondents_for(*, user: User, consultation: Consultation) -> list[Respondent]:
    """Whom the user answers for in this consultation: its own body, a coordinator's
    municipalities when the consultation goes through prefectures, its association."""
    result: list[Respondent] = []
    association = user.association if user.association_id else None
    if association and permissions.answers_for_association(user, consultation, association):
        answer = Answer.objects.filter(consultation=consultation, association=association).first()
        result.append(Respondent(association.name, association.slug, True, answer))
    own = user.local_government
    if own is None:
        return result
    bodies = addressed_bodies(consultation).filter(pk=own.pk)
    if permissions.collects_for(user, consultation) is not None:
        bodies = addressed_bodies(consultation).filter(Q(pk=own.pk) | Q(prefecture=own))
    bodies = bodies.select_related("prefecture").order_by("code")
    answers = {
        a.local_government_id: a
        for a in Answer.objects.filter(consultation=consultation, local_government__in=bodies)
    }
    for body in bodies:
        if permissions.answers_for_body(user, consultation, body):
            result.append(Respondent(body.qualified_name, body.code, False, answers.get(body.pk)))
    return result


_OPINION_RELATED = (
    "answer__local_government__prefecture",
    "answer__association",
    "question__candidate",
    "response",
)


def submitted_opinions(*, consultation: Consultation) -> QuerySet[Opinion]:
    """The submitted opinions (an opinion is written only by a submission), by question,
    then local governments by code, then associations (Opinion.sort_key)."""
    return (
        Opinion.objects.filter(consultation=consultation)
        .select_related(*_OPINION_RELATED)
        .order_by("sort_key", "pk")
    )


@dataclass(frozen=True)
class OpinionGroup:
    """One question's opinions as the consultation page shows them: the first few, and how
    many there are (the rest are on the results page)."""

    question: Question
    opinions: list[Opinion]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.opinions)


def opinion_groups(*, consultation: Consultation, per_question: int) -> list[OpinionGroup]:
    """Each question with its first `per_question` opinions in the table's order and its
    count: two queries whatever the number of opinions (a consultation of every body has
    about 1,700 per question)."""
    totals = dict(
        Opinion.objects.filter(consultation=consultation)
        .values_list("question_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    first = (
        submitted_opinions(consultation=consultation)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("question_id"), order_by=[F("sort_key"), F("pk")]
            )
        )
        .filter(rank__lte=per_question)
    )
    by_question: dict[int, list[Opinion]] = {}
    for opinion in first:
        by_question.setdefault(opinion.question_id, []).append(opinion)
    return [
        OpinionGroup(q, by_question.get(q.pk, []), totals.get(q.pk, 0))
        for q in consultation.questions.all()
    ]


def candidate_opinions(*, candidate_id: int) -> list[Opinion]:
    """The submitted opinions about one candidate in every consultation, newest consultation
    first, for the candidate page (one query whatever their number)."""
    return list(
        Opinion.objects.filter(
            question__candidate_id=candidate_id, answer__submitted_at__isnull=False
        )
        .select_related(
            "answer__local_government__prefecture",
            "answer__association",
            "question__consultation",
            "response",
        )
        .order_by(
            "-question__consultation__opens_on",
            "question__consultation_id",
            "answer__association__display_order",
            "answer__local_government__code",
        )
    )


@dataclass
class Rate:
    """Answer rate of one group of addressees."""

    label: str
    addressed: int = 0
    answered: int = 0
    late: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.answered / self.addressed, 1) if self.addressed else 0.0


@dataclass
class Progress:
    total: Rate
    by_kind: list[Rate]
    by_prefecture: list[Rate]
    associations: list[Rate]
    unanswered: list[UnansweredRow] = field(default_factory=list)


@dataclass(frozen=True)
class UnansweredRow:
    code: str
    name: str
    kind: str
    prefecture: str
    status: str  # 未回答 or 下書き: whom to remind


def consultation_progress(*, consultation: Consultation) -> Progress:
    """Answer rates overall, by kind, by prefecture and per association, and who has not
    submitted (for reminders). A fixed number of queries: addressees are grouped in Python
    (at most 1,788 bodies)."""
    bodies = list(
        addressed_bodies(consultation)
        .select_related("prefecture")
        .order_by("code")
        .only("pk", "code", "name", "kind", "prefecture__name", "prefecture__code")
    )
    answers = {
        a.local_government_id: a
        for a in Answer.objects.filter(
            consultation=consultation, local_government__isnull=False
        ).only("local_government_id", "submitted_at", "is_late")
    }
    total = Rate(_("地方公共団体 計"))
    kinds: dict[str, Rate] = {}
    prefectures: dict[str, Rate] = {}
    unanswered: list[UnansweredRow] = []
    for body in bodies:
        answer = answers.get(body.pk)
        prefecture = body if body.kind == Kind.PREFECTURE else body.prefecture
        kind = kinds.setdefault(body.kind, Rate(choice_label(Kind, body.kind)))
        pref = prefectures.setdefault(prefecture.code, Rate(prefecture.name))  # type: ignore[union-attr]
        for rate in (total, kind, pref):
            rate.addressed += 1
        if answer is not None and answer.is_submitted:
            for rate in (total, kind, pref):
                rate.answered += 1
                rate.late += answer.is_late
        else:
            unanswered.append(
                UnansweredRow(
                    body.code,
                    body.qualified_name,
                    choice_label(Kind, body.kind),
                    prefecture.name,  # type: ignore[union-attr]
                    _("下書き") if answer is not None else _("未回答"),
                )
            )
    association_answers = {
        a.association_id: a
        for a in Answer.objects.filter(consultation=consultation, association__isnull=False)
    }
    associations = []
    for association in consultation.to_associations.all():
        answer = association_answers.get(association.pk)
        submitted = answer is not None and answer.is_submitted
        associations.append(
            Rate(association.name, 1, int(submitted), int(submitted and answer.is_late))  # type: ignore[union-attr]
        )
        if not submitted:
            unanswered.append(
                UnansweredRow(
                    "",
                    association.name,
                    _("関係団体"),
                    "",
                    _("下書き") if answer is not None else _("未回答"),
                )
            )
    kind_order = {kind: i for i, kind in enumerate(Kind.values)}
    return Progress(
        total=total,
        by_kind=[kinds[k] for k in sorted(kinds, key=kind_order.__getitem__)],
        by_prefecture=[prefectures[code] for code in sorted(prefectures)],
        associations=associations,
        unanswered=unanswered,
    )


def unanswered_table(progress: Progress) -> tuple[list[str], list[list[str]]]:
    headers = [_("団体コード"), _("団体名"), _("区分"), _("都道府県"), _("状況")]
    return headers, [[r.code, r.name, r.kind, r.prefecture, r.status] for r in progress.unanswered]


@dataclass(frozen=True)
class ResultRow:
    """One line of the 意見照会結果 table, as ministries publish it."""

    number: int
    respondent: str
    section: str
    summary: str
    response: str


def opinion_results(
    *,
    consultation: Consultation,
    question_number: int | None = None,
    position: str = "",
    response: str = "",
    prefecture_code: str = "",
    words: str = "",
) -> QuerySet[Opinion]:
    """The submitted opinions the results page's filters select, in the table's order.
    `response` is a ResponseKind or "none" (not yet answered); `prefecture_code` the two
    digits every code of the prefecture starts with, or "association"."""
    opinions = submitted_opinions(consultation=consultation)
    if question_number is not None:
        opinions = opinions.filter(question__number=question_number)
    if position:
        opinions = opinions.filter(position=position)
    if response == "none":
        opinions = opinions.filter(response__isnull=True)
    elif response:
        opinions = opinions.filter(response__kind=response)
    if prefecture_code == "association":
        opinions = opinions.filter(answer__association__isnull=False)
    elif prefecture_code:
        opinions = opinions.filter(answer__local_government__code__startswith=prefecture_code)
    for word in text_search.words(words):
        opinions = opinions.filter(_opinion_has_word(consultation, word))
    return opinions


def _opinion_has_word(consultation: Consultation, word: str) -> Q:
    """Opinions whose section or text, or whose respondent's name, contains the (folded)
    word. The texts through their folded copy (on PostgreSQL its GIN index: scanning all
    50,000 texts of a large consultation took about 220 ms); the names, a few hundred to
    1,788, are folded here and stand for their answers' ids."""
    named = [
        pk
        for pk, body, association in Answer.objects.filter(consultation=consultation)
        .order_by()
        .values_list("pk", "local_government__name", "association__name")
        if word in text_search.fold(body or association or "")
    ]
    by_text = Q(search_text__contains_words=[word])
    return by_text | Q(answer_id__in=named) if named else by_text


class _SeekIds:
    """The filtered opinions' ids in the table's order, as a Paginator's object list that
    reaches a deep page by seeking instead of skipping.

    OFFSET 24,850 (page 498 of a 50,000-opinion consultation) reads and throws away that many
    index entries (about 165 ms under load, docs/benchmarks.md). The sort key starts with the
    question's number in four digits, so the count is taken per question (one pass over the
    same index, which the paginator needed anyway for the total) and a page is read from the
    first key of the question it starts in (`sort_key >= "0012"`, a seek in the index), with
    an offset of at most one question's opinions. Page numbers stay what they were."""

    PREFIX = 4  # opinion_sort_key's question number

    def __init__(self, opinions: QuerySet[Opinion]):
        self.ids = opinions.values_list("pk", flat=True)
        self._counts: list[tuple[str, int]] | None = None

    def counts(self) -> list[tuple[str, int]]:
        """(question prefix, opinions) in key order; every key of a prefix sorts at or after
        it and before the next prefix (the prefixes are digits of one length)."""
        if self._counts is None:
            grouped = (
                self.ids.order_by()
                .annotate(prefix=Left("sort_key", self.PREFIX))
                .values_list("prefix")
                .annotate(n=Count("pk"))
                .values_list("prefix", "n")
            )
            self._counts = sorted(grouped)
        return self._counts

    def count(self) -> int:
        return sum(n for _prefix, n in self.counts())

    def __getitem__(self, items: slice) -> list[int]:
        start, stop = items.start or 0, items.stop
        before = 0
        for prefix, n in self.counts():
            if start < before + n:
                rest = self.ids.filter(sort_key__gte=prefix)
                return list(rest[start - before : None if stop is None else stop - before])
            before += n
        return []


# Rows before a page from which it is sought (`_SeekIds`) rather than skipped: the count per
# question costs a little more than the plain count (about 20 ms more on 50,000 opinions), and
# skipping a couple of thousand index entries costs about 1 ms.
SEEK_AFTER = 2000


def opinion_page(
    opinions: QuerySet[Opinion], number, per_page: int, *, seek_after: int = SEEK_AFTER
) -> Page:
    """One page of the results list: the page's ids first, by a narrow query (only the sort
    keys' joins, not the eight tables of the rows: on 50,000 opinions the wide sort cost
    about 200 ms) that seeks to a deep page (`_SeekIds`), then those 50 opinions with
    everything the page shows."""
    try:
        deep = (int(number) - 1) * per_page >= seek_after
    except (TypeError, ValueError):
        deep = False  # not a number: the paginator gives the first page
    in_order = _SeekIds(opinions) if deep else opinions.values_list("pk", flat=True)
    paginator: Paginator = Paginator(in_order, per_page)  # type: ignore[arg-type]
    page = paginator.get_page(number)
    ids = list(page.object_list)
    found = opinions.model.objects.filter(pk__in=ids).select_related(*_OPINION_RELATED).in_bulk()
    page.object_list = [found[pk] for pk in ids]
    return page


def results_rows(
    *, consultation: Consultation, opinions: QuerySet[Opinion] | None = None
) -> list[ResultRow]:
    """The results table: every submitted opinion (or those given), numbered, with its
    response. Read as plain values, not objects: the whole table of a consultation of all
    1,788 bodies on 30 candidates is about 50,000 rows (docs/benchmarks.md)."""
    if opinions is None:
        opinions = submitted_opinions(consultation=consultation)
    positions = {value: str(label) for value, label in Position.choices}
    responses = {value: str(label) for value, label in ResponseKind.choices}
    rows = []
    values = opinions.values_list(
        "question__candidate__name",
        "question__text",
        "section",
        "position",
        "text",
        "response__kind",
        "response__text",
        "answer__local_government__kind",
        "answer__local_government__name",
        "answer__local_government__prefecture__name",
        "answer__association__name",
    )
    for number, (
        candidate,
        question_text,
        section,
        position,
        text,
        response_kind,
        response_text,
        body_kind,
        body_name,
        prefecture_name,
        association_name,
    ) in enumerate(values, start=1):
        heading = candidate if candidate is not None else question_text
        rows.append(
            ResultRow(
                number=number,
                respondent=qualified_name(body_kind, body_name, prefecture_name or "")
                if body_name is not None
                else association_name,
                section=f"{heading} {section}".strip() if section else heading,
                summary=opinion_summary(positions.get(position, ""), text),
                response=response_display(responses[response_kind], response_text)
                if response_kind
                else "",
            )
        )
    return rows


@dataclass(frozen=True)
class ReportConsultation:
    """A closed consultation as the council report publishes it: the results table."""

    consultation: Consultation
    answered: int  # respondents who submitted
    late: int
    rows: list[ResultRow]


def report_consultations(*, candidate_ids: Sequence[int], as_of) -> list[ReportConsultation]:
    """The consultations on the report's candidates closed by its as-of date, oldest first,
    each with its 意見照会結果 table (a fixed number of queries per consultation)."""
    asked = Consultation.candidates.through.objects.filter(candidate_id__in=candidate_ids)
    closed = (
        Consultation.objects.filter(pk__in=asked.values("consultation_id"), closed_at__isnull=False)
        .annotate(
            answered=Count("answers", filter=Q(answers__submitted_at__isnull=False)),
            late=Count("answers", filter=Q(answers__is_late=True)),
        )
        .order_by("closed_at", "pk")
    )
    return [
        ReportConsultation(c, c.answered, c.late, results_rows(consultation=c))
        for c in closed
        if timezone.localdate(c.closed_at) <= as_of
    ]


def results_table(rows: Sequence[ResultRow]) -> tuple[list[str], list[list]]:
    headers = [_("番号"), _("団体名"), _("該当箇所"), _("意見の概要"), _("対応")]
    return headers, [[r.number, r.respondent, r.section, r.summary, r.response] for r in rows]


@dataclass(frozen=True)
class VersionLine:
    """One question's answer in one submitted version, as the answer page shows it."""

    question: Question
    position: str
    section: str
    text: str


def version_lines(
    *, answer: Answer | None, questions: Sequence[Question]
) -> list[tuple[AnswerVersion, list[VersionLine]]]:
    """What each submitted version said, newest first: one line per question answered."""
    if answer is None:
        return []
    result = []
    for version in answer.versions.all():
        lines = []
        for question in questions:
            given = version.content.get(str(question.pk)) or {}
            if any(given.values()):
                lines.append(
                    VersionLine(
                        question,
                        choice_label(Position, given["position"]) if given.get("position") else "",
                        given.get("section", ""),
                        given.get("text", ""),
                    )
                )
        result.append((version, lines))
    return result


def calendar_consultations() -> QuerySet[Consultation]:
    """Every consultation, by deadline: a calendar's deadline events."""
    return Consultation.objects.only(
        "pk", "title", "deadline", "opens_on", "closed_at", "route"
    ).order_by("deadline", "pk")


def consultations_about(*, candidates) -> QuerySet[Consultation]:
    """The consultations on one of these candidates (a queryset of candidates)."""
    asked = Consultation.candidates.through.objects.filter(candidate__in=candidates.values("pk"))
    return calendar_consultations().filter(pk__in=asked.values("consultation_id"))


def consultations_addressed_to(
    *, local_government: LocalGovernment | None = None, association: Association | None = None
) -> list[Consultation]:
    """The consultations that ask this body (permissions.is_addressed) or this association, by
    deadline, in two queries: the addressee kinds are a JSON list, which SQLite cannot search,
    so the rule is read in Python on the few hundred consultations there are."""
    if local_government is not None:
        rows = (
            calendar_consultations()
            .only(
                "pk",
                "title",
                "deadline",
                "opens_on",
                "closed_at",
                "route",
                "to_all_local_governments",
                "to_kinds",
            )
            .prefetch_related(
                Prefetch("to_prefectures", queryset=LocalGovernment.objects.only("pk"))
            )
        )
        return [c for c in rows if permissions.is_addressed(c, local_government)]
    if association is not None:
        return list(calendar_consultations().filter(to_associations=association))
    return []


def addressee_users(*, consultation: Consultation, unanswered_only: bool = False) -> QuerySet[User]:
    """The people a consultation asks: the staff of each addressed local government and the
    secretariats of each addressed association (permissions.answers_for_*). With
    `unanswered_only`, those whose body or association has not submitted an answer yet."""
    from core.permissions import role_members
    from core.roles import Role

    bodies = role_members(Role.LOCAL_GOVERNMENT_STAFF).filter(
        local_government__in=addressed_bodies(consultation).values("pk")
    )
    associations = role_members(Role.ASSOCIATION_STAFF).filter(
        association__in=consultation.to_associations.values("pk")
    )
    if unanswered_only:
        submitted = Answer.objects.filter(
            consultation=consultation, first_submitted_at__isnull=False
        )
        bodies = bodies.exclude(
            local_government__in=submitted.filter(local_government__isnull=False).values(
                "local_government"
            )
        )
        associations = associations.exclude(
            association__in=submitted.filter(association__isnull=False).values("association")
        )
    return User.objects.filter(
        Q(pk__in=bodies.values("pk")) | Q(pk__in=associations.values("pk"))
    ).select_related("notification_preference")


def consultations_opened_on_or_before(*, today) -> QuerySet[Consultation]:
    """Open consultations (not closed, deadline not passed) that have opened by `today`."""
    return Consultation.objects.filter(
        closed_at__isnull=True, opens_on__lte=today, deadline__gte=today
    ).order_by("deadline", "pk")


def consultation_hearings(*, consultation: Consultation) -> list[Meeting]:
    """The hearings attached to the consultation, oldest first, each with its remarks
    (questions, answers, remarks and speeches; not the notes) in order: two queries."""
    return list(
        consultation.hearings.select_related("association")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=MinutesEntry.objects.exclude(kind=EntryKind.NOTE).order_by(
                    "position", "pk"
                ),
                to_attr="remarks",
            )
        )
        .order_by("date", "pk")
    )


def attachable_hearings(*, consultation: Consultation) -> QuerySet[Meeting]:
    """The associations' hearings not yet attached, newest first: the choices to attach."""
    return (
        Meeting.objects.filter(kind=MeetingKind.HEARING, association__isnull=False)
        .exclude(consultations=consultation)
        .select_related("association")
        .order_by("-date", "pk")
    )
