"""Every URL × method × role: who is let in, who is refused, and that a refusal changes nothing.

The matrix lists every named URL of the project (the Django admin is checked as one entry).
A URL added without a row here fails test_every_url_is_in_the_matrix. A write is sent with a
valid payload, so a missing check would show up as a change in the database.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from api.models import ApiToken
from bodies import services as seat_services
from bodies.models import Body, HolderKind
from calendars import services as calendar_services
from calendars.models import token_digest
from candidates import services
from candidates.lifecycle import Stage
from candidates.models import CouncilReport, MilestoneKind, Ministry
from consultations import services as consultation_services
from consultations.models import Opinion, Route, SubjectKind
from consultations.services import Addressees, OpinionValues
from core.audit import REDACTED
from core.models import AuditEvent, AuditOutcome
from core.roles import Role
from hearings import request_services
from hearings.models import EntryKind, Material, MeetingKind
from municipalities.models import Association, LocalGovernment
from selection import services as selection_services
from selection.models import Outcome
from tests.meetings import save_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

ROLES = (
    "anonymous",
    "outsider",
    "wt_member",
    "ministry_a",
    "ministry_b",
    "municipality",  # 呉市's staff
    "prefecture",  # 広島県's staff with the 取りまとめ right (呉市 and 広島市 are in 広島県)
    "association",  # 全国市長会's secretariat (関係団体事務局)
    "secretariat",
    "admin",
)
OK, LOGIN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND = "ok", "login", 403, 405, 404
UNAUTHORISED = 401  # the API without a token (it has no login page to send anyone to)
TODAY = dt.date(2026, 11, 24)
KURE, HIROSHIMA_CITY = "342025", "341002"
# 広島市's answer sheet (the association reads the same rows as its own).
BULK = f"団体コード,設問番号,賛否,意見\r\n{HIROSHIMA_CITY},1,賛成,\r\n{HIROSHIMA_CITY},2,,賛成\r\n"
SURVEY = f"団体コード,団体名,利用意向,利用開始予定\r\n{KURE},呉市,利用予定,令和10年度\r\n"


def everyone(outcome):
    return {role: outcome for role in ROLES}


def logged_in(outcome):
    return {**everyone(outcome), "anonymous": LOGIN}


def viewers(outcome=OK):
    return {**logged_in(outcome), "outsider": FORBIDDEN}


def secretariat_only(outcome=OK):
    return {**logged_in(FORBIDDEN), "secretariat": outcome, "admin": outcome}


def schedule_editors(outcome=OK):
    """The secretariat and the staff of the candidate's ministry (ministry A)."""
    return {**secretariat_only(outcome), "ministry_a": outcome}


def adoption_editors(outcome=OK):
    """Who may change 広島市's answer about ministry A's candidate: the secretariat, ministry A
    and 広島県's coordinator (not 呉市's staff: another body)."""
    return {**schedule_editors(outcome), "prefecture": outcome}


def survey_uploaders(outcome=OK):
    """Who answers for some body of ministry A's candidate: adoption editors and 呉市's staff."""
    return {**adoption_editors(outcome), "municipality": outcome}


def responders(outcome=OK):
    """Who responds to the opinions of ministry A's promotion-policy draft: the secretariat
    and ministry A."""
    return schedule_editors(outcome)


def answerer(role: str, outcome=OK):
    """Only this persona answers for the respondent: nobody else, not even the secretariat."""
    return {**logged_in(FORBIDDEN), role: outcome}


def proposal_readers(outcome=OK):
    """Who reads 呉市's proposal: 呉市's staff, the secretariat and WT members."""
    return {**secretariat_only(outcome), "wt_member": outcome, "municipality": outcome}


def proposal_list_readers(outcome=OK):
    """Who opens the proposals page: those who read every proposal and every proposer."""
    return {**proposal_readers(outcome), "prefecture": outcome, "association": outcome}


def proposers(outcome=OK):
    """Who submits a proposal: local governments' and associations' staff, for their body."""
    return {
        **logged_in(FORBIDDEN),
        "municipality": outcome,
        "prefecture": outcome,
        "association": outcome,
    }


def bulk_users(outcome=OK):
    """Who uses the consultation's answer sheet: 広島県's coordinator (routed through
    prefectures) and 全国市長会's secretariat (asked); nobody else, not even the secretariat."""
    return {**logged_in(FORBIDDEN), "prefecture": outcome, "association": outcome}


