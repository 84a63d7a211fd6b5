"""Fresh planner statistics after writes that change a table's size at once.

PostgreSQL chooses between an index and a scan from the statistics ANALYZE collects. After a
restore (pg_restore copies no statistics) or a bulk import, and until autovacuum runs
(a minute at the earliest, longer on a busy server), the planner guesses, and a guess can
send the search down a plan ten times slower (issue 21, docs/benchmarks.md). Whatever adds
many rows at once therefore analyses the tables it touched. SQLite's planner uses its
sqlite_stat1 table, filled by the same statement.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# An import adding at least this many rows to a table analyses it: a few hundred rows can
# double a small table; fewer are within what autovacuum's next pass handles.
BULK_ROWS = 100


def analyze(
    *models_to_analyze: type[models.Model], connection: BaseDatabaseWrapper | None = None
) -> None:
    """ANALYZE the models' tables (every table when none is named)."""
    connection = connection or default_connection
    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for model in models_to_analyze]
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:  # SQLite analyses one table (or all) per statement
                cursor.execute(f"ANALYZE {table}")


def analyze_on_commit(*models_to_analyze: type[models.Model]) -> None:
    """ANALYZE the tables once the current transaction has committed (its rows then count)."""
    transaction.on_commit(lambda: analyze(*models_to_analyze), robust=True)
