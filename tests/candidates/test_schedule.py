import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import services
from candidates.lifecycle import Stage
from candidates.models import DateField, MilestoneChange, MilestoneKind
from core.concurrency import ConcurrentEditError

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(candidate, secretariat):
    return services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.REQUIREMENTS,
        baseline_date=dt.date(2026, 6, 30),
    )


def test_a_new_milestone_starts_planned_on_its_baseline(milestone):
    assert milestone.planned_date == milestone.baseline_date
    assert milestone.slip_days == 0


def test_moving_a_milestone_later_requires_a_reason(milestone, ministry_mlit):
    with pytest.raises(ValidationError) as excinfo:
        services.milestone_update(
            user=ministry_mlit,
            milestone=milestone,
            version=milestone.version,
            planned_date=dt.date(2026, 9, 30),
            actual_date=None,
            progress_note="",
        )
    assert "reason" in excinfo.value.message_dict
    milestone.refresh_from_db()
    assert milestone.planned_date == dt.date(2026, 6, 30)
    assert not MilestoneChange.objects.exists()


def test_a_slip_with_a_reason_is_kept_as_a_change_record(milestone, ministry_mlit):
    services.milestone_update(
        user=ministry_mlit,
        milestone=milestone,
        version=milestone.version,
        planned_date=dt.date(2026, 9, 30),
        actual_date=None,
        progress_note="標準仕様書の改定待ち",
        reason="標準仕様書の改定に合わせるため",
        added_value="マイナンバーカードによる本人確認を追加",
    )
    milestone.refresh_from_db()
    assert milestone.slip_days == 92
    assert milestone.is_slipped
    change = MilestoneChange.objects.get()
    assert (change.field, change.old_date, change.new_date) == (
        DateField.PLANNED,
        dt.date(2026, 6, 30),
        dt.date(2026, 9, 30),
    )
    assert change.reason == "標準仕様書の改定に合わせるため"
    assert change.added_value == "マイナンバーカードによる本人確認を追加"
    assert change.changed_by == ministry_mlit


def test_a_slip_with_matching_added_value_and_no_reason_is_accepted(milestone, ministry_mlit):
    """The help text says a reason or matching added value (the WT's words); the rule agrees."""
    services.milestone_update(
        user=ministry_mlit,
        milestone=milestone,
        version=milestone.version,
        planned_date=dt.date(2026, 9, 30),
        actual_date=None,
        progress_note="",
        reason="  ",
        added_value="マイナンバーカードによる本人確認を追加",
    )
    milestone.refresh_from_db()
    assert milestone.planned_date == dt.date(2026, 9, 30)
    change = MilestoneChange.objects.get()
    assert (change.reason, change.added_value) == ("", "マイナンバーカードによる本人確認を追加")


def test_moving_a_milestone_earlier_needs_no_reason_but_is_recorded(milestone, ministry_mlit):
    services.milestone_update(
        user=ministry_mlit,
        milestone=milestone,
        version=milestone.version,
        planned_date=dt.date(2026, 5, 31),
        actual_date=None,
        progress_note="",
    )
    milestone.refresh_from_db()
    assert milestone.slip_days == -30
    assert MilestoneChange.objects.get().reason == ""


def test_clearing_a_planned_date_counts_as_a_slip(milestone, ministry_mlit):
    with pytest.raises(ValidationError, match="理由"):
        services.milestone_update(
            user=ministry_mlit,
            milestone=milestone,
            version=milestone.version,
            planned_date=None,
            actual_date=None,
            progress_note="",
        )


def test_slip_is_measured_by_the_actual_date_once_there_is_one(milestone, ministry_mlit):
    services.milestone_update(
        user=ministry_mlit,
        milestone=milestone,
        version=milestone.version,
        planned_date=milestone.planned_date,
        actual_date=dt.date(2026, 7, 10),
        progress_note="完了",
    )
    milestone.refresh_from_db()
    assert milestone.slip_days == 10


@pytest.mark.parametrize(
    ("planned", "actual", "field", "fragment"),
    [
        (dt.date(2026, 7, 1), dt.date(2026, 12, 1), "actual_date", "未来"),
        (dt.date(2024, 4, 1), None, "planned_date", "選定年度"),
        (dt.date(2101, 1, 1), None, "planned_date", "遠い将来"),
    ],
)
def test_dates_that_make_no_sense_are_refused(
    milestone, ministry_mlit, planned, actual, field, fragment
):
    with pytest.raises(ValidationError) as excinfo:
        services.milestone_update(
            user=ministry_mlit,
            milestone=milestone,
            version=milestone.version,
            planned_date=planned,
            actual_date=actual,
            progress_note="",
            reason="x",
        )
    assert fragment in str(excinfo.value.message_dict[field])


