"""Several municipalities may speak for an association at one hearing (静岡県浜松市、長野県松本市):
the one speaking municipality becomes a set, keeping each meeting's. The minutes get the digest
of their text, by which an import of the same minutes again is recognised."""

from django.db import migrations, models

from hearings.minutes_normalise import text_digest


def copy_forward(apps, schema_editor):
    Meeting = apps.get_model("hearings", "Meeting")
    Minutes = apps.get_model("hearings", "Minutes")
    for meeting in Meeting.objects.exclude(speaking_municipality=None).iterator():
        meeting.speaking_municipalities.add(meeting.speaking_municipality_id)
    for minutes in Minutes.objects.exclude(raw_text="").iterator():
        minutes.text_digest = text_digest(minutes.raw_text)
        minutes.save(update_fields=["text_digest"])


def copy_back(apps, schema_editor):
    Meeting = apps.get_model("hearings", "Meeting")
    for meeting in Meeting.objects.prefetch_related("speaking_municipalities").iterator(100):
        first = meeting.speaking_municipalities.order_by("code").first()
        if first is not None:
            meeting.speaking_municipality = first
            meeting.save(update_fields=["speaking_municipality"])


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0002_trigram_indexes"),
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="speaking_municipalities",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                to="municipalities.localgovernment",
                verbose_name="説明した地方公共団体",
            ),
        ),
        migrations.AddField(
            model_name="minutes",
            name="text_digest",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.RunPython(copy_forward, copy_back),
        migrations.RemoveField(model_name="meeting", name="speaking_municipality"),
    ]
