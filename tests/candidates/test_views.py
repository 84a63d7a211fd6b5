import csv
import datetime as dt
import io
import random

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from candidates import selectors, services
from candidates.lifecycle import Stage
from candidates.models import Milestone, MilestoneChange, MilestoneKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def slipped(candidate, make_slip):
    return make_slip(
        candidate,
        reason='=HYPERLINK("http://evil") 標準仕様書の改定',
        added_value="<b>本人確認</b>",
    )


def test_a_login_without_a_role_is_refused_candidate_pages(client, outsider, candidate):
    client.force_login(outsider)
    for url in [
        reverse("candidates:dashboard"),
        reverse("candidates:list"),
        candidate.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 403


def test_home_sends_role_holders_to_the_dashboard(client, wt_member):
    client.force_login(wt_member)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("candidates:dashboard")


def test_dashboard_shows_slips_with_their_reasons(client, wt_member, slipped):
    client.force_login(wt_member)
    body = client.get(reverse("candidates:dashboard")).content.decode()
    assert "要件定義" in body and "92日遅れ" in body and "標準仕様書の改定" in body
    assert "<b>本人確認</b>" not in body and "&lt;b&gt;本人確認&lt;/b&gt;" in body


def test_list_filters_slipped_candidates_of_one_ministry(
    client, wt_member, make_candidate, slipped, mhlw
):
    make_candidate(name="介護認定", ministry=mhlw, stage=Stage.FEASIBILITY)
    client.force_login(wt_member)
    url = reverse("candidates:list")
    names = lambda params: {c.name for c in client.get(url, params).context["page"]}  # noqa: E731
    assert names({}) == {"道路占用許可システム", "介護認定"}
    assert names({"slipped": "on"}) == {"道路占用許可システム"}
    assert names({"ministry": mhlw.pk}) == {"介護認定"}
    assert names({"ministry": mhlw.pk, "slipped": "on"}) == set()
    assert names({"stage": ["feasibility"]}) == {"介護認定"}
    assert names({"q": "占用"}) == {"道路占用許可システム"}
    assert names({"due_within": 365}) == {"道路占用許可システム"}


def test_bad_filter_values_give_a_message_not_a_500(client, wt_member, candidate):
    client.force_login(wt_member)
    response = client.get(
        reverse("candidates:list"),
        {"fiscal_year": "1 OR 1=1", "ministry": "abc", "due_within": "-5", "q": "x" * 10000},
    )
    assert response.status_code == 200
    assert "絞り込み条件を確認してください" in response.content.decode()


def test_list_and_dashboard_query_counts_do_not_grow_with_rows(
    client, wt_member, make_candidate, secretariat, django_assert_max_num_queries
):
    client.force_login(wt_member)

    def add(n):
        for i in range(n):
            c = make_candidate(name=f"候補{i}", stage=Stage.IN_PROGRESS)
            services.milestone_create(
                user=secretariat,
                candidate=c,
                kind=MilestoneKind.PILOT,
                baseline_date=dt.date(2026, 12, 1),
            )

    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("candidates:list"))
    cache.clear()  # the dashboard computed, not read from the cache
    with django_assert_max_num_queries(16) as dash_few:
        client.get(reverse("candidates:dashboard"))
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("candidates:list"))
    cache.clear()
    with django_assert_max_num_queries(len(dash_few.captured_queries)):
        client.get(reverse("candidates:dashboard"))


def test_the_lists_next_milestone_annotation_agrees_with_the_schedules(make_candidate):
    """with_next_milestone() picks in SQL what Candidate.next_milestone picks from the
    milestones: earliest planned date not yet reached, ties by position; none when all are
    reached or undated."""
    rng = random.Random(8)
    kinds = list(MilestoneKind)
    for i in range(30):
        candidate = make_candidate(name=f"候補{i:02d}")
        for position in range(rng.randint(0, 6)):
            kind = rng.choice(kinds)
            planned = dt.date(2026, 1, 1) + dt.timedelta(days=rng.choice([0, 0, 30, 90, 400]))
            Milestone.objects.create(
                candidate=candidate,
                kind=kind,
                name=f"独自{position}" if kind == MilestoneKind.OTHER else "",
                position=rng.choice([position, 0]),
                planned_date=planned if rng.random() < 0.9 else None,
                actual_date=planned if rng.random() < 0.3 else None,
            )
    expected = {
        c.pk: (c.next_milestone.label, c.next_milestone.planned_date) if c.next_milestone else None
        for c in selectors.candidate_list()
    }
    annotated = selectors.with_next_milestone(selectors.candidate_rows())
    got = {
        c.pk: (c.next_milestone.label, c.next_milestone.planned_date) if c.next_milestone else None
        for c in annotated
    }
    assert got == expected
    assert sum(v is None for v in got.values()) and sum(v is not None for v in got.values()) > 15


