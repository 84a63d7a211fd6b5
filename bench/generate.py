"""Generate the benchmark data set into the database of DATABASE_URL (started by bench/run.py).

    python bench/generate.py

On PostgreSQL the search indexes are dropped for the load and built again afterwards (one
build is much faster than 100,000 GIN updates), then the tables are analysed. Prints one line
of JSON: what was made and how long it took.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from bench import datagen

    indexes = importlib.import_module("hearings.migrations.0005_search_grams")
    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if postgres:
            with connection.schema_editor() as editor:
                indexes.search_indexes_drop(editor)
    with transaction.atomic():
        made = datagen.dataset()
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        if postgres:
            with connection.schema_editor() as editor:
                indexes.search_indexes_create(editor)
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    total = time.perf_counter() - started
    print(json.dumps({**made, "load_seconds": loaded, "seconds": total}))


if __name__ == "__main__":
    main()
