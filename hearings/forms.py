"""Forms for meetings and their structured minutes: one page for hand entry, editing and the
import preview, with formsets for attendees, agenda items and entries (reorderable, deletable)."""

import re
from dataclasses import asdict
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from core.forms import WIDGET_RENDERER, AccessibleForm, DateInput
from hearings.minutes_import import find_municipality
from hearings.models import (
    AgendaItem,
    AttendeeGroup,
    DecisionKind,
    EntryKind,
    MeetingKind,
    MinutesFormat,
)
from hearings.proposal_forms import DecisionRowForm, confirmed_rows, proposal_formsets
from hearings.records import (
    AgendaRow,
    AttendeeRow,
    EntryRow,
    MaterialRow,
    MeetingHeader,
    MeetingRecord,
    MinutesText,
)
from municipalities.models import Association, LocalGovernment

NAME_SEPARATORS = re.compile(r"[、,，\s]+")
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
    title = forms.CharField(
        label=_("会議名"), max_length=200, widget=forms.TextInput(attrs={"class": "input--wide"})
    )
    date = forms.DateField(label=_("開催日"), widget=DateInput)
    start_time = forms.TimeField(label=_("開始時刻"), widget=TimeInput, required=False)
    end_time = forms.TimeField(label=_("終了時刻"), widget=TimeInput, required=False)
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    association = forms.ModelChoiceField(
        label=_("ヒアリング対象の団体"), queryset=Association.objects.all(), required=False
    )
    speaking_municipalities = forms.CharField(
        label=_("説明した地方公共団体"),
        max_length=1000,
        required=False,
        help_text=_(
            "団体名か6桁の団体コード。複数は「、」で区切ります（例：静岡県浜松市、長野県松本市）"
        ),
    )
    minutes_format = forms.ChoiceField(
        label=_("議事要旨の形式"), choices=MinutesFormat.choices, required=False
    )
    unplaced_text = forms.CharField(
        label=_("構造化できなかった文"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("取込で配置できなかった文です。必要なら下の項目に移してから保存してください。"),
    )

    def clean_speaking_municipalities(self) -> list[LocalGovernment]:
        found, missing = [], []
        for token in NAME_SEPARATORS.split(self.cleaned_data["speaking_municipalities"]):
            if not token:
                continue
            if token.isdigit():
                municipality = LocalGovernment.objects.filter(code=token).first()
            else:
                municipality = find_municipality(token)
            if municipality is None:
                missing.append(token)
            elif municipality not in found:
                found.append(municipality)
        if missing:
            raise ValidationError(
                _(
                    "「%(names)s」に当たる地方公共団体が見つかりません。都道府県名から書くか、団体コードで入力してください。"
                ),
                params={"names": "、".join(missing)},
            )
        return found

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("終了時刻が開始時刻より前です。"))
        return data

    def header(self) -> MeetingHeader:
        data = self.cleaned_data
        return MeetingHeader(
            kind=data["kind"],
            number=data.get("number"),
            title=data["title"],
            date=data["date"],
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
            place=data.get("place") or "",
            association=data.get("association"),
            speaking_municipalities=data.get("speaking_municipalities") or [],
        )


class ImportForm(MeetingForm):
    """The meeting form of an import preview: the pasted text travels with it (shown, not
    edited) and a likely duplicate must be confirmed."""

    # Kept exactly as pasted (no strip); browsers send line breaks as CRLF, stored as LF.
    raw_text = forms.CharField(
        label=_("議事要旨の原文"),
        widget=forms.Textarea(attrs={"readonly": True, "rows": 12}),
        required=False,
        strip=False,
        help_text=_("貼り付けたテキストです。原文のまま会議と一緒に保存されます。"),
    )
    allow_duplicate = forms.BooleanField(
        label=_("重複を承知で登録する（別の会議として保存します）"), required=False
    )


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


class MaterialRowForm(AccessibleForm):
    """A material the minutes list (資料1-1 …), saved with an import; files are added later."""

    label = forms.CharField(label=_("資料番号"), max_length=50)
    title = forms.CharField(label=_("資料名"), max_length=300, required=False)


class DecisionForm(AccessibleForm):
    """A decision recorded on the meeting's page (the body follows from the meeting)."""

    kind = forms.ChoiceField(label=_("決定の種類"), choices=DecisionKind.choices)
    agenda_item = forms.TypedChoiceField(label=_("議題"), required=False, coerce=int)
    text = forms.CharField(label=_("決定の内容"), widget=forms.Textarea(attrs={"rows": 2}))
    candidate_names = DecisionRowForm.base_fields["candidate_names"]
    clean_candidate_names = DecisionRowForm.clean_candidate_names

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # The meeting's agenda (prefetched on its page): no query of its own.
        self.agenda_items = {item.pk: item for item in meeting.agenda_items.all()}
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [(pk, str(i)) for pk, i in self.agenda_items.items()]
        field.empty_value = None

    def clean_agenda_item(self) -> AgendaItem | None:
        pk = self.cleaned_data.get("agenda_item")
        return self.agenda_items.get(pk) if pk else None