def test_the_worst_slips_ranked_in_sql_equal_slip_rows(make_candidate):
    """The dashboard's worst_slips() orders in SQL as slip_rows() sorts in Python, on SQLite and
    PostgreSQL: slip days descending, then candidate name by code point, then position."""
    rng = random.Random(11)
    names = ["あ", "ア", "亜", "Ａ", "a", "A", "候補", "候補b"]
    for i, name in enumerate(names * 2):
        candidate = make_candidate(name=f"{name}{i // len(names) or ''}")
        for position in range(rng.randint(1, 5)):
            baseline = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randint(0, 60))
            planned = baseline + dt.timedelta(days=rng.choice([-5, 0, 1, 30, 30, 365]))
            Milestone.objects.create(
                candidate=candidate,
                kind=MilestoneKind.PILOT,
                position=rng.choice([position, 1]),
                baseline_date=baseline,
                planned_date=planned,
                actual_date=planned + dt.timedelta(days=2) if rng.random() < 0.3 else None,
            )
    expected = [(r.milestone.pk, r.slip_days) for r in selectors.slip_rows()]
    assert len(expected) > 20
    for limit in (1, 10, len(expected) + 5):
        worst = selectors.worst_slips(limit=limit)
        assert [(r.milestone.pk, r.slip_days) for r in worst] == expected[:limit]


def test_the_list_shows_the_next_milestone(client, wt_member, candidate, secretariat):
    services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.OTHER,
        name="<i>住民説明会</i>",
        baseline_date=dt.date(2027, 2, 1),
    )
    client.force_login(wt_member)
    body = client.get(reverse("candidates:list")).content.decode()
    assert "&lt;i&gt;住民説明会&lt;/i&gt;" in body and "令和9年2月1日" in body


def test_the_dashboard_lists_the_first_due_milestones_and_counts_them_all(
    client, wt_member, candidate, secretariat
):
    """Overdue first, DUE_PANEL_ROWS of them, with the totals and a link to the rest."""
    for day in range(25):
        Milestone.objects.create(
            candidate=candidate,
            kind=MilestoneKind.PILOT,
            position=day,
            planned_date=dt.date(2026, 11, 14) + dt.timedelta(days=day),
        )
    Milestone.objects.create(
        candidate=candidate, kind=MilestoneKind.PILOT, planned_date=dt.date(2027, 6, 1)
    )
    client.force_login(wt_member)
    response = client.get(reverse("candidates:dashboard"))
    due = response.context["dashboard"].due
    assert (due.total, due.overdue, len(due.rows), due.more) == (25, 10, 20, 5)
    assert [m.planned_date for m in due.rows] == sorted(m.planned_date for m in due.rows)
    assert due.rows[0].planned_date == dt.date(2026, 11, 14)
    body = response.content.decode()
    assert "ほか5件" in body and "?due_within=90" in body


def test_candidate_page_shows_timeline_slip_reasons_and_history(client, wt_member, slipped):
    client.force_login(wt_member)
    response = client.get(slipped.candidate.get_absolute_url())
    body = response.content.decode()
    assert "<svg" in body
    assert "標準仕様書の改定" in body
    assert "共通化対象（令和7年度決定分）" in body
    assert "変更履歴" in body and "ministry_mlit" in body


