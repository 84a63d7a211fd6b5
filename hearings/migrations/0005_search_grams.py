"""GIN indexes over search_grams(search_text) replace the trigram indexes of migration 0004.

pg_trgm cannot serve a word shorter than three characters (介護, 戸籍, the commonest length of
a Japanese word), and read the whole table for them; the grams (characters and character
pairs, core migration 0005) serve every length: a word's pairs (or its one character) must
all be in a row's grams, and the row's text must then contain the word (no false hits).
Measured against the trigram indexes in docs/benchmarks.md. The index column gets no
statistics: the search plans through these indexes whatever the statistics say
(core/planner_stats.py), and computing them would make every ANALYZE evaluate the expression
on 30,000 sampled rows.
"""

import importlib

from django.db import migrations

TRIGRAM = importlib.import_module("hearings.migrations.0004_search_text")
INDEXES = [
    ("hearings_entry_search_grams", "hearings_minutesentry"),
    ("hearings_agenda_search_grams", "hearings_agendaitem"),
    ("hearings_meeting_search_grams", "hearings_meeting"),
    ("hearings_attendee_search_grams", "hearings_attendee"),
    ("candidates_search_grams", "candidates_candidate"),
]


def search_indexes_create(schema_editor) -> None:
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_grams(search_text))"
        )
        schema_editor.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS 0")


def search_indexes_drop(schema_editor) -> None:
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        TRIGRAM.search_indexes_drop(schema_editor)
        search_indexes_create(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search_indexes_drop(schema_editor)
        TRIGRAM.search_indexes_create(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("hearings", "0004_search_text"), ("core", "0005_search_grams")]
    operations = [migrations.RunPython(forwards, backwards)]
