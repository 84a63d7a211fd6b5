"""Send a block of ORM code to another database alias (the SQLite reference copy).

    with using_database("sqlite_ref"):
        search(query="介護")

Only bench/settings.py installs the router, and only when a reference copy is configured.
"""

from __future__ import annotations

import contextlib
import contextvars

_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("bench_alias", default=None)


@contextlib.contextmanager
def using_database(alias: str):
    token = _alias.set(alias)
    try:
        yield
    finally:
        _alias.reset(token)


class SwitchRouter:
    def db_for_read(self, model, **hints):
        return _alias.get()

    def db_for_write(self, model, **hints):
        return _alias.get()

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return True
