"""The change history on the candidate page: every recorded change, shown as the page shows it."""

import pytest

from candidates import services
from candidates.history import candidate_history
from candidates.models import Ministry
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_a_change_of_co_ministries_shows_their_names_even_when_saved_in_the_same_instant(
    secretariat,
):
    """The tests' clock is frozen: the candidate's save and its co-ministries' update share a
    timestamp, as they can on a coarse clock; the change must still be found and named."""
    candidate = CandidateFactory.create()
    digital = Ministry.objects.create(name="デジタル庁（試験）", display_order=99)
    services.candidate_update(
        user=secretariat,
        candidate=candidate,
        version=candidate.version,
        name=candidate.name,
        summary=candidate.summary,
        business_area=candidate.business_area,
        selected_fiscal_year=candidate.selected_fiscal_year,
        lead_ministry=candidate.lead_ministry,
        co_ministries=[digital],
    )
    changes = [c for entry in candidate_history(candidate=candidate) for c in entry.changes]
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("共同担当府省庁", "—", "デジタル庁（試験）")
    ]
