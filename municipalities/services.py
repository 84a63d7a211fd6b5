"""Writes to local-government master data: the idempotent CSV loader and association membership."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core import planner_stats, text_search
from municipalities.codes import is_valid_code
from municipalities.models import (
    CITY_KINDS,
    Association,
    Kind,
    LocalGovernment,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_CSV = DATA_DIR / "municipalities.csv"
WARDS_CSV = DATA_DIR / "designated_city_wards.csv"

# The CSV's kind column is Japanese; the model stores stable English keys.
KIND_BY_LABEL = {
    "都道府県": Kind.PREFECTURE,
    "指定都市": Kind.DESIGNATED_CITY,
    "中核市": Kind.CORE_CITY,
    "施行時特例市": Kind.SPECIAL_CASE_CITY,
    "一般市": Kind.CITY,
    "特別区": Kind.SPECIAL_WARD,
    "町": Kind.TOWN,
    "村": Kind.VILLAGE,
}


@dataclass(frozen=True)
class AssociationSpec:
    slug: str
    name: str
    name_en: str
    member_kinds: tuple[str, ...]
    description: str


# Membership follows from kind. 全国市長会 counts the 23 special wards of Tokyo among its members.
ASSOCIATIONS: tuple[AssociationSpec, ...] = (
    AssociationSpec(
        "governors",
        "全国知事会",
        "National Governors' Association",
        (Kind.PREFECTURE,),
        "地方三団体の一つ。47都道府県の知事で構成。",
    ),
    AssociationSpec(
        "mayors",
        "全国市長会",
        "Japan Association of City Mayors",
        (*CITY_KINDS, Kind.SPECIAL_WARD),
        "地方三団体の一つ。全国の市長及び特別区長で構成。",
    ),
    AssociationSpec(
        "towns-villages",
        "全国町村会",
        "National Association of Towns and Villages",
        (Kind.TOWN, Kind.VILLAGE),
        "地方三団体の一つ。全国の町村長で構成。",
    ),
    AssociationSpec(
        "designated-cities",
        "指定都市市長会",
        "Designated Cities Mayors' Association",
        (Kind.DESIGNATED_CITY,),
        "20の指定都市の市長で構成。",
    ),
    AssociationSpec(
        "core-cities",
        "中核市市長会",
        "Core Cities Mayors' Association",
        (Kind.CORE_CITY,),
        "中核市の市長で構成。",
    ),
)


class MasterDataError(Exception):
    """The CSV has rows that cannot be loaded; nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Row:
    line: int
    code: str
    name: str
    kana: str
    kind: str
    prefecture_code: str
    population: int | None
    parent_code: str | None = None


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    associations: dict[str, int] = field(default_factory=dict)


def _read_rows(path: Path, *, wards: bool, errors: list[str]) -> list[Row]:
    rows: list[Row] = []
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        errors.append(_("%(file)s: 読み込めません (%(error)s)") % {"file": path.name, "error": exc})
        return rows
    with handle:
        reader = csv.DictReader(handle)
        required = {"code", "name", "kana", "prefecture_code", "population"}
        required |= {"parent_code"} if wards else {"kind"}
        missing = required - set(reader.fieldnames or [])
        if missing:
            errors.append(
                _("%(file)s: 列がありません: %(columns)s")
                % {"file": path.name, "columns": ", ".join(sorted(missing))}
            )
            return rows
        for line, record in enumerate(reader, start=2):
            row = _parse_row(record, line, wards=wards, errors=errors, file=path.name)
            if row is not None:
                rows.append(row)
    return rows


def _parse_row(record: dict, line: int, *, wards: bool, errors: list[str], file: str) -> Row | None:
    def fail(message: str) -> None:
        errors.append(
            _("%(file)s %(line)d行目: %(message)s")
            % {"file": file, "line": line, "message": message}
        )

    if None in record or any(value is None for value in record.values()):
        fail(_("列の数が見出しと一致しません"))
        return None
    code = record["code"].strip()
    name = record["name"].strip()
    if not is_valid_code(code):
        fail(_("団体コード「%(code)s」が不正です（6桁・検査数字）") % {"code": code})
        return None
    if not name:
        fail(_("名称が空です"))
        return None
    prefecture_code = record["prefecture_code"].strip()
    if prefecture_code != code[:2]:
        fail(_("都道府県コード「%(pref)s」が団体コードと一致しません") % {"pref": prefecture_code})
        return None
    population_text = record["population"].strip()
    population = None
    if population_text:
        if not population_text.isdigit():
            fail(_("人口「%(value)s」が数値ではありません") % {"value": population_text})
            return None
        population = int(population_text)
    if wards:
        kind = Kind.WARD
        parent_code = record["parent_code"].strip()
        if not is_valid_code(parent_code):
            fail(_("所属市のコード「%(code)s」が不正です") % {"code": parent_code})
            return None
    else:
        parent_code = None
        found = KIND_BY_LABEL.get(record["kind"].strip())
        if found is None:
            fail(_("区分「%(kind)s」は不明です") % {"kind": record["kind"]})
            return None
        kind = found
    return Row(
        line, code, name, record["kana"].strip(), kind, prefecture_code, population, parent_code
    )


