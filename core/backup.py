"""Backup and restore of the database: what a backup's manifest records, and the copying itself.

`backup_database` and `restore_database` (docs/backup.md) and the tests use these functions.
A manifest records, for one dump, the database's encoding and locale, the latest applied
migration of each app, the row count of every table and a checksum of each key table; after a
restore the same figures are computed on the restored database and compared.

Checksums are deterministic for the same rows, whatever the physical order of the table:

- PostgreSQL: each row is cast to text (`t::text`, its columns in table order, in a session
  with TimeZone UTC and DateStyle ISO, so timestamps print the same way everywhere) and hashed
  with SHA-256; the hex digests, in primary-key order and joined with newlines, are hashed again
  with SHA-256. All of it runs in SQL, so no row leaves the server.
- SQLite: the same in Python, with each row written as compact JSON instead of `t::text`.

The two methods give different values for the same data: a checksum is only ever compared with
one computed by the same method (the manifest names it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.creation import DatabaseCreation
from django.db.utils import ConnectionHandler
from django.utils import timezone

MANIFEST_FORMAT = "kyotsuka-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
KEY_TABLES = (
    "candidates_candidate",
    "candidates_milestone",
    "candidates_milestonechange",
    "candidates_lifecycletransition",
    "hearings_meeting",
    "hearings_minutesentry",
    "municipalities_localgovernment",
    "core_auditevent",
    "core_user",
)
CHECKSUM_METHODS = {
    "postgresql": "sha256 of the newline-joined sha256(row::text) in primary-key order, in SQL",
    "sqlite": "sha256 of the newline-joined sha256(row as compact JSON) in primary-key order",
}
# Session settings that decide how a row prints as text (PostgreSQL); the values Django uses.
PG_TEXT_SETTINGS = {"TimeZone": "UTC", "DateStyle": "ISO", "IntervalStyle": "postgres"}
# libpq reads these from the environment; Django passes them as connection OPTIONS.
LIBPQ_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
SQLITE_LOCK_TIMEOUT_SECONDS = 60


class BackupError(Exception):
    """A backup or restore step failed; the message is for the operator (Japanese / English)."""


# --- connections -------------------------------------------------------------------------


@contextmanager
def database_connection(url: str | None = None) -> Iterator[BaseDatabaseWrapper]:
    """The configured database, or a separate connection to the one at `url`, closed after."""
    if not url:
        yield connections[DEFAULT_DB_ALIAS]
        return
    with _separate_connection(dj_database_url.parse(url)) as connection:
        yield connection


@contextmanager
def sqlite_file_connection(path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A separate connection to the SQLite database in `path`, closed after."""
    with _separate_connection({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}) as c:
        yield c


@contextmanager
def _separate_connection(settings_dict: Mapping[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    # A handler of its own: the connection is nobody else's, and closing it closes nothing else.
    # Only raw SQL and introspection use it: the ORM and transaction.atomic() look connections
    # up by alias in django.db.connections, which does not hold this one.
    handler = ConnectionHandler({DEFAULT_DB_ALIAS: settings_dict})
    try:
        yield handler[DEFAULT_DB_ALIAS]
    finally:
        handler.close_all()


def database_label(connection: BaseDatabaseWrapper) -> str:
    """Where the database is, for messages (never the password)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"{db['NAME']} ({db.get('HOST') or 'local socket'}:{db.get('PORT') or 5432})"
    return str(db["NAME"])


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


# --- what a manifest records ---------------------------------------------------------------


def table_names(connection: BaseDatabaseWrapper | None = None) -> list[str]:
    """The project's tables present in the database (every model's, and django_migrations)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    tables = set(connection.introspection.django_table_names(only_existing=True))
    if "django_migrations" in connection.introspection.table_names():
        tables.add("django_migrations")
    return sorted(tables)


def table_counts(connection: BaseDatabaseWrapper | None = None) -> dict[str, int]:
    """Rows per project table."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    counts = {}
    with connection.cursor() as cursor:
        for table in table_names(connection):
            cursor.execute(f"SELECT count(*) FROM {_quote(connection, table)}")  # noqa: S608 - introspected name, quoted
            counts[table] = cursor.fetchone()[0]
    return counts


def table_checksums(
    connection: BaseDatabaseWrapper | None = None, tables: tuple[str, ...] = KEY_TABLES
) -> dict[str, str]:
    """SHA-256 (hex) of each of `tables` that exists, by the method in the module docstring."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in CHECKSUM_METHODS:
        raise BackupError(f"unsupported database: {connection.vendor}")
    present = set(table_names(connection))
    checksums = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's own values; inside a transaction (a test, the backup's snapshot) SET
            # LOCAL leaves the session as it was afterwards.
            scope = "LOCAL " if not connection.get_autocommit() else ""
            for name, value in PG_TEXT_SETTINGS.items():
                cursor.execute(f"SET {scope}{name} TO '{value}'")
        for table in tables:
            if table not in present:
                continue
            pk_columns = connection.introspection.get_primary_key_columns(cursor, table) or []
            if connection.vendor == "postgresql":
                checksums[table] = _pg_checksum(cursor, connection, table, pk_columns)
            else:
                checksums[table] = _python_checksum(cursor, connection, table, pk_columns)
    return checksums


