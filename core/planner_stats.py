"""Fresh planner statistics after writes that change a table's size at once.

PostgreSQL chooses between an index and a scan from the statistics ANALYZE collects. After a
restore (pg_restore copies no statistics) or a bulk import, and until autovacuum runs
(a minute at the earliest, longer on a busy server), the planner guesses, and a guess can
send the search down a plan ten times slower (issue 21, docs/benchmarks.md). Whatever adds
many rows at once therefore analyses the tables it touched. SQLite's planner uses its
sqlite_stat1 table, filled by the same statement.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db import connection as default_connection
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


# What index_plans() sets. Parallel workers too are switched off: with no statistics the
# planner took a 38-meeting read for 20,000 rows and started two workers for it, which cost
# 20 ms before the first row of a 5 ms query (issue 21). And JIT compilation: a plan that has
# to use a switched-off scan carries its penalty in its cost, far above jit_above_cost, and
# PostgreSQL spent 390 ms compiling a 30 ms query.
INDEX_PLAN_SETTINGS = {
    "enable_seqscan": "off",
    "enable_indexscan": "off",
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
}


@contextlib.contextmanager
def index_plans(using: str | None = None) -> Iterator[None]:
    """Inside: PostgreSQL reads tables through bitmap index scans wherever an index applies.

    The search's conditions are served by GIN indexes, read through bitmap scans. From its
    statistics alone the planner sometimes preferred a sequential scan, or walking the
    meetings' date index and filtering every entry row by row, hoping to meet 200 matches
    early; which it chose changed with the rows ANALYZE happened to sample, for a 3× to 10×
    difference (issue 21). Switching off sequential and plain index scans for these queries
    leaves the GIN path whatever the statistics say, and parallel workers are not started for
    these small reads (the settings only add a cost, so a table
    with no usable index is still read). The previous values come back on the way out, also
    inside an outer transaction.
    """
    connection = connections[using or DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    # The settings last until the transaction ends (set_config's is_local). When the search
    # opens that transaction, its end restores them; inside an outer one, they are set back
    # by hand. One statement reads and sets them (OFFSET 0 keeps the subquery, which reads
    # them, from being folded into the query that sets them), and no savepoint is taken: a
    # failing statement aborts a PostgreSQL transaction anyway.
    outer = connection.in_atomic_block
    atomic = transaction.atomic(using=connection.alias, savepoint=False)
    names = list(INDEX_PLAN_SETTINGS)
    read = ", ".join(f"current_setting(%s) AS s{i}" for i in range(len(names)))
    before_columns = ", ".join(f"before.s{i}" for i in range(len(names)))
    set_each = ", ".join(["set_config(%s, %s, true)"] * len(names))
    with atomic, connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {before_columns}, {set_each} FROM (SELECT {read} OFFSET 0) AS before",  # noqa: S608 - placeholders only
            [*(v for name in names for v in (name, INDEX_PLAN_SETTINGS[name])), *names],
        )
        before = cursor.fetchone()[: len(names)]
        yield
        if outer:
            cursor.execute(
                f"SELECT {set_each}",
                [v for name, value in zip(names, before, strict=True) for v in (name, value)],
            )