def get_only(get):
    """A read-only URL: POST is 405 (after the login redirect where login is required)."""
    anonymous = LOGIN if get["anonymous"] == LOGIN else NOT_ALLOWED
    return {"GET": get, "POST": {**logged_in(NOT_ALLOWED), "anonymous": anonymous}}


API_READ = {
    "GET": {**viewers(), "anonymous": UNAUTHORISED},
    "POST": everyone(NOT_ALLOWED),
}

# url name -> (kwargs builder name, {method: {role: expected}}, POST payload builder name)
MATRIX = {
    "home": ("none", get_only(logged_in(OK)), None),
    "healthz": ("none", get_only(everyone(OK)), None),
    "audit": ("none", get_only(secretariat_only()), None),
    "settings": ("none", get_only(viewers()), None),
    "secretariat": ("none", get_only(secretariat_only()), None),
    "login": ("none", {"GET": everyone(OK), "POST": everyone(OK)}, None),
    # Logging out (POST only) ends on the login page, whoever asked.
    "logout": ("none", {"GET": logged_in(NOT_ALLOWED), "POST": everyone(LOGIN)}, None),
    "set_language": ("none", {"GET": everyone(OK), "POST": everyone(OK)}, "language"),
    "candidates:dashboard": ("none", get_only(viewers()), None),
    "candidates:list": ("none", get_only(viewers()), None),
    "candidates:export": ("csv", get_only(viewers()), None),
    "candidates:slips": ("none", get_only(viewers()), None),
    "candidates:consistency": ("none", get_only(secretariat_only()), None),
    "candidates:create": (
        "none",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "candidate",
    ),
    "candidates:detail": ("candidate", get_only(viewers()), None),
    "candidates:edit": (
        "candidate",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "candidate_edit",
    ),
    "candidates:transition_create": (
        "candidate",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        "transition",
    ),
    "candidates:milestone_create": (
        "candidate",
        {"GET": schedule_editors(), "POST": schedule_editors()},
        "milestone_new",
    ),
    "candidates:progress_create": (
        "candidate",
        {"GET": schedule_editors(), "POST": schedule_editors()},
        "progress",
    ),
    "candidates:milestone_update": (
        "milestone",
        {"GET": schedule_editors(), "POST": schedule_editors()},
        "milestone_update",
    ),
    "candidates:milestone_rebaseline": (
        "milestone",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "rebaseline",
    ),
    "candidates:reports": (
        "none",
        {"GET": viewers(), "POST": secretariat_only()},
        "report",
    ),
    "candidates:report_status": ("report", get_only(viewers()), None),
    "candidates:report_download": ("report", get_only(viewers(NOT_FOUND)), None),
    "candidates:report_delete": (
        "report",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        None,
    ),
    "hearings:list": ("none", get_only(viewers()), None),
    "hearings:search": ("none", get_only(viewers()), None),
    "hearings:create": ("none", {"GET": secretariat_only(), "POST": secretariat_only()}, "meeting"),
    "hearings:import": ("none", {"GET": secretariat_only(), "POST": secretariat_only()}, "paste"),
    "hearings:detail": ("meeting", get_only(viewers()), None),
    "hearings:edit": (
        "meeting",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "meeting",
    ),
    "hearings:delete": (
        "meeting",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        None,
    ),
    "hearings:material_create": (
        "meeting",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        "material",
    ),
    "hearings:decision_create": (
        "meeting",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        "meeting_decision",
    ),
    # The world's material has no file: a reader is let in and finds nothing.
    "hearings:material_download": ("material_file", get_only(viewers(NOT_FOUND)), None),
    "hearings:entry_link": (
        "entry",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        "link",
    ),
    "hearings:agenda_link": (
        "agenda_item",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        "link",
    ),
    "hearings:requests": ("none", get_only(viewers()), None),
    "hearings:request_detail": ("request", get_only(viewers()), None),
    "hearings:request_create": (
        "entry",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "request",
    ),
    # Only the addressed ministry (ministry A) answers: not even the secretariat.
    "hearings:request_answer": (
        "request",
        {"GET": answerer("ministry_a"), "POST": answerer("ministry_a")},
        "request_answer",
    ),
    "hearings:request_close": (
        "request",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "request_close",
    ),
    "candidates:ministry": ("ministry", get_only(viewers()), None),
    "adoption:overview": ("none", get_only(viewers()), None),
    "adoption:prefecture": ("prefecture", get_only(viewers()), None),
    "adoption:edit": (
        "adoption_row",
        {"GET": adoption_editors(), "POST": adoption_editors()},
        "adoption",
    ),
    "adoption:survey": (
        "candidate",
        {"GET": survey_uploaders(), "POST": survey_uploaders()},
        "survey",
    ),
    "adoption:survey_download": ("candidate", get_only(viewers()), None),
    "consultations:list": ("none", get_only(viewers()), None),
    "consultations:create": (
        "none",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "consultation",
    ),
    "consultations:detail": ("consultation", get_only(viewers()), None),
    "consultations:close": (
        "consultation",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        None,
    ),
    "consultations:respond": (
        "consultation",
        {"GET": logged_in(NOT_ALLOWED), "POST": responders()},
        "response",
    ),
    "consultations:progress": ("consultation", get_only(viewers()), None),
    "consultations:results": ("consultation", get_only(viewers()), None),
    "consultations:opinions": ("consultation", get_only(viewers()), None),
    # 広島市's answer: 広島県's coordinator collects it (the consultation goes through prefectures).
    "consultations:answer_body": (
        "consultation_body",
        {"GET": answerer("prefecture"), "POST": answerer("prefecture")},
        "answer",
    ),
    "consultations:answer_association": (
        "consultation_association",
        {"GET": answerer("association"), "POST": answerer("association")},
        "answer",
    ),
    "selection:round_list": ("none", get_only(viewers()), None),
    "selection:round_create": (
        "none",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "round",
    ),
    "selection:round_detail": ("round", get_only(viewers()), None),
    "selection:draft_create": (
        "round",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "draft",
    ),
    "selection:draft_assess": (
        "round_draft",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "assessment",
    ),
    "selection:round_decide": (
        "round",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "decision",
    ),
    # 呉市's proposal: 呉市, the secretariat and WT members read it; not 広島県 (another body),
    # not 全国市長会, not the ministries.
    "selection:proposal_list": ("none", get_only(proposal_list_readers()), None),
    "selection:proposal_create": (
        "none",
        {"GET": proposers(), "POST": proposers()},
        "proposal",
    ),
    "selection:proposal_detail": ("proposal", get_only(proposal_readers()), None),
    "selection:proposal_attachment": ("attachment", get_only(proposal_readers()), None),
    # GET shows the form on the proposal's page (a redirect there).
    "selection:proposal_triage": (
        "proposal",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "triage",
    ),
    "consultations:edit": (
        "consultation",
        {"GET": secretariat_only(), "POST": secretariat_only()},
        "consultation_edit",
    ),
    "consultations:hearing_link": (
        "consultation",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        "hearing_link",
    ),
    "consultations:bulk": (
        "consultation",
        {"GET": bulk_users(), "POST": bulk_users()},
        "bulk",
    ),
    "consultations:bulk_download": ("consultation", get_only(bulk_users()), None),
    "calendars:settings": ("none", get_only(viewers()), None),
    "calendars:reset": ("none", {"GET": logged_in(NOT_ALLOWED), "POST": viewers()}, None),
    "calendars:revoke": ("none", {"GET": logged_in(NOT_ALLOWED), "POST": viewers()}, None),
    # The feeds need no session (calendar clients cannot log in): the token in the URL (ministry
    # A's) opens them for whoever holds it; tests/calendars says what each user's feed holds.
    "calendars:mine": ("feed", get_only(everyone(OK)), None),
    "calendars:candidate": ("feed_candidate", get_only(everyone(OK)), None),
    "api:token": ("none", get_only(viewers()), None),
    "api:token_reset": ("none", {"GET": logged_in(NOT_ALLOWED), "POST": viewers()}, None),
    "api:token_revoke": ("none", {"GET": logged_in(NOT_ALLOWED), "POST": viewers()}, None),
    "api_v1:openapi-json": ("none", get_only(viewers()), None),
    "api_v1:openapi-view": ("none", get_only(viewers()), None),
    # Ninja's root, which places the operations in the description: nothing there.
    "api_v1:api-root": ("none", {"GET": everyone(NOT_FOUND), "POST": everyone(NOT_ALLOWED)}, None),
    # The API answers by the caller's own token (sent by every persona that has a user), with
    # the pages' read rule; it has no write: POST is 405 before any token is read.
    **{
        name: (kind, API_READ, None)
        for name, kind in (
            ("api_v1:candidates", "none"),
            ("api_v1:candidate", "candidate"),
            ("api_v1:candidate_adoption", "candidate"),
            ("api_v1:meetings", "none"),
            ("api_v1:meeting", "meeting"),
            ("api_v1:requests", "none"),
        )
    },
    # Each user's own choice of notices; the log of what was sent is the secretariat's.
    "notifications:preferences": (
        "none",
        {"GET": viewers(), "POST": viewers()},
        "notice_preferences",
    ),
    "notifications:log": ("none", get_only(secretariat_only()), None),
    # Seats: every reader sees who sits where; only the secretariat changes them.
    "bodies:seat_list": ("none", get_only(viewers()), None),
    "bodies:seat_create": ("none", {"GET": secretariat_only(), "POST": secretariat_only()}, "seat"),
    "bodies:seat_edit": ("seat", {"GET": secretariat_only(), "POST": secretariat_only()}, "seat"),
    "bodies:term_create": (
        "seat",
        {"GET": logged_in(NOT_ALLOWED), "POST": secretariat_only()},
        "seat_term",
    ),
    "municipalities:list": ("none", get_only(logged_in(OK)), None),
    "municipalities:association_list": ("none", get_only(logged_in(OK)), None),
    "municipalities:association_detail": ("association", get_only(logged_in(OK)), None),
    "municipalities:detail": ("municipality", get_only(logged_in(OK)), None),
    "admin:index": (
        "none",
        {"GET": {**everyone(LOGIN), "admin": OK}, "POST": {**everyone(LOGIN), "admin": OK}},
        None,
    ),
}


