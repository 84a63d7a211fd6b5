"""The audit trail: recording attempted writes (AuditMiddleware calls this) and reading it."""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from core.models import AuditEvent, AuditOutcome

logger = logging.getLogger(__name__)
NOT_AUDITED = {"set_language"}
OBJECT_KWARGS = ("pk", "code", "slug")
UNKNOWN = "unknown"
ADMIN = "admin:"
REDACTED = "[redacted]"

# What the secretariat reads for each URL name that writes. Every such name of the urlconf
# needs one: tests/core/test_audit.py fails when a writing URL has none.
ACTION_LABELS: dict[str, Promise] = {
    "login": pgettext_lazy("audit action", "ログイン"),
    "logout": pgettext_lazy("audit action", "ログアウト"),
    "candidates:create": pgettext_lazy("audit action", "候補の登録"),
    "candidates:edit": pgettext_lazy("audit action", "候補の編集"),
    "candidates:transition_create": pgettext_lazy("audit action", "段階の変更"),
    "candidates:milestone_create": pgettext_lazy("audit action", "マイルストーンの追加"),
    "candidates:milestone_update": pgettext_lazy("audit action", "マイルストーンの更新"),
    "candidates:milestone_rebaseline": pgettext_lazy("audit action", "当初予定の変更"),
    "candidates:progress_create": pgettext_lazy("audit action", "進捗報告の登録"),
    "candidates:reports": pgettext_lazy("audit action", "報告書の作成依頼"),
    "candidates:report_delete": pgettext_lazy("audit action", "報告書の削除"),
    "hearings:create": pgettext_lazy("audit action", "会議の登録"),
    "hearings:import": pgettext_lazy("audit action", "議事録の取り込み"),
    "hearings:edit": pgettext_lazy("audit action", "会議の編集"),
    "hearings:delete": pgettext_lazy("audit action", "会議の削除"),
    "hearings:material_create": pgettext_lazy("audit action", "資料の登録"),
    "hearings:decision_create": pgettext_lazy("audit action", "決定の記録"),
    "hearings:entry_link": pgettext_lazy("audit action", "発言と候補の関連付け"),
    "hearings:agenda_link": pgettext_lazy("audit action", "議題と候補の関連付け"),
    "hearings:request_create": pgettext_lazy("audit action", "要請の登録"),
    "hearings:request_answer": pgettext_lazy("audit action", "要請への回答"),
    "hearings:request_close": pgettext_lazy("audit action", "要請の完了"),
    "bodies:seat_create": pgettext_lazy("audit action", "会議の席の登録"),
    "bodies:seat_edit": pgettext_lazy("audit action", "会議の席の編集"),
    "bodies:term_create": pgettext_lazy("audit action", "席の在任者の登録"),
    "adoption:edit": pgettext_lazy("audit action", "利用状況の更新"),
    "adoption:survey": pgettext_lazy("audit action", "調査票のアップロード"),
    "consultations:create": pgettext_lazy("audit action", "意見照会の開始"),
    "consultations:edit": pgettext_lazy("audit action", "意見照会の変更"),
    "consultations:close": pgettext_lazy("audit action", "意見照会の締切"),
    "consultations:respond": pgettext_lazy("audit action", "意見への対応の記録"),
    "consultations:hearing_link": pgettext_lazy("audit action", "意見照会とヒアリングの関連付け"),
    "consultations:bulk": pgettext_lazy("audit action", "意見照会の一括回答（回答票の取込）"),
    "consultations:answer_body": pgettext_lazy("audit action", "意見照会への回答（団体）"),
    "consultations:answer_association": pgettext_lazy(
        "audit action", "意見照会への回答（関係団体）"
    ),
    "selection:round_create": pgettext_lazy("audit action", "年度の選定の作成"),
    "selection:draft_create": pgettext_lazy("audit action", "候補案の追加"),
    "selection:draft_assess": pgettext_lazy("audit action", "候補案の評価"),
    "selection:round_decide": pgettext_lazy("audit action", "選定の決定の記録"),
    "selection:proposal_create": pgettext_lazy("audit action", "提案・要望の提出"),
    "selection:proposal_triage": pgettext_lazy("audit action", "提案・要望の処理"),
    "calendars:reset": pgettext_lazy("audit action", "カレンダー連携URLの発行"),
    "calendars:revoke": pgettext_lazy("audit action", "カレンダー連携URLの停止"),
    "api:token_reset": pgettext_lazy("audit action", "APIトークンの発行"),
    "api:token_revoke": pgettext_lazy("audit action", "APIトークンの無効化"),
    "notifications:preferences": pgettext_lazy("audit action", "通知の設定の変更"),
    ADMIN: pgettext_lazy("audit action", "管理画面での操作"),
    UNKNOWN: pgettext_lazy("audit action", "不明なURLへの送信"),
}

