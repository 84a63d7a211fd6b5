"""The adoption overview's filters: prefecture, kind of body and population band."""

from django import forms
from django.utils.translation import gettext_lazy as _

from adoption.selectors import ADOPTER_KINDS, POPULATION_BANDS, bodies_filtered, prefecture_choices


class OverviewFilterForm(forms.Form):
    prefecture = forms.ChoiceField(label=_("都道府県"), required=False)
    kind = forms.ChoiceField(label=_("区分"), required=False)
    band = forms.ChoiceField(label=_("人口規模"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("すべて"))]
        self.fields["prefecture"].choices = everything + prefecture_choices()
        self.fields["kind"].choices = everything + [(k.value, k.label) for k in ADOPTER_KINDS]
        self.fields["band"].choices = everything + [
            (str(index), label) for index, (_lower, label) in enumerate(POPULATION_BANDS)
        ]

    def bodies(self):
        """The adopters the valid filters select (call after is_valid())."""
        data = self.cleaned_data
        return bodies_filtered(
            prefecture_code=data.get("prefecture") or "",
            kind=data.get("kind") or "",
            band=int(data["band"]) if data.get("band") else None,
        )

    @property
    def narrowed(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("prefecture", "kind", "band"))