def test_the_second_of_two_concurrent_edits_is_refused(milestone, ministry_mlit, secretariat):
    loaded_version = milestone.version
    services.milestone_update(
        user=secretariat,
        milestone=milestone,
        version=loaded_version,
        planned_date=dt.date(2026, 6, 1),
        actual_date=None,
        progress_note="A",
    )
    with pytest.raises(ConcurrentEditError) as excinfo:
        services.milestone_update(
            user=ministry_mlit,
            milestone=milestone,
            version=loaded_version,
            planned_date=dt.date(2026, 8, 1),
            actual_date=None,
            progress_note="B",
            reason="r",
        )
    assert excinfo.value.current.progress_note == "A"
    milestone.refresh_from_db()
    assert milestone.planned_date == dt.date(2026, 6, 1)


def test_only_the_secretariat_changes_a_baseline_and_always_with_a_reason(
    milestone, ministry_mlit, secretariat
):
    with pytest.raises(PermissionDenied):
        services.milestone_rebaseline(
            user=ministry_mlit,
            milestone=milestone,
            version=milestone.version,
            baseline_date=dt.date(2026, 12, 31),
            reason="x",
        )
    with pytest.raises(ValidationError, match="理由"):
        services.milestone_rebaseline(
            user=secretariat,
            milestone=milestone,
            version=milestone.version,
            baseline_date=dt.date(2026, 12, 31),
            reason=" ",
        )
    services.milestone_rebaseline(
        user=secretariat,
        milestone=milestone,
        version=milestone.version,
        baseline_date=dt.date(2026, 12, 31),
        reason="推進方針の変更に協議会が同意",
    )
    milestone.refresh_from_db()
    assert milestone.baseline_date == dt.date(2026, 12, 31)
    assert MilestoneChange.objects.get().field == DateField.BASELINE


def test_ministry_staff_cannot_set_a_baseline_when_adding_a_milestone(candidate, ministry_mlit):
    with pytest.raises(PermissionDenied):
        services.milestone_create(
            user=ministry_mlit,
            candidate=candidate,
            kind=MilestoneKind.PILOT,
            baseline_date=dt.date(2026, 12, 1),
        )
    milestone = services.milestone_create(
        user=ministry_mlit,
        candidate=candidate,
        kind=MilestoneKind.PILOT,
        planned_date=dt.date(2026, 12, 1),
    )
    assert milestone.baseline_date is None and milestone.slip_days is None


def test_a_free_milestone_needs_a_name(candidate, secretariat):
    with pytest.raises(ValidationError, match="名称"):
        services.milestone_create(user=secretariat, candidate=candidate, kind=MilestoneKind.OTHER)


# --- the per-ministry rule as a role x action matrix --------------------------------------

ACTIONS = {
    "update_milestone": lambda user, c, m: services.milestone_update(
        user=user,
        milestone=m,
        version=m.version,
        planned_date=m.planned_date,
        actual_date=None,
        progress_note="更新",
    ),
    "add_milestone": lambda user, c, m: services.milestone_create(
        user=user, candidate=c, kind=MilestoneKind.PILOT, planned_date=dt.date(2026, 12, 1)
    ),
    "report_progress": lambda user, c, m: services.progress_update_create(
        user=user, candidate=c, as_of=dt.date(2026, 11, 1), status="on_track", schedule_note="順調"
    ),
    "rebaseline": lambda user, c, m: services.milestone_rebaseline(
        user=user, milestone=m, version=m.version, baseline_date=dt.date(2026, 7, 31), reason="同意"
    ),
    "transition": lambda user, c, m: services.candidate_transition(
        user=user, candidate=c, to_stage=Stage.IN_SERVICE, decided_on=dt.date(2026, 11, 1)
    ),
}

# persona -> actions allowed on an MLIT-led candidate
ALLOWED = {
    "secretariat": set(ACTIONS),
    "admin_user": set(ACTIONS),
    "ministry_mlit": {"update_milestone", "add_milestone", "report_progress"},
    "ministry_mhlw": set(),
    "wt_member": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_by_action_matrix_on_an_mlit_candidate(request, candidate, milestone, persona, action):
    user = request.getfixturevalue(persona)
    before = (candidate.stage, milestone.baseline_date, milestone.progress_note)
    if action in ALLOWED[persona]:
        ACTIONS[action](user, candidate, milestone)
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user, candidate, milestone)
        candidate.refresh_from_db()
        milestone.refresh_from_db()
        assert (candidate.stage, milestone.baseline_date, milestone.progress_note) == before
        assert candidate.progress_updates.count() == 0


