"""HTTP for meetings, minutes, their import and search."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.models import Candidate
from core import wareki
from core.concurrency import ConcurrentEditError
from core.permissions import is_secretariat, secretariat_required, viewer_required
from core.query_params import query_int, query_text
from hearings import search as search_module
from hearings import selectors, services
from hearings.forms import (
    AgendaItemFormSet,
    AttendeeFormSet,
    EntryFormSet,
    MaterialForm,
    MeetingForm,
    PasteForm,
    ordered_rows,
)
from hearings.minutes_import import loads_list, preview_initial
from hearings.minutes_parser import parse_minutes
from hearings.models import AgendaItem, Meeting, MeetingKind, MinutesEntry
from municipalities.models import Association

PAGE_SIZE = 30
MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField)


secretariat_only = secretariat_required(message=services.SECRETARIAT_ONLY)


@require_GET
@viewer_required
def meeting_index(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meeting_list()
    kind = request.GET.get("kind", "")
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hearings/list.html",
        {
            "page": page,
            "query": f"kind={kind}" if kind else "",
            "kinds": MeetingKind.choices,
            "kind": kind,
            "can_edit": is_secretariat(request.user),
        },
    )


def _load(pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@viewer_required
def meeting_show(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _load(pk)
    entries = list(meeting.entries.all())
    items = list(meeting.agenda_items.all())
    for item in items:
        item.entry_list = [e for e in entries if e.agenda_item_id == item.pk]
    loose = [e for e in entries if e.agenda_item_id is None]
    minutes = getattr(meeting, "minutes", None)
    return render(
        request,
        "hearings/detail.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "agenda_items": items,
            "loose_entries": loose,
            "can_edit": is_secretariat(request.user),
            "candidates": Candidate.objects.order_by("name").only("pk", "name"),
            "material_form": MaterialForm(),
        },
    )


def _initial_from_meeting(meeting: Meeting) -> tuple[dict, list, list, list]:
    minutes = getattr(meeting, "minutes", None)
    data = {
        "version": meeting.version,
        "kind": meeting.kind,
        "number": meeting.number,
        "title": meeting.title,
        "date": meeting.date,
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "place": meeting.place,
        "association": meeting.association_id,
        "speaking_municipality": meeting.speaking_municipality.code
        if meeting.speaking_municipality
        else "",
        "minutes_format": minutes.format if minutes else "",
        "unplaced_text": minutes.unplaced_text if minutes else "",
    }
    attendees = [
        {
            f: getattr(a, f)
            for f in (
                "id",
                "group",
                "organisation",
                "title",
                "name",
                "proxy_name",
                "proxy_unit",
                "proxy_title",
            )
        }
        for a in meeting.attendees.all()
    ]
    items = [
        {
            f: getattr(i, f)
            for f in ("id", "number", "title", "explanation", "materials_text", "outcome")
        }
        for i in meeting.agenda_items.all()
    ]
    numbers = {i.pk: i.number for i in meeting.agenda_items.all()}
    entries = [
        {
            "id": e.pk,
            "kind": e.kind,
            "question_number": e.question_number,
            "agenda_number": numbers.get(e.agenda_item_id),
            "speaker": e.speaker,
            "text": e.text,
        }
        for e in meeting.entries.all()
    ]
    return data, attendees, items, entries


def _bind(request: HttpRequest, initial=None):
    data = request.POST if request.method == "POST" else None
    meeting_initial, attendees, items, entries = initial or ({}, [], [], [])
    return (
        MeetingForm(data, initial=meeting_initial),
        AttendeeFormSet(data, initial=attendees, prefix="attendees"),
        AgendaItemFormSet(data, initial=items, prefix="agenda"),
        EntryFormSet(data, initial=entries, prefix="entries"),
    )


def save_from_post(request: HttpRequest, meeting: Meeting | None, forms, *, warnings=None):
    """Validate the meeting page's forms and save; returns the meeting or None (errors shown)."""
    form, attendee_set, agenda_set, entry_set = forms
    if not all(f.is_valid() for f in forms):
        return None
    data = form.cleaned_data
    try:
        return services.meeting_save(
            user=request.user,
            meeting=meeting,
            version=data.get("version"),
            data=data,
            attendees=ordered_rows(attendee_set),
            agenda_items=ordered_rows(agenda_set),
            entries=ordered_rows(entry_set),
            raw_text=data.get("raw_text", ""),
            unplaced_text=data.get("unplaced_text", ""),
            minutes_format=data.get("minutes_format", ""),
            warnings=warnings,
            materials=loads_list(data.get("materials_json", "")),
        )
    except ConcurrentEditError as exc:
        form.add_error(None, exc)
        form.stale_current = exc.current  # shown beside the refused edit by _editor
        return None
    except ValidationError as exc:
        form.apply_service_error(exc)
        return None


