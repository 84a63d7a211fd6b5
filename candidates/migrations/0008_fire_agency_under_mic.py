"""消防庁 is a bureau (外局) of 総務省: a row recorded as a ministry of its own becomes
総務省 / 消防庁, so every page names it 総務省消防庁.

The row is renamed in place, keeping its id (candidates, users and report scopes point at it).
Where both rows exist, the references move to 総務省 / 消防庁 and the stand-alone row goes.
"""

from django.db import migrations

MINISTRY, BUREAU = "総務省", "消防庁"


def fire_agency_under_mic(apps, schema_editor):
    Ministry = apps.get_model("candidates", "Ministry")
    Candidate = apps.get_model("candidates", "Candidate")
    CouncilReport = apps.get_model("candidates", "CouncilReport")
    User = apps.get_model("core", "User")
    for old in Ministry.objects.filter(name=BUREAU, bureau=""):
        target = Ministry.objects.filter(name=MINISTRY, bureau=BUREAU).first()
        if target is None:
            old.name, old.bureau = MINISTRY, BUREAU
            old.save()  # save(), not update(): its search_text follows the new name
            continue
        Candidate.objects.filter(lead_ministry=old).update(lead_ministry=target)
        through = Candidate.co_ministries.through
        for link in through.objects.filter(ministry=old):
            if through.objects.filter(candidate_id=link.candidate_id, ministry=target).exists():
                link.delete()
            else:
                link.ministry = target
                link.save()
        User.objects.filter(ministry=old).update(ministry=target)
        for report in CouncilReport.objects.all():
            if old.pk in report.ministry_ids:
                report.ministry_ids = sorted(
                    {target.pk if pk == old.pk else pk for pk in report.ministry_ids}
                )
                report.save(update_fields=["ministry_ids"])
        old.delete()


def fire_agency_on_its_own(apps, schema_editor):
    Ministry = apps.get_model("candidates", "Ministry")
    for row in Ministry.objects.filter(name=MINISTRY, bureau=BUREAU):
        if not Ministry.objects.filter(name=BUREAU, bureau="").exists():
            row.name, row.bureau = BUREAU, ""
            row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0007_labels_as_officials_use"),
        ("core", "0003_user_ministry"),
    ]

    operations = [migrations.RunPython(fire_agency_under_mic, fire_agency_on_its_own)]
