from django import forms
from django.utils.translation import gettext_lazy as _

from adoption.models import (
    EARLIEST_FISCAL_YEAR,
    LATEST_FISCAL_YEAR,
    Adoption,
    Half,
    Procurement,
    Status,
)
from adoption.services import AdoptionValues
from core.display import fiscal_year_display
from core.forms import AccessibleForm, added_value_field


def _years():
    return [("", "—")] + [
        (year, fiscal_year_display(year))
        for year in range(EARLIEST_FISCAL_YEAR, LATEST_FISCAL_YEAR + 1)
    ]


# A planned start is a fiscal year, a month of it or a half of it (令和8年度上期): one select
# offers the halves beside the months, so the two cannot both be given.
HALF_PREFIX = "h"


def _months():
    halves = [(f"{HALF_PREFIX}{h.value}", h.label) for h in Half]
    return [("", "—"), *halves] + [(str(m), f"{m}") for m in (*range(4, 13), 1, 2, 3)]


class AdoptionForm(AccessibleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label=_("利用意向"), choices=Status.choices)
    planned_start_fiscal_year = forms.TypedChoiceField(
        label=_("利用開始予定年度"), choices=_years, coerce=int, empty_value=None, required=False
    )
    planned_start_month = forms.ChoiceField(
        label=_("利用開始予定月（又は上期・下期）"),
        choices=_months,
        required=False,
        help_text=_("分かっている場合のみ"),
    )
    renewal_fiscal_year = forms.TypedChoiceField(
        label=_("現行システム更新年度"),
        choices=_years,
        coerce=int,
        empty_value=None,
        required=False,
    )
    procurement = forms.ChoiceField(
        label=_("調達方法"), choices=[("", "—"), *Procurement.choices], required=False
    )
    procurement_group = forms.CharField(
        label=_("共同調達の名称"),
        max_length=100,
        required=False,
        help_text=_("その他の共同調達の場合、共同調達を行う団体・グループの名称"),
    )
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("「利用しない」の場合は必須です。"),
    )
    note = forms.CharField(
        label=_("備考"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    change_reason = forms.CharField(
        label=_("変更の理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "利用開始予定を後ろ倒しにする場合は、変更の理由又は付加価値のいずれかが必要です。"
        ),
    )
    added_value = added_value_field()

    @staticmethod
    def initial_for(adoption: Adoption) -> dict:
        values = AdoptionValues.of(adoption)
        initial = {**values.__dict__, "version": adoption.version}
        if values.planned_start_half is not None:
            initial["planned_start_month"] = f"{HALF_PREFIX}{values.planned_start_half}"
        return initial

    def clean(self):
        data = super().clean()
        period = data.get("planned_start_month") or ""
        data["planned_start_half"] = int(period[1:]) if period.startswith(HALF_PREFIX) else None
        data["planned_start_month"] = int(period) if period.isdigit() else None
        return data

    def values(self) -> AdoptionValues:
        data = self.cleaned_data
        return AdoptionValues(**{name: data[name] for name in AdoptionValues.__dataclass_fields__})