def _stale_values(meeting: Meeting) -> list[tuple[str, str]]:
    """What another user saved meanwhile, and who last saved it (from the audit trail)."""
    from core.audit import audit_events

    last = (
        audit_events(action="hearings:edit", outcome="done")
        .filter(object_id=str(meeting.pk))
        .first()
    )
    saved_at = timezone.localtime(meeting.updated_at)
    when = wareki.format_wareki(saved_at.date()) + saved_at.strftime(" %H:%M")
    return [
        (_("会議名"), meeting.title),
        (_("開催日"), wareki.format_wareki(meeting.date, weekday=True)),
        (_("場所"), meeting.place or "—"),
        (_("出席者"), str(meeting.attendees.count())),
        (_("議題"), str(meeting.agenda_items.count())),
        (_("議事の記載"), str(meeting.entries.count())),
        (_("最終更新"), f"{when}（{last.username}）" if last else when),
    ]


def _editor(request, forms, *, title, meeting=None, extra=None):
    form, attendee_set, agenda_set, entry_set = forms
    current = getattr(form, "stale_current", None)
    context = {
        "title": title,
        "meeting": meeting,
        "form": form,
        "attendee_set": attendee_set,
        "agenda_set": agenda_set,
        "entry_set": entry_set,
        "current_values": _stale_values(current) if current else [],
        **(extra or {}),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "hearings/editor.html", context, status=status)


@require_http_methods(["GET", "POST"])
@secretariat_only
def meeting_new(request: HttpRequest) -> HttpResponse:
    forms = _bind(request)
    if request.method == "POST" and (meeting := save_from_post(request, None, forms)):
        messages.success(request, _("会議「%(title)s」を登録しました。") % {"title": meeting.title})
        return redirect(meeting)
    return _editor(request, forms, title=_("会議の登録"))


@require_http_methods(["GET", "POST"])
@secretariat_only
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _load(pk)
    forms = _bind(request, _initial_from_meeting(meeting))
    if request.method == "POST" and (saved := save_from_post(request, meeting, forms)):
        messages.success(request, _("会議「%(title)s」を更新しました。") % {"title": saved.title})
        return redirect(saved)
    return _editor(request, forms, title=_("会議と議事要旨の編集"), meeting=meeting)


