"""The forms of requests (要請・宿題): record one from a remark, answer it, close it."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, Ministry
from core.forms import AccessibleForm, DateInput, clean_stated_date, stated_date_fields
from hearings.models import Meeting


class RequestForm(AccessibleForm):
    ministry = forms.ModelChoiceField(
        label=_("宛先の府省庁"),
        queryset=Ministry.objects.all(),
        required=False,
        empty_label=_("事務局"),
        help_text=_("府省庁を選ばない場合は事務局宛ての宿題になります。"),
    )
    candidate = forms.ModelChoiceField(
        label=_("対象の候補"),
        queryset=Candidate.objects.select_related(None).only("pk", "name").order_by("name"),
        required=False,
        empty_label="—",
    )
    text = forms.CharField(label=_("要請の内容"), widget=forms.Textarea(attrs={"rows": 5}))
    due_precision, due_date, due_month, due_fiscal_year, due_half = stated_date_fields(
        _("期限"), help_text=_("例：令和7年度中、令和8年3月")
    )

    def clean(self):
        cleaned = super().clean()
        clean_stated_date(self, "due")
        return cleaned


class AnswerForm(AccessibleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    answer = forms.CharField(label=_("回答"), widget=forms.Textarea(attrs={"rows": 6}))
    answered_on = forms.DateField(label=_("回答日"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("answered_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class CloseForm(AccessibleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reported_at = forms.ModelChoiceField(
        label=_("回答を報告した会議"),
        queryset=Meeting.objects.defer("search_text").order_by("-date", "-pk"),
        required=False,
        empty_label="—",
        help_text=_("回答が報告された会議（例：次回のワーキングチーム）"),
    )
