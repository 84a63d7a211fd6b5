"""Forms for meetings and their structured minutes: one page for hand entry, editing and the
import preview, with formsets for attendees, agenda items and entries (reorderable, deletable)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from core.forms import WIDGET_RENDERER, AccessibleForm, DateInput
from hearings.models import AttendeeGroup, EntryKind, MeetingKind, MinutesFormat
from municipalities.models import Association, LocalGovernment

MAX_PASTE_CHARS = 2_000_000
MAX_MATERIAL_BYTES = 20 * 1024 * 1024


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class MeetingForm(AccessibleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("会議の種類"), choices=MeetingKind.choices)
    number = forms.IntegerField(label=_("回"), min_value=1, max_value=999, required=False)
    title = forms.CharField(label=_("会議名"), max_length=200)
    date = forms.DateField(label=_("開催日"), widget=DateInput)
    start_time = forms.TimeField(label=_("開始時刻"), widget=TimeInput, required=False)
    end_time = forms.TimeField(label=_("終了時刻"), widget=TimeInput, required=False)
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    association = forms.ModelChoiceField(
        label=_("ヒアリング対象の団体"), queryset=Association.objects.all(), required=False
    )
    speaking_municipality = forms.CharField(
        label=_("説明した地方公共団体（団体コード）"),
        max_length=6,
        required=False,
        help_text=_("6桁の団体コード（例：011002 札幌市）"),
    )
    minutes_format = forms.ChoiceField(
        label=_("議事要旨の形式"), choices=MinutesFormat.choices, required=False
    )
    # Kept exactly as pasted (no strip); browsers send line breaks as CRLF, stored as LF.
    raw_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    warnings_json = forms.CharField(widget=forms.HiddenInput, required=False)
    materials_json = forms.CharField(widget=forms.HiddenInput, required=False)
    unplaced_text = forms.CharField(
        label=_("構造化できなかった文"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("取込で配置できなかった文です。必要なら下の項目に移してから保存してください。"),
    )

    def clean_speaking_municipality(self):
        code = self.cleaned_data["speaking_municipality"].strip()
        if not code:
            return None
        try:
            return LocalGovernment.objects.get(code=code)
        except LocalGovernment.DoesNotExist as exc:
            raise ValidationError(
                _("団体コード「%(code)s」の地方公共団体は見つかりません。"), params={"code": code}
            ) from exc

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("終了時刻が開始時刻より前です。"))
        return data


class AttendeeForm(AccessibleForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A default that equals the initial keeps blank extra rows "unchanged", so they are skipped.
    group = forms.ChoiceField(
        label=_("区分"), choices=AttendeeGroup.choices, initial=AttendeeGroup.WT_MEMBER
    )
    organisation = forms.CharField(label=_("所属"), max_length=200, required=False)
    title = forms.CharField(label=_("役職"), max_length=200, required=False)
    name = forms.CharField(label=_("氏名"), max_length=100, required=False)
    proxy_name = forms.CharField(label=_("代理出席者の氏名"), max_length=100, required=False)
    proxy_unit = forms.CharField(label=_("代理出席者の所属"), max_length=200, required=False)
    proxy_title = forms.CharField(label=_("代理出席者の役職"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        # People are named by position too (positions persist while people change), so a row
        # needs a name, or at least an organisation or title to say whose seat it is.
        nameless = not data.get("name", "").strip()
        seatless = not (data.get("organisation") or data.get("title"))
        if self.has_changed() and not data.get("DELETE") and nameless and seatless:
            self.add_error("name", _("出席者の氏名（又は所属・役職）を入力してください。"))
        return data


class AgendaItemForm(AccessibleForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(label=_("番号"), min_value=1, max_value=99)
    title = forms.CharField(label=_("議題"), max_length=300)
    explanation = forms.CharField(
        label=_("説明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    materials_text = forms.CharField(label=_("使用した資料"), max_length=300, required=False)
    outcome = forms.CharField(
        label=_("結果"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class EntryForm(AccessibleForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("種類"), choices=EntryKind.choices, initial=EntryKind.REMARK)
    question_number = forms.IntegerField(
        label=_("質問番号"), min_value=1, max_value=99, required=False
    )
    agenda_number = forms.IntegerField(
        label=_("議題番号"), min_value=1, max_value=99, required=False
    )
    speaker = forms.CharField(label=_("発言者"), max_length=200, required=False)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))


def _formset(form, extra):
    return forms.formset_factory(
        form,
        extra=extra,
        can_delete=True,
        can_order=True,
        max_num=2000,
        renderer=WIDGET_RENDERER,
    )


AttendeeFormSet = _formset(AttendeeForm, 2)
AgendaItemFormSet = _formset(AgendaItemForm, 1)
EntryFormSet = _formset(EntryForm, 2)


def ordered_rows(formset) -> list[dict]:
    """The formset's kept rows in the order the user gave (ORDER field), deleted ones dropped.

    Existing rows are always validated (and kept unless deleted); blank extra rows have no
    cleaned data and are skipped.
    """
    rows = [
        (form.cleaned_data.get("ORDER") or index + 1, index, form.cleaned_data)
        for index, form in enumerate(formset.forms)
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    return [data for _order, _index, data in sorted(rows, key=lambda r: (r[0], r[1]))]


class PasteForm(AccessibleForm):
    text = forms.CharField(
        label=_("議事要旨のテキスト"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "PDF からコピーした議事要旨をそのまま貼り付けてください。保存は確認画面の後です。"
        ),
        max_length=MAX_PASTE_CHARS,
        strip=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # clean_text explains binary pastes (NUL bytes included) better than the generic check.
        field = self.fields["text"]
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError(_("テキストが空です。"))
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
        if "\x00" in text or control > max(10, len(text) // 100):
            raise ValidationError(
                _(
                    "テキストではないデータ（バイナリ）のようです。PDF の文字をコピーして貼り付けてください。"
                )
            )
        return text


class MaterialForm(AccessibleForm):
    label = forms.CharField(
        label=_("資料番号"), max_length=50, help_text=_("例：資料1-1、参考資料2")
    )
    title = forms.CharField(label=_("資料名"), max_length=300, required=False)
    file = forms.FileField(label=_("PDFファイル"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if upload.size > MAX_MATERIAL_BYTES:
            raise ValidationError(_("ファイルが大きすぎます（20MBまで）。"))
        name = upload.name.lower()
        head = upload.read(5)
        upload.seek(0)
        if not name.endswith(".pdf") or head != b"%PDF-":
            raise ValidationError(_("PDF ファイルのみ登録できます。"))
        return upload