# What a refused user is told (the 403 page shows it): who may do this.
SECRETARIAT_ONLY = "この操作は事務局のみが行えます。"
MEETINGS_SECRETARIAT_ONLY = "会議と議事要旨を編集できるのは事務局のみです。"
OWN_MINISTRY_ONLY = "この候補のスケジュールを編集する権限がありません（担当府省庁のみ）。"
NO_ROLE = "この画面を見る権限がありません。事務局にお問い合わせください。"
REFUSAL = {
    "audit": "操作記録を見られるのは事務局のみです。",
    "secretariat": SECRETARIAT_ONLY,
    "candidates:consistency": "整合性の確認を見られるのは事務局のみです。",
    "candidates:create": SECRETARIAT_ONLY,
    "candidates:edit": SECRETARIAT_ONLY,
    "candidates:transition_create": SECRETARIAT_ONLY,
    "candidates:milestone_rebaseline": SECRETARIAT_ONLY,
    "candidates:milestone_create": OWN_MINISTRY_ONLY,
    "candidates:progress_create": OWN_MINISTRY_ONLY,
    "candidates:milestone_update": OWN_MINISTRY_ONLY,
    "candidates:reports": "報告書の作成を依頼できるのは事務局のみです。",
    "adoption:edit": "この団体の利用状況を編集する権限がありません。",
    "adoption:survey": "この候補の利用意向調査を取り込む権限がありません。",
    "candidates:report_delete": "報告書を削除できるのは事務局のみです。",
    "consultations:create": "意見照会を作成・締切できるのは事務局のみです。",
    "consultations:close": "意見照会を作成・締切できるのは事務局のみです。",
    "consultations:hearing_link": "意見照会を編集できるのは事務局のみです。",
    "consultations:edit": "意見照会を編集できるのは事務局のみです。",
    "consultations:respond": (
        "意見への対応を記入できるのは事務局（推進方針案の照会では担当府省庁も）のみです。"
    ),
    "calendars:reset": NO_ROLE,
    "calendars:revoke": NO_ROLE,
    "api:token_reset": NO_ROLE,
    "api:token_revoke": NO_ROLE,
    "notifications:preferences": NO_ROLE,
    "notifications:log": "メール通知の記録を見られるのは事務局のみです。",
    "consultations:answer_body": "この団体の回答を入力する権限がありません。",
    **{
        name: "年度の選定を編集できるのは事務局のみです。"
        for name in (
            "selection:round_create",
            "selection:draft_create",
            "selection:draft_assess",
            "selection:round_decide",
        )
    },
    "selection:proposal_triage": "提案・要望を処理できるのは事務局のみです。",
    "selection:proposal_create": (
        "提案・要望を提出できるのは地方公共団体の職員と関係団体の事務局のみです。"
    ),
    **{
        name: "提案・要望を見られるのは、提案した団体と事務局・ワーキングチームメンバーのみです。"
        for name in (
            "selection:proposal_list",
            "selection:proposal_detail",
            "selection:proposal_attachment",
        )
    },
    **{
        name: "会議の席を編集できるのは事務局のみです。"
        for name in ("bodies:seat_create", "bodies:seat_edit", "bodies:term_create")
    },
    "hearings:request_create": "要請を登録できるのは事務局のみです。",
    "hearings:request_answer": "この要請に回答できるのは宛先の府省庁の担当者のみです。",
    "hearings:request_close": "要請を完了にできるのは事務局のみです。",
    "consultations:answer_association": "この団体の回答を入力する権限がありません。",
    **{
        name: "一括回答票を使えるのは、都道府県経由の照会で管内の市区町村の回答を取りまとめる"
        "都道府県と、照会先の関係団体のみです。"
        for name in ("consultations:bulk", "consultations:bulk_download")
    },
    **{
        name: MEETINGS_SECRETARIAT_ONLY
        for name in (
            "hearings:create",
            "hearings:import",
            "hearings:edit",
            "hearings:delete",
            "hearings:material_create",
            "hearings:decision_create",
            "hearings:entry_link",
            "hearings:agenda_link",
        )
    },
}
# Pages that first ask whether the user reads the product at all (a login with no role).
SCHEDULE_PAGES = {name for name, message in REFUSAL.items() if message == OWN_MINISTRY_ONLY}
FOR_READERS = (
    SCHEDULE_PAGES
    | {"adoption:edit", "adoption:survey", "hearings:request_answer"}
    | {"consultations:respond", "consultations:answer_body", "consultations:answer_association"}
    | {"selection:proposal_create"}
    | {"consultations:bulk", "consultations:bulk_download"}
    | {
        name
        for name, (_kind, expected, _payload) in MATRIX.items()
        if expected["GET"]["outsider"] == FORBIDDEN and expected["GET"]["wt_member"] != FORBIDDEN
    }
)