def _formset(form, extra):
    return forms.formset_factory(
        form,
        extra=extra,
        can_delete=True,
        can_order=True,
        max_num=2000,
        renderer=WIDGET_RENDERER,
    )


AttendeeFormSet = _formset(AttendeeForm, 1)
AgendaItemFormSet = _formset(AgendaItemForm, 1)
EntryFormSet = _formset(EntryForm, 1)
MaterialFormSet = _formset(MaterialRowForm, 1)


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
    return [
        {k: v for k, v in data.items() if k not in ("ORDER", "DELETE")}
        for _order, _index, data in sorted(rows, key=lambda r: (r[0], r[1]))
    ]


def _header_initial(header: MeetingHeader) -> dict:
    initial = asdict(header)
    initial["association"] = header.association.pk if header.association else None
    initial["speaking_municipalities"] = "、".join(
        m.qualified_name for m in header.speaking_municipalities
    )
    return initial


class MeetingEditor:
    """The meeting page as one form: the meeting, its attendees, agenda items and entries, and
    in an import preview the pasted text and the listed materials. Built from a MeetingRecord
    (the initial values) and read back as one (`record()`)."""

    # Set by the views on a refused save (read with getattr: absent until then).
    stale_current: Any  # the meeting as someone else saved it
    duplicates: list[Any]  # meetings that look like this one

    def __init__(
        self,
        data=None,
        *,
        record: MeetingRecord | None = None,
        version: int | None = None,
        importing: bool = False,
    ):
        self.importing = importing
        self.initial_record = record
        initial: dict = {"version": version}
        rows: dict[str, list[dict]] = {}
        if record is not None:
            initial |= _header_initial(record.header)
            initial |= {
                "raw_text": record.minutes.raw_text,
                "unplaced_text": record.minutes.unplaced_text,
                "minutes_format": record.minutes.format,
            }
            rows = {
                "attendees": [asdict(r) for r in record.attendees],
                "agenda": [asdict(r) for r in record.agenda_items],
                "entries": [asdict(r) for r in record.entries],
                "materials": [asdict(r) for r in record.materials],
            }
        self.form = (ImportForm if importing else MeetingForm)(data, initial=initial)
        self.attendees = AttendeeFormSet(data, initial=rows.get("attendees"), prefix="attendees")
        self.agenda = AgendaItemFormSet(data, initial=rows.get("agenda"), prefix="agenda")
        self.entries = EntryFormSet(data, initial=rows.get("entries"), prefix="entries")
        self.materials = (
            MaterialFormSet(data, initial=rows.get("materials"), prefix="materials")
            if importing
            else None
        )
        # The rows the import proposes (decisions, requests): only in an import preview.
        proposals = proposal_formsets(data, record) if importing else {}
        self.decisions = proposals.get("decisions")
        self.requests = proposals.get("requests")

    def attendee_rows(self) -> tuple[MeetingHeader, list[AttendeeRow]] | None:
        """The meeting and its attendees as they stand (posted, or the initial record); None
        while the posted meeting or attendees are invalid."""
        if self.form.is_bound:
            if not (self.form.is_valid() and self.attendees.is_valid()):
                return None
            rows = [AttendeeRow(**row) for row in ordered_rows(self.attendees)]
            return self.form.header(), rows
        if self.initial_record is None:
            return None
        return self.initial_record.header, self.initial_record.attendees

    @property
    def parts(self) -> list:
        parts = [self.form, self.attendees, self.agenda, self.entries]
        extras = (self.materials, self.decisions, self.requests)
        return parts + [p for p in extras if p is not None]

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.parts])  # every part shows its errors

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(part.total_error_count() for part in self.parts[1:])

    @property
    def version(self) -> int | None:
        return self.form.cleaned_data.get("version")

    @property
    def allow_duplicate(self) -> bool:
        return bool(self.form.cleaned_data.get("allow_duplicate"))

    def record(self, *, warnings: list[str] | None = None) -> MeetingRecord:
        """The corrected meeting (call after is_valid())."""
        data = self.form.cleaned_data
        return MeetingRecord(
            header=self.form.header(),
            attendees=[AttendeeRow(**row) for row in ordered_rows(self.attendees)],
            agenda_items=[AgendaRow(**row) for row in ordered_rows(self.agenda)],
            entries=[EntryRow(**row) for row in ordered_rows(self.entries)],
            materials=[MaterialRow(**row) for row in ordered_rows(self.materials)]
            if self.materials is not None
            else [],
            decisions=confirmed_rows(self.decisions) if self.decisions is not None else [],
            requests=confirmed_rows(self.requests) if self.requests is not None else [],
            minutes=MinutesText(
                raw_text=data.get("raw_text", ""),
                unplaced_text=data.get("unplaced_text", ""),
                format=data.get("minutes_format", ""),
                warnings=warnings,
            ),
        )


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