# Why a write was refused, by status code; a login redirect is told apart by its Location.
REFUSAL_REASONS: dict[int, Promise] = {
    302: pgettext_lazy("audit refusal", "ログインしていない"),
    401: pgettext_lazy("audit refusal", "ログインしていない"),
    403: pgettext_lazy("audit refusal", "権限がない"),
    404: pgettext_lazy("audit refusal", "対象が見つからない"),
    405: pgettext_lazy("audit refusal", "この操作は受け付けていない"),
}


def action_label(action: str) -> str | Promise:
    """The words for an action (a URL name); the name itself if it has none."""
    if action.startswith(ADMIN):
        return ACTION_LABELS[ADMIN]
    return ACTION_LABELS.get(action, action)


def refusal_reason(event: AuditEvent) -> str | Promise:
    """Why a refused write was refused ("" for any other outcome, and for a failed login)."""
    if event.outcome != AuditOutcome.REFUSED or event.action == "login":
        return ""
    return REFUSAL_REASONS.get(event.status_code, "")


def _outcome(request: HttpRequest, response: HttpResponse) -> str:
    """What came of a write, read from its response: a view that shows a form again with its
    errors answers 400 (invalid input), so only a redirect or a plain 200 counts as done."""
    status = response.status_code
    if status >= 500:
        return AuditOutcome.FAILED
    if status in (401, 403, 404, 405) or (
        status == 302 and "/login/?next=" in response.get("Location", "")
    ):
        return AuditOutcome.REFUSED
    if status == 400:
        return AuditOutcome.INVALID
    return AuditOutcome.DONE


def _signed_in(request: HttpRequest) -> bool:
    return getattr(request, "user", None) is not None and request.user.is_authenticated


def _object_id(request: HttpRequest, response: HttpResponse) -> str:
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    for name in OBJECT_KWARGS:
        if name in kwargs:
            return str(kwargs[name])
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith("/"):
        try:
            created = resolve(location.split("?")[0])
        except Resolver404:
            return ""
        return str(created.kwargs.get("pk", ""))
    return ""


def _recorded_path(request: HttpRequest) -> str:
    """The path, with a secret token in it (a calendar feed's URL) blanked: whoever reads the
    trail must not learn a URL that opens someone's feed."""
    match = request.resolver_match
    token = match.kwargs.get("token") if match else None
    return request.path.replace(token, REDACTED) if token else request.path


def audit_record(*, request: HttpRequest, response: HttpResponse, actor=None) -> AuditEvent | None:
    """Save the event for one write request by actor (None: anonymous); an audit failure is
    logged, never shown."""
    match = request.resolver_match
    action = match.view_name if match else UNKNOWN
    if action in NOT_AUDITED:
        return None
    user = actor
    username = user.username if user else ""
    outcome = _outcome(request, response)
    if action == "login":
        user = request.user if _signed_in(request) else None
        username = request.POST.get("username", "")[:150]
        outcome = AuditOutcome.DONE if user else AuditOutcome.REFUSED
    try:
        return AuditEvent.objects.create(
            user_id=user.pk if user else None,
            username=username,
            roles=",".join(sorted(user.role_names)) if user else "",
            method=(request.method or "")[:10],
            path=_recorded_path(request)[:500],
            action=action[:100],
            object_id=_object_id(request, response)[:50],
            outcome=outcome,
            status_code=response.status_code,
            remote_addr=request.META.get("REMOTE_ADDR") or None,
        )
    except Exception:  # noqa: BLE001 - the audit must not turn a done write into an error page
        logger.exception("could not record the audit event for %s %s", request.method, request.path)
        return None


def audit_events(*, username: str = "", outcome: str = "", action: str = "") -> QuerySet:
    """The trail, newest first, filtered as the secretariat's audit page asks."""
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(username__contains=username[:150])
    if outcome:
        events = events.filter(outcome=outcome)
    if action == ADMIN:
        events = events.filter(action__startswith=ADMIN)
    elif action:
        events = events.filter(action=action[:100])
    return events


def action_choices() -> list[tuple[str, str]]:
    """The audit page's choice of action: (URL name, words), grouped by part of the site."""
    return [(name, str(label)) for name, label in ACTION_LABELS.items()]