def test_ministry_staff_moves_a_milestone_later_through_the_form(client, ministry_mlit, slipped):
    client.force_login(ministry_mlit)
    url = reverse("candidates:milestone_update", args=[slipped.pk])
    data = {
        "planned_date": "2026-12-25",
        "actual_date": "",
        "progress_note": "",
        "version": slipped.version,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "理由又は見合った付加価値を記入してください" in response.content.decode()
    assert 'aria-describedby="id_reason_error"' in response.content.decode()
    response = client.post(url, {**data, "reason": "調達の不調による再公告"}, follow=True)
    assert "更新しました" in response.content.decode()
    slipped.refresh_from_db()
    assert slipped.slip_days == 178


def test_another_ministry_gets_403_and_nothing_changes(client, ministry_mhlw, slipped):
    client.force_login(ministry_mhlw)
    url = reverse("candidates:milestone_update", args=[slipped.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"planned_date": "2026-06-30", "version": slipped.version, "reason": "x"}
    )
    assert response.status_code == 403
    slipped.refresh_from_db()
    assert slipped.planned_date == dt.date(2026, 9, 30)
    assert MilestoneChange.objects.count() == 1


def test_a_stale_form_shows_what_the_other_person_saved(
    client, ministry_mlit, secretariat, slipped
):
    client.force_login(ministry_mlit)
    url = reverse("candidates:milestone_update", args=[slipped.pk])
    stale = slipped.version
    services.milestone_update(
        user=secretariat,
        milestone=slipped,
        version=stale,
        planned_date=slipped.planned_date,
        actual_date=None,
        progress_note="事務局が先に更新",
    )
    response = client.post(
        url, {"planned_date": "2026-09-30", "progress_note": "私の更新", "version": stale}
    )
    body = response.content.decode()
    assert "他の人が更新しました" in body and "事務局が先に更新" in body
    assert "私の更新" in body  # the user's input is kept in the form
    slipped.refresh_from_db()
    assert slipped.progress_note == "事務局が先に更新"


def test_a_stale_baseline_change_shows_the_baseline_the_other_person_set(
    client, secretariat, slipped
):
    client.force_login(secretariat)
    stale = slipped.version
    services.milestone_rebaseline(
        user=secretariat,
        milestone=slipped,
        version=stale,
        baseline_date=dt.date(2026, 12, 25),
        reason="協議会の同意",
    )
    response = client.post(
        reverse("candidates:milestone_rebaseline", args=[slipped.pk]),
        {"baseline_date": "2027-01-29", "reason": "私の変更", "version": stale},
    )
    body = response.content.decode()
    assert "他の人が更新しました" in body and "令和8年12月25日" in body
    slipped.refresh_from_db()
    assert slipped.baseline_date == dt.date(2026, 12, 25)


def test_the_secretariat_records_a_decision_and_an_illegal_one_gets_a_clear_message(
    client, secretariat, make_candidate
):
    candidate = make_candidate(stage=Stage.SELECTED)
    client.force_login(secretariat)
    url = reverse("candidates:transition_create", args=[candidate.pk])
    response = client.post(
        url, {"to_stage": "consented", "decided_on": "2025-06-01", "version": candidate.version}
    )
    assert response.status_code == 400
    assert "へは移れません" in response.content.decode()
    response = client.post(
        url,
        {
            "to_stage": "feasibility",
            "decided_on": "2025-06-01",
            "meeting_text": "第3回WT",
            "version": candidate.version,
        },
        follow=True,
    )
    assert "実現可能性調査" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.FEASIBILITY


def test_wt_members_cannot_post_decisions(client, wt_member, candidate):
    client.force_login(wt_member)
    url = reverse("candidates:transition_create", args=[candidate.pk])
    assert (
        client.post(url, {"to_stage": "in_service", "decided_on": "2026-06-01"}).status_code == 403
    )


def test_secretariat_registers_a_candidate(client, secretariat, mlit):
    client.force_login(secretariat)
    response = client.post(
        reverse("candidates:create"),
        {"name": "公営住宅管理", "selected_fiscal_year": 2026, "lead_ministry": mlit.pk},
        follow=True,
    )
    assert "公営住宅管理" in response.content.decode()
    assert "共通化候補（令和8年度選定分）" in response.content.decode()


def test_csv_export_opens_in_excel_and_neutralises_formulas(client, wt_member, slipped):
    client.force_login(wt_member)
    response = client.get(reverse("candidates:slips"), {"format": "csv"})
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][0] == "道路占用許可システム"
    assert rows[1][6] == "92"
    assert rows[1][8].startswith("'=HYPERLINK")