def refusal(name: str, role: str) -> str:
    return NO_ROLE if role == "outsider" and name in FOR_READERS else REFUSAL[name]


def all_url_names() -> set[str]:
    names = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace == "admin":
                    names.add("admin:index")
                    continue
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                walk(pattern.url_patterns, namespace)
            elif pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_in_the_matrix():
    assert all_url_names() == set(MATRIX), "add the new URL to MATRIX with who may do what"


@pytest.fixture
def world(make_user, secretariat, wt_member, outsider, admin_user, settings, tmp_path):
    """Two ministries' staff, an MLIT candidate with a milestone, a meeting, a report, and a
    consultation on its promotion-policy draft (through prefectures, 全国市長会 asked too)
    that 呉市 has answered."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the proposal's attachment is written there
    mlit = Ministry.objects.create(name="国土交通省")
    mhlw = Ministry.objects.create(name="厚生労働省")
    users = {
        "anonymous": None,
        "outsider": outsider,
        "wt_member": wt_member,
        "ministry_a": make_user("ministry_a", Role.MINISTRY_STAFF, ministry=mlit),
        "ministry_b": make_user("ministry_b", Role.MINISTRY_STAFF, ministry=mhlw),
        "municipality": make_user(
            "municipality",
            Role.LOCAL_GOVERNMENT_STAFF,
            local_government=LocalGovernment.objects.get(code=KURE),
        ),
        "prefecture": make_user(
            "prefecture",
            Role.LOCAL_GOVERNMENT_STAFF,
            local_government=LocalGovernment.objects.get(code="340006"),
            coordinates_municipalities=True,
        ),
        "association": make_user(
            "association",
            Role.ASSOCIATION_STAFF,
            association=Association.objects.get(slug="mayors"),
        ),
        "secretariat": secretariat,
        "admin": admin_user,
    }
    candidate = services.candidate_create(
        user=secretariat, name="道路占用許可システム", selected_fiscal_year=2025, lead_ministry=mlit
    )
    for stage in (Stage.FEASIBILITY, Stage.INTERIM):
        services.candidate_transition(
            user=secretariat, candidate=candidate, to_stage=stage, decided_on=dt.date(2026, 1, 5)
        )
    milestone = services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.REQUIREMENTS,
        baseline_date=dt.date(2026, 6, 30),
    )
    meeting = save_meeting(
        secretariat,
        kind=MeetingKind.WT,
        title="第9回ワーキングチーム",
        date=dt.date(2026, 2, 4),
        attendees=[{"name": "試験 太郎", "group": "wt_member"}],
        agenda_items=[{"number": 1, "title": "進捗報告について"}],
        entries=[{"kind": EntryKind.REMARK, "text": "後ろ倒しには理由が必要", "agenda_number": 1}],
    )
    hearing = save_meeting(
        secretariat,
        kind=MeetingKind.HEARING,
        title="全国市長会ヒアリング",
        date=dt.date(2026, 11, 10),
        association=Association.objects.get(slug="mayors"),
    )
    report = CouncilReport.objects.create(as_of=TODAY)
    follow_up = request_services.request_create(
        user=secretariat,
        meeting=meeting,
        entry=meeting.entries.get(),
        ministry=mlit,
        candidate=candidate,
        text="後ろ倒しの理由を報告すること",
    )
    consultation = consultation_services.consultation_create(
        user=secretariat,
        title="道路占用許可システム推進方針案に関する意見照会",
        subject_kind=SubjectKind.POLICY_DRAFT,
        candidates=[candidate],
        free_questions=["スケジュールについて"],
        opens_on=dt.date(2026, 11, 1),
        deadline=dt.date(2026, 11, 30),
        route=Route.PREFECTURE,
        addressees=Addressees(
            all_local_governments=True, associations=[Association.objects.get(slug="mayors")]
        ),
    )
    consultation_services.answer_save(
        user=users["municipality"],
        consultation=consultation,
        local_government=LocalGovernment.objects.get(code=KURE),
        opinions=answer_values(consultation),
        submit=True,
        version=None,
    )
    selection_round = selection_services.round_create(user=secretariat, fiscal_year=2026)
    round_draft = selection_services.round_draft_add(
        user=secretariat, selection_round=selection_round, name="候補案システム", lead_ministry=mlit
    )
    selection_services.round_draft_assess(
        user=secretariat,
        draft=round_draft,
        version=None,
        effect_assessment="効果あり",
        feasibility_assessment="課題あり",
        outcome=Outcome.DEFERRED,
    )
    round_draft.refresh_from_db()
    proposal = selection_services.proposal_submit(
        user=users["municipality"],
        title="住宅耐震化助成の共通化",
        concerns="住宅耐震化助成事務",
        text="各市で同じ事務を行っています。",
        files=[SimpleUploadedFile("資料.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    )
    objects = {
        "round": selection_round,
        "round_draft": round_draft,
        "proposal": proposal,
        "attachment": proposal.attachments.get(),
        "candidate": candidate,
        "milestone": milestone,
        "meeting": meeting,
        "entry": meeting.entries.get(),
        "agenda_item": meeting.agenda_items.get(),
        "report": report,
        "material": Material.objects.create(meeting=meeting, label="資料1"),
        "mlit": mlit,
        "request": follow_up,
        "consultation": consultation,
        "hearing": hearing,
        "feed_token": calendar_services.feed_token_reset(user=users["ministry_a"]),
        "seat": seat_services.seat_create(
            user=secretariat,
            body=Body.WT,
            holder_kind=HolderKind.LOCAL_GOVERNMENT,
            local_government=LocalGovernment.objects.get(name="山口県"),
            position="総合企画部長",
            active_from=dt.date(2024, 6, 1),
        ),
    }
    return users, objects


def answer_values(consultation) -> dict:
    return {
        q.pk: OpinionValues(position="agree") if q.asks_position else OpinionValues(text="賛成")
        for q in consultation.questions.all()
    }


def url_for(name: str, kind: str, objects: dict) -> str:
    kwargs = {
        "none": {},
        "csv": {"fmt": "csv"},
        "candidate": {"pk": objects["candidate"].pk},
        "prefecture": {"pk": objects["candidate"].pk, "code": "340006"},
        "milestone": {"pk": objects["milestone"].pk},
        "meeting": {"pk": objects["meeting"].pk},
        "entry": {"pk": objects["entry"].pk},
        "agenda_item": {"pk": objects["agenda_item"].pk},
        "report": {"pk": objects["report"].pk},
        "material_file": {"pk": objects["meeting"].pk, "material_pk": objects["material"].pk},
        "request": {"pk": objects["request"].pk},
        "ministry": {"pk": objects["mlit"].pk},
        "association": {"slug": Association.objects.all()[0].slug},
        "municipality": {"code": LocalGovernment.objects.all()[0].code},
        "adoption_row": {"pk": objects["candidate"].pk, "code": HIROSHIMA_CITY},
        "consultation": {"pk": objects["consultation"].pk},
        "consultation_body": {"pk": objects["consultation"].pk, "code": HIROSHIMA_CITY},
        "consultation_association": {"pk": objects["consultation"].pk, "slug": "mayors"},
        "feed": {"token": objects["feed_token"]},
        "feed_candidate": {"token": objects["feed_token"], "pk": objects["candidate"].pk},
        "round": {"pk": objects["round"].pk},
        "round_draft": {"pk": objects["round_draft"].pk},
        "proposal": {"pk": objects["proposal"].pk},
        "attachment": {"pk": objects["attachment"].pk},
        "seat": {"pk": objects["seat"].pk},
    }[kind]
    return reverse(name, kwargs=kwargs)


def payload(kind: str | None, objects: dict) -> dict:
    candidate, milestone = objects["candidate"], objects["milestone"]
    consultation = objects["consultation"]
    meeting_forms = {
        f"{prefix}-{field}": value
        for prefix in ("attendees", "agenda", "entries")
        for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
    }
    return {
        None: {},
        "language": {"language": "en", "next": "/"},
        "notice_preferences": {"language": "en"},  # every kind unticked
        "candidate": {
            "name": "新しい候補",
            "selected_fiscal_year": "2026",
            "lead_ministry": objects["mlit"].pk,
        },
        "candidate_edit": {
            "name": "書き換えた名称",
            "selected_fiscal_year": "2025",
            "lead_ministry": objects["mlit"].pk,
            "version": candidate.version,
        },
        "transition": {
            "to_stage": Stage.JUDGED_PROCEED,
            "decided_on": "2026-11-20",
            "version": candidate.version,
        },
        "milestone_new": {"kind": MilestoneKind.PILOT, "planned_date": "2027-03-31"},
        "progress": {"as_of": "2026-11-20", "status": "on_track", "cost_note": "範囲内"},
        "milestone_update": {
            "planned_date": "2026-12-28",
            "reason": "標準仕様書の改定",
            "version": milestone.version,
        },
        "rebaseline": {
            "baseline_date": "2026-09-30",
            "reason": "協議会の同意",
            "version": milestone.version,
        },
        "report": {"as_of": "2026-11-20"},
        "meeting": {
            **meeting_forms,
            "kind": MeetingKind.HEARING,
            "title": "書き換えた会議",
            "date": "2026-11-20",
        },
        "paste": {"text": "国・地方デジタル共通基盤推進連絡協議会ワーキングチーム（第10回）"},
        "material": {"label": "資料9"},
        "meeting_decision": {"kind": "other", "text": "（案）のとおり進めていくこととなった"},
        "link": {"candidates": [candidate.pk]},
        "request": {
            "ministry": objects["mlit"].pk,
            "text": "結果を報告すること",
            "due_precision": "fiscal_year",
            "due_fiscal_year": "2026",
        },
        "request_answer": {
            "answer": "次回のワーキングチームで報告します",
            "answered_on": "2026-11-20",
            "version": objects["request"].version,
        },
        "request_close": {"version": objects["request"].version},
        "adoption": {"status": "planned", "planned_start_fiscal_year": "2028", "version": "0"},
        # The confirmed survey: 呉市 will use it from 令和10年度.
        "survey": {"content": base64.b64encode(SURVEY.encode("cp932")).decode()},
        # A later deadline: the one change an open consultation with answers takes.
        "consultation_edit": {
            "title": consultation.title,
            "subject_kind": "policy_draft",
            "candidates": [candidate.pk],
            "free_questions": "スケジュールについて",
            "opens_on": "2026-11-01",
            "deadline": "2026-12-15",
            "route": "prefecture",
            "to_all_local_governments": "on",
            "to_associations": [Association.objects.get(slug="mayors").pk],
            "version": consultation.version,
        },
        "hearing_link": {"meeting": objects["hearing"].pk, "action": "attach"},
        "bulk": {"content": base64.b64encode(BULK.encode("cp932")).decode()},
        "consultation": {
            "title": "意見照会",
            "subject_kind": "free",
            "subject_text": "共通化の進め方",
            "free_questions": "進め方について",
            "opens_on": "2026-11-20",
            "deadline": "2026-12-01",
            "route": "direct",
            "to_all_local_governments": "on",
        },
        "round": {"fiscal_year": "2027"},
        "draft": {"name": "新しい候補案", "lead_ministry": objects["mlit"].pk},
        "assessment": {
            "effect_assessment": "効果が見込まれる",
            "feasibility_assessment": "実現可能",
            "outcome": "selected",
            "version": objects["round_draft"].version,
        },
        "decision": {
            "method": "written",
            "decided_on": "2026-11-20",
            "reason": "会議の開催が困難なため",
            "version": objects["round"].version,
        },
        "proposal": {"title": "提案", "concerns": "税務システム", "text": "共通化を提案します。"},
        "seat": {
            "body": "wt",
            "holder_kind": "secretariat",
            "position": "参事官",
            "order": "1",
            "active_from": "2024-06-01",
        },
        "seat_term": {"person_name": "池田 博之", "start": "2025-04-01"},
        "triage": {
            "status": "answered",
            "answer": "標準化の対象業務のため、候補案とはしません。",
            "version": objects["proposal"].version,
        },
        "response": {
            "opinions": [Opinion.objects.filter(answer__consultation=consultation)[0].pk],
            "kind": "reflect",
            "text": "推進方針に反映します。",
        },
        "answer": {
            "version": "0",
            "action": "submit",
            **{
                f"q{q.pk}_{'position' if q.asks_position else 'text'}": "agree"
                if q.asks_position
                else "賛成"
                for q in consultation.questions.all()
            },
        },
    }[kind]


def fingerprint() -> str:
    """A digest of every row of the project's own tables (not sessions or history)."""
    digest = hashlib.sha256()
    for label in (
        "candidates",
        "bodies",
        "hearings",
        "municipalities",
        "core",
        "adoption",
        "consultations",
        "selection",
        "calendars",
        "api",
        "notifications",
    ):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label.startswith(("candidates.Historical", "core.AuditEvent")):
                continue
            rows = model._default_manager.order_by("pk").values_list()
            digest.update(f"{model._meta.label}:{list(rows)!r}".encode())
    return digest.hexdigest()