@require_http_methods(["GET", "POST"])
@secretariat_only
def minutes_import(request: HttpRequest) -> HttpResponse:
    """Paste minutes text -> preview of the structure to correct -> confirm (only then saved)."""
    if request.method == "POST" and request.POST.get("confirm"):
        forms = _bind(request)
        warnings = loads_list(request.POST.get("warnings_json", ""))
        if meeting := save_from_post(request, None, forms, warnings=[str(w) for w in warnings]):
            messages.success(
                request,
                _("議事要旨を取り込み、会議「%(title)s」を登録しました。")
                % {"title": meeting.title},
            )
            return redirect(meeting)
        return _editor(
            request,
            forms,
            title=_("取込内容の確認"),
            extra={"preview": True, "warnings": warnings, "action": request.path},
        )
    paste = PasteForm(request.POST or None)
    if request.method == "POST" and paste.is_valid():
        text = paste.cleaned_data["text"]
        meeting, attendees, agenda, entries, warnings = preview_initial(parse_minutes(text), text)
        forms = (
            MeetingForm(initial=meeting),
            AttendeeFormSet(initial=attendees, prefix="attendees"),
            AgendaItemFormSet(initial=agenda, prefix="agenda"),
            EntryFormSet(initial=entries, prefix="entries"),
        )
        return render(
            request,
            "hearings/editor.html",
            {
                "title": _("取込内容の確認"),
                "form": forms[0],
                "attendee_set": forms[1],
                "agenda_set": forms[2],
                "entry_set": forms[3],
                "preview": True,
                "warnings": warnings,
                "action": request.path,
            },
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "hearings/import.html", {"form": paste}, status=status)


def _candidate_ids(request: HttpRequest) -> list[int]:
    """The candidate ids a link form sent; anything that is not an id is ignored."""
    values = (query_int(v, low=1, high=MAX_ID) for v in request.POST.getlist("candidates"))
    return [value for value in values if value is not None]


@require_POST
@secretariat_only
def entry_link(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(MinutesEntry.objects.select_related("meeting"), pk=pk)
    ids = _candidate_ids(request)
    candidates = list(Candidate.objects.filter(pk__in=ids))
    services.entry_link_candidates(user=request.user, entry=entry, candidates=candidates)
    messages.success(request, _("発言と候補の関連付けを保存しました。"))
    return redirect(f"{entry.meeting.get_absolute_url()}#entry-{entry.pk}")


@require_POST
@secretariat_only
def agenda_link(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    ids = _candidate_ids(request)
    services.agenda_item_link_candidates(
        user=request.user, item=item, candidates=list(Candidate.objects.filter(pk__in=ids))
    )
    messages.success(request, _("議題と候補の関連付けを保存しました。"))
    return redirect(f"{item.meeting.get_absolute_url()}#agenda-{item.number}")


@require_POST
@secretariat_only
def material_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        services.material_add(user=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("資料を登録しました。"))
    else:
        errors = "、".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("資料を登録できませんでした：%(errors)s") % {"errors": errors})
    return redirect(f"{meeting.get_absolute_url()}#materials")


@require_GET
@viewer_required
def search(request: HttpRequest) -> HttpResponse:
    query = search_module.normalise_query(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    fiscal_year = query_int(request.GET.get("fiscal_year", ""), low=2001, high=2099)
    slug = query_text(request.GET.get("association", ""), max_length=50)
    association = Association.objects.filter(slug=slug).first() if slug else None
    candidate_id = query_int(request.GET.get("candidate", ""), low=1, high=MAX_ID)
    candidate = Candidate.objects.filter(pk=candidate_id).first() if candidate_id else None
    hits = (
        search_module.search(
            query=query,
            kind=kind,
            fiscal_year=fiscal_year,
            association=association,
            candidate=candidate,
        )
        if query
        else []
    )
    # One date per month with a meeting (a few dozen), not every meeting's date.
    years = sorted(
        {wareki.fiscal_year_of(d) for d in Meeting.objects.dates("date", "month")}, reverse=True
    )
    return render(
        request,
        "hearings/search.html",
        {
            "query": query,
            "hits": hits,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "fiscal_year": fiscal_year,
            "fiscal_years": years,
            "association": association,
            "associations": Association.objects.all(),
            "candidate_options": _candidate_options(candidate),
        },
    )


def _candidate_options(selected: Candidate | None) -> str:
    """The <option>s of the candidate filter, one per candidate (1,000 at the council's scale),
    escaped by format_html_join: a template loop over them was a third of the search page's
    time (docs/benchmarks.md)."""
    selected_pk = selected.pk if selected else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (pk, mark_safe(" selected") if pk == selected_pk else "", name)
            for pk, name in Candidate.objects.order_by("name").values_list("pk", "name")
        ),
    )
