"""The read-only API (issue 20): candidates, milestones, decisions, meetings, adoption counts,
requests (要請).

Every endpoint reads through the owning app's selectors, as the pages do, and answers only a
caller whose token passes api.auth.TokenAuth (the pages' read rule, `can_view`). No writes.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import PageNumberPagination, paginate

from adoption import selectors as adoption_selectors
from adoption.models import Status
from api import schemas
from api.auth import Forbidden, RateLimited, TokenAuth
from candidates import selectors as candidate_selectors
from candidates.filters import CandidateFilter
from candidates.models import Candidate, Ministry
from core.permissions import viewer_required
from hearings import selectors as hearing_selectors
from hearings.models import Meeting, MeetingKind, RequestStatus

PAGE_SIZE = 50


def _docs_page(view: Callable) -> Callable:
    """The description and the docs page: read (GET) by people signed in who read the product."""
    return require_GET(viewer_required(view))


api = NinjaAPI(
    title="共通化推進トラッカー API",
    version="1",
    description=(
        "読み取り専用。`Authorization: Bearer <token>`（トークンは「APIトークン」の画面で発行）。"
        "1トークンにつき毎分の回数に上限があります（超えると 429 と Retry-After）。"
    ),
    auth=TokenAuth(),
    urls_namespace="api_v1",
    docs_decorator=_docs_page,
)


class BadQuery(Exception):
    """A filter value the list page would not offer: 400, in Japanese and English."""

    def __init__(self, message: Promise):
        super().__init__(str(message))
        self.message = message


def _both_languages(message: str | Promise) -> dict[str, str]:
    """An error's body: the product's language first, English beside it (as the pages' error
    pages say both), whatever the caller's Accept-Language."""
    with translation.override("ja"):
        ja = _(message) if isinstance(message, str) else str(message)
    with translation.override("en"):
        en = _(message) if isinstance(message, str) else str(message)
    return {"detail": ja, "detail_en": en}


@api.exception_handler(Forbidden)
def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, _both_languages(exc.message), status=403)


@api.exception_handler(BadQuery)
def bad_query(request: HttpRequest, exc: BadQuery) -> HttpResponse:
    return api.create_response(request, _both_languages(exc.message), status=400)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = api.create_response(
        request, _both_languages("APIトークンがないか、正しくありません。"), status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request,
        _both_languages("リクエストが多すぎます。しばらく待ってから再度お試しください。"),
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.get(
    "/candidates",
    response=list[schemas.CandidateRow],
    url_name="candidates",
    summary="共通化候補の一覧（一覧画面と同じ絞り込み）",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def candidate_list(request: HttpRequest, filters: Query[schemas.CandidateQuery]) -> QuerySet:
    data = QueryDict(mutable=True)
    for name, value in filters.dict().items():
        if name == "stage":
            data.setlist("stage", value)
        elif name == "slipped":
            if value:
                data["slipped"] = "on"
        elif value is not None:
            data[name] = str(value)
    filterset = CandidateFilter(
        data=data, queryset=candidate_selectors.candidate_rows(), request=request
    )
    if not filterset.is_valid():
        raise HttpError(400, filterset.errors.as_json())
    return filterset.qs


@api.get(
    "/candidates/{pk}",
    response=schemas.CandidateDetail,
    url_name="candidate",
    summary="共通化候補（マイルストーンの遅れ・期限超過、段階の変更と決定）",
)
def candidate_detail(request: HttpRequest, pk: int) -> Candidate:
    try:
        return candidate_selectors.candidate_detail(pk=pk)
    except Candidate.DoesNotExist as missing:
        raise Http404 from missing


@api.get(
    "/candidates/{pk}/adoption",
    response=schemas.AdoptionCounts,
    url_name="candidate_adoption",
    summary="地方公共団体の利用意向（状況ごとの団体数）",
)
def candidate_adoption(request: HttpRequest, pk: int) -> dict:
    candidate = candidate_selectors.candidate_or_none(pk)
    if candidate is None:
        raise Http404
    counts = adoption_selectors.status_counts(candidate=candidate)
    return {
        "candidate_id": candidate.pk,
        "counts": [
            {"status": status.value, "label": str(status.label), "count": counts[status]}
            for status in Status
        ],
        "committed": adoption_selectors.committed_count(counts),
    }


@api.get(
    "/meetings",
    response=list[schemas.MeetingRow],
    url_name="meetings",
    summary="会議の一覧（一覧画面と同じ絞り込み）",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def meeting_list(request: HttpRequest, filters: Query[schemas.MeetingQuery]) -> QuerySet:
    kind = filters.kind or ""
    if kind and kind not in MeetingKind.values:
        raise BadQuery(gettext_lazy("会議の種別の値が正しくありません。"))
    return hearing_selectors.meeting_list(kind=kind)


@api.get(
    "/meetings/{pk}",
    response=schemas.MeetingDetail,
    url_name="meeting",
    summary="会議（議題と議事要旨）",
)
def meeting_detail(request: HttpRequest, pk: int) -> Meeting:
    try:
        return hearing_selectors.meeting_detail(pk=pk)
    except Meeting.DoesNotExist as missing:
        raise Http404 from missing


@api.get(
    "/requests",
    response=list[schemas.RequestRow],
    url_name="requests",
    summary="要請・宿題の一覧（期限の早い順。状態・宛先の府省庁で絞り込み）",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def request_list(request: HttpRequest, filters: Query[schemas.RequestQuery]) -> QuerySet:
    status = filters.status or ""
    if status and status not in RequestStatus.values:
        raise BadQuery(gettext_lazy("要請の状態の値が正しくありません。"))
    ministries = None
    if filters.ministry is not None:
        ministries = Ministry.objects.filter(pk=filters.ministry)
        if not ministries.exists():
            raise BadQuery(gettext_lazy("府省庁の値が正しくありません。"))
    return hearing_selectors.request_list(status=status, ministries=ministries)