def api_token(user) -> str:
    """The user's own API token, issued as the token page would (also to a login with no role,
    which the service refuses: the API must refuse it too)."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, token_hash=token_digest(token), created_at=timezone.now())
    return token


def classify(response) -> object:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    if response.status_code in (UNAUTHORISED, FORBIDDEN, NOT_ALLOWED, NOT_FOUND):
        return response.status_code
    assert response.status_code in (200, 302, 400), response.status_code
    return OK


CASES = [
    (name, method, role)
    for name, (_kind, expected, _payload) in MATRIX.items()
    for method in ("GET", "POST")
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES, ids=lambda v: str(v))
def test_the_matrix_holds(client, world, name, method, role):
    users, objects = world
    kind, expected, payload_kind = MATRIX[name]
    if users[role] is not None:
        client.force_login(users[role])
    url = url_for(name, kind, objects)
    headers = {}
    if expected is API_READ and users[role] is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token(users[role])}"
    before = fingerprint() if method == "POST" else None
    if method == "GET":
        response = client.get(url, **headers)
    else:
        response = client.post(url, payload(payload_kind, objects), **headers)
    want = expected[method][role]
    assert classify(response) == want, f"{method} {url} as {role}: {response.status_code}"
    if want == FORBIDDEN and expected is API_READ:
        assert response.json()["detail"] == refusal(name, role)
    elif want == FORBIDDEN:
        assert response.context["exception"] == refusal(name, role)
    if method == "POST" and want != OK:
        assert fingerprint() == before, f"refused {method} {url} as {role} changed data"
    if method == "POST" and name != "set_language":
        event = AuditEvent.objects.latest("pk")  # every attempt is on the record
        # A feed's secret token is blanked in the trail (core.audit).
        recorded = url.replace(objects["feed_token"], REDACTED)
        assert (event.path, event.method) == (recorded, "POST")
        attempted = "" if name == "login" else (users[role].username if users[role] else "")
        assert event.username == attempted  # a login records the name that was tried
        if want in (LOGIN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND) and name not in ("logout", "login"):
            assert event.outcome == AuditOutcome.REFUSED
