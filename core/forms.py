"""Form pieces shared by every app: accessible errors, date inputs, mapping service errors."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from core.concurrency import ConcurrentEditError

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
