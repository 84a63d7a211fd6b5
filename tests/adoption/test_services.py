"""Adoption rows: the rules every answer meets, the history of every change, the counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from adoption import selectors, services
from adoption.models import Adoption, AdoptionChange, ChangeField, Procurement, Status
from core.concurrency import ConcurrentEditError

V = services.AdoptionValues


def save(user, candidate, body, version=None, change_reason="", added_value="", **values):
    return services.adoption_update(
        user=user,
        candidate=candidate,
        local_government=body,
        version=version,
        values=V(**values),
        change_reason=change_reason,
        added_value=added_value,
    )


def test_an_answer_is_saved_with_a_change_record_per_field(secretariat, candidate, kure):
    row = save(
        secretariat,
        candidate,
        kure,
        version=0,
        status=Status.PLANNED,
        planned_start_fiscal_year=2027,
        planned_start_month=10,
        renewal_fiscal_year=2027,
        procurement=Procurement.SOLE,
    )
    assert row.version == 1 and row.updated_by == secretariat
    changes = {c.field: c for c in row.changes.all()}
    assert set(changes) == {
        ChangeField.STATUS,
        ChangeField.PLANNED_START,
        ChangeField.RENEWAL,
        ChangeField.PROCUREMENT,
    }
    assert changes[ChangeField.STATUS].old_display == "未回答"
    assert changes[ChangeField.STATUS].new_display == "利用予定"
    assert changes[ChangeField.PLANNED_START].new_display == "令和9年度 10月"
    assert changes[ChangeField.STATUS].changed_by == secretariat


def test_saving_the_same_answer_again_records_nothing(secretariat, candidate, kure):
    row = save(secretariat, candidate, kure, status=Status.CONSIDERING)
    again = save(secretariat, candidate, kure, version=row.version, status=Status.CONSIDERING)
    assert again.version == row.version
    assert AdoptionChange.objects.count() == 1


def test_will_not_use_needs_a_reason(secretariat, candidate, kure):
    with pytest.raises(ValidationError) as error:
        save(secretariat, candidate, kure, status=Status.DECLINED)
    assert "reason" in error.value.message_dict
    assert not Adoption.objects.exists()
    row = save(
        secretariat, candidate, kure, status=Status.DECLINED, reason="独自システムを更新済み"
    )
    assert row.status == Status.DECLINED


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"status": Status.DECLINED}, None),  # 利用しない without a reason
        ({"planned_start_fiscal_year": 2041}, None),  # a start year out of range
        ({}, {}),  # a second row for the same candidate and body
    ],
    ids=["declined without a reason", "start year out of range", "two rows for one body"],
)
def test_the_database_refuses_what_the_service_refuses(candidate, kure, first, second):
    """The rules hold for writes that bypass the service (admin, shell, a future import)."""
    rows = [first] if second is None else [first, second]
    with pytest.raises(IntegrityError), transaction.atomic():
        for values in rows:
            Adoption.objects.create(candidate=candidate, local_government=kure, **values)
    assert not Adoption.objects.exists()


def test_a_designated_city_ward_is_refused_and_told_which_city_answers(
    secretariat, candidate, sapporo_chuo
):
    with pytest.raises(ValidationError) as error:
        save(secretariat, candidate, sapporo_chuo, status=Status.PLANNED)
    assert "北海道札幌市" in error.value.message_dict["local_government"][0]
    assert not Adoption.objects.exists()


def test_moving_the_planned_start_later_needs_a_reason(secretariat, candidate, kure):
    row = save(secretariat, candidate, kure, status=Status.PLANNED, planned_start_fiscal_year=2027)
    with pytest.raises(ValidationError) as error:
        save(
            secretariat,
            candidate,
            kure,
            version=row.version,
            status=Status.PLANNED,
            planned_start_fiscal_year=2028,
        )
    assert "change_reason" in error.value.message_dict
    row.refresh_from_db()
    assert row.planned_start_fiscal_year == 2027
    save(
        secretariat,
        candidate,
        kure,
        version=row.version,
        status=Status.PLANNED,
        planned_start_fiscal_year=2028,
        change_reason="現行システムの契約を1年延長したため",
        added_value="標準準拠版での移行になる",
    )
    change = AdoptionChange.objects.get(field=ChangeField.PLANNED_START, old_value="2027")
    assert (change.new_value, change.reason, change.added_value) == (
        "2028",
        "現行システムの契約を1年延長したため",
        "標準準拠版での移行になる",
    )


def test_moving_the_planned_start_later_with_matching_added_value_alone_is_accepted(
    secretariat, candidate, kure
):
    """The WT asked for a reason or matching added value (core/slips.py): either will do."""
    row = save(secretariat, candidate, kure, status=Status.PLANNED, planned_start_fiscal_year=2027)
    save(
        secretariat,
        candidate,
        kure,
        version=row.version,
        status=Status.PLANNED,
        planned_start_fiscal_year=2028,
        added_value="標準準拠版での移行になる",
    )
    change = AdoptionChange.objects.get(field=ChangeField.PLANNED_START, old_value="2027")
    assert (change.new_value, change.reason, change.added_value) == (
        "2028",
        "",
        "標準準拠版での移行になる",
    )


def test_a_later_month_in_the_same_fiscal_year_is_later_but_january_follows_october(
    secretariat, candidate, kure
):
    row = save(
        secretariat,
        candidate,
        kure,
        status=Status.PLANNED,
        planned_start_fiscal_year=2027,
        planned_start_month=10,
    )
    # January 2028 is in fiscal 2027 after October: later, so refused without a reason.
    with pytest.raises(ValidationError):
        save(
            secretariat,
            candidate,
            kure,
            version=row.version,
            status=Status.PLANNED,
            planned_start_fiscal_year=2027,
            planned_start_month=1,
        )
    # April is earlier in the same fiscal year: no reason needed.
    save(
        secretariat,
        candidate,
        kure,
        version=row.version,
        status=Status.PLANNED,
        planned_start_fiscal_year=2027,
        planned_start_month=4,
    )


def test_a_stale_edit_is_refused(secretariat, candidate, kure):
    row = save(secretariat, candidate, kure, status=Status.CONSIDERING)
    save(secretariat, candidate, kure, version=row.version, status=Status.PLANNED)
    with pytest.raises(ConcurrentEditError):
        save(secretariat, candidate, kure, version=row.version, status=Status.IN_USE)
    assert Adoption.objects.get().status == Status.PLANNED


def test_a_wt_member_cannot_edit_and_nothing_changes(wt_member, candidate, kure):
    with pytest.raises(PermissionDenied):
        save(wt_member, candidate, kure, status=Status.PLANNED)
    assert not Adoption.objects.exists() and not AdoptionChange.objects.exists()


def test_a_group_name_is_kept_only_for_other_joint_procurement(secretariat, candidate, kure):
    row = save(
        secretariat,
        candidate,
        kure,
        status=Status.PLANNED,
        procurement=Procurement.SOLE,
        procurement_group="広島広域",
    )
    assert row.procurement_group == ""
    row = save(
        secretariat,
        candidate,
        kure,
        version=row.version,
        status=Status.PLANNED,
        procurement=Procurement.OTHER_JOINT,
        procurement_group="広島広域",
    )
    assert row.procurement_display == "その他の共同調達（広島広域）"


def test_counts_per_status_cover_every_adopter_in_one_grouped_query(
    secretariat, candidate, kure, hiroshima_pref, django_assert_num_queries
):
    save(secretariat, candidate, kure, status=Status.PLANNED)
    save(secretariat, candidate, hiroshima_pref, status=Status.CONSIDERING)
    with django_assert_num_queries(2):
        counts = selectors.status_counts(candidate=candidate)
    assert counts[Status.PLANNED] == 1 and counts[Status.CONSIDERING] == 1
    assert counts[Status.NO_ANSWER] == 1788 - 2
    assert sum(counts.values()) == 1788
    assert selectors.committed_count(counts) == 1


def test_counts_for_many_candidates_do_not_grow_with_candidates(
    secretariat, make_candidate, kure, django_assert_num_queries
):
    candidates = [make_candidate(name=f"候補{i}") for i in range(3)]
    for c in candidates:
        save(secretariat, c, kure, status=Status.IN_USE)
    with django_assert_num_queries(2):
        counts = selectors.status_counts_by_candidate(candidate_ids=[c.pk for c in candidates])
    assert [counts[c.pk][Status.IN_USE] for c in candidates] == [1, 1, 1]


def test_bulk_answers_write_all_or_nothing(secretariat, candidate, kure, hiroshima_pref):
    answers = [
        services.BulkAnswer(kure, V(status=Status.PLANNED, planned_start_fiscal_year=2028)),
        services.BulkAnswer(hiroshima_pref, V(status=Status.DECLINED)),
    ]
    with pytest.raises(ValidationError) as error:
        services.adoptions_apply(user=secretariat, candidate=candidate, answers=answers)
    assert list(error.value.message_dict) == ["340006"]
    assert not Adoption.objects.exists()
    answers[1] = services.BulkAnswer(hiroshima_pref, V(status=Status.DECLINED, reason="不要"))
    assert services.adoptions_apply(user=secretariat, candidate=candidate, answers=answers) == 2
    assert AdoptionChange.objects.filter(field=ChangeField.STATUS).count() == 2
