"""The notice preferences form and the notice log's filters."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleForm
from notifications.models import NoticeKind, NoticeStatus


class PreferencesForm(AccessibleForm):
    kinds = forms.MultipleChoiceField(
        label=_("受け取る通知"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("チェックを外した通知は送られません。"),
    )
    language = forms.ChoiceField(label=_("メールの言語"), choices=settings.LANGUAGES)

    def __init__(self, *args, offered: list[NoticeKind], **kwargs):
        super().__init__(*args, **kwargs)
        kinds = self.fields["kinds"]
        assert isinstance(kinds, forms.MultipleChoiceField)
        kinds.choices = [(kind.value, kind.label) for kind in offered]


class NoticeLogFilter(AccessibleForm):
    """Bad values are not errors: a filter that does not parse is left out."""

    q = forms.CharField(label=_("宛先・件名"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("種類"), required=False, choices=[("", _("すべて")), *NoticeKind.choices]
    )
    status = forms.ChoiceField(
        label=_("状態"), required=False, choices=[("", _("すべて")), *NoticeStatus.choices]
    )
