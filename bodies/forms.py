"""The secretariat's forms for seats and their holders."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bodies.models import Body, HolderKind, Seat
from candidates.models import Ministry
from core.forms import AccessibleForm, DateInput
from municipalities.codes import is_valid_code
from municipalities.models import Association, LocalGovernment


def find_local_government(text: str) -> LocalGovernment | None:
    """The local government a code (352021) or a name (山口県, 愛知県一宮市, 一宮市 when only one
    has it) means."""
    text = "".join(text.split())
    if is_valid_code(text):
        return LocalGovernment.objects.filter(code=text).first()
    endings = {text[start:] for start in range(len(text))}
    fitting = [
        lg
        for lg in LocalGovernment.objects.filter(name__in=endings).select_related("prefecture")
        if text in (lg.qualified_name, lg.name)
    ]
    return fitting[0] if len(fitting) == 1 else None


class SeatForm(AccessibleForm):
    body = forms.ChoiceField(label=_("会議体"), choices=Body.choices)
    holder_kind = forms.ChoiceField(label=_("席の所属の種類"), choices=HolderKind.choices)
    local_government_text = forms.CharField(
        label=_("地方公共団体"),
        max_length=60,
        required=False,
        help_text=_("団体コードか名称（例：山口県、愛知県一宮市）。所属が地方公共団体のとき"),
    )
    ministry = forms.ModelChoiceField(
        label=_("府省庁"), queryset=Ministry.objects.all(), required=False, empty_label="—"
    )
    association = forms.ModelChoiceField(
        label=_("地方団体の連合組織"),
        queryset=Association.objects.all(),
        required=False,
        empty_label="—",
    )
    position = forms.CharField(
        label=_("役職"), max_length=200, help_text=_("所属名を除いた役職（例：総合企画部長）")
    )
    order = forms.IntegerField(label=_("表示順"), min_value=0, max_value=32767, initial=0)
    active_from = forms.DateField(label=_("設置日"), widget=DateInput)
    active_to = forms.DateField(label=_("廃止日"), widget=DateInput, required=False)
    follows = forms.ModelChoiceField(
        label=_("前の席"),
        queryset=Seat.objects.none(),
        required=False,
        empty_label="—",
        help_text=_(
            "構成の変更で別の団体・会議体から引き継いだ席なら選んでください。前の席は新しい席の設置日の前日で廃止になります。"
        ),
    )

    def __init__(self, *args, seat: Seat | None = None, **kwargs):
        if seat is not None:
            kwargs.setdefault(
                "initial",
                {
                    "body": seat.body,
                    "holder_kind": seat.holder_kind,
                    "local_government_text": seat.local_government.code
                    if seat.local_government
                    else "",
                    "ministry": seat.ministry,
                    "association": seat.association,
                    "position": seat.position,
                    "order": seat.order,
                    "active_from": seat.active_from,
                    "active_to": seat.active_to,
                    "follows": seat.follows,
                },
            )
        super().__init__(*args, **kwargs)
        others = Seat.objects.select_related(
            "local_government__prefecture", "ministry", "association"
        )
        follows = cast(forms.ModelChoiceField, self.fields["follows"])
        follows.queryset = others.exclude(pk=seat.pk) if seat else others

    def clean(self):
        data = super().clean()
        kind = data.get("holder_kind")
        data["local_government"] = None
        if kind == HolderKind.LOCAL_GOVERNMENT:
            text = data.get("local_government_text", "")
            found = find_local_government(text) if text else None
            if found is None:
                self.add_error(
                    "local_government_text",
                    _(
                        "地方公共団体が見つかりません。団体コードか、都道府県名から始まる名称を入力してください。"
                    ),
                )
            data["local_government"] = found
        elif kind == HolderKind.MINISTRY and not data.get("ministry"):
            self.add_error("ministry", _("府省庁を選んでください。"))
        elif kind == HolderKind.ASSOCIATION and not data.get("association"):
            self.add_error("association", _("地方団体の連合組織を選んでください。"))
        return data

    def values(self) -> dict:
        """What the services take."""
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "body",
                "holder_kind",
                "local_government",
                "ministry",
                "association",
                "position",
                "order",
                "active_from",
                "active_to",
                "follows",
            )
        }


class SeatTermForm(AccessibleForm):
    person_name = forms.CharField(label=_("氏名"), max_length=100)
    start = forms.DateField(label=_("就任日"), widget=DateInput)
    end = forms.DateField(label=_("退任日"), widget=DateInput, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("退任日は就任日以降の日付にしてください。"))
        return data
