"""Trigram GIN indexes for Japanese substring search, on PostgreSQL only.

Search uses `icontains` (UPPER(col) LIKE UPPER('%q%')), so the indexes are on UPPER(col).
pg_trgm sees Japanese characters only in a database with a UTF-8 LC_CTYPE (see .ci/run and
docker-compose.yml). SQLite has no such index; search there scans, which is correct.
"""

from django.db import migrations

INDEXES = [
    ("hearings_entry_text_trgm", "hearings_minutesentry", "text"),
    ("hearings_agenda_title_trgm", "hearings_agendaitem", "title"),
    ("hearings_agenda_expl_trgm", "hearings_agendaitem", "explanation"),
    ("hearings_agenda_outcome_trgm", "hearings_agendaitem", "outcome"),
    ("hearings_meeting_title_trgm", "hearings_meeting", "title"),
    ("candidates_name_trgm", "candidates_candidate", "name"),
    ("candidates_summary_trgm", "candidates_candidate", "summary"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("hearings", "0001_initial"), ("candidates", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
