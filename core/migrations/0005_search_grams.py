"""search_grams(text): the characters and two-character pieces of a text, for a GIN index
that serves substring search of any length (PostgreSQL only; core/text_search.py).

Built from PostgreSQL's own functions (string_to_array, regexp_replace), as pg_bigm does
with its bigrams: the pieces at even and at odd offsets are two non-overlapping splits.
One SQL expression with no FROM, so PostgreSQL inlines it: measured 4x cheaper per row than
a set-returning SQL function over generate_series (docs/benchmarks.md).
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION search_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_to_array(value, NULL)
      || string_to_array(regexp_replace(value, '(..)', '\1 ', 'g'), ' ')
      || string_to_array(regexp_replace(substr(value, 2), '(..)', '\1 ', 'g'), ' ')
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS search_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_event")]
    operations = [migrations.RunPython(create, drop)]