def test_xlsx_export_has_the_filtered_candidates(client, wt_member, slipped, make_candidate, mhlw):
    make_candidate(name="介護認定", ministry=mhlw)
    client.force_login(wt_member)
    response = client.get(reverse("candidates:export", args=["xlsx"]), {"slipped": "on"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][1] == "道路占用許可システム"
    assert sheet.max_row == 2


def test_an_unknown_export_format_is_404(client, wt_member):
    client.force_login(wt_member)
    assert client.get(reverse("candidates:export", args=["pdf"])).status_code == 404


def test_ministry_staff_filter_to_their_own_candidates_and_see_which_they_may_update(
    client, ministry_mlit, make_candidate, mhlw, mlit
):
    from candidates.models import Ministry

    road_bureau = Ministry.objects.create(name="国土交通省", bureau="道路局")
    make_candidate(name="道路台帳", ministry=road_bureau)
    make_candidate(name="公金収納", ministry=mhlw, co_ministries=[mlit])
    make_candidate(name="介護保険", ministry=mhlw)
    client.force_login(ministry_mlit)
    page = client.get(reverse("candidates:list"), {"mine": "on"})
    names = {c.name for c in page.context["page"]}
    assert names == {"道路台帳", "公金収納"}
    assert page.content.decode().count("担当・更新可") == 2
    assert 'name="mine"' in page.content.decode()  # the filter is offered to ministry staff


def test_the_own_ministry_filter_is_not_offered_to_other_roles(client, wt_member):
    client.force_login(wt_member)
    assert 'name="mine"' not in client.get(reverse("candidates:list")).content.decode()


def test_a_decision_can_name_the_meeting_where_it_was_taken(client, secretariat, make_candidate):
    from hearings.models import MeetingKind
    from tests.factories import MeetingFactory

    # A judgment is reviewed by the WT (issue 18): not at the interim report meeting.
    interim = MeetingFactory.create(
        kind=MeetingKind.INTERIM, title="中間報告会", date=dt.date(2026, 11, 16)
    )
    wt = MeetingFactory.create(
        kind=MeetingKind.WT, title="第10回ワーキングチーム", date=dt.date(2026, 11, 20)
    )
    candidate = make_candidate(stage=Stage.INTERIM)
    client.force_login(secretariat)
    url = reverse("candidates:transition_create", args=[candidate.pk])
    data = {"to_stage": Stage.JUDGED_PROCEED, "version": candidate.version}
    response = client.post(url, data | {"decided_on": "2026-11-16", "meeting": interim.pk})
    assert response.status_code == 400 and "ワーキングチーム" in response.content.decode()
    response = client.post(url, data | {"decided_on": "2026-11-20", "meeting": wt.pk})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == Stage.JUDGED_PROCEED
    assert candidate.transitions.last().meeting == wt


def test_the_list_keyword_matches_responsible_ministries_and_every_word(
    client, wt_member, make_candidate, mhlw, mlit
):
    make_candidate(name="道路占用許可システム")  # led by 国土交通省
    shared = make_candidate(name="介護認定", ministry=mhlw)
    shared.co_ministries.add(mlit)
    make_candidate(name="児童手当", ministry=mhlw)
    client.force_login(wt_member)
    url = reverse("candidates:list")
    names = lambda q: {c.name for c in client.get(url, {"q": q}).context["page"]}  # noqa: E731
    assert names("国土交通省") == {"道路占用許可システム", "介護認定"}
    assert names("国土交通省　介護") == {"介護認定"}  # full-width space: both words
    assert names("システム 道路") == {"道路占用許可システム"}
    assert names("ｼｽﾃﾑ") == {"道路占用許可システム"}
    assert names("しすてむ") == {"道路占用許可システム"}
    assert names("mlit") == {"道路占用許可システム", "介護認定"}


@pytest.fixture
def overdue(candidate, secretariat, ministry_mlit):
    """A 実証 milestone baselined 2025-09-01, moved to 2025-12-01 with a reason, never reached:
    91 days slipped, and on the fixed day (2026-11-24) 358 days overdue."""
    milestone = services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.PILOT,
        baseline_date=dt.date(2025, 9, 1),
    )
    services.milestone_update(
        user=ministry_mlit,
        milestone=milestone,
        version=milestone.version,
        planned_date=dt.date(2025, 12, 1),
        actual_date=None,
        progress_note="",
        reason="実証団体の追加募集のため",
    )
    milestone.refresh_from_db()
    return milestone