def _fields_of(
    row: Row, prefectures: dict[str, LocalGovernment], cities: dict[str, LocalGovernment]
) -> dict:
    return {
        "name": row.name,
        "kana": row.kana,
        "kind": row.kind,
        "population": row.population,
        "prefecture": None if row.kind == Kind.PREFECTURE else prefectures[row.prefecture_code],
        "parent": cities.get(row.parent_code) if row.parent_code else None,
    }


def _upsert(
    rows: Iterable[Row], existing: dict[str, LocalGovernment], prefectures, cities, result
) -> None:
    to_create: list[LocalGovernment] = []
    to_update: list[LocalGovernment] = []
    for row in rows:
        values = _fields_of(row, prefectures, cities)
        current = existing.get(row.code)
        if current is None:
            obj = LocalGovernment(code=row.code, **values)
            to_create.append(obj)
            existing[row.code] = obj
            continue
        changed = [
            name
            for name, value in values.items()
            if getattr(current, name + "_id" if name in ("prefecture", "parent") else name)
            != (value.pk if isinstance(value, LocalGovernment) else value)
        ]
        if changed:
            for name, value in values.items():
                setattr(current, name, value)
            to_update.append(current)
        else:
            result.unchanged += 1
    LocalGovernment.objects.bulk_create(to_create)
    for obj in to_update:
        text_search.search_text_set(obj)
    LocalGovernment.objects.bulk_update(
        to_update, ["name", "kana", "kind", "population", "prefecture", "parent", "search_text"]
    )
    result.created += len(to_create)
    result.updated += len(to_update)


@transaction.atomic
def master_data_load(
    *, municipalities_csv: Path = MUNICIPALITIES_CSV, wards_csv: Path = WARDS_CSV
) -> LoadResult:
    """Create or update every local government from the CSVs and rebuild association membership.

    Keyed by the local-government code: rerunning changes nothing. Any malformed row aborts the
    whole load (MasterDataError listing every bad line) and nothing is written.
    """
    errors: list[str] = []
    rows = _read_rows(municipalities_csv, wards=False, errors=errors)
    ward_rows = _read_rows(wards_csv, wards=True, errors=errors)
    _check_references(rows, ward_rows, errors)
    if errors:
        raise MasterDataError(errors)

    result = LoadResult()
    existing = {lg.code: lg for lg in LocalGovernment.objects.all()}
    prefecture_rows = [row for row in rows if row.kind == Kind.PREFECTURE]
    _upsert(prefecture_rows, existing, {}, {}, result)
    prefectures = {row.prefecture_code: existing[row.code] for row in prefecture_rows}
    _upsert([r for r in rows if r.kind != Kind.PREFECTURE], existing, prefectures, {}, result)
    cities = {row.code: existing[row.code] for row in rows if row.kind == Kind.DESIGNATED_CITY}
    _upsert(ward_rows, existing, prefectures, cities, result)
    result.associations = associations_sync()
    if result.created + result.updated >= planner_stats.BULK_ROWS:
        planner_stats.analyze_on_commit(LocalGovernment, Association.members.through)
    return result


def _check_references(rows: list[Row], ward_rows: list[Row], errors: list[str]) -> None:
    seen: dict[str, int] = {}
    for row in [*rows, *ward_rows]:
        if row.code in seen:
            errors.append(
                _("%(line)d行目: 団体コード %(code)s が重複しています（%(first)d行目）")
                % {"line": row.line, "code": row.code, "first": seen[row.code]}
            )
        seen.setdefault(row.code, row.line)
    prefectures = {row.prefecture_code for row in rows if row.kind == Kind.PREFECTURE}
    for row in rows:
        if row.kind != Kind.PREFECTURE and row.prefecture_code not in prefectures:
            errors.append(
                _("%(line)d行目: 都道府県 %(pref)s の行がありません")
                % {"line": row.line, "pref": row.prefecture_code}
            )
    designated = {row.code for row in rows if row.kind == Kind.DESIGNATED_CITY}
    for row in ward_rows:
        if row.parent_code not in designated:
            errors.append(
                _("行政区 %(line)d行目: 所属市 %(code)s は指定都市ではありません")
                % {"line": row.line, "code": row.parent_code}
            )


def associations_sync() -> dict[str, int]:
    """Create the associations and set their members from local-government kinds."""
    counts: dict[str, int] = {}
    for order, spec in enumerate(ASSOCIATIONS):
        association, _created = Association.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "name_en": spec.name_en,
                "description": spec.description,
                "display_order": order,
            },
        )
        members = LocalGovernment.objects.of_kinds(spec.member_kinds)
        association.members.set(members)
        counts[spec.slug] = members.count()
    return counts