def test_a_co_responsible_ministry_may_edit_the_schedule(
    make_candidate, mhlw, mlit, ministry_mhlw, secretariat
):
    shared = make_candidate(
        name="公金収納", stage=Stage.IN_PROGRESS, ministry=mlit, co_ministries=[mhlw]
    )
    milestone = services.milestone_create(
        user=secretariat,
        candidate=shared,
        kind=MilestoneKind.PILOT,
        baseline_date=dt.date(2026, 6, 1),
    )
    services.milestone_update(
        user=ministry_mhlw,
        milestone=milestone,
        version=milestone.version,
        planned_date=dt.date(2026, 6, 1),
        actual_date=dt.date(2026, 6, 1),
        progress_note="実証完了",
    )
    milestone.refresh_from_db()
    assert (milestone.actual_date, milestone.progress_note) == (dt.date(2026, 6, 1), "実証完了")


def test_staff_of_a_ministry_answer_for_its_bureaus(make_candidate, ministry_mlit, secretariat):
    from candidates.models import Ministry
    from candidates.permissions import can_edit_schedule

    bureau = Ministry.objects.create(name="国土交通省", bureau="道路局")
    road = make_candidate(name="道路台帳", ministry=bureau)
    assert can_edit_schedule(ministry_mlit, road)


def test_a_progress_update_needs_some_content_and_no_future_date(candidate, ministry_mlit):
    with pytest.raises(ValidationError):
        services.progress_update_create(
            user=ministry_mlit, candidate=candidate, as_of=dt.date(2026, 11, 1), status="on_track"
        )
    with pytest.raises(ValidationError):
        services.progress_update_create(
            user=ministry_mlit,
            candidate=candidate,
            as_of=dt.date(2027, 1, 1),
            status="on_track",
            cost_note="x",
        )


def test_slipped_means_the_same_in_sql_and_on_a_loaded_row(candidate):
    """`selectors.slipped_q` (lists, counts, filters) and `Milestone.is_slipped` (the candidate
    page, the timeline) are one rule: actual date, else planned date, after the baseline."""
    from candidates.models import Milestone, MilestoneKind
    from candidates.selectors import slipped_q

    baseline = dt.date(2026, 6, 30)
    near = (None, baseline - dt.timedelta(days=1), baseline, baseline + dt.timedelta(days=1))
    for base in (None, baseline):
        for planned in near:
            for actual in near:
                Milestone.objects.create(
                    candidate=candidate,
                    kind=MilestoneKind.PILOT,
                    baseline_date=base,
                    planned_date=planned,
                    actual_date=actual,
                )
    in_sql = set(Milestone.objects.filter(slipped_q()).values_list("pk", flat=True))
    on_rows = {m.pk for m in Milestone.objects.all() if m.is_slipped}
    assert in_sql == on_rows
    assert len(on_rows) == 5  # 4 with an actual date after the baseline, 1 planned after it


def test_overdue_means_the_same_in_sql_and_on_a_loaded_row(candidate, fixed_today):
    """`selectors.overdue_q` (counts, the dashboard) and `Milestone.overdue_days` (the candidate
    page, the timeline) are one rule: not reached and planned before today."""
    from candidates.models import Milestone, MilestoneKind
    from candidates.selectors import overdue_q

    today = fixed_today
    near = (None, today - dt.timedelta(days=1), today, today + dt.timedelta(days=1))
    for planned in near:
        for actual in near:
            Milestone.objects.create(
                candidate=candidate,
                kind=MilestoneKind.PILOT,
                baseline_date=dt.date(2026, 6, 30),
                planned_date=planned,
                actual_date=actual,
            )
    in_sql = set(Milestone.objects.filter(overdue_q(today)).values_list("pk", flat=True))
    on_rows = {m.pk for m in Milestone.objects.all() if m.overdue_days}
    assert in_sql == on_rows
    assert len(on_rows) == 1  # planned yesterday, no actual date
    assert {m.overdue_days for m in Milestone.objects.filter(pk__in=on_rows)} == {1}


def test_a_milestone_a_year_past_its_plan_is_overdue_by_a_year_and_slipped_by_its_move(
    candidate, fixed_today
):
    from candidates.models import Milestone, MilestoneKind

    milestone = Milestone.objects.create(
        candidate=candidate,
        kind=MilestoneKind.PILOT,
        baseline_date=dt.date(2025, 9, 1),
        planned_date=dt.date(2025, 12, 1),
    )
    assert milestone.slip_days == 91
    assert milestone.overdue_days == (fixed_today - dt.date(2025, 12, 1)).days == 358
    milestone.actual_date = dt.date(2026, 1, 5)
    assert milestone.overdue_days is None and milestone.slip_days == 126
