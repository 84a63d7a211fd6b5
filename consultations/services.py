"""Every write to consultations: opening and closing one, saving and submitting an answer,
responding to opinions.

An answer is saved as a draft (read only by those who answer for its respondent) and becomes
readable by everyone when submitted: the submission writes its opinions and keeps a copy as
the next AnswerVersion, so a correction never loses what was submitted before. A submission
after the deadline is accepted and marked late; nothing is accepted once the consultation is
closed or before it opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Candidate
from consultations import events, permissions
from consultations.models import (
    NEEDS_TEXT,
    Answer,
    AnswerVersion,
    Consultation,
    Opinion,
    Position,
    Question,
    QuestionKind,
    Response,
    ResponseKind,
    Route,
    SubjectKind,
    opinion_sort_key,
)
from core.concurrency import check_version
from core.events import send_after_commit
from core.models import User
from hearings.models import Meeting, MeetingKind
from municipalities.models import MUNICIPALITY_KINDS, Association, Kind, LocalGovernment

MAX_TEXT = 4000
MAX_SECTION = 200
ADDRESSABLE_KINDS = frozenset((Kind.PREFECTURE, *MUNICIPALITY_KINDS))


@dataclass(frozen=True)
class OpinionValues:
    """What a respondent writes for one question."""

    position: str = ""
    section: str = ""
    text: str = ""

    def cleaned(self) -> OpinionValues:
        return OpinionValues(self.position, self.section.strip(), self.text.strip())

    @property
    def is_empty(self) -> bool:
        return not (self.position or self.section or self.text)


@dataclass(frozen=True)
class Addressees:
    """Whom a consultation asks: all local governments, some kinds, the bodies of some
    prefectures (the prefecture with its municipalities), and associations."""

    all_local_governments: bool = False
    kinds: Sequence[str] = ()
    prefectures: Sequence[LocalGovernment] = ()
    associations: Sequence[Association] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.all_local_governments or self.kinds or self.prefectures or self.associations
        )


def _subject_errors(
    subject_kind: str, candidates: Sequence[Candidate], subject_text: str
) -> dict[str, list[str]]:
    if subject_kind == SubjectKind.DRAFT_LIST and not candidates:
        return {"candidates": [_("対象候補案の照会には、候補を1件以上選んでください。")]}
    if subject_kind == SubjectKind.POLICY_DRAFT and len(candidates) != 1:
        return {"candidates": [_("推進方針案の照会には、候補を1件だけ選んでください。")]}
    if subject_kind == SubjectKind.FREE and not subject_text:
        return {"subject_text": [_("その他の照会では、照会事項を入力してください。")]}
    if subject_kind not in SubjectKind.values:
        return {"subject_kind": [_("照会の対象の値が正しくありません。")]}
    return {}


def _cleaned_subject(
    subject_kind: str,
    candidates: Sequence[Candidate],
    subject_text: str,
    free_questions: Sequence[str],
) -> tuple[Sequence[Candidate], str, list[str]]:
    """Trimmed texts, blank questions dropped; a free subject asks about no candidate."""
    if subject_kind == SubjectKind.FREE:
        candidates = ()
    return candidates, subject_text.strip(), [q.strip() for q in free_questions if q.strip()]


def _consultation_errors(
    subject_kind: str,
    candidates: Sequence[Candidate],
    subject_text: str,
    free_questions: Sequence[str],
    opens_on: dt.date,
    deadline: dt.date,
    addressees: Addressees,
) -> dict[str, list[str]]:
    """What a consultation must be, whether opened now or edited later."""
    errors = _subject_errors(subject_kind, candidates, subject_text)
    if deadline < opens_on:
        errors["deadline"] = [_("回答期限は照会開始日以降の日付にしてください。")]
    if addressees.is_empty:
        errors["to_all_local_governments"] = [_("照会先を1つ以上指定してください。")]
    if any(kind not in ADDRESSABLE_KINDS for kind in addressees.kinds):
        errors["to_kinds"] = [_("区分の値が正しくありません。")]
    if any(p.kind != Kind.PREFECTURE for p in addressees.prefectures):
        errors["to_prefectures"] = [_("都道府県を選んでください。")]
    if not candidates and not free_questions:
        errors["free_questions"] = [_("設問を1つ以上入力してください。")]
    return errors


def _questions(
    consultation: Consultation, candidates: Sequence[Candidate], free_questions: Sequence[str]
) -> list[Question]:
    """The questions: one per candidate (a position and text), then the free-text ones."""
    questions = [
        Question(
            consultation=consultation,
            number=number,
            kind=QuestionKind.CANDIDATE,
            candidate=candidate,
        )
        for number, candidate in enumerate(candidates, start=1)
    ]
    questions += [
        Question(consultation=consultation, number=number, kind=QuestionKind.FREE, text=text)
        for number, text in enumerate(free_questions, start=len(questions) + 1)
    ]
    return questions


@transaction.atomic
def consultation_create(
    *,
    user: User,
    title: str,
    subject_kind: str,
    candidates: Sequence[Candidate] = (),
    subject_text: str = "",
    description: str = "",
    free_questions: Sequence[str] = (),
    opens_on: dt.date,
    deadline: dt.date,
    route: str = Route.DIRECT,
    addressees: Addressees,
    is_demo: bool = False,
) -> Consultation:
    """Open a consultation with its questions: one per candidate (a position and text), then
    the free-text ones in the order given."""
    if not permissions.can_manage(user):
        raise PermissionDenied(_("意見照会を作成できるのは事務局のみです。"))
    candidates, subject_text, free_questions = _cleaned_subject(
        subject_kind, candidates, subject_text, free_questions
    )
    errors = _consultation_errors(
        subject_kind, candidates, subject_text, free_questions, opens_on, deadline, addressees
    )
    if errors:
        raise ValidationError(errors)
    consultation = Consultation(
        title=title.strip(),
        subject_kind=subject_kind,
        subject_text=subject_text,
        description=description.strip(),
        opens_on=opens_on,
        deadline=deadline,
        route=route,
        to_all_local_governments=addressees.all_local_governments,
        to_kinds=sorted(set(addressees.kinds)),
        created_by=user,
        is_demo=is_demo,
    )
    consultation.full_clean()
    consultation.save()
    consultation.candidates.set(candidates)
    consultation.to_prefectures.set(addressees.prefectures)
    consultation.to_associations.set(addressees.associations)
    Question.objects.bulk_create(_questions(consultation, candidates, free_questions))
    if not is_demo:  # demo data asks nobody real
        send_after_commit(
            events.consultation_created,
            consultation_id=consultation.pk,
            today=timezone.localdate(),
        )
    return consultation


def _question_keys(questions: Sequence[Question]) -> list[tuple]:
    return [(q.kind, q.candidate_id, q.text) for q in questions]


def _addressee_keys(addressees: Addressees) -> tuple:
    return (
        addressees.all_local_governments,
        sorted(set(addressees.kinds)),
        sorted(p.pk for p in addressees.prefectures),
        sorted(a.pk for a in addressees.associations),
    )


@transaction.atomic
def consultation_update(
    *,
    user: User,
    consultation: Consultation,
    version: int | None,
    title: str,
    subject_kind: str,
    candidates: Sequence[Candidate] = (),
    subject_text: str = "",
    description: str = "",
    free_questions: Sequence[str] = (),
    opens_on: dt.date,
    deadline: dt.date,
    route: str,
    addressees: Addressees,
) -> Consultation:
    """Change a consultation: anything before it opens; once open, its title and purpose,
    a later deadline (an extension, never an earlier one) and, while nobody has answered,
    its free-text questions; nothing once it is closed."""
    if not permissions.can_manage(user):
        raise PermissionDenied(_("意見照会を編集できるのは事務局のみです。"))
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    check_version(current, version)
    if current.is_closed:
        raise ValidationError(_("締め切られた意見照会は変更できません。"))
    candidates, subject_text, free_questions = _cleaned_subject(
        subject_kind, candidates, subject_text, free_questions
    )
    errors = _consultation_errors(
        subject_kind, candidates, subject_text, free_questions, opens_on, deadline, addressees
    )
    old_questions = list(current.questions.order_by("number"))
    # Candidates already asked keep their question numbers (the form lists them by name).
    asked = {q.candidate_id: q.number for q in old_questions if q.candidate_id}
    candidates = sorted(candidates, key=lambda c: asked.get(c.pk, len(asked) + 1))
    new_questions = _questions(current, candidates, free_questions)
    questions_change = _question_keys(old_questions) != _question_keys(new_questions)
    if questions_change and current.answers.exists():
        errors.setdefault("free_questions", []).append(
            _(
                "回答（下書きを含む）があるため、設問（対象の候補・自由記述の設問）は変更できません。"
            )
        )
    if timezone.localdate() >= current.opens_on:
        old_addressees = Addressees(
            current.to_all_local_governments,
            current.to_kinds,
            list(current.to_prefectures.all()),
            list(current.to_associations.all()),
        )
        started = _("照会開始後は%(what)sを変更できません。")
        if (subject_kind, subject_text) != (current.subject_kind, current.subject_text) or [
            c.pk for c in candidates
        ] != [q.candidate_id for q in old_questions if q.candidate_id]:
            errors.setdefault("subject_kind", []).append(started % {"what": _("照会の対象")})
        if opens_on != current.opens_on:
            errors.setdefault("opens_on", []).append(started % {"what": _("照会開始日")})
        if route != current.route:
            errors.setdefault("route", []).append(started % {"what": _("照会経路")})
        if _addressee_keys(addressees) != _addressee_keys(old_addressees):
            errors.setdefault("to_all_local_governments", []).append(
                started % {"what": _("照会先")}
            )
        if deadline < current.deadline:
            errors.setdefault("deadline", []).append(
                _("照会開始後は回答期限を早められません（延長のみできます）。")
            )
    if errors:
        raise ValidationError(errors)
    current.title = title.strip()
    current.subject_kind, current.subject_text = subject_kind, subject_text
    current.description = description.strip()
    current.opens_on, current.deadline, current.route = opens_on, deadline, route
    current.to_all_local_governments = addressees.all_local_governments
    current.to_kinds = sorted(set(addressees.kinds))
    current.version += 1
    current.full_clean()
    current.save()
    current.candidates.set(candidates)
    current.to_prefectures.set(addressees.prefectures)
    current.to_associations.set(addressees.associations)
    if questions_change:
        current.questions.all().delete()
        Question.objects.bulk_create(new_questions)
    return current


@transaction.atomic
def consultation_close(*, user: User, consultation: Consultation, version: int | None) -> None:
    """Close the consultation: no answer is taken or corrected after this."""
    if not permissions.can_manage(user):
        raise PermissionDenied(_("意見照会を締め切れるのは事務局のみです。"))
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    check_version(current, version)
    if current.is_closed:
        return
    current.closed_at = timezone.now()
    current.version += 1
    current.save(update_fields=["closed_at", "version"])
    consultation.closed_at, consultation.version = current.closed_at, current.version


def answer_errors(
    questions: Sequence[Question], opinions: Mapping[int, OpinionValues], *, submit: bool
) -> dict[str, list[str]]:
    """Every rule an answer must meet, by form field (q<pk>_position, ...); a draft is held
    only to the lengths and values, a submission also to completeness."""
    errors: dict[str, list[str]] = {}
    known = {q.pk for q in questions}
    if unknown := set(opinions) - known:
        errors["__all__"] = [_("この照会にない設問への回答です：%s") % sorted(unknown)]
    for question in questions:
        values = opinions.get(question.pk, OpinionValues())
        prefix = f"q{question.pk}_"
        if values.position and (
            not question.asks_position or values.position not in Position.values
        ):
            errors[prefix + "position"] = [_("賛否の値が正しくありません。")]
        if len(values.section) > MAX_SECTION:
            errors[prefix + "section"] = [
                _("該当箇所は%(n)s文字以内で入力してください。") % {"n": MAX_SECTION}
            ]
        if len(values.text) > MAX_TEXT:
            errors[prefix + "text"] = [
                _("意見は%(n)s文字以内で入力してください。") % {"n": MAX_TEXT}
            ]
        if not submit:
            continue
        if question.asks_position and not values.position:
            errors[prefix + "position"] = [_("賛否を選んでください。")]
        if values.position in NEEDS_TEXT and not values.text:
            errors[prefix + "text"] = [
                _("「条件付き賛成」又は「反対」の場合は、条件又は理由を記入してください。")
            ]
    return errors


def _respondent_answer(
    consultation: Consultation,
    local_government: LocalGovernment | None,
    association: Association | None,
) -> Answer:
    respondent: dict[str, LocalGovernment | Association | None] = (
        {"local_government": local_government}
        if local_government is not None
        else {"association": association}
    )
    return Answer.objects.select_for_update().filter(
        consultation=consultation, **respondent
    ).first() or Answer(consultation=consultation, version=0, **respondent)


@transaction.atomic
def answer_save(
    *,
    user: User,
    consultation: Consultation,
    local_government: LocalGovernment | None = None,
    association: Association | None = None,
    opinions: Mapping[int, OpinionValues],
    submit: bool,
    version: int | None,
) -> Answer:
    """Save a respondent's answer as a draft, or submit it (a correction once submitted):
    a submission writes the opinions others read and keeps this version."""
    if (local_government is None) == (association is None):
        raise ValueError("an answer is for one local government or one association")
    allowed = (
        permissions.answers_for_body(user, consultation, local_government)
        if local_government is not None
        else permissions.answers_for_association(user, consultation, association)  # type: ignore[arg-type]
    )
    if not allowed:
        raise PermissionDenied(_("この団体の回答を入力する権限がありません。"))
    return answer_write(
        user=user,
        consultation=consultation,
        local_government=local_government,
        association=association,
        opinions=opinions,
        submit=submit,
        version=version,
        now=timezone.now(),
    )


@transaction.atomic
def answer_write(
    *,
    user: User,
    consultation: Consultation,
    local_government: LocalGovernment | None = None,
    association: Association | None = None,
    opinions: Mapping[int, OpinionValues],
    submit: bool,
    version: int | None,
    now: dt.datetime,
    is_demo: bool = False,
) -> Answer:
    """Write an answer as of `now` under every rule but who may: answer_save's work once it
    has authorised, and the demo loader's (which dates its answers in the past)."""
    today = timezone.localdate(now)
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.is_closed:
        raise ValidationError(_("この意見照会は締め切られました。回答の提出・修正はできません。"))
    if today < locked.opens_on:
        raise ValidationError(_("この意見照会はまだ始まっていません。"))
    answer = _respondent_answer(locked, local_government, association)
    check_version(answer, version)
    questions = list(locked.questions.order_by("number"))
    cleaned = {pk: values.cleaned() for pk, values in opinions.items()}
    if errors := answer_errors(questions, cleaned, submit=submit):
        raise ValidationError(errors)
    answer.draft = {str(q.pk): asdict(cleaned.get(q.pk, OpinionValues())) for q in questions}
    answer.draft_saved_at = now
    answer.version += 1
    answer.is_demo = answer.is_demo or is_demo
    if not submit:
        answer.save()
        return answer
    late = today > locked.deadline
    if answer.first_submitted_at is None:
        answer.first_submitted_at = now
        answer.is_late = late
    answer.submitted_at = now
    answer.submitted_by = user
    collector = permissions.collects_for(user, locked)
    answer.via_prefecture = (
        collector if collector is not None and local_government != collector else None
    )
    answer.save()
    _write_opinions(answer, questions, cleaned)
    number = answer.versions.count() + 1
    AnswerVersion.objects.create(
        answer=answer,
        number=number,
        content=answer.draft,
        submitted_at=now,
        submitted_by=user,
        is_late=late,
    )
    return answer


