"""The results page's filters: question, position, whether answered (対応), prefecture and
kind of respondent, and words in the respondent's name or the opinion."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from adoption.selectors import prefecture_choices
from consultations.models import Consultation, Position, ResponseKind

ASSOCIATIONS = "association"


class OpinionFilterForm(forms.Form):
    question = forms.TypedChoiceField(label=_("設問"), required=False, coerce=int, empty_value=None)
    position = forms.ChoiceField(label=_("賛否"), required=False)
    response = forms.ChoiceField(label=_("対応"), required=False)
    prefecture = forms.ChoiceField(label=_("都道府県"), required=False)
    q = forms.CharField(label=_("団体名・意見に含む語"), required=False, max_length=100)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        everything: list[tuple[object, object]] = [("", _("すべて"))]
        choices: dict[str, list] = {
            "question": [
                (q.number, _("問%(n)s %(heading)s") % {"n": q.number, "heading": q.heading[:40]})
                for q in consultation.questions.all()
            ],
            "position": list(Position.choices),
            "response": [("none", _("未対応")), *ResponseKind.choices],
            "prefecture": [*prefecture_choices(), (ASSOCIATIONS, _("関係団体"))],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = everything + options

    def filters(self) -> dict:
        """The valid filters, as selectors.opinion_results takes them (call after is_valid())."""
        data = self.cleaned_data
        return {
            "question_number": data.get("question"),
            "position": data.get("position") or "",
            "response": data.get("response") or "",
            "prefecture_code": data.get("prefecture") or "",
            "words": (data.get("q") or "").strip(),
        }