def _pg_checksum(cursor, connection, table: str, pk_columns: list[str]) -> str:
    order = ", ".join(f"t.{_quote(connection, column)}" for column in pk_columns) or "t::text"
    cursor.execute(
        "SELECT encode(sha256(convert_to(coalesce(string_agg("  # noqa: S608 - introspected names, quoted
        f"encode(sha256(convert_to(t::text, 'UTF8')), 'hex'), E'\\n' ORDER BY {order}), ''), "
        f"'UTF8')), 'hex') FROM {_quote(connection, table)} AS t"
    )
    return cursor.fetchone()[0]


def _python_checksum(cursor, connection, table: str, pk_columns: list[str]) -> str:
    order = ", ".join(_quote(connection, column) for column in pk_columns) or "rowid"
    cursor.execute(f"SELECT * FROM {_quote(connection, table)} ORDER BY {order}")  # noqa: S608 - introspected names, quoted
    digests = [
        hashlib.sha256(
            json.dumps(
                list(row), ensure_ascii=False, separators=(",", ":"), default=_json_value
            ).encode()
        ).hexdigest()
        for row in cursor
    ]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _json_value(value) -> str:
    return value.hex() if isinstance(value, bytes | memoryview) else str(value)


def database_locale(connection: BaseDatabaseWrapper | None = None) -> dict[str, str | None]:
    """Encoding, LC_COLLATE and LC_CTYPE (PostgreSQL; pg_trgm needs a UTF-8 LC_CTYPE to see
    Japanese characters). SQLite has only an encoding."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
                "WHERE datname = current_database()"
            )
            encoding, collate, ctype = cursor.fetchone()
            return {"encoding": encoding, "lc_collate": collate, "lc_ctype": ctype}
        cursor.execute("PRAGMA encoding")
        return {"encoding": cursor.fetchone()[0], "lc_collate": None, "lc_ctype": None}


def migration_state(connection: BaseDatabaseWrapper | None = None) -> dict[str, str]:
    """The latest applied migration of each app, in the order they were applied."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if "django_migrations" not in table_names(connection):
        return {}
    latest: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            latest[app] = name
    return dict(sorted(latest.items()))


def database_summary(connection: BaseDatabaseWrapper | None = None) -> dict:
    """Everything a manifest records about the database itself."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    return {
        "vendor": connection.vendor,
        "database": database_locale(connection),
        "migrations": migration_state(connection),
        "counts": table_counts(connection),
        "checksum_method": CHECKSUM_METHODS.get(connection.vendor, ""),
        "checksums": table_checksums(connection),
    }


def summary_differences(expected: dict, actual: dict) -> list[str]:
    """What differs between a manifest and a restored database's summary, one line each."""
    differences = []
    for section in ("migrations", "counts", "checksums"):
        wanted, found = expected.get(section, {}), actual.get(section, {})
        for key in sorted(set(wanted) | set(found)):
            if wanted.get(key) != found.get(key):
                differences.append(
                    f"{section}[{key}]: backup {wanted.get(key, '-')}, restored {found.get(key, '-')}"
                )
    return differences


# --- manifest files ------------------------------------------------------------------------


