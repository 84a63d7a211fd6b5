"""消防庁 is a bureau of 総務省: in the master data, in rows recorded before, and on the pages."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from candidates.demo import demo_data_load
from candidates.models import Candidate, CouncilReport, Ministry
from core.demo import demo_accounts_ensure
from core.models import User
from tests.factories import CandidateFactory, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("candidates.migrations.0008_fire_agency_under_mic")


def test_a_fire_agency_recorded_as_a_ministry_becomes_a_bureau_of_mic_keeping_its_id():
    fire = Ministry.objects.create(name="消防庁", name_en="FDMA")
    candidate = CandidateFactory.create(lead_ministry=fire)
    migration.fire_agency_under_mic(apps, None)
    fire.refresh_from_db()
    assert (fire.name, fire.bureau, str(fire)) == ("総務省", "消防庁", "総務省消防庁")
    assert fire.search_text == fire._meta.get_field("search_text").value_for(fire)
    assert Candidate.objects.get(pk=candidate.pk).lead_ministry == fire


def test_where_both_rows_exist_the_references_move_to_the_bureau_of_mic():
    old = Ministry.objects.create(name="消防庁")
    bureau = Ministry.objects.create(name="総務省", bureau="消防庁")
    led = CandidateFactory.create(lead_ministry=old)
    shared = CandidateFactory.create()
    shared.co_ministries.add(old, bureau)
    staff = UserFactory.create(ministry=old)
    report = CouncilReport.objects.create(as_of="2026-11-24", ministry_ids=[old.pk])
    migration.fire_agency_under_mic(apps, None)
    assert not Ministry.objects.filter(name="消防庁").exists()
    led.refresh_from_db()
    staff.refresh_from_db()
    report.refresh_from_db()
    assert led.lead_ministry == bureau and staff.ministry == bureau
    assert list(shared.co_ministries.all()) == [bureau]
    assert report.ministry_ids == [bureau.pk]


def test_the_demo_master_data_has_the_fire_agency_under_mic_on_every_page(client):
    demo_accounts_ensure()
    demo_data_load()
    assert not Ministry.objects.filter(name="消防庁").exists()
    fire = Ministry.objects.get(name="総務省", bureau="消防庁")
    assert Candidate.objects.get(name="消防指令システム").lead_ministry == fire
    client.force_login(User.objects.get(username="secretariat"))
    for url in (
        reverse("candidates:list"),
        reverse("candidates:dashboard"),
        Candidate.objects.get(name="消防指令システム").get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert "総務省消防庁" in page, url
        assert page.count("消防庁") == page.count("総務省消防庁"), url
