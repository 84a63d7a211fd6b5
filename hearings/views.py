"""HTTP for meetings, minutes, their import and search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates import cache as candidate_cache
from candidates import selectors as candidate_selectors
from core import wareki
from core.concurrency import ConcurrentEditError
from core.http import AuthenticatedHttpRequest
from core.permissions import is_secretariat, secretariat_required, viewer_required
from core.query_params import query_int, query_text, query_without
from hearings import decision_services, selectors, services
from hearings import search as search_module
from hearings.forms import DecisionForm, MaterialForm, MeetingEditor, PasteForm
from hearings.minutes_import import attendee_seat_matches, import_warnings, preview_record
from hearings.minutes_normalise import text_digest
from hearings.models import AgendaItem, Material, Meeting, MeetingKind, MinutesEntry
from municipalities import selectors as municipality_selectors

if TYPE_CHECKING:
    from candidates.models import Candidate

PAGE_SIZE = 30
SEARCH_PAGE_SIZE = 50  # of up to search.MAX_RESULTS hits
MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField)


secretariat_only = secretariat_required(message=services.SECRETARIAT_ONLY)


@require_GET
@viewer_required
def meeting_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in MeetingKind.values:
        kind = ""
    meetings = selectors.meeting_list(kind=kind)
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
def meeting_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _load(pk), MaterialForm())


def _meeting_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    material_form: MaterialForm,
    status=200,
    decision_form: DecisionForm | None = None,
) -> HttpResponse:
    """The meeting's page; a material form with errors is shown on it with status 400."""
    entries = list(meeting.entries.all())
    items = list(meeting.agenda_items.all())
    for item in items:
        item.entry_list = [e for e in entries if e.agenda_item_id == item.pk]  # type: ignore[attr-defined]
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
            "candidates": candidate_selectors.candidate_names(),
            "material_form": material_form,
            "decision_form": decision_form or DecisionForm(meeting=meeting),
        },
        status=status,
    )


def _save(
    request: AuthenticatedHttpRequest, editor: MeetingEditor, meeting: Meeting | None, **kwargs
):
    """Save a valid editor's record; returns the meeting, or None with the errors on the form."""
    if not editor.is_valid():
        return None
    try:
        return services.meeting_save(
            user=request.user,
            meeting=meeting,
            version=editor.version,
            record=editor.record(warnings=kwargs.pop("warnings", None)),
            **kwargs,
        )
    except ConcurrentEditError as exc:
        editor.form.add_error(None, exc)
        editor.stale_current = exc.current  # shown beside the refused edit by _editor
    except services.DuplicateMeetingError as exc:
        editor.form.add_error("allow_duplicate", exc)
        editor.duplicates = exc.duplicates
    except ValidationError as exc:
        editor.form.apply_service_error(exc)
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


def _seat_matches(editor: MeetingEditor) -> list:
    """The attendees' seats as the save will link them (none while the form is invalid)."""
    current = editor.attendee_rows()
    if current is None or current[0].date is None:
        return []
    header, rows = current
    return attendee_seat_matches(header=header, rows=rows)


def _editor(request, editor: MeetingEditor, *, title, meeting=None, extra=None):
    current = getattr(editor, "stale_current", None)
    context = {
        "title": title,
        "meeting": meeting,
        "editor": editor,
        "form": editor.form,
        "current_values": _stale_values(current) if current else [],
        "seat_matches": _seat_matches(editor),
        **(extra or {}),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "hearings/editor.html", context, status=status)