def test_an_overdue_milestone_shows_as_overdue_beside_its_slip_on_every_page(
    client, wt_member, ministry_mlit, overdue
):
    client.force_login(ministry_mlit)
    pages = {
        "detail": overdue.candidate.get_absolute_url(),
        "slips": reverse("candidates:slips"),
        "dashboard": reverse("candidates:dashboard"),
        "milestone": reverse("candidates:milestone_update", args=[overdue.pk]),
    }
    for name, url in pages.items():
        body = client.get(url).content.decode()
        assert "期限超過 358日" in body and "91日遅れ" in body, name
    client.force_login(wt_member)
    listing = client.get(reverse("candidates:list"))
    row = listing.context["page"][0]
    assert (row.slipped_count, row.overdue_count) == (1, 1)
    assert '<span class="overdue">1件</span>' in listing.content.decode()
    timeline = client.get(pages["detail"]).context["timeline"]
    assert timeline.rows[0].overdue_text == "期限超過 358日"
    assert "（期限超過 358日）" in timeline.rows[0].summary


def test_the_dashboard_counts_overdue_milestones_by_the_one_rule(client, wt_member, overdue):
    client.force_login(wt_member)
    dashboard = client.get(reverse("candidates:dashboard")).context["dashboard"]
    assert dashboard.due.overdue == 1
    assert dashboard.slips[0].overdue_days == 358


def test_exports_have_overdue_columns_apart_from_the_slip(client, wt_member, overdue):
    client.force_login(wt_member)
    raw = client.get(reverse("candidates:slips"), {"format": "csv"}).content
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    columns = dict(zip(header, row, strict=True))
    assert header[3] == "当初予定"
    assert columns["遅れ（日）"] == "91"
    assert columns["期限超過（日）"] == "358"
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("candidates:export", args=["xlsx"])).content)
    ).active
    columns = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert columns["遅れのあるマイルストーン数"] == 1
    assert columns["期限超過のマイルストーン数"] == 1


def test_a_milestones_baseline_reads_as_its_original_plan_not_as_an_as_of_date(
    client, secretariat, slipped
):
    """基準日 is a report's as-of date; a milestone's baseline is its 当初予定 (推進方針上の予定)."""
    client.force_login(secretariat)
    for url in (
        slipped.candidate.get_absolute_url(),
        reverse("candidates:slips"),
        reverse("candidates:dashboard"),
        reverse("candidates:milestone_update", args=[slipped.pk]),
        reverse("candidates:milestone_rebaseline", args=[slipped.pk]),
        reverse("candidates:milestone_create", args=[slipped.candidate.pk]),
    ):
        body = client.get(url).content.decode()
        assert "基準日" not in body and "基準との差" not in body, url
    body = client.get(slipped.candidate.get_absolute_url()).content.decode()
    assert ">当初予定</th>" in body and "当初予定との差" in body and "当初予定を変更" in body
    form = client.get(reverse("candidates:milestone_create", args=[slipped.candidate.pk]))
    assert "推進方針上の予定" in form.content.decode()
    header = client.get(reverse("candidates:slips"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "当初予定" in header.splitlines()[0] and "基準日" not in header
    reports_page = client.get(reverse("candidates:reports")).content.decode()
    assert ">基準日</th>" in reports_page  # the report's as-of date keeps its name


def test_a_slip_justified_by_added_value_alone_is_saved_and_listed_with_it(
    client, ministry_mlit, candidate, secretariat
):
    milestone = services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.REQUIREMENTS,
        baseline_date=dt.date(2026, 6, 30),
    )
    client.force_login(ministry_mlit)
    page = client.get(reverse("candidates:milestone_update", args=[milestone.pk]))
    assert "理由又は見合った付加価値のいずれか" in page.content.decode()
    response = client.post(
        reverse("candidates:milestone_update", args=[milestone.pk]),
        {
            "planned_date": "2026-09-30",
            "added_value": "マイナンバーカードによる本人確認を追加",
            "version": milestone.version,
        },
    )
    assert response.status_code == 302
    row = selectors.slip_rows()[0]
    assert row.added_value == "マイナンバーカードによる本人確認を追加"
    body = client.get(reverse("candidates:dashboard")).content.decode()
    assert "理由の記録なし" not in body and "マイナンバーカードによる本人確認を追加" in body


def test_the_change_history_shows_era_dates_fiscal_years_and_labels(
    client, wt_member, make_candidate, secretariat
):
    import time_machine

    start = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)

    def at(minutes: int) -> time_machine.travel:
        # The history compares each version with the one before it: one minute apart.
        return time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False)

    with at(0):
        candidate = make_candidate(stage=Stage.POLICY_DRAFT)
    with at(1):
        services.candidate_transition(
            user=secretariat,
            candidate=candidate,
            to_stage=Stage.CONSENTED,
            decided_on=dt.date(2026, 1, 10),
            meeting_text="連絡協議会",  # a consent cites the council (issue 18)
        )
    with at(2):
        milestone = services.milestone_create(
            user=secretariat,
            candidate=candidate,
            kind=MilestoneKind.PILOT,
            baseline_date=dt.date(2026, 2, 1),
        )
    with at(3):
        services.milestone_update(
            user=secretariat,
            milestone=milestone,
            version=milestone.version,
            planned_date=dt.date(2026, 4, 1),
            actual_date=None,
            progress_note="",
            reason="実証団体の追加",
        )
    client.force_login(wt_member)
    response = client.get(candidate.get_absolute_url())
    changes = {
        (c.field, c.old, c.new) for entry in response.context["history"] for c in entry.changes
    }
    assert ("現在の予定日", "令和8年2月1日", "令和8年4月1日") in changes
    assert ("決定年度", "—", "令和7年度") in changes
    assert ("段階", "推進方針案", "同意") in changes or ("段階", "候補選定", "同意") in changes
    body = response.content.decode()
    assert "2026-02-01" not in body and "— → 2025<" not in body
    assert "現在の予定日：令和8年2月1日 → 令和8年4月1日" in body


