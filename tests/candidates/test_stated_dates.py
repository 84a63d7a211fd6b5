"""Milestone dates stated as officials write them (令和8年3月, 令和8年度上期, 令和7年度中, 令和7年度末):
stored as the last day the precision allows, shown as written, slip and overdue against that
last day (one rule in SQL and on a loaded row), and forms that refuse bad input with a 400."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from calendars.selectors import milestone_event
from candidates import services
from candidates.models import Milestone, MilestoneChange, MilestoneKind
from candidates.selectors import overdue_q, slipped_q
from core.display import slip_display
from core.stated_dates import Precision

# (precision, a day inside the period, the period's last day, as written)
PERIODS = [
    (Precision.DAY, dt.date(2026, 3, 31), dt.date(2026, 3, 31), "令和8年3月31日"),
    (Precision.MONTH, dt.date(2026, 3, 1), dt.date(2026, 3, 31), "令和8年3月"),
    (Precision.HALF, dt.date(2025, 10, 1), dt.date(2026, 3, 31), "令和7年度下期"),
    (Precision.HALF, dt.date(2025, 4, 1), dt.date(2025, 9, 30), "令和7年度上期"),
    (Precision.FISCAL_YEAR, dt.date(2025, 4, 1), dt.date(2026, 3, 31), "令和7年度中"),
    (Precision.FISCAL_YEAR_END, dt.date(2025, 6, 1), dt.date(2026, 3, 31), "令和7年度末"),
]


def _create(secretariat, candidate, precision, day, **extra) -> Milestone:
    return services.milestone_create(
        user=secretariat,
        candidate=candidate,
        kind=MilestoneKind.PILOT,
        baseline_date=day,
        baseline_precision=precision,
        **extra,
    )


def _move(ministry_user, milestone, precision, day, **why) -> Milestone:
    services.milestone_update(
        user=ministry_user,
        milestone=milestone,
        version=milestone.version,
        planned_date=day,
        planned_precision=precision,
        actual_date=None,
        progress_note="",
        **why,
    )
    milestone.refresh_from_db()
    return milestone


@pytest.mark.parametrize(("precision", "inside", "last", "written"), PERIODS)
def test_a_stated_date_is_stored_as_its_last_day_and_shown_as_written(
    secretariat, candidate, precision, inside, last, written
):
    milestone = _create(secretariat, candidate, precision, inside)
    milestone.refresh_from_db()
    assert (milestone.baseline_date, milestone.baseline_precision) == (last, precision)
    assert (milestone.planned_date, milestone.planned_precision) == (last, precision)
    assert milestone.baseline_written == milestone.planned_written == written


@pytest.mark.parametrize(("precision", "inside", "last", "written"), PERIODS)
def test_a_stated_date_is_overdue_from_the_day_after_its_last_day_in_sql_and_on_the_row(
    secretariat, candidate, precision, inside, last, written
):
    """令和7年度中 is due through 2026-03-31 and overdue from 2026-04-01."""
    milestone = _create(secretariat, candidate, precision, inside)
    for today, expected in ((last, None), (last + dt.timedelta(days=1), 1)):
        assert milestone.overdue_days_on(today) == expected
        in_sql = Milestone.objects.filter(overdue_q(today), pk=milestone.pk).exists()
        assert in_sql == (expected is not None)
        with time_machine.travel(dt.datetime(today.year, today.month, today.day, 12), tick=False):
            assert milestone.overdue_days == expected


@pytest.mark.parametrize(("precision", "inside", "last", "written"), PERIODS)
def test_reaching_a_stated_date_on_its_last_day_is_on_time_and_the_day_after_is_a_slip(
    secretariat, candidate, precision, inside, last, written
):
    milestone = _create(secretariat, candidate, precision, inside)
    for actual, slipped in ((last, False), (last + dt.timedelta(days=1), True)):
        milestone.actual_date = actual
        milestone.save()
        assert milestone.is_slipped == slipped
        assert Milestone.objects.filter(slipped_q(), pk=milestone.pk).exists() == slipped
        assert milestone.slip_days == (1 if slipped else 0)
        assert slip_display(milestone.slip) == ("1日遅れ" if slipped else "当初予定どおり")


def test_a_fiscal_year_moved_to_the_next_reads_one_fiscal_year_late(
    secretariat, ministry_mlit, candidate
):
    milestone = _create(secretariat, candidate, Precision.FISCAL_YEAR, dt.date(2025, 4, 1))
    milestone = _move(
        ministry_mlit,
        milestone,
        Precision.FISCAL_YEAR_END,
        dt.date(2026, 4, 1),
        reason="実証自治体の追加",
    )
    assert milestone.planned_written == "令和8年度末"
    assert slip_display(milestone.slip) == "1年度遅れ"
    assert milestone.slip_days == 365
    change = MilestoneChange.objects.get(milestone=milestone)
    assert (change.old_written, change.new_written) == ("令和7年度中", "令和8年度末")


def test_months_against_months_read_in_months(secretariat, ministry_mlit, candidate):
    milestone = _create(secretariat, candidate, Precision.MONTH, dt.date(2026, 3, 1))
    milestone = _move(
        ministry_mlit, milestone, Precision.MONTH, dt.date(2026, 6, 1), added_value="対象手続の追加"
    )
    assert slip_display(milestone.slip) == "3か月遅れ"
    with translation.override("en"):
        assert slip_display(milestone.slip) == "3 month(s) late"
        assert milestone.planned_written == "June 2026"


def test_restating_a_date_at_another_precision_with_the_same_last_day_needs_no_reason(
    secretariat, ministry_mlit, candidate
):
    """令和7年度末 → 令和8年3月 is not later: both end on 2026-03-31. The change is still kept."""
    milestone = _create(secretariat, candidate, Precision.FISCAL_YEAR_END, dt.date(2026, 3, 1))
    milestone = _move(ministry_mlit, milestone, Precision.MONTH, dt.date(2026, 3, 1))
    assert milestone.planned_written == "令和8年3月"
    assert not milestone.is_slipped
    assert MilestoneChange.objects.filter(milestone=milestone).count() == 1


def test_moving_a_fiscal_year_later_without_a_reason_is_refused(
    secretariat, ministry_mlit, candidate
):
    from django.core.exceptions import ValidationError

    milestone = _create(secretariat, candidate, Precision.FISCAL_YEAR, dt.date(2025, 4, 1))
    with pytest.raises(ValidationError) as refused:
        services.milestone_update(
            user=ministry_mlit,
            milestone=milestone,
            version=milestone.version,
            planned_date=dt.date(2026, 4, 1),
            planned_precision=Precision.FISCAL_YEAR,
            actual_date=None,
            progress_note="",
        )
    assert "reason" in refused.value.error_dict


def test_the_secretariat_adds_a_milestone_planned_within_a_fiscal_year_through_the_form(
    client, secretariat, candidate
):
    client.force_login(secretariat)
    response = client.post(
        reverse("candidates:milestone_create", args=[candidate.pk]),
        {
            "kind": MilestoneKind.PILOT,
            "baseline_precision": Precision.FISCAL_YEAR,
            "baseline_fiscal_year": "2025",
            "planned_precision": Precision.HALF,
            "planned_fiscal_year": "2026",
            "planned_half": "1",
        },
    )
    assert response.status_code == 302
    milestone = candidate.milestones.get()
    assert (milestone.baseline_date, milestone.planned_date) == (
        dt.date(2026, 3, 31),
        dt.date(2026, 9, 30),
    )
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert "令和7年度中" in page and "令和8年度上期" in page
    assert "6か月遅れ" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"planned_precision": "month", "planned_month": "2026-13"}, "planned_month", "2026-03"),
        ({"planned_precision": "month"}, "planned_month", "年月を入力"),
        ({"planned_precision": "day", "planned_month": "2026-03"}, "planned_date", "日付を入力"),
        (
            {"planned_precision": "half", "planned_fiscal_year": "2026"},
            "planned_half",
            "上期か下期",
        ),
        ({"planned_precision": "fiscal_year"}, "planned_fiscal_year", "年度を選んで"),
        ({"planned_precision": "decade", "planned_date": "2026-03-31"}, "planned_precision", ""),
        (
            {"planned_precision": "fiscal_year", "planned_fiscal_year": "1999"},
            "planned_fiscal_year",
            "",
        ),
    ],
)
def test_a_stated_date_with_the_wrong_input_is_refused_with_a_message_and_a_400(
    client, ministry_mlit, candidate, data, field, message
):
    client.force_login(ministry_mlit)
    response = client.post(
        reverse("candidates:milestone_create", args=[candidate.pk]),
        {"kind": MilestoneKind.PILOT, **data},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not candidate.milestones.exists()


def test_the_month_error_reads_in_english(client, ministry_mlit, candidate):
    client.force_login(ministry_mlit)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(
        reverse("candidates:milestone_create", args=[candidate.pk]),
        {"kind": MilestoneKind.PILOT, "planned_precision": "month", "planned_month": "March"},
    )
    assert response.status_code == 400
    assert "Enter the month as 2026-03." in response.content.decode()


def test_the_edit_form_shows_a_stated_date_in_its_matching_input(client, secretariat, candidate):
    milestone = _create(secretariat, candidate, Precision.HALF, dt.date(2026, 10, 1))
    client.force_login(secretariat)
    form = client.get(reverse("candidates:milestone_update", args=[milestone.pk])).context["form"]
    assert form["planned_precision"].value() == Precision.HALF
    assert (form["planned_fiscal_year"].value(), form["planned_half"].value()) == (2026, 2)
    rebaseline = client.get(reverse("candidates:milestone_rebaseline", args=[milestone.pk]))
    assert rebaseline.context["form"]["baseline_precision"].value() == Precision.HALF


def test_the_slip_export_carries_the_written_form_and_the_iso_date(
    client, secretariat, ministry_mlit, wt_member, candidate
):
    milestone = _create(secretariat, candidate, Precision.FISCAL_YEAR, dt.date(2025, 4, 1))
    milestone = _move(
        ministry_mlit,
        milestone,
        Precision.FISCAL_YEAR,
        dt.date(2026, 4, 1),
        reason="実証自治体の追加",
    )
    client.force_login(wt_member)
    raw = client.get(reverse("candidates:slips"), {"format": "csv"}).content
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    columns = dict(zip(header, row, strict=True))
    assert (columns["当初予定"], columns["当初予定（ISO）"]) == ("令和7年度中", "2026-03-31")
    assert (columns["現在の予定日"], columns["現在の予定日（ISO）"]) == (
        "令和8年度中",
        "2027-03-31",
    )
    assert (columns["遅れ"], columns["遅れ（日）"]) == ("1年度遅れ", "365")


def test_a_fiscal_year_date_is_an_all_day_event_on_its_last_day_titled_as_written(
    secretariat, candidate
):
    milestone = _create(secretariat, candidate, Precision.FISCAL_YEAR, dt.date(2026, 4, 1))
    event = milestone_event(milestone, today=dt.date(2026, 11, 24), link=lambda path: path)
    assert (event.start, event.end) == (dt.date(2027, 3, 31), dt.date(2027, 4, 1))
    assert "［令和8年度中］" in event.summary
    assert "現在の予定日：令和8年度中" in event.description


def test_the_api_gives_the_written_form_beside_the_iso_date(
    client, secretariat, wt_member, candidate
):
    from api import services as api_services

    _create(secretariat, candidate, Precision.MONTH, dt.date(2026, 3, 1))
    token = api_services.api_token_reset(user=wt_member)
    body = client.get(
        reverse("api_v1:candidate", kwargs={"pk": candidate.pk}),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    milestone = body["milestones"][0]
    assert milestone["planned_date"] == "2026-03-31"
    assert (milestone["planned_precision"], milestone["planned_written"]) == ("month", "令和8年3月")
    assert milestone["slip"] == {"amount": 0, "unit": "month", "text": "当初予定どおり"}


def test_the_stated_date_inputs_are_labelled_in_the_language_of_the_request():
    from candidates.forms import MilestoneUpdateForm

    with translation.override("en"):
        label = str(MilestoneUpdateForm().fields["planned_date"].label)
    assert label == "Current plan: date (when the precision is a day)"
    with translation.override("ja"):
        assert str(MilestoneUpdateForm().fields["planned_precision"].label) == "現在の予定日：精度"
