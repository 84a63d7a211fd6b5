"""The adoption panel's figures from a handful of known answers across real bodies.

Populations are the 2020 census figures of the master data, read back from it so the test
states the rule (who counts, once) rather than copying numbers.
"""

import pytest
from django.db.models import Sum
from django.utils import translation

from adoption import selectors, tilemap
from adoption.models import Adoption, Status
from municipalities.models import Kind, LocalGovernment
from tests.adoption.conftest import body

HOKKAIDO, SAPPORO, HAKODATE = "010006", "011002", "012025"
HIROSHIMA_PREF, HIROSHIMA, KURE = "340006", "341002", "342025"
TOTTORI_VILLAGE = "313840"  # 日吉津村


def answer(candidate, code, status, start=None):
    return Adoption.objects.create(
        candidate=candidate,
        local_government=body(code),
        status=status,
        planned_start_fiscal_year=start,
        reason="理由" if status == Status.DECLINED else "",
    )


@pytest.fixture
def answered(candidate):
    answer(candidate, HOKKAIDO, Status.IN_USE, 2025)
    answer(candidate, SAPPORO, Status.PLANNED, 2027)
    answer(candidate, HAKODATE, Status.DECLINED)
    answer(candidate, HIROSHIMA_PREF, Status.CONSIDERING)
    answer(candidate, HIROSHIMA, Status.APPLIED, 2027)
    answer(candidate, KURE, Status.MIGRATING)
    answer(candidate, TOTTORI_VILLAGE, Status.PLANNED, 2028)
    return candidate


def population(*codes):
    return LocalGovernment.objects.filter(code__in=codes).aggregate(n=Sum("population"))["n"]


def test_counts_per_status_add_up_to_every_adopter(answered):
    panel = selectors.adoption_panel(candidate_id=answered.pk)
    counts = {s.status: s.bodies for s in panel.statuses}
    assert panel.total == 1788
    assert counts[Status.IN_USE] == 1 and counts[Status.PLANNED] == 2
    assert counts[Status.DECLINED] == 1 and counts[Status.CONSIDERING] == 1
    assert counts[Status.NO_ANSWER] == 1788 - 7
    assert panel.committed == 5  # 北海道, 札幌市, 広島市, 呉市, 日吉津村
    assert [s.label for s in panel.statuses][:3] == ["未回答", "検討中", "利用予定"]


def test_population_counts_a_prefecture_in_use_for_all_its_residents_once(answered):
    panel = selectors.adoption_panel(candidate_id=answered.pk)
    # 北海道 covers Sapporo's residents already; 広島県 only considers, so its cities count.
    assert panel.covered_population == population(HOKKAIDO, HIROSHIMA, KURE, TOTTORI_VILLAGE)
    japan = population(*LocalGovernment.objects.prefectures().values_list("code", flat=True))
    assert panel.japan_population == japan > 126_000_000
    assert panel.population_share == pytest.approx(panel.covered_population / japan)


def test_the_split_by_kind_counts_bodies_and_those_in_use_or_planned(answered):
    kinds = {s.key: s for s in selectors.adoption_panel(candidate_id=answered.pk).kinds}
    assert (kinds[Kind.PREFECTURE].bodies, kinds[Kind.PREFECTURE].committed) == (47, 1)
    assert (kinds[Kind.DESIGNATED_CITY].bodies, kinds[Kind.DESIGNATED_CITY].committed) == (20, 2)
    assert kinds[Kind.CORE_CITY].committed == 1  # 呉市 (函館市 declined)
    assert kinds[Kind.VILLAGE].committed == 1
    assert Kind.WARD not in kinds  # wards never adopt
    assert sum(s.bodies for s in kinds.values()) == 1788


def test_population_bands_split_municipalities_by_their_census_population(answered):
    bands = selectors.adoption_panel(candidate_id=answered.pk).bands
    assert [b.label for b in bands] == [
        "1万人未満",
        "1万〜5万人",
        "5万〜20万人",
        "20万〜50万人",
        "50万人以上",
    ]
    assert sum(b.bodies for b in bands) == 1741  # municipalities only
    committed = [b.committed for b in bands]
    # 日吉津村 (3,501) < 1万; 呉市 (about 210,000) 20万〜50万; 札幌市, 広島市 50万以上.
    assert committed == [1, 0, 0, 1, 2]
    assert selectors.population_band_of(9_999) == 0
    assert selectors.population_band_of(10_000) == 1
    assert selectors.population_band_of(500_000) == 4
    assert selectors.population_band_of(None) == 0


