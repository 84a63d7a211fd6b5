"""The seats pages: the list (every reader), and the secretariat's create, edit and
"a new holder takes the seat"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bodies import selectors, services
from bodies.forms import SeatForm, SeatTermForm
from bodies.models import Body, Seat
from core.forms import call_service
from core.http import AuthenticatedHttpRequest
from core.permissions import secretariat_required, viewer_required

SECRETARIAT_ONLY = gettext_lazy("会議の席を編集できるのは事務局のみです。")


@require_GET
@viewer_required
def seat_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The seats of every body (or one), with who holds each today."""
    body = request.GET.get("body", "")
    if body not in Body.values:
        body = ""
    include_ended = request.GET.get("ended") == "1"
    today = timezone.localdate()
    return render(
        request,
        "bodies/seat_list.html",
        {
            "rows": selectors.seat_list(today=today, body=body, include_ended=include_ended),
            "body": body,
            "bodies": Body.choices,
            "include_ended": include_ended,
            "today": today,
        },
    )


def _status(request: AuthenticatedHttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@require_http_methods(["GET", "POST"])
@secretariat_required(message=SECRETARIAT_ONLY)
def seat_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        seat = call_service(form, services.seat_create, user=request.user, **form.values())
        if seat:
            messages.success(request, _("席「%(seat)s」を登録しました。") % {"seat": seat})
            return redirect(seat)
    return render(
        request,
        "bodies/seat_form.html",
        {"form": form, "title": _("会議の席の登録")},
        status=_status(request),
    )


def _edit_page(request, seat: Seat, form, term_form, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "bodies/seat_form.html",
        {
            "form": form,
            "term_form": term_form,
            "seat": seat,
            "terms": seat.terms.order_by("-start", "-pk"),
            "title": _("会議の席の編集"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=SECRETARIAT_ONLY)
def seat_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat, pk=pk)
    form = SeatForm(request.POST or None, seat=seat)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.seat_update, user=request.user, seat=seat, **form.values()
        )
        if saved:
            messages.success(request, _("席「%(seat)s」を更新しました。") % {"seat": saved})
            return redirect(saved)
    return _edit_page(request, seat, form, SeatTermForm(), status=_status(request))


@require_POST
@secretariat_required(message=SECRETARIAT_ONLY)
def term_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person takes the seat (the holder before them leaves the day before)."""
    seat = get_object_or_404(Seat, pk=pk)
    term_form = SeatTermForm(request.POST)
    if term_form.is_valid():
        term = call_service(
            term_form,
            services.seat_term_start,
            user=request.user,
            seat=seat,
            **term_form.cleaned_data,
        )
        if term:
            messages.success(
                request, _("%(name)sさんを在任者として登録しました。") % {"name": term.person_name}
            )
            return redirect(seat)
    return _edit_page(request, seat, SeatForm(seat=seat), term_form, status=400)
