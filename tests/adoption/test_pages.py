"""The adoption pages: the candidate page's panel and map, a prefecture's bodies, the overview
across candidates, a local government's answers and meetings; query counts that stay flat."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from adoption import selectors
from adoption.models import Adoption, Status
from hearings.models import Attendee, Meeting, MeetingKind
from tests.adoption.conftest import body

pytestmark = pytest.mark.django_db


def answer(candidate, code, status, start=None, **extra):
    return Adoption.objects.create(
        candidate=candidate,
        local_government=body(code),
        status=status,
        planned_start_fiscal_year=start,
        reason="理由" if status == Status.DECLINED else "",
        **extra,
    )


def answer_many(candidate, n, status=Status.PLANNED, start=2027):
    Adoption.objects.bulk_create(
        Adoption(
            candidate=candidate, local_government=b, status=status, planned_start_fiscal_year=start
        )
        for b in selectors.adopters().exclude(kind="prefecture")[:n]
    )


def test_the_candidate_page_shows_the_panel_map_and_table(wt_client, candidate):
    answer(candidate, "342025", Status.IN_USE, 2025)  # 呉市
    answer(candidate, "340006", Status.CONSIDERING)  # 広島県
    body_html = wt_client.get(candidate.get_absolute_url()).content.decode()
    assert "地方公共団体の利用状況" in body_html
    assert '1 <span class="stat__of">/ 1,788</span>' in body_html
    prefecture_url = reverse("adoption:prefecture", args=[candidate.pk, "340006"])
    assert f'href="{prefecture_url}"' in body_html  # the Hiroshima square links to its bodies
    assert "広島県：23市区町村のうち1団体（4%）" in body_html
    assert "令和7年度" in body_html  # the wave of 呉市's start
    assert "都道府県別の利用状況（表）" in body_html


def test_the_panel_renders_in_english(wt_client, candidate):
    answer(candidate, "342025", Status.IN_USE, 2025)
    wt_client.cookies["django_language"] = "en"
    body_html = wt_client.get(candidate.get_absolute_url()).content.decode()
    assert "HRS" in body_html and "Hiroshima" in body_html and "FY2025" in body_html
    assert "Adoption by local governments" in body_html


def test_the_candidate_page_query_count_does_not_grow_with_answers(
    wt_client, candidate, django_assert_max_num_queries
):
    url = candidate.get_absolute_url()
    wt_client.get(url)
    with django_assert_max_num_queries(40) as few:
        wt_client.get(url)
    answer_many(candidate, 600)
    with django_assert_max_num_queries(len(few.captured_queries)):
        wt_client.get(url)


def test_a_prefecture_lists_its_bodies_with_their_answers(wt_client, candidate):
    answer(candidate, "342025", Status.PLANNED, 2027, note="次期更新に合わせて")
    url = reverse("adoption:prefecture", args=[candidate.pk, "340006"])
    response = wt_client.get(url)
    rows = response.context["answers"]
    assert len(rows) == 24 and rows[0].local_government.code == "340006"  # 広島県 first
    text = response.content.decode()
    assert (
        "呉市" in text
        and "利用予定" in text
        and "令和9年度" in text
        and "次期更新に合わせて" in text
    )
    assert text.count("未回答") >= 23


@pytest.mark.parametrize("code", ["342025", "999999", "abc", "011011"])
def test_a_prefecture_page_for_something_not_a_prefecture_is_not_found(wt_client, candidate, code):
    # 呉市 is a city, 999999 no body, abc no code, 011011 a ward: none has a prefecture page.
    assert (
        wt_client.get(f"/adoption/candidates/{candidate.pk}/prefectures/{code}/").status_code == 404
    )


def test_a_prefecture_page_of_an_unknown_candidate_is_not_found(wt_client):
    assert wt_client.get(reverse("adoption:prefecture", args=[99999, "340006"])).status_code == 404


def test_the_overview_counts_each_candidate_per_status(wt_client, make_candidate, candidate):
    other = make_candidate(name="介護認定審査会支援システム")
    answer(candidate, "342025", Status.IN_USE, 2025)
    answer(candidate, "341002", Status.DECLINED)
    answer(other, "011002", Status.PLANNED, 2027)
    rows = {
        r.candidate.name: r for r in wt_client.get(reverse("adoption:overview")).context["rows"]
    }
    counts = {s.status: s.bodies for s in rows[candidate.name].statuses}
    assert counts[Status.IN_USE] == 1 and counts[Status.DECLINED] == 1
    assert counts[Status.NO_ANSWER] == 1786 and rows[candidate.name].committed == 1
    assert rows[other.name].committed == 1


def test_the_overview_filters_by_prefecture_kind_and_band(wt_client, candidate):
    answer(candidate, "342025", Status.IN_USE, 2025)  # 呉市: 広島県, 中核市, 20万〜50万人
    answer(candidate, "011002", Status.PLANNED, 2027)  # 札幌市: 北海道, 指定都市, 50万人以上
    url = reverse("adoption:overview")

    def row(**params):
        return wt_client.get(url, params).context["rows"][0]

    hiroshima = row(prefecture="34")
    assert (hiroshima.committed, hiroshima.total) == (1, 24)
    core = row(kind="core_city")
    assert (core.committed, core.total) == (1, 62)
    large = row(band="4")
    assert large.committed == 1 and large.total == 35
    assert row(prefecture="34", kind="designated_city").committed == 0


@pytest.mark.parametrize(
    "params", [{"prefecture": "99"}, {"kind": "ward"}, {"band": "9"}, {"band": "x"}]
)
def test_a_bad_overview_filter_says_so_and_shows_nothing(wt_client, candidate, params):
    response = wt_client.get(reverse("adoption:overview"), params)
    assert response.status_code == 400
    assert (
        response.context["rows"] == []
        and "絞り込み条件を確認してください" in response.content.decode()
    )


def test_the_overview_exports_csv_and_xlsx(wt_client, candidate):
    answer(candidate, "342025", Status.IN_USE, 2025)
    answer(candidate, "011002", Status.PLANNED, 2027)
    url = reverse("adoption:overview")
    response = wt_client.get(url, {"prefecture": "34", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["候補", "主担当府省庁", "未回答"]
    assert rows[1][0] == candidate.name and rows[1][-2:] == ["1", "24"]
    sheet = load_workbook(io.BytesIO(wt_client.get(url, {"format": "xlsx"}).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == candidate.name and values[1][-2:] == (2, 1788)


def test_the_overview_query_count_does_not_grow_with_rows(
    wt_client, make_candidate, candidate, django_assert_max_num_queries
):
    url = reverse("adoption:overview")
    wt_client.get(url)
    with django_assert_max_num_queries(30) as few:
        wt_client.get(url, {"prefecture": "34"})
    for i in range(5):
        answer_many(make_candidate(name=f"候補{i}"), 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        wt_client.get(url, {"prefecture": "34"})


@pytest.fixture
def wt_meeting(db):
    meeting = Meeting.objects.create(
        kind=MeetingKind.WT, title="第9回ワーキングチーム", date=dt.date(2026, 2, 4)
    )
    for position, (name, title, group) in enumerate(
        [
            ("池田 博之", "山口県総合企画部長", "wt_member"),
            ("伊藤 正樹", "愛知県一宮市総務部長", "wt_member"),
            ("下関 花子", "山口県下関市情報政策課長", "other"),
        ]
    ):
        Attendee.objects.create(
            meeting=meeting, position=position, name=name, title=title, group=group
        )
    return meeting


def test_a_local_government_page_lists_every_candidate_with_its_answer(
    wt_client, make_candidate, candidate
):
    other = make_candidate(name="介護認定審査会支援システム")
    answer(candidate, "342025", Status.PLANNED, 2027, renewal_fiscal_year=2027)
    response = wt_client.get(reverse("municipalities:detail", args=["342025"]))
    answers = {a.candidate.name: a.adoption for a in response.context["answers"]}
    assert answers[candidate.name].status == Status.PLANNED
    assert answers[other.name].status == Status.NO_ANSWER
    text = response.content.decode()
    assert "令和9年度" in text and "未回答" in text


def test_a_local_government_page_lists_the_meetings_it_attended(wt_client, wt_meeting):
    yamaguchi = wt_client.get(reverse("municipalities:detail", args=["350001"])).context
    assert [m.meeting for m in yamaguchi["meetings"]] == [wt_meeting]
    assert yamaguchi["wt_meetings"][0].as_wt_member
    ichinomiya = wt_client.get(reverse("municipalities:detail", args=["232033"])).context
    assert ichinomiya["wt_meetings"][0].meeting == wt_meeting
    # 下関市's staff attended, not as a WT member; 山口県 is not credited with them.
    shimonoseki = wt_client.get(reverse("municipalities:detail", args=["352012"])).context
    assert shimonoseki["meetings"][0].attended and not shimonoseki["wt_meetings"]
    assert (
        wt_client.get(reverse("municipalities:detail", args=["342025"])).context["meetings"] == []
    )


def test_a_hearing_a_body_spoke_at_is_listed(wt_client):
    kure = body("342025")
    meeting = Meeting.objects.create(
        kind=MeetingKind.HEARING, title="中核市市長会ヒアリング", date=dt.date(2026, 3, 1)
    )
    meeting.speaking_municipalities.set([kure])
    listed = wt_client.get(kure.get_absolute_url()).context["meetings"]
    assert [(m.meeting, m.spoke) for m in listed] == [(meeting, True)]


def test_a_ward_page_points_to_its_city(wt_client):
    response = wt_client.get(reverse("municipalities:detail", args=["011011"]))
    assert "answers" not in response.context
    assert "札幌市の利用状況をご覧ください" in response.content.decode()


def test_a_login_without_a_role_sees_no_candidates_on_a_local_government_page(
    client, outsider, candidate
):
    client.force_login(outsider)
    response = client.get(reverse("municipalities:detail", args=["342025"]))
    assert response.status_code == 200 and "answers" not in response.context
    assert candidate.name not in response.content.decode()


def test_the_local_government_page_query_count_does_not_grow_with_rows(
    wt_client, make_candidate, wt_meeting, django_assert_max_num_queries
):
    url = reverse("municipalities:detail", args=["350001"])
    make_candidate(name="候補A")
    wt_client.get(url)
    with django_assert_max_num_queries(30) as few:
        wt_client.get(url)
    for i in range(8):
        answer(make_candidate(name=f"候補{i}"), "350001", Status.PLANNED, 2027)
    with django_assert_max_num_queries(len(few.captured_queries)):
        wt_client.get(url)


def test_a_prefecture_page_reads_in_english(wt_client, candidate):
    answer(candidate, "342025", Status.PLANNED, 2027)
    wt_client.cookies["django_language"] = "en"
    url = reverse("adoption:prefecture", args=[candidate.pk, "340006"])
    text = wt_client.get(url).content.decode()
    title = text.split("<title>")[1].split("</title>")[0]
    assert title.startswith("Adoption in Hiroshima"), title
    assert "planning to use" in text and "FY2027" in text and "no answer" in text