@require_http_methods(["GET", "POST"])
@secretariat_only
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    editor = MeetingEditor(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (meeting := _save(request, editor, None)):
        messages.success(request, _("会議「%(title)s」を登録しました。") % {"title": meeting.title})
        return redirect(meeting)
    return _editor(request, editor, title=_("会議の登録"))


@require_http_methods(["GET", "POST"])
@secretariat_only
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _load(pk)
    editor = MeetingEditor(
        request.POST if request.method == "POST" else None,
        record=selectors.meeting_record(meeting=meeting),
        version=meeting.version,
    )
    if request.method == "POST" and (saved := _save(request, editor, meeting)):
        messages.success(request, _("会議「%(title)s」を更新しました。") % {"title": saved.title})
        return redirect(saved)
    return _editor(request, editor, title=_("会議と議事要旨の編集"), meeting=meeting)


@require_http_methods(["GET", "POST"])
@secretariat_only
def minutes_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Paste minutes text -> preview of the structure to correct -> confirm (only then saved).

    One path: the paste is parsed into a record (minutes_import.preview_record), the record
    fills the editor, the secretariat corrects it, the editor's record goes to the service.
    """
    if request.method == "POST" and request.POST.get("confirm"):
        editor = MeetingEditor(request.POST, importing=True)
        raw_text = request.POST.get("raw_text", "")
        saved = _save(
            request,
            editor,
            None,
            warnings=import_warnings(raw_text),
            allow_duplicate=editor.is_valid() and editor.allow_duplicate,
        )
        if saved:
            messages.success(
                request,
                _("議事要旨を取り込み、会議「%(title)s」を登録しました。") % {"title": saved.title},
            )
            return redirect(saved)
        if not hasattr(editor, "duplicates") and editor.form.is_valid():
            editor.duplicates = selectors.likely_duplicates(
                header=editor.form.header(), digest=text_digest(raw_text)
            )
        return _import_preview(request, editor)
    paste = PasteForm(request.POST or None)
    if request.method == "POST" and paste.is_valid():
        record = preview_record(paste.cleaned_data["text"])
        editor = MeetingEditor(record=record, importing=True)
        editor.duplicates = selectors.likely_duplicates(
            header=record.header, digest=text_digest(record.minutes.raw_text)
        )
        return _import_preview(request, editor, warnings=record.minutes.warnings)
    status = 400 if request.method == "POST" else 200
    return render(request, "hearings/import.html", {"form": paste}, status=status)


def _import_preview(request: AuthenticatedHttpRequest, editor: MeetingEditor, *, warnings=None):
    duplicates = getattr(editor, "duplicates", [])
    if not duplicates:
        editor.form.fields.pop("allow_duplicate")
    response = _editor(
        request,
        editor,
        title=_("取込内容の確認"),
        extra={
            "preview": True,
            "warnings": warnings,
            "duplicates": duplicates,
            "action": request.path,
        },
    )
    if not editor.has_errors:
        response.status_code = 200
    return response


@require_http_methods(["GET", "POST"])
@secretariat_only
def meeting_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A confirmation page listing what goes with the meeting and what keeps it; POST deletes."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if request.method == "POST":
        try:
            services.meeting_delete(user=request.user, meeting=meeting)
        except services.MeetingInUseError as exc:
            refused = exc.messages[0]
        else:
            messages.success(
                request, _("会議「%(title)s」を削除しました。") % {"title": meeting.title}
            )
            return redirect("hearings:list")
    return render(
        request,
        "hearings/delete.html",
        {
            "meeting": meeting,
            "refused": refused if request.method == "POST" else "",
            **selectors.deletion_summary(meeting=meeting),
        },
        status=400 if request.method == "POST" else 200,
    )


def _candidate_ids(request: AuthenticatedHttpRequest) -> list[int]:
    """The candidate ids a link form sent; anything that is not an id is ignored."""
    values = (query_int(v, low=1, high=MAX_ID) for v in request.POST.getlist("candidates"))
    return [value for value in values if value is not None]


@require_POST
@secretariat_only
def entry_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        entry = selectors.entry_with_meeting(pk=pk)
    except MinutesEntry.DoesNotExist as exc:
        raise Http404 from exc
    candidates = candidate_selectors.candidates_by_ids(_candidate_ids(request))
    services.entry_link_candidates(user=request.user, entry=entry, candidates=candidates)
    messages.success(request, _("発言と候補の関連付けを保存しました。"))
    return redirect(f"{entry.meeting.get_absolute_url()}#entry-{entry.pk}")


@require_POST
@secretariat_only
def agenda_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.agenda_item_with_meeting(pk=pk)
    except AgendaItem.DoesNotExist as exc:
        raise Http404 from exc
    candidates = candidate_selectors.candidates_by_ids(_candidate_ids(request))
    services.agenda_item_link_candidates(user=request.user, item=item, candidates=candidates)
    messages.success(request, _("議題と候補の関連付けを保存しました。"))
    return redirect(f"{item.meeting.get_absolute_url()}#agenda-{item.number}")


@require_POST
@secretariat_only
def material_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        services.material_add(user=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("資料を登録しました。"))
        return redirect(f"{meeting.get_absolute_url()}#materials")
    messages.error(request, _("資料を登録できませんでした。資料の欄を確認してください。"))
    return _meeting_page(request, _load(pk), form, status=400)


@require_POST
@secretariat_only
def decision_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a decision of this meeting; one by the wrong body is refused naming the right one."""
    meeting = get_object_or_404(Meeting, pk=pk)
    form = DecisionForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision_services.decision_record(
                user=request.user,
                kind=data["kind"],
                text=data["text"],
                meeting=meeting,
                agenda_item=data["agenda_item"],
                candidates=data["candidate_names"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("決定を記録しました。"))
            return redirect(f"{meeting.get_absolute_url()}#decisions")
    messages.error(request, _("決定を記録できませんでした。決定の欄を確認してください。"))
    return _meeting_page(request, _load(pk), MaterialForm(), status=400, decision_form=form)


@require_GET
@viewer_required
def material_download(request: AuthenticatedHttpRequest, pk: int, material_pk: int) -> FileResponse:
    """A material's PDF, read from the default storage (local disk or an S3-compatible store)
    by whoever may read its meeting: the file is never served without this check."""
    material = get_object_or_404(Material, pk=material_pk, meeting_id=pk)
    if not material.file or not material.file.storage.exists(material.file.name):
        raise Http404
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )


@require_GET
@viewer_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = search_module.normalise_query(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    fiscal_year = query_int(request.GET.get("fiscal_year", ""), low=2001, high=2099)
    slug = query_text(request.GET.get("association", ""), max_length=50)
    association = municipality_selectors.association_or_none(slug)
    candidate_id = query_int(request.GET.get("candidate", ""), low=1, high=MAX_ID)
    candidate = candidate_selectors.candidate_or_none(candidate_id)
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
    return render(
        request,
        "hearings/search.html",
        {
            "query": query,
            "hits": hits,
            "page": Paginator(hits, SEARCH_PAGE_SIZE).get_page(request.GET.get("page")),
            "page_query": query_without(request.GET, "page"),
            "kind": kind,
            "kinds": MeetingKind.choices,
            "fiscal_year": fiscal_year,
            "fiscal_years": selectors.meeting_fiscal_years(),
            "association": association,
            "associations": municipality_selectors.associations(),
            "candidate_options": _candidate_options(candidate),
        },
    )


def _candidate_options(selected: Candidate | None) -> str:
    """The <option>s of the candidate filter, one per candidate (1,000 at the council's scale):
    each name escaped once, the ids are integers. A template loop over them was a third of the
    search page's time, format_html_join still 15 ms (docs/benchmarks.md)."""
    selected_pk = selected.pk if selected else None
    names = candidate_cache.candidate_names()
    options = (
        f'<option value="{int(pk)}"{" selected" if pk == selected_pk else ""}>{escape(name)}</option>'
        for pk, name in names
    )
    return mark_safe("".join(options))  # noqa: S308 - every name escaped above
