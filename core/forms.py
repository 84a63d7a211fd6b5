"""Form pieces shared by every app: accessible errors, date inputs, mapping service errors."""

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core import stated_dates, wareki
from core.concurrency import ConcurrentEditError
from core.display import fiscal_year_display
from core.stated_dates import Precision

T = TypeVar("T")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# Widgets are rendered from Django's own widget templates in their Jinja2 version: the same
# HTML, about twice as fast as Django's template engine, which the minutes editor needs (one
# form per entry: 500 entries are 4,500 widgets; docs/benchmarks.md). Only the product's forms
# use it: the admin's widgets exist only as Django templates.
WIDGET_RENDERER = Jinja2()


def added_value_field() -> forms.CharField:
    """付加価値: what a later date brings, which justifies it as a reason does (core/slips.py)."""
    return forms.CharField(
        label=_("付加価値"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "後ろ倒しに見合う付加価値があれば記入してください（理由の代わりにもなります）。"
        ),
    )


class MonthInput(forms.TextInput):
    input_type = "month"


# Fiscal years a plan can name: from the first year of 令和 to well past any schedule.
STATED_FISCAL_YEARS = range(2019, 2051)


def _fiscal_year_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(y), fiscal_year_display(y)) for y in STATED_FISCAL_YEARS]


HALF_CHOICES = [("", "—"), ("1", _("上期（4月～9月）")), ("2", _("下期（10月～3月）"))]


def _part(pattern, label):
    """「現在の予定日：精度」 in the language of the request, not of the import: both the
    pattern and the label are lazy, and so is their join."""
    return lazy(lambda: str(pattern) % {"label": str(label)}, str)()


def stated_date_fields(label, *, help_text="") -> tuple[forms.Field, ...]:
    """The inputs of one date as officials state it (core/stated_dates.py): a precision and the
    input that matches it. Declare them in a form's body as
    `x_precision, x_date, x_month, x_fiscal_year, x_half = stated_date_fields(...)`; the form's
    clean() (clean_stated_dates) turns them into `x_date` (the last day the precision allows)
    and `x_precision`."""
    return (
        forms.ChoiceField(
            label=_part(_("%(label)s：精度"), label),
            choices=Precision.choices,
            required=False,
            initial=Precision.DAY,
            help_text=help_text,
        ),
        forms.DateField(
            label=_part(_("%(label)s：日付（精度が「日」のとき）"), label),
            widget=DateInput,
            required=False,
        ),
        forms.CharField(
            label=_part(_("%(label)s：年月（精度が「月」のとき）"), label),
            widget=MonthInput(attrs={"placeholder": "2026-03"}),
            required=False,
        ),
        forms.TypedChoiceField(
            label=_part(_("%(label)s：年度（上期・下期、年度中、年度末のとき）"), label),
            choices=_fiscal_year_choices,
            coerce=int,
            empty_value=None,
            required=False,
        ),
        forms.TypedChoiceField(
            label=_part(_("%(label)s：上期・下期"), label),
            choices=HALF_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        ),
    )


def _parse_month(value: str) -> dt.date | None:
    """2026-03 (what <input type=month> sends), or 2026/3; None when it is not a month."""
    parts = value.strip().replace("/", "-").split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not (1 <= month <= 12 and dt.MINYEAR <= year <= dt.MAXYEAR):
        return None
    return dt.date(year, month, 1)


def clean_stated_date(form: forms.Form, prefix: str) -> None:
    """Turn one stated date's inputs in form.cleaned_data into `<prefix>_date` (the last day
    its precision allows, or None when left empty) and `<prefix>_precision`, adding a message
    to the input that is missing or wrong."""
    data = form.cleaned_data
    if f"{prefix}_precision" not in form.fields:
        return
    precision = data.get(f"{prefix}_precision") or Precision.DAY
    day = data.get(f"{prefix}_date")
    month_text = data.pop(f"{prefix}_month", "") or ""
    fiscal_year = data.pop(f"{prefix}_fiscal_year", None)
    half = data.pop(f"{prefix}_half", None)
    data[f"{prefix}_precision"] = precision
    if f"{prefix}_date" in form.errors:
        return
    if precision == Precision.DAY:
        # The date input as it is; empty clears the date, unless another input was filled
        # (a month typed while the precision still says 「日」).
        if day is None and (month_text.strip() or fiscal_year is not None or half is not None):
            form.add_error(
                f"{prefix}_date",
                _("精度が「日」のときは日付を入力してください（又は精度を選び直してください）。"),
            )
        return
    date: dt.date | None = None
    if precision == Precision.MONTH:
        if month_text.strip():
            date = _parse_month(month_text)
            if date is None:
                form.add_error(
                    f"{prefix}_month",
                    _("年月は「2026-03」の形で入力してください。"),
                )
                return
        elif day is not None:
            date = day
        else:
            form.add_error(f"{prefix}_month", _("精度が「月」のときは年月を入力してください。"))
            return
    else:
        if fiscal_year is None and day is not None:
            fiscal_year = wareki.fiscal_year_of(day)
        if fiscal_year is None:
            form.add_error(f"{prefix}_fiscal_year", _("この精度では年度を選んでください。"))
            return
        if precision == Precision.HALF:
            if half is None:
                form.add_error(f"{prefix}_half", _("上期か下期かを選んでください。"))
                return
            date = stated_dates.half_last_day(fiscal_year, half)
        else:
            date = wareki.fiscal_year_bounds(fiscal_year)[1]
    data[f"{prefix}_date"] = stated_dates.last_day(precision, date)


def stated_date_initial(prefix: str, precision: str, date: dt.date | None) -> dict:
    """Initial values that show a stored stated date in its matching input."""
    if date is None:
        return {f"{prefix}_precision": precision}
    initial: dict = {f"{prefix}_precision": precision}
    if precision == Precision.DAY:
        initial[f"{prefix}_date"] = date
    elif precision == Precision.MONTH:
        initial[f"{prefix}_month"] = f"{date.year:04d}-{date.month:02d}"
    else:
        initial[f"{prefix}_fiscal_year"] = wareki.fiscal_year_of(date)
        if precision == Precision.HALF:
            initial[f"{prefix}_half"] = stated_dates.half_of(date)
    return initial


class AccessibleForm(forms.Form):
    """Ties each field's error list to its input (aria-describedby, aria-invalid)."""

    default_renderer = WIDGET_RENDERER
    stale_current = None  # what another user saved, when this form's edit was refused as stale

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in list(self.errors):
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def apply_service_error(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the form: per field where it names one."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


def call_service(form: AccessibleForm, service: Callable[..., T], /, **kwargs) -> T | None:
    """Call `service(**kwargs)` for a valid form: its result, or None with its errors shown on
    the form.

    A stale edit (ConcurrentEditError) is shown as a form error and keeps what the other person
    saved in `form.stale_current`, for the page to show beside the refused edit.
    """
    try:
        return service(**kwargs)
    except ConcurrentEditError as exc:
        form.add_error(None, exc)
        form.stale_current = exc.current
    except ValidationError as exc:
        form.apply_service_error(exc)
    return None