def _write_opinions(
    answer: Answer, questions: Sequence[Question], values: Mapping[int, OpinionValues]
) -> None:
    """Make the opinions match the submission; an opinion that stays keeps its response."""
    existing = {o.question_id: o for o in answer.opinions.all()}
    for question in questions:
        given = values.get(question.pk, OpinionValues())
        opinion = existing.get(question.pk)
        if given.is_empty:
            if opinion is not None:
                opinion.delete()
            continue
        opinion = opinion or Opinion(answer=answer, question=question)
        opinion.position, opinion.section, opinion.text = given.position, given.section, given.text
        opinion.consultation_id = answer.consultation_id
        opinion.sort_key = opinion_sort_key(question.number, answer)
        opinion.full_clean(
            exclude=["answer", "question", "response", "consultation", "sort_key"],
            validate_unique=False,
        )
        opinion.save()


@transaction.atomic
def response_record(
    *,
    user: User,
    consultation: Consultation,
    opinion_ids: Sequence[int],
    kind: str,
    text: str,
) -> Response:
    """Record one response (対応) to the given opinions: one opinion, or a group of similar
    ones answered together. An opinion answered before takes the new response."""
    if not permissions.can_respond(user, consultation):
        raise PermissionDenied(_("この意見照会の意見に対応を記入する権限がありません。"))
    errors: dict[str, list[str]] = {}
    opinions = list(
        Opinion.objects.select_for_update().filter(
            pk__in=opinion_ids,
            answer__consultation=consultation,
            answer__submitted_at__isnull=False,
        )
    )
    if not opinion_ids or len(opinions) != len(set(opinion_ids)):
        errors["opinions"] = [_("対応を記入する意見を選んでください。")]
    if kind not in ResponseKind.values:
        errors["kind"] = [_("対応の値が正しくありません。")]
    if not text.strip():
        errors["text"] = [_("対応の内容を入力してください。")]
    if errors:
        raise ValidationError(errors)
    response = Response(consultation=consultation, kind=kind, text=text.strip(), responded_by=user)
    response.full_clean(exclude=["consultation", "responded_by"])
    response.save()
    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(response=response)
    return response