def manifest_path(dump: Path) -> Path:
    return Path(str(dump) + MANIFEST_SUFFIX)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_write(dump: Path, summary: dict) -> Path:
    """Write the manifest of `dump` beside it (through a temporary file: never half-written)."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": timezone.now().isoformat(),
        "dump_file": dump.name,
        "dump_sha256": file_sha256(dump),
        "dump_size": dump.stat().st_size,
        **summary,
    }
    path = manifest_path(dump)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def manifest_read(dump: Path) -> dict | None:
    """The manifest beside `dump`, or None if there is none."""
    path = manifest_path(dump)
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(
            f"マニフェストを読めません / The manifest cannot be read: {path}: {exc}"
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"マニフェストの形式が違います / Not a kyotsuka backup manifest: {path}")
    return manifest


# --- PostgreSQL: pg_dump and pg_restore ---------------------------------------------------


@contextmanager
def pg_exported_snapshot(connection: BaseDatabaseWrapper) -> Iterator[str]:
    """Hold a read-only REPEATABLE READ transaction and yield its exported snapshot: pg_dump
    --snapshot then dumps exactly the rows the manifest counts, whatever is written meanwhile."""
    if connection.in_atomic_block:
        raise BackupError(
            "トランザクションの中ではバックアップできません / Cannot back up inside a transaction."
        )
    connection.ensure_connection()
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor.fetchone()[0]
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def _pg_client(program: str, settings_dict: dict, arguments: list[str]) -> str:
    """Run pg_dump or pg_restore against the database of `settings_dict`; return its stderr.

    Host, port, user and database go on the command line; the password only in PGPASSWORD,
    since a command line is visible to every user of the machine.
    """
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} が見つかりません。PostgreSQL クライアント（サーバーと同じか新しい版）を"
            f"インストールしてください。/ {program} not found: install the PostgreSQL client "
            "tools (the server's major version or newer)."
        )
    connection_args = []
    if settings_dict.get("HOST"):
        connection_args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        connection_args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        connection_args += ["--username", str(settings_dict["USER"])]
    connection_args += ["--dbname", str(settings_dict["NAME"]), "--no-password"]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in LIBPQ_OPTION_ENV.items():
        if option in settings_dict.get("OPTIONS", {}):
            env[variable] = str(settings_dict["OPTIONS"][option])
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings, no shell
        [executable, *connection_args, *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"{program} が失敗しました（終了コード {result.returncode}）/ "
            f"{program} failed (exit code {result.returncode}):\n{result.stderr.strip()}"
        )
    return result.stderr.strip()


def pg_dump(settings_dict: dict, output: Path, *, snapshot: str | None = None) -> str:
    """Dump the database in pg_dump's custom format, without owners or grants."""
    arguments = ["--format=custom", "--no-owner", "--no-privileges", "--file", str(output)]
    if snapshot:
        arguments += ["--snapshot", snapshot]
    return _pg_client("pg_dump", settings_dict, arguments)


def pg_restore(settings_dict: dict, dump: Path) -> str:
    """Replace the database's objects with the dump's, all or nothing (one transaction)."""
    arguments = [
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(dump),
    ]
    return _pg_client("pg_restore", settings_dict, arguments)


# --- SQLite: the online backup API --------------------------------------------------------


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another with SQLite's backup API: a consistent copy even
    while the application writes, where a file copy could catch a half-written page."""
    if not source.exists():
        raise BackupError(f"データベースがありません / No database file: {source}")
    deadline = time.monotonic() + SQLITE_LOCK_TIMEOUT_SECONDS

    def give_up_when_locked_too_long(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(
                "データベースがロックされたままです。アプリケーションを停止してください。/ "
                f"The database stayed locked for {SQLITE_LOCK_TIMEOUT_SECONDS} s: stop the "
                "application and try again."
            )

    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer, pages=1024, progress=give_up_when_locked_too_long)
        finally:
            writer.close()
    finally:
        reader.close()


def sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    """The file of a SQLite database (an in-memory one has none to copy)."""
    if DatabaseCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        raise BackupError(
            "メモリ上のデータベースはバックアップできません / An in-memory database has no file "
            "to back up or restore."
        )
    return Path(connection.settings_dict["NAME"])
