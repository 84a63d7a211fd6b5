"""The rows the import preview proposes from the minutes (decisions, requests): each shown
with its values read from the text and saved with the meeting only when ticked
(records.ProposedRow). One form class per kind of row, sharing the tick, the agenda number and
the look-up of candidates by name."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, Ministry
from core.forms import WIDGET_RENDERER, AccessibleForm
from hearings.models import DecisionKind
from hearings.records import DecisionRow, MeetingRecord, RequestRow

TO_SECRETARIAT = "secretariat"


def candidates_by_names(text: str) -> list[Candidate]:
    """The candidates a list of names (「、」 or line separated) names, in its order; unknown
    names are an error naming them."""
    names = [n.strip() for n in re.split(r"[、,\n]", text)]
    names = [n for n in names if n]
    found = {c.name: c for c in Candidate.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationError(
            _("次の候補は見つかりません：%(names)s") % {"names": "、".join(missing)}
        )
    return [found[n] for n in names]


class ProposedRowForm(AccessibleForm):
    """The tick and the agenda number every proposed row has."""

    confirmed = forms.BooleanField(required=False)
    agenda_number = forms.IntegerField(
        label=_("議題番号"), min_value=1, max_value=99, required=False
    )


class DecisionRowForm(ProposedRowForm):
    """A decision the import proposes from an outcome line."""

    kind = forms.ChoiceField(label=_("決定の種類"), choices=DecisionKind.choices)
    text = forms.CharField(label=_("決定の内容"), widget=forms.Textarea(attrs={"rows": 2}))
    candidate_names = forms.CharField(
        label=_("対象の候補"),
        max_length=2000,
        required=False,
        help_text=_("候補名を「、」で区切って入力"),
    )
    field_order = ["confirmed", "kind", "agenda_number", "text", "candidate_names"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].label = _("この決定を記録する")

    def clean_candidate_names(self) -> list[Candidate]:
        return candidates_by_names(self.cleaned_data["candidate_names"])

    def row(self) -> DecisionRow:
        data = self.cleaned_data
        return DecisionRow(
            kind=data["kind"],
            text=data["text"],
            agenda_number=data["agenda_number"],
            candidates=data["candidate_names"],
            confirmed=True,
        )

    @staticmethod
    def initial_of(row: DecisionRow) -> dict:
        return {
            "confirmed": row.confirmed,
            "kind": row.kind,
            "agenda_number": row.agenda_number,
            "text": row.text,
            "candidate_names": "、".join(c.name for c in row.candidates),
        }


def addressee_choices() -> list[tuple[str, Any]]:
    """Whom a request can ask: nobody chosen yet, the secretariat, or a ministry."""
    return [("", _("（選んでください）")), (TO_SECRETARIAT, _("事務局"))] + [
        (str(m.pk), str(m)) for m in Ministry.objects.all()
    ]


class RequestRowForm(ProposedRowForm):
    """A request the import proposes from a remark that asks something."""

    addressee = forms.ChoiceField(label=_("宛先"), required=False)
    text = forms.CharField(label=_("要請の内容"), widget=forms.Textarea(attrs={"rows": 3}))
    candidate_name = forms.CharField(label=_("対象の候補"), max_length=200, required=False)
    field_order = ["confirmed", "addressee", "agenda_number", "text", "candidate_name"]

    def __init__(self, *args, addressees: list[tuple[str, Any]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].label = _("この要請を登録する")
        # The formset's choices, read once for all its rows.
        self.fields["addressee"].choices = addressees  # type: ignore[attr-defined]

    def clean_candidate_name(self) -> Candidate | None:
        found = candidates_by_names(self.cleaned_data["candidate_name"])
        if len(found) > 1:
            raise ValidationError(_("要請の対象の候補は一つだけ入力してください。"))
        return found[0] if found else None

    def clean(self):
        data = super().clean()
        if data.get("confirmed") and not data.get("addressee"):
            self.add_error(
                "addressee", _("要請の宛先（府省庁又は事務局）を選んでから登録してください。")
            )
        return data

    def row(self) -> RequestRow:
        data = self.cleaned_data
        addressee = data["addressee"]
        ministry = (
            Ministry.objects.get(pk=addressee)
            if addressee and addressee != TO_SECRETARIAT
            else None
        )
        return RequestRow(
            text=data["text"],
            agenda_number=data["agenda_number"],
            ministry=ministry,
            to_secretariat=addressee == TO_SECRETARIAT,
            candidate=data["candidate_name"],
            confirmed=True,
        )

    @staticmethod
    def initial_of(row: RequestRow) -> dict:
        addressee = TO_SECRETARIAT if row.to_secretariat else ""
        if row.ministry is not None:
            addressee = str(row.ministry.pk)
        return {
            "confirmed": row.confirmed,
            "addressee": addressee,
            "agenda_number": row.agenda_number,
            "text": row.text,
            "candidate_name": row.candidate.name if row.candidate else "",
        }


def _formset(form):
    return forms.formset_factory(
        form,
        extra=0,
        max_num=100,
        renderer=WIDGET_RENDERER,
    )


DecisionRowFormSet = _formset(DecisionRowForm)
RequestRowFormSet = _formset(RequestRowForm)


def proposal_formsets(data, record: MeetingRecord | None) -> dict:
    """The preview's formsets of proposed rows by prefix (decisions, requests), with the rows
    the import read (record) as their initial values."""
    return {
        "decisions": DecisionRowFormSet(
            data,
            initial=[DecisionRowForm.initial_of(r) for r in record.decisions] if record else None,
            prefix="decisions",
        ),
        "requests": RequestRowFormSet(
            data,
            initial=[RequestRowForm.initial_of(r) for r in record.requests] if record else None,
            prefix="requests",
            form_kwargs={"addressees": addressee_choices()},
        ),
    }


def confirmed_rows(formset) -> list:
    """The rows the secretariat ticked (call after is_valid())."""
    return [form.row() for form in formset.forms if form.cleaned_data.get("confirmed")]
