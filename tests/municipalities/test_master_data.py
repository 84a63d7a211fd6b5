"""The real master data: counts, idempotent reloads, and refusal of malformed CSV files."""

import csv
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from municipalities.codes import check_digit, is_valid_code
from municipalities.models import Association, Kind, LocalGovernment
from municipalities.services import MUNICIPALITIES_CSV, WARDS_CSV, MasterDataError, master_data_load

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        (Kind.PREFECTURE, 47),
        (Kind.DESIGNATED_CITY, 20),
        (Kind.CORE_CITY, 62),
        (Kind.SPECIAL_CASE_CITY, 23),
        (Kind.CITY, 687),
        (Kind.TOWN, 743),
        (Kind.VILLAGE, 183),
        (Kind.SPECIAL_WARD, 23),
        (Kind.WARD, 175),
    ],
)
def test_master_data_has_the_official_count_of_each_kind(kind, count):
    assert LocalGovernment.objects.filter(kind=kind).count() == count


def test_there_are_1741_municipalities_of_which_792_cities():
    assert LocalGovernment.objects.municipalities().count() == 1741
    cities = (Kind.DESIGNATED_CITY, Kind.CORE_CITY, Kind.SPECIAL_CASE_CITY, Kind.CITY)
    assert LocalGovernment.objects.of_kinds(cities).count() == 792


def test_every_ward_belongs_to_a_designated_city_of_its_prefecture():
    for ward in LocalGovernment.objects.wards().select_related("parent"):
        assert ward.parent.kind == Kind.DESIGNATED_CITY
        assert ward.prefecture_id == ward.parent.prefecture_id
    yokohama = LocalGovernment.objects.get(code="141003")
    assert yokohama.wards.count() == 18


@pytest.mark.parametrize(
    ("slug", "members"),
    [
        ("governors", 47),
        ("mayors", 815),
        ("towns-villages", 926),
        ("designated-cities", 20),
        ("core-cities", 62),
    ],
)
def test_association_membership_follows_from_kind(slug, members):
    assert Association.objects.get(slug=slug).members.count() == members


def test_names_that_repeat_across_prefectures_are_qualified():
    misato = LocalGovernment.objects.filter(name="美郷町").select_related("prefecture")
    assert sorted(m.qualified_name for m in misato) == [
        "宮崎県美郷町",
        "島根県美郷町",
        "秋田県美郷町",
    ]


def test_futaba_has_no_population_because_nobody_lived_there_on_census_day():
    assert LocalGovernment.objects.get(code="075469").population is None


def test_reloading_changes_nothing_and_duplicates_nothing():
    before = LocalGovernment.objects.count()
    result = master_data_load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1963)
    assert LocalGovernment.objects.count() == before == 1963


def test_reloading_corrects_a_changed_row_in_place():
    LocalGovernment.objects.filter(code="011002").update(population=1)
    result = master_data_load()
    assert result.updated == 1
    assert LocalGovernment.objects.get(code="011002").population == 1973395


def test_check_digit_of_official_codes():
    assert check_digit("01100") == 2  # 札幌市 011002
    assert is_valid_code("131016")  # 千代田区
    assert not is_valid_code("011003")
    assert not is_valid_code("１３１０１６")
    assert not is_valid_code("13101")


def _copy_with(tmp_path: Path, edit) -> Path:
    target = tmp_path / "municipalities.csv"
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as source:
        rows = list(csv.reader(source))
    edit(rows)
    with target.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return target


def test_a_bad_check_digit_is_reported_with_its_line_and_nothing_is_written(tmp_path):
    LocalGovernment.objects.filter(code="011002").update(population=1)

    def corrupt(rows):
        rows[2][6] = "999"  # a valid change on line 3 that must not be written
        rows[10][0] = rows[10][0][:5] + str((int(rows[10][0][5]) + 1) % 10)

    path = _copy_with(tmp_path, corrupt)
    with pytest.raises(MasterDataError) as excinfo:
        master_data_load(municipalities_csv=path)
    assert any("11行目" in error for error in excinfo.value.errors)
    assert LocalGovernment.objects.get(code="011002").population == 1


def test_every_malformed_row_is_listed_not_only_the_first(tmp_path):
    def corrupt(rows):
        rows[5][5] = "郡"
        rows[7][6] = "many"
        rows[9] = rows[9][:3]

    path = _copy_with(tmp_path, corrupt)
    with pytest.raises(MasterDataError) as excinfo:
        master_data_load(municipalities_csv=path)
    joined = "\n".join(excinfo.value.errors)
    assert "6行目" in joined and "8行目" in joined and "10行目" in joined


def test_the_command_reports_errors_in_japanese_and_english(tmp_path):
    path = _copy_with(tmp_path, lambda rows: rows[3].__setitem__(0, "abc"))
    with pytest.raises(CommandError, match="nothing was changed") as excinfo:
        call_command("load_municipalities", municipalities=path, wards=WARDS_CSV)
    assert "4行目" in str(excinfo.value)


def test_a_missing_file_is_an_error_not_a_crash(tmp_path):
    with pytest.raises(MasterDataError):
        master_data_load(municipalities_csv=tmp_path / "nope.csv")


def test_a_ward_whose_parent_is_not_a_designated_city_is_refused(tmp_path):
    target = tmp_path / "wards.csv"
    shutil.copy(WARDS_CSV, target)
    text = target.read_text(encoding="utf-8").replace(",011002,札幌市,", ",012025,函館市,", 1)
    target.write_text(text, encoding="utf-8")
    with pytest.raises(MasterDataError, match="指定都市ではありません"):
        master_data_load(wards_csv=target)


def test_a_load_that_adds_many_rows_analyses_the_tables_it_touched(analyze_statements):
    LocalGovernment.objects.filter(kind="ward").delete()  # 175 rows the load adds back
    analysed = analyze_statements(lambda: call_command("load_municipalities", verbosity=0))
    assert any("municipalities_localgovernment" in sql for sql in analysed)
    # Nothing changes the second time: no ANALYZE.
    assert analyze_statements(lambda: call_command("load_municipalities", verbosity=0)) == []
