"""HTTP for consultations: the list, opening one, its page (opinions and responses), answering
for a body or an association, progress with the list of bodies to remind, and the results
table."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import bulk, permissions, selectors, services
from consultations.filters import OpinionFilterForm
from consultations.forms import AnswerForm, ConsultationForm, HearingLinkForm, ResponseForm
from consultations.models import Consultation, Opinion
from core.forms import call_service
from core.http import AuthenticatedHttpRequest
from core.permissions import require, secretariat_required, viewer_required
from core.query_params import query_without
from core.sheet_upload import sheet_upload
from core.spreadsheets import csv_bytes, xlsx_bytes
from municipalities.models import Association, LocalGovernment

NOT_YOURS = gettext_lazy("この団体の回答を入力する権限がありません。")
MANAGERS_ONLY = gettext_lazy("意見照会を作成・締切できるのは事務局のみです。")
EDITORS_ONLY = gettext_lazy("意見照会を編集できるのは事務局のみです。")
RESPONDERS_ONLY = gettext_lazy(
    "意見への対応を記入できるのは事務局（推進方針案の照会では担当府省庁も）のみです。"
)
NO_BULK = gettext_lazy(
    "一括回答票を使えるのは、都道府県経由の照会で管内の市区町村の回答を取りまとめる都道府県と、"
    "照会先の関係団体のみです。"
)
OPINIONS_PER_PAGE = 50
OPINIONS_PER_QUESTION = 20  # on the consultation page; all of them on the results page
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _consultation(pk: int) -> Consultation:
    try:
        return selectors.consultation_get(pk=pk)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@viewer_required
def consultation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "consultations/list.html",
        {"consultations": selectors.consultation_list(), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@secretariat_required(message=MANAGERS_ONLY)
def consultation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consultation = call_service(
            form, services.consultation_create, user=request.user, **form.values()
        )
        if consultation is not None:
            messages.success(request, _("意見照会「%s」を作成しました。") % consultation.title)
            return redirect(consultation)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "consultations/form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@secretariat_required(message=EDITORS_ONLY)
def consultation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a consultation, within what its stage allows (services.consultation_update)."""
    consultation = _consultation(pk)
    form = ConsultationForm(
        request.POST or None, initial=ConsultationForm.initial_from(consultation)
    )
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            services.consultation_update,
            user=request.user,
            consultation=consultation,
            version=form.cleaned_data["version"],
            **form.values(),
        )
        if updated is not None:
            messages.success(request, _("意見照会「%s」を変更しました。") % updated.title)
            return redirect(updated)
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "consultation": consultation}
    return render(request, "consultations/form.html", context, status=status)


def _detail(
    request: AuthenticatedHttpRequest,
    consultation: Consultation,
    response_form: ResponseForm | None = None,
    status: int = 200,
    hearing_form: HearingLinkForm | None = None,
) -> HttpResponse:
    can_respond = permissions.can_respond(request.user, consultation)
    if can_respond and response_form is None:
        response_form = ResponseForm(
            opinions=selectors.submitted_opinions(consultation=consultation)
        )
    groups = selectors.opinion_groups(consultation=consultation, per_question=OPINIONS_PER_QUESTION)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "groups": groups,
            "opinion_count": sum(group.total for group in groups),
            "respondents": selectors.respondents_for(user=request.user, consultation=consultation),
            "bulk_respondent": permissions.bulk_respondent(request.user, consultation),
            "hearings": selectors.consultation_hearings(consultation=consultation),
            "attachable_hearings": selectors.attachable_hearings(consultation=consultation)
            if permissions.can_manage(request.user)
            else [],
            "hearing_form": hearing_form,
            "progress": selectors.consultation_progress(consultation=consultation).total,
            "can_manage": permissions.can_manage(request.user),
            "can_respond": can_respond,
            "response_form": response_form if can_respond else None,
            "checked": {str(pk) for pk in request.POST.getlist("opinions")},
        },
        status=status,
    )


@require_GET
@viewer_required
def consultation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _consultation(pk))


@require_POST
@secretariat_required(message=MANAGERS_ONLY)
def consultation_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    # Closing twice closes once: no stale-edit check is needed.
    services.consultation_close(user=request.user, consultation=consultation, version=None)
    messages.success(request, _("意見照会を締め切りました。"))
    return redirect(consultation)