@transaction.atomic
def answers_submit_bulk(
    *,
    user: User,
    consultation: Consultation,
    answers: Sequence[tuple[LocalGovernment | Association, Mapping[int, OpinionValues]]],
) -> list[Answer]:
    """Submit several respondents' answers at once (a prefecture's or an association's
    一括回答票): each under answer_save's rules, and all or none of them."""
    return [
        answer_save(
            user=user,
            consultation=consultation,
            local_government=respondent if isinstance(respondent, LocalGovernment) else None,
            association=respondent if isinstance(respondent, Association) else None,
            opinions=opinions,
            submit=True,
            version=None,
        )
        for respondent, opinions in answers
    ]


@transaction.atomic
def consultation_hearing_link(
    *, user: User, consultation: Consultation, meeting: Meeting, attach: bool
) -> Meeting:
    """Attach an association's hearing to the consultation (its remarks then show beside the
    opinions), or detach it."""
    if not permissions.can_manage(user):
        raise PermissionDenied(_("ヒアリングを関連付けられるのは事務局のみです。"))
    if not attach:
        consultation.hearings.remove(meeting)
        return meeting
    if meeting.kind != MeetingKind.HEARING or meeting.association_id is None:
        raise ValidationError(
            {"meeting": [_("関連付けられるのは、関係団体の個別ヒアリングのみです。")]}
        )
    consultation.hearings.add(meeting)
    return meeting
