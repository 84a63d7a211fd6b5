"""HTTP for calendar feeds: the settings page (issue, reissue, stop) and the feeds themselves.

The feeds need no login session (calendar clients cannot log in): the secret token in their
URL is the credential, and an unknown, reset or stopped token, or a deactivated user, is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from calendars import selectors, services
from calendars.ical import CalendarEvent, ics_bytes
from candidates.selectors import candidate_or_none
from core.http import AuthenticatedHttpRequest
from core.permissions import viewer_required

# The number in a candidate page's address stands for it in the per-candidate feed URL.
CANDIDATE_PLACEHOLDER = "0"


def _settings_page(request: AuthenticatedHttpRequest, *, token: str = "") -> HttpResponse:
    context = {
        "feed": selectors.feed_of(user=request.user),
        "scope": selectors.scope_lines(request.user),
        "token": token,
    }
    if token:
        context["mine_url"] = request.build_absolute_uri(
            reverse("calendars:mine", kwargs={"token": token})
        )
        example = reverse(
            "calendars:candidate", kwargs={"token": token, "pk": CANDIDATE_PLACEHOLDER}
        )
        # Shown as …/candidates/<number>.ics: the number is the one in a candidate page's address.
        context["candidate_url_prefix"] = request.build_absolute_uri(example).removesuffix(
            f"{CANDIDATE_PLACEHOLDER}.ics"
        )
    return render(request, "calendars/settings.html", context)


@require_GET
@viewer_required
def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _settings_page(request)


@never_cache  # the answer shows the secret URL: no cache keeps it
@require_POST
@viewer_required
def feed_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    token = services.feed_token_reset(user=request.user)
    return _settings_page(request, token=token)


@require_POST
@viewer_required
def feed_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.feed_token_revoke(user=request.user)
    messages.success(request, _("カレンダー連携を停止しました。これまでのURLは使えません。"))
    return redirect("calendars:settings")


def _calendar(name: str, events: list[CalendarEvent]) -> HttpResponse:
    response = HttpResponse(
        ics_bytes(name=name, events=events, stamp=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="kyotsuka.ics"'
    response["Cache-Control"] = "private, max-age=0"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_GET
def my_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = selectors.feed_owner(token=token)
    if user is None:
        raise Http404
    # No session, so no language choice: the product's own language.
    with translation.override("ja"):
        events = selectors.my_events(
            user=user, today=timezone.localdate(), link=request.build_absolute_uri
        )
        return _calendar(_("共通化推進トラッカー"), events)


@login_not_required
@require_GET
def candidate_feed(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    user = selectors.feed_owner(token=token)
    candidate = candidate_or_none(pk) if user is not None else None
    if candidate is None:
        raise Http404
    with translation.override("ja"):
        events = selectors.candidate_events(
            candidate=candidate, today=timezone.localdate(), link=request.build_absolute_uri
        )
        return _calendar(_("%(name)s（共通化候補）") % {"name": candidate.name}, events)