@require_POST
@secretariat_required(message=EDITORS_ONLY)
def hearing_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach an association's hearing to the consultation, or detach it."""
    consultation = _consultation(pk)
    form = HearingLinkForm(request.POST)
    if form.is_valid():
        attach = form.cleaned_data["action"] == "attach"
        done = call_service(
            form,
            services.consultation_hearing_link,
            user=request.user,
            consultation=consultation,
            meeting=form.cleaned_data["meeting"],
            attach=attach,
        )
        if done is not None:
            messages.success(
                request,
                _("ヒアリングを関連付けました。")
                if attach
                else _("ヒアリングの関連付けを外しました。"),
            )
            return redirect(f"{consultation.get_absolute_url()}#hearings")
    return _detail(request, _consultation(pk), status=400, hearing_form=form)


@require_POST
@viewer_required
def response_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record one response to the checked opinions (one, or a group of similar ones)."""
    consultation = _consultation(pk)
    require(permissions.can_respond(request.user, consultation), RESPONDERS_ONLY)
    form = ResponseForm(
        request.POST, opinions=selectors.submitted_opinions(consultation=consultation)
    )
    if form.is_valid():
        response = call_service(
            form,
            services.response_record,
            user=request.user,
            consultation=consultation,
            opinion_ids=[o.pk for o in form.cleaned_data["opinions"]],
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        )
        if response is not None:
            messages.success(
                request,
                _("%(n)s件の意見に対応を記入しました。")
                % {"n": len(form.cleaned_data["opinions"])},
            )
            return redirect(f"{consultation.get_absolute_url()}#opinions")
    return _detail(request, consultation, form, status=400)


def _answer(
    request: AuthenticatedHttpRequest,
    consultation: Consultation,
    *,
    local_government: LocalGovernment | None = None,
    association: Association | None = None,
) -> HttpResponse:
    """The answer form of one respondent: save a draft or submit; earlier versions below."""
    answer = selectors.answer_of(
        consultation=consultation, local_government=local_government, association=association
    )
    questions = list(consultation.questions.all())
    form = AnswerForm(request.POST or None, questions=questions, answer=answer)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        # Closed or not yet open: a ValidationError that call_service shows above the form.
        saved = call_service(
            form,
            services.answer_save,
            user=request.user,
            consultation=consultation,
            local_government=local_government,
            association=association,
            opinions=form.opinions(),
            submit=submit,
            version=form.cleaned_data["version"],
        )
        if saved is not None:
            if not submit:
                message = _("下書きを保存しました。提出するまで他の団体や事務局には見えません。")
            elif saved.versions.count() > 1:
                message = _("修正した回答を提出しました。")
            else:
                message = _("回答を提出しました。")
            if submit and saved.is_late:
                message += " " + _("回答期限後の提出として記録しました。")
            messages.success(request, message)
            return redirect(request.path)
    respondent = local_government or association
    return render(
        request,
        "consultations/answer.html",
        {
            "consultation": consultation,
            "respondent_name": local_government.qualified_name
            if local_government
            else str(respondent),
            "answer": answer,
            "form": form,
            "groups": form.groups(),
            "version_lines": selectors.version_lines(answer=answer, questions=questions),
            "is_open": consultation.is_open,
            "is_late_now": timezone.localdate() > consultation.deadline,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@viewer_required
def answer_body(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    consultation = _consultation(pk)
    try:
        body = selectors.local_government_by_code(code=code)
    except LocalGovernment.DoesNotExist as exc:
        raise Http404 from exc
    require(permissions.answers_for_body(request.user, consultation, body), NOT_YOURS)
    return _answer(request, consultation, local_government=body)


@require_http_methods(["GET", "POST"])
@viewer_required
def answer_association(request: AuthenticatedHttpRequest, pk: int, slug: str) -> HttpResponse:
    consultation = _consultation(pk)
    try:
        association = selectors.association_by_slug(slug=slug)
    except Association.DoesNotExist as exc:
        raise Http404 from exc
    require(permissions.answers_for_association(request.user, consultation, association), NOT_YOURS)
    return _answer(request, consultation, association=association)


@require_GET
@viewer_required
def consultation_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Answer rates, and the bodies that have not submitted (also as CSV or .xlsx)."""
    consultation = _consultation(pk)
    progress = selectors.consultation_progress(consultation=consultation)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers, rows = selectors.unanswered_table(progress)
        name = f"consultation-{consultation.pk}-unanswered"
        if fmt == "csv":
            return _download(csv_bytes(headers, rows), f"{name}.csv", "text/csv; charset=utf-8")
        return _download(xlsx_bytes(_("未回答団体"), headers, rows), f"{name}.xlsx", XLSX)
    return render(
        request,
        "consultations/progress.html",
        {"consultation": consultation, "progress": progress},
    )


