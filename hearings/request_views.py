"""Pages of requests (要請・宿題): the list, one request, recording one from a remark, the
ministry's answer and the secretariat's close."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from candidates.permissions import responsible_for
from core.forms import call_service
from core.http import AuthenticatedHttpRequest
from core.permissions import (
    can_answer_request,
    is_ministry_staff,
    is_secretariat,
    require,
    secretariat_required,
    viewer_required,
)
from core.query_params import query_without
from core.spreadsheets import csv_bytes, xlsx_bytes
from hearings import request_services, selectors
from hearings.models import FollowUpRequest, MinutesEntry, RequestStatus
from hearings.request_exports import request_table
from hearings.request_forms import AnswerForm, CloseForm, RequestForm

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANSWER_ONLY = _("この要請に回答できるのは宛先の府省庁の担当者のみです。")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _form_status(request: AuthenticatedHttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _load(pk: int) -> FollowUpRequest:
    try:
        return selectors.request_detail(pk=pk)
    except FollowUpRequest.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@viewer_required
def request_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every request, or a ministry's staff's own (their ministry's) unless they ask for all."""
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    mine = is_ministry_staff(request.user) and request.GET.get("all") != "1"
    requests = selectors.request_list(
        status=status, ministries=responsible_for(request.user) if mine else None
    )
    today = timezone.localdate()
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):  # the listed requests, every page
        headers, rows = request_table(requests, today=today)
        stamp = today.isoformat()
        if fmt == "csv":
            return _download(
                csv_bytes(headers, rows), f"requests-{stamp}.csv", "text/csv; charset=utf-8"
            )
        return _download(xlsx_bytes(_("要請・宿題"), headers, rows), f"requests-{stamp}.xlsx", XLSX)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hearings/request_list.html",
        {
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "mine": mine,
            "today": today,
            "query": query_without(request.GET, "format", "page"),
        },
    )


@require_GET
@viewer_required
def request_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = _load(pk)
    return render(
        request,
        "hearings/request_detail.html",
        {
            "follow_up": follow_up,
            "can_answer": follow_up.status != RequestStatus.CLOSED
            and can_answer_request(request.user, follow_up.ministry),
            "can_close": follow_up.status != RequestStatus.CLOSED and is_secretariat(request.user),
        },
    )


def _form_page(request, form, *, title: str, follow_up=None, entry=None, status=200):
    return render(
        request,
        "hearings/request_form.html",
        {"form": form, "title": title, "follow_up": follow_up, "entry": entry},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=_("要請を登録できるのは事務局のみです。"))
def request_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A request recorded in one step from a minutes entry: its text and candidate prefilled."""
    try:
        entry = selectors.entry_with_meeting(pk=pk)
    except MinutesEntry.DoesNotExist as exc:
        raise Http404 from exc
    candidate = entry.candidates.select_related("lead_ministry").first()
    initial = {
        "text": entry.text,
        "candidate": candidate,
        "ministry": candidate.lead_ministry if candidate else None,
    }
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form,
            request_services.request_create,
            user=request.user,
            meeting=entry.meeting,
            entry=entry,
            **form.cleaned_data,
        )
        if created:
            messages.success(request, _("要請を登録しました。"))
            return redirect(f"{entry.meeting.get_absolute_url()}#entry-{entry.pk}")
    return _form_page(
        request, form, title=_("要請の登録"), entry=entry, status=_form_status(request)
    )


def _change(request, follow_up: FollowUpRequest, form, service, *, done: str, title: str):
    """A page that changes one request (its answer, its close) and returns to it."""
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(form, service, user=request.user, follow_up=follow_up, **form.cleaned_data)
    ):
        messages.success(request, done)
        return redirect(follow_up)
    return _form_page(request, form, title=title, follow_up=follow_up, status=_form_status(request))


@require_http_methods(["GET", "POST"])
@viewer_required
def request_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The addressed ministry's answer (the secretariat's, for a request addressed to it)."""
    follow_up = _load(pk)
    require(can_answer_request(request.user, follow_up.ministry), ANSWER_ONLY)
    initial = {"answer": follow_up.answer, "version": follow_up.version}
    if follow_up.answered_on:
        initial["answered_on"] = follow_up.answered_on
    return _change(
        request,
        follow_up,
        AnswerForm(request.POST or None, initial=initial),
        request_services.request_answer,
        done=_("回答を登録しました。"),
        title=_("要請への回答"),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=_("要請を完了にできるのは事務局のみです。"))
def request_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = _load(pk)
    return _change(
        request,
        follow_up,
        CloseForm(request.POST or None, initial={"version": follow_up.version}),
        request_services.request_close,
        done=_("要請を完了にしました。"),
        title=_("要請の完了"),
    )
