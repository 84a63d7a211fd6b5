"""The demo adoption rows: loaded once, marked, and telling a story a map can show."""

import datetime as dt

from adoption import selectors
from adoption.demo import PROFILES, demo_adoptions_load
from adoption.models import COMMITTED, Adoption, AdoptionChange
from candidates.demo import demo_data_load
from core.demo import demo_accounts_ensure


def test_demo_rows_load_once_marked_and_with_their_history(db):
    demo_accounts_ensure()
    demo_data_load(today=dt.date(2026, 11, 24))
    first = demo_adoptions_load(today=dt.date(2026, 11, 24))
    assert first > 1000
    assert demo_adoptions_load(today=dt.date(2026, 11, 24)) == first
    assert Adoption.objects.filter(is_demo=False).count() == 0
    assert AdoptionChange.objects.filter(source="demo").exists()
    assert not Adoption.objects.filter(local_government__kind="ward").exists()

    rows = Adoption.objects.filter(status__in=COMMITTED).select_related("candidate")
    waves = set(rows.values_list("planned_start_fiscal_year", flat=True))
    assert {2026, 2027, 2028, 2029, 2030} <= waves

    # A leading prefecture's municipalities are far more committed than the rest of Japan.
    candidate = rows.filter(candidate__name="公営住宅管理システム").first().candidate
    leader = PROFILES[candidate.name].leaders[0]
    bodies = selectors.adopters()
    strong = selectors.status_counts_by_candidate(
        candidate_ids=[candidate.pk], bodies=bodies.filter(code__startswith=leader)
    )[candidate.pk]
    everyone = selectors.status_counts(candidate=candidate)
    share = selectors.committed_count(strong) / sum(strong.values())
    overall = selectors.committed_count(everyone) / sum(everyone.values())
    assert share > 0.6 > 0.3 > overall
