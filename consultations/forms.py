"""Forms of consultations: validation and cleaning only; the rules are in services.py."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate
from consultations.models import (
    Answer,
    Opinion,
    Position,
    Question,
    ResponseKind,
    Route,
    SubjectKind,
)
from consultations.services import MAX_SECTION, MAX_TEXT, Addressees, OpinionValues
from core.forms import AccessibleForm, DateInput
from hearings.models import Meeting
from municipalities.models import MUNICIPALITY_KINDS, Association, Kind, LocalGovernment


class ConsultationForm(AccessibleForm):
    title = forms.CharField(label=_("件名"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    subject_kind = forms.ChoiceField(
        label=_("照会の対象"), choices=SubjectKind.choices, widget=forms.RadioSelect
    )
    candidates = forms.ModelMultipleChoiceField(
        label=_("対象の候補"),
        queryset=Candidate.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("対象候補案は1件以上、推進方針案は1件を選びます。候補ごとに賛否を尋ねます。"),
    )
    subject_text = forms.CharField(
        label=_("照会事項"),
        max_length=200,
        required=False,
        help_text=_("その他の照会の場合、何について意見を求めるか"),
    )
    description = forms.CharField(
        label=_("照会の趣旨"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    free_questions = forms.CharField(
        label=_("自由記述の設問"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("1行に1問。候補ごとの賛否の後に尋ねます。"),
    )
    opens_on = forms.DateField(label=_("照会開始日"), widget=DateInput)
    deadline = forms.DateField(label=_("回答期限"), widget=DateInput)
    route = forms.ChoiceField(
        label=_("照会経路"),
        choices=Route.choices,
        initial=Route.DIRECT,
        widget=forms.RadioSelect,
        help_text=_(
            "都道府県経由の場合、都道府県の取りまとめ担当が管内市区町村の回答を入力できます。"
        ),
    )
    to_all_local_governments = forms.BooleanField(
        label=_("全地方公共団体に照会する"), required=False
    )
    to_kinds = forms.MultipleChoiceField(
        label=_("区分で指定"),
        choices=[(k.value, k.label) for k in (Kind.PREFECTURE, *MUNICIPALITY_KINDS)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    to_prefectures = forms.ModelMultipleChoiceField(
        label=_("都道府県で指定（管内の市区町村を含む）"),
        queryset=LocalGovernment.objects.prefectures().order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    to_associations = forms.ModelMultipleChoiceField(
        label=_("関係団体"),
        queryset=Association.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_from(cls, consultation) -> dict:
        """The form's values for an existing consultation (the edit page)."""
        free = [q.text for q in consultation.questions.all() if not q.asks_position]
        return {
            "title": consultation.title,
            "subject_kind": consultation.subject_kind,
            "candidates": [q.candidate for q in consultation.questions.all() if q.asks_position],
            "subject_text": consultation.subject_text,
            "description": consultation.description,
            "free_questions": "\n".join(free),
            "opens_on": consultation.opens_on,
            "deadline": consultation.deadline,
            "route": consultation.route,
            "to_all_local_governments": consultation.to_all_local_governments,
            "to_kinds": consultation.to_kinds,
            "to_prefectures": list(consultation.to_prefectures.all()),
            "to_associations": list(consultation.to_associations.all()),
            "version": consultation.version,
        }

    def values(self) -> dict:
        """What the services take (consultation_create, consultation_update)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "subject_kind": data["subject_kind"],
            "candidates": list(data["candidates"]),
            "subject_text": data["subject_text"],
            "description": data["description"],
            "free_questions": self.free_question_list(),
            "opens_on": data["opens_on"],
            "deadline": data["deadline"],
            "route": data["route"],
            "addressees": self.addressees(),
        }

    def addressees(self) -> Addressees:
        data = self.cleaned_data
        return Addressees(
            all_local_governments=data["to_all_local_governments"],
            kinds=data["to_kinds"],
            prefectures=list(data["to_prefectures"]),
            associations=list(data["to_associations"]),
        )

    def free_question_list(self) -> list[str]:
        return [line for line in self.cleaned_data["free_questions"].splitlines() if line.strip()]


class AnswerForm(AccessibleForm):
    """Three fields per question (q<pk>_position, q<pk>_section, q<pk>_text), a position only
    where the question asks one. Which button was pressed says draft or submission."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions: Sequence[Question], answer: Answer | None, **kwargs):
        initial: dict = {"version": answer.version if answer else 0}
        for pk, values in (answer.draft if answer else {}).items():
            for name, value in values.items():
                initial[f"q{pk}_{name}"] = value
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            prefix = f"q{question.pk}_"
            if question.asks_position:
                self.fields[prefix + "position"] = forms.ChoiceField(
                    label=_("賛否"),
                    choices=[("", "—"), *Position.choices],
                    required=False,
                )
            self.fields[prefix + "section"] = forms.CharField(
                label=_("該当箇所"),
                max_length=MAX_SECTION,
                required=False,
                help_text=_("例：別紙2ページ、スケジュール"),
            )
            self.fields[prefix + "text"] = forms.CharField(
                label=_("意見"),
                max_length=MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("「条件付き賛成」「反対」の場合は、条件又は理由を記入してください。")
                if question.asks_position
                else "",
            )

    def groups(self) -> list[tuple[Question, list[forms.BoundField]]]:
        """The fields of each question, for the template."""
        return [
            (q, [self[name] for name in self.fields if name.startswith(f"q{q.pk}_")])
            for q in self.questions
        ]

    def opinions(self) -> dict[int, OpinionValues]:
        data = self.cleaned_data
        return {
            q.pk: OpinionValues(
                position=data.get(f"q{q.pk}_position", ""),
                section=data[f"q{q.pk}_section"],
                text=data[f"q{q.pk}_text"],
            )
            for q in self.questions
        }


class ResponseForm(AccessibleForm):
    opinions = forms.ModelMultipleChoiceField(
        label=_("対応する意見"),
        queryset=Opinion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(label=_("対応"), choices=[("", "—"), *ResponseKind.choices])
    text = forms.CharField(label=_("対応の内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, opinions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["opinions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = opinions


class HearingLinkForm(AccessibleForm):
    """Attach or detach a hearing (the service checks it is an association's hearing)."""

    meeting = forms.ModelChoiceField(label=_("ヒアリング"), queryset=Meeting.objects.all())
    action = forms.ChoiceField(
        choices=[("attach", _("関連付ける")), ("detach", _("関連付けを外す"))],
        widget=forms.HiddenInput,
    )