@require_GET
@viewer_required
def opinion_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The results page: the submitted opinions, filtered and paged, with their responses;
    the filtered list also as the 意見照会結果 table (.xlsx or CSV)."""
    consultation = _consultation(pk)
    form = OpinionFilterForm(request.GET or None, consultation=consultation)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters() if form.is_bound and valid else {}
    opinions = (
        selectors.opinion_results(consultation=consultation, **filters)
        if valid
        else Opinion.objects.none()
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers, rows = selectors.results_table(
            selectors.results_rows(consultation=consultation, opinions=opinions)
        )
        name = f"consultation-{consultation.pk}-results"
        if fmt == "csv":
            return _download(csv_bytes(headers, rows), f"{name}.csv", "text/csv; charset=utf-8")
        return _download(xlsx_bytes(_("意見照会結果"), headers, rows), f"{name}.xlsx", XLSX)
    page = selectors.opinion_page(opinions, request.GET.get("page"), OPINIONS_PER_PAGE)
    return render(
        request,
        "consultations/opinions.html",
        {
            "consultation": consultation,
            "form": form,
            "page": page,
            "query": query_without(request.GET, "page", "format"),
        },
        status=200 if valid else 400,
    )


@require_GET
@viewer_required
def consultation_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The 意見照会結果 table as ministries publish it (.xlsx)."""
    consultation = _consultation(pk)
    headers, rows = selectors.results_table(selectors.results_rows(consultation=consultation))
    return _download(
        xlsx_bytes(_("意見照会結果"), headers, rows),
        f"consultation-{consultation.pk}-results.xlsx",
        XLSX,
    )


def _bulk_respondent(request: AuthenticatedHttpRequest, consultation: Consultation):
    respondent = permissions.bulk_respondent(request.user, consultation)
    require(respondent is not None, NO_BULK)
    return respondent


@require_GET
@viewer_required
def bulk_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The answer sheet (一括回答票) of the user's prefecture or association (.xlsx)."""
    consultation = _consultation(pk)
    respondent = _bulk_respondent(request, consultation)
    data = bulk.bulk_sheet(user=request.user, consultation=consultation, respondent=respondent)
    name = respondent.code[:2] if isinstance(respondent, LocalGovernment) else respondent.slug
    return _download(data, f"consultation-{consultation.pk}-answers-{name}.xlsx", XLSX)


@require_http_methods(["GET", "POST"])
@viewer_required
def bulk_answers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload an answer sheet: a preview of every answer it submits first; nothing is saved
    until the person confirms, and then only if no row has an error (all or nothing)."""
    consultation = _consultation(pk)
    respondent = _bulk_respondent(request, consultation)
    form, upload = sheet_upload(request, label=_("回答票ファイル"))
    context = {
        "consultation": consultation,
        "respondent": respondent,
        "is_body": isinstance(respondent, LocalGovernment),
        "form": form,
        "result": None,
    }
    if upload is None:
        status = 400 if request.method == "POST" else 200
        return render(request, "consultations/bulk.html", context, status=status)
    kwargs = {
        "user": request.user,
        "consultation": consultation,
        "respondent": respondent,
        "data": upload.data,
    }
    if upload.confirmed:
        result = bulk.bulk_apply(**kwargs)
        if result.applied:
            message = _("回答票の%(n)s団体分の回答を提出しました。") % {"n": len(result.changes)}
            if result.late:
                message += " " + _("回答期限後の提出として記録しました。")
            messages.success(request, message)
            return redirect("consultations:bulk", pk=consultation.pk)
        context.update(result=result, content=upload.content)
        return render(request, "consultations/bulk.html", context, status=400)
    result = bulk.bulk_read(**kwargs)
    context.update(result=result, content=upload.content, file_name=upload.file_name)
    return render(request, "consultations/bulk.html", context)
