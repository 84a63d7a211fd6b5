"""The demo consultations: loaded once, marked, answered by real bodies with responses."""

import datetime as dt

from candidates.demo import demo_data_load
from consultations import selectors
from consultations.demo import demo_consultations_load
from consultations.models import Answer, AnswerVersion, Consultation, Opinion
from core.demo import demo_accounts_ensure
from core.models import User

TODAY = dt.date(2026, 11, 24)


def test_demo_consultations_load_once_with_late_corrected_and_answered_opinions(db):
    demo_accounts_ensure()
    demo_data_load(today=TODAY)
    assert demo_consultations_load(today=TODAY) == 2
    assert demo_consultations_load(today=TODAY) == 2
    assert not Consultation.objects.filter(is_demo=False).exists()
    assert not Answer.objects.filter(is_demo=False).exists()

    draft_list, policy = Consultation.objects.order_by("opens_on")
    assert draft_list.is_closed and not policy.is_closed and policy.is_open_on(TODAY)
    late = draft_list.answers.get(is_late=True)
    assert late.local_government.name == "福岡市"
    corrected = draft_list.answers.get(local_government__code="221309")  # 浜松市
    assert list(corrected.versions.values_list("number", flat=True)) == [2, 1]
    assert (
        Opinion.objects.filter(answer__consultation=draft_list, response__isnull=False).count() == 6
    )
    rows = selectors.results_rows(consultation=draft_list)
    assert any(r.respondent == "全国知事会" and r.response.startswith("【反映する】") for r in rows)
    assert AnswerVersion.objects.filter(is_late=True).count() == 1

    # The journeys answer the open one as 呉市 and 全国市長会: they have not yet.
    assert not policy.answers.filter(local_government__code="342025").exists()
    assert not policy.answers.filter(association__slug="mayors").exists()
    assert User.objects.get(username="association_shichokai").association.slug == "mayors"


def test_the_demo_draft_list_consultation_shows_the_demo_association_hearing(db):
    from hearings.demo import demo_meetings_load

    demo_accounts_ensure()
    demo_data_load(today=TODAY)
    demo_meetings_load(secretariat=User.objects.get(username="secretariat"))
    demo_consultations_load(today=TODAY)

    draft_list, policy = Consultation.objects.order_by("opens_on")
    hearing = draft_list.hearings.get()
    assert hearing.association.slug == "towns-villages"
    assert not policy.hearings.exists()
    assert selectors.consultation_hearings(consultation=draft_list) == [hearing]
