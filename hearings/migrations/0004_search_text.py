"""A folded copy of the searched text on each searchable row (core/text_search.py), and on
PostgreSQL the trigram indexes moved from UPPER(column) (migration 0002) to those copies."""

import importlib

from django.db import migrations

import core.text_search

OLD = importlib.import_module("hearings.migrations.0002_trigram_indexes")
INDEXES = [
    ("hearings_entry_search_trgm", "hearings_minutesentry"),
    ("hearings_agenda_search_trgm", "hearings_agendaitem"),
    ("hearings_meeting_search_trgm", "hearings_meeting"),
    ("hearings_attendee_search_trgm", "hearings_attendee"),
    ("candidates_search_trgm", "candidates_candidate"),
]


def search_indexes_create(schema_editor) -> None:
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def search_indexes_drop(schema_editor) -> None:
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        OLD.drop(apps, schema_editor)
        search_indexes_create(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search_indexes_drop(schema_editor)
        OLD.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0003_speaking_municipalities_text_digest"),
        ("candidates", "0006_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="search_text",
            field=core.text_search.SearchTextField(sources=["title", "explanation", "outcome"], indexed=True),
        ),
        migrations.AddField(
            model_name="attendee",
            name="search_text",
            field=core.text_search.SearchTextField(
                sources=["organisation", "title", "name", "proxy_unit", "proxy_title", "proxy_name"],
                indexed=True,
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="search_text",
            field=core.text_search.SearchTextField(sources=["title"], indexed=True),
        ),
        migrations.AddField(
            model_name="minutesentry",
            name="search_text",
            field=core.text_search.SearchTextField(sources=["text"], indexed=True),
        ),
        core.text_search.refresh_operation(
            "hearings", "meeting", "attendee", "agendaitem", "minutesentry"
        ),
        migrations.RunPython(forwards, backwards),
    ]
