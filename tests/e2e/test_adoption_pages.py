"""Journey: a WT member reads a candidate's adoption (panel, map, a prefecture's bodies) and
the overview across candidates, each page checked by axe, in Japanese and in English."""

import pytest

from candidates.models import Candidate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_adoptions(demo_site):
    """The demo's adoption answers, as `setup_demo` loads them (other journeys start without)."""
    from adoption.demo import demo_adoptions_load

    demo_adoptions_load()


def test_wt_member_reads_the_adoption_panel_the_map_and_the_overview(journey, demo_adoptions):
    page, t = journey.page, journey.t
    candidate = Candidate.objects.get(name="予防接種事務システム")

    journey.login("wt_member")
    journey.open(candidate.get_absolute_url())
    journey.sees(t("地方公共団体の利用状況", "Adoption by local governments"))
    assert page.locator("figure.tile-map svg a").count() == 47
    assert page.locator(".waves tbody tr").count() >= 3
    journey.screenshot("adoption-panel")

    # The Hiroshima square leads to Hiroshima's bodies and their answers.
    page.locator("figure.tile-map svg a[href$='/340006/']").click()
    page.wait_for_load_state()
    journey.check()
    journey.sees(t("広島県の利用状況", "Adoption in Hiroshima (広島県)"))
    assert page.locator("main tbody tr").count() == 24
    journey.screenshot("adoption-prefecture")

    # The overview across candidates, narrowed to one prefecture.
    page.locator("header").get_by_role("link", name=t("利用状況", "Adoption")).click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label(t("都道府県", "Prefecture"), exact=True).select_option("34")
    page.get_by_role("button", name=t("絞り込む", "Filter")).click()
    page.wait_for_load_state()
    journey.check()
    assert "prefecture=34" in page.url
    journey.sees("予防接種事務システム")
    journey.screenshot("adoption-overview")