@pytest.fixture
def wt9(db):
    from hearings.models import Meeting, MeetingKind

    return Meeting.objects.create(
        kind=MeetingKind.WT, title="第9回ワーキングチーム", date=dt.date(2026, 2, 4)
    )


def test_the_decision_form_names_meetings_with_their_dates(
    client, secretariat, make_candidate, wt9
):
    candidate = make_candidate(stage=Stage.INTERIM)
    client.force_login(secretariat)
    body = client.get(candidate.get_absolute_url()).content.decode()
    assert (
        f'<option value="{wt9.pk}" data-date="2026-02-04">第9回ワーキングチーム（令和8年2月4日）</option>'
        in body
    )
    assert "js/decision_date.js" in body
    form = client.get(candidate.get_absolute_url()).context["transition_form"]
    assert form["decided_on"].value() is None  # not today: the meeting's date fills it


def test_a_decision_at_a_meeting_takes_the_meetings_date_unless_one_is_entered(
    client, secretariat, make_candidate, wt9
):
    url = lambda c: reverse("candidates:transition_create", args=[c.pk])  # noqa: E731
    client.force_login(secretariat)
    first = make_candidate(name="介護認定", stage=Stage.INTERIM)
    response = client.post(
        url(first),
        {"to_stage": Stage.JUDGED_PROCEED, "meeting": wt9.pk, "version": first.version},
    )
    assert response.status_code == 302
    assert first.transitions.last().decided_on == dt.date(2026, 2, 4)

    second = make_candidate(name="児童手当", stage=Stage.INTERIM)
    client.post(
        url(second),
        {
            "to_stage": Stage.JUDGED_PROCEED,
            "meeting": wt9.pk,
            "decided_on": "2026-02-10",
            "version": second.version,
        },
    )
    assert second.transitions.last().decided_on == dt.date(2026, 2, 10)

    third = make_candidate(name="道路台帳", stage=Stage.INTERIM)
    response = client.post(url(third), {"to_stage": Stage.JUDGED_PROCEED, "version": third.version})
    assert response.status_code == 400
    assert "決定日を入力するか、決定した会議を選んでください" in response.content.decode()


def test_the_stage_shows_a_judgment_once(client, wt_member, make_candidate, secretariat):
    candidate = make_candidate(stage=Stage.INTERIM)
    services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.JUDGED_CONDITIONAL,
        decided_on=dt.date(2026, 1, 10),
        meeting_text="第9回ワーキングチーム",
    )
    candidate.refresh_from_db()
    assert candidate.judgment_note == ""
    client.force_login(wt_member)
    body = client.get(candidate.get_absolute_url()).content.decode()
    assert "（判断：条件を整備して進める）" not in body
    services.candidate_transition(
        user=secretariat,
        candidate=candidate,
        to_stage=Stage.POLICY_DRAFT,
        decided_on=dt.date(2026, 1, 20),
    )
    candidate.refresh_from_db()
    assert candidate.judgment_note == "判断：条件を整備して進める"
    body = client.get(candidate.get_absolute_url()).content.decode()
    assert "（判断：条件を整備して進める）" in body
