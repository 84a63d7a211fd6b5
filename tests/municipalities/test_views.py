import pytest
from django.urls import reverse

from municipalities.models import LocalGovernment

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("municipalities:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_list_shows_50_per_page_of_all_1963_local_governments(wt_client):
    response = wt_client.get(reverse("municipalities:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 1963
    assert "北海道" in response.content.decode()


def test_list_filters_by_prefecture_kind_and_population(wt_client):
    akita = LocalGovernment.objects.get(code="050008")
    response = wt_client.get(
        reverse("municipalities:list"),
        {"prefecture": akita.pk, "kind": ["town"], "population_min": 10000},
    )
    names = {lg.name for lg in response.context["page"].object_list}
    assert names == {"三種町", "美郷町", "羽後町"}  # the towns of Akita with 10,000+ people


def test_list_searches_name_and_kana(wt_client):
    url = reverse("municipalities:list")
    by_name = wt_client.get(url, {"q": "美郷"}).context["page"].paginator.count
    by_kana = wt_client.get(url, {"q": "みさと"}).context["page"].paginator.count
    assert by_name == 3
    assert by_kana >= 3


def test_list_search_folds_katakana_width_and_takes_every_word(wt_client):
    url = reverse("municipalities:list")
    names = lambda q: {lg.name for lg in wt_client.get(url, {"q": q}).context["page"]}  # noqa: E731
    sapporo = names("さっぽろし")
    assert "札幌市" in sapporo
    assert names("サッポロシ") == names("ｻｯﾎﾟﾛｼ") == sapporo
    assert names("札幌　ちゅうおう") == {"札幌市中央区"}
    assert names("０１１００２") == {"札幌市"}  # a full-width code


def test_bad_filter_values_give_a_message_not_an_error(wt_client):
    response = wt_client.get(
        reverse("municipalities:list"),
        {"population_min": "'; DROP TABLE", "prefecture": "99999", "kind": "x", "page": "abc"},
    )
    assert response.status_code == 200
    assert "絞り込み条件を確認してください" in response.content.decode()


def test_list_query_count_does_not_grow_with_rows(wt_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        wt_client.get(reverse("municipalities:list"))
    with django_assert_max_num_queries(8):
        wt_client.get(reverse("municipalities:list"), {"kind": ["ward"], "page": 2})


def test_detail_of_a_designated_city_lists_its_wards_and_associations(wt_client):
    response = wt_client.get(reverse("municipalities:detail", args=["011002"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "札幌市中央区" in body
    assert "指定都市市長会" in body
    assert "1,973,395" in body


def test_detail_of_an_unknown_code_is_404(wt_client):
    assert wt_client.get(reverse("municipalities:detail", args=["000000"])).status_code == 404


def test_association_page_lists_its_members(wt_client):
    response = wt_client.get(
        reverse("municipalities:association_detail", args=["designated-cities"])
    )
    assert response.context["page"].paginator.count == 20


def test_pages_render_in_english_when_chosen(wt_client):
    wt_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = wt_client.get(reverse("municipalities:list")).content.decode()
    assert "Local governments" in body
    assert 'lang="en"' in body
    body = wt_client.get(reverse("municipalities:association_list")).content.decode()
    assert "National Governors&#x27; Association" in body


def test_pagination_links_the_first_last_and_nearby_pages_with_gaps(wt_client):
    import re

    url = reverse("municipalities:list")
    body = wt_client.get(url, {"kind": ["town", "village"], "page": 10}).content.decode()
    start = body.index('<nav class="pagination"')
    nav = body[start : body.index("</nav>", start)]
    linked = re.findall(r'href="\?kind=town&amp;kind=village&amp;page=(\d+)"', nav)
    # 926 towns and villages: 19 pages; the previous and next links come first and last.
    assert linked == ["9", "1", "8", "9", "11", "12", "19", "11"]
    assert nav.count("…") == 2
    assert '<span aria-current="page" class="pagination__current">10</span>' in nav
    first = wt_client.get(url).content.decode()
    assert 'page=40"' in first and "…" in first and 'rel="prev"' not in first