def test_waves_count_bodies_in_use_or_planned_by_planned_start(answered):
    waves = selectors.adoption_panel(candidate_id=answered.pk).waves
    assert [(w.fiscal_year, w.bodies) for w in waves] == [
        (2025, 1),
        (2027, 2),
        (2028, 1),
        (None, 1),  # 呉市 is migrating without a planned start
    ]
    assert waves[0].label == "令和7年度" and waves[-1].label == "開始時期未定"
    assert max(w.bar for w in waves) == selectors.WAVE_BAR
    assert waves[0].bar == selectors.WAVE_BAR // 2


def test_the_map_shares_are_of_each_prefectures_municipalities(answered):
    prefectures = {
        p.number: p for p in selectors.adoption_panel(candidate_id=answered.pk).prefectures
    }
    assert len(prefectures) == 47
    hiroshima = prefectures["34"]
    municipalities = LocalGovernment.objects.municipalities().filter(code__startswith="34")
    assert hiroshima.municipalities == municipalities.count() == 23
    assert hiroshima.committed == 2 and hiroshima.percent == round(2 / 23 * 100)
    assert hiroshima.own_status == Status.CONSIDERING and hiroshima.own_status_label == "検討中"
    # 北海道 itself is in use but none of its 179 municipalities but 札幌市 answered.
    assert (prefectures["01"].committed, prefectures["01"].municipalities) == (1, 179)
    assert prefectures["13"].committed == 0
    assert prefectures["13"].fill == tilemap.SHARE_STEPS[0].fill
    assert hiroshima.fill == tilemap.SHARE_STEPS[1].fill
    assert (hiroshima.label, prefectures["01"].label) == ("広島", "北海道")


def test_the_map_labels_are_english_in_english(answered):
    with translation.override("en"):
        panel = selectors.adoption_panel(candidate_id=answered.pk)
    hiroshima = next(p for p in panel.prefectures if p.number == "34")
    assert (hiroshima.label, hiroshima.name, hiroshima.own_status_label) == (
        "HRS",
        "Hiroshima",
        "considering",
    )
    assert panel.statuses[0].label == "no answer"


def test_share_steps_put_none_apart_from_a_few():
    assert tilemap.share_step(0) == 0
    assert tilemap.share_step(0.01) == 1
    assert tilemap.share_step(0.2) == 2
    assert tilemap.share_step(0.99) == 5


def test_tiles_are_47_distinct_squares_inside_the_map():
    places = {(t.column, t.row) for t in tilemap.TILES.values()}
    assert len(tilemap.TILES) == len(places) == 47
    assert all(t.x + tilemap.TILE <= tilemap.WIDTH for t in tilemap.TILES.values())
    assert all(t.y + tilemap.TILE <= tilemap.HEIGHT for t in tilemap.TILES.values())


def test_the_panel_reads_in_a_fixed_number_of_queries(candidate, django_assert_num_queries):
    with django_assert_num_queries(3):
        selectors.adoption_panel(candidate_id=candidate.pk)
    bodies = list(selectors.adopters()[:300])
    Adoption.objects.bulk_create(
        Adoption(candidate=candidate, local_government=b, status=Status.PLANNED) for b in bodies
    )
    with django_assert_num_queries(3):
        panel = selectors.adoption_panel(candidate_id=candidate.pk)
    assert panel.committed == 300


def test_the_legend_names_each_colour_step():
    legend = selectors.map_legend()
    assert [step.label for step in legend] == [
        "0%",
        "0%超20%未満",
        "20%以上40%未満",
        "40%以上60%未満",
        "60%以上80%未満",
        "80%以上",
    ]
    assert [step.fill for step in legend] == [step.fill for step in tilemap.SHARE_STEPS]
