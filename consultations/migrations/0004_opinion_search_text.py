"""A folded copy of each opinion's section and text (core/text_search.py) and, on PostgreSQL,
a GIN index over its characters and character pairs, as the minutes have (hearings 0005): the
results page's words filter read all 50,000 texts of a large consultation (about 220 ms,
docs/benchmarks.md). The index column gets no statistics, as there."""

from django.db import migrations

import core.text_search

INDEX = "consultations_opinion_search_grams"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON consultations_opinion "
            "USING gin (search_grams(search_text))"
        )
        schema_editor.execute(f"ALTER INDEX {INDEX} ALTER COLUMN 1 SET STATISTICS 0")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_opinion_results_order"),
        ("core", "0005_search_grams"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="search_text",
            field=core.text_search.SearchTextField(sources=["section", "text"], indexed=True),
        ),
        core.text_search.refresh_operation("consultations", "opinion"),
        migrations.RunPython(forwards, backwards),
    ]
