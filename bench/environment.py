"""Where the benchmarks run: their own PostgreSQL database, scratch folder and environment.

The database is `kyotsuka_bench` (UTF-8, C.UTF-8 locale so pg_trgm indexes Japanese, with the
pg_trgm extension) on the PostgreSQL server of KYOTSUKA_BENCH_PG (default
postgres://postgres@127.0.0.1:5432). Only names starting with `kyotsuka_bench` are accepted,
so the development database (var/) and the CI databases are never touched. Nothing here
imports Django: the parent process only prepares and starts the benchmark processes.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER_URL = os.environ.get("KYOTSUKA_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("KYOTSUKA_BENCH_DB", "kyotsuka_bench")
WORKDIR = Path(os.environ.get("KYOTSUKA_BENCH_DIR", Path(tempfile.gettempdir()) / "kyotsuka-bench"))
RESULTS = WORKDIR / "results"
MARKER_TABLE = "bench_dataset"

if not DB_NAME.startswith("kyotsuka_bench"):
    sys.exit(f"refusing to use database {DB_NAME!r}: benchmark databases are kyotsuka_bench*")


def database_url(name: str = DB_NAME) -> str:
    return f"{SERVER_URL}/{name}"


def sqlite_reference(key: str) -> Path:
    return WORKDIR / f"reference-{hashlib.sha256(key.encode()).hexdigest()[:10]}.sqlite3"


def django_env(**extra: str) -> dict[str, str]:
    """Production-like settings: DEBUG off, a secret key, persistent connections, no broker."""
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DATABASE_URL"):
        env.pop(name, None)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    key_file = WORKDIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=key_file.read_text(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_STATIC_ROOT=str(WORKDIR / "static"),
        DJANGO_MEDIA_ROOT=str(WORKDIR / "media"),
        KYOTSUKA_VAR_DIR=str(WORKDIR / "var"),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str] | None = None, quiet: bool = False) -> str:
    """Run a command in the project folder; stop the benchmark if it fails."""
    done = subprocess.run(
        args, cwd=ROOT, env=env or django_env(), capture_output=quiet, text=True, check=False
    )
    if done.returncode:
        sys.exit(
            f"failed: {' '.join(args)}\n{done.stdout or ''}{done.stderr or ''}"
            if quiet
            else f"failed: {' '.join(args)}"
        )
    return done.stdout or ""


def manage(*args: str, env: dict[str, str] | None = None) -> str:
    return run([PYTHON, "manage.py", *args], env=env, quiet=True)


def _connect(name: str):
    import psycopg

    parts = urlsplit(SERVER_URL)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=name,
        autocommit=True,
    )


def dataset_marker() -> str | None:
    """The key of the data set in the benchmark database, None if there is none (or no DB)."""
    with _connect("postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            return None
    with _connect(DB_NAME) as conn:
        if not conn.execute("SELECT to_regclass(%s)", [MARKER_TABLE]).fetchone()[0]:
            return None
        row = conn.execute(f"SELECT key FROM {MARKER_TABLE}").fetchone()  # noqa: S608
        return row[0] if row else None


def database_prepare(*, key: str, fresh: bool = False) -> bool:
    """Create the database unless it holds this data set; True if data must be generated."""
    WORKDIR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    if not fresh and dataset_marker() == key:
        return False
    with _connect("postgres") as conn:
        # Anything else (no marker, another key, a half-made data set) starts from scratch.
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(
            f"CREATE DATABASE \"{DB_NAME}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    with _connect(DB_NAME) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return True


def marker_write(key: str, seconds: float) -> None:
    with _connect(DB_NAME) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(key text PRIMARY KEY, made_at timestamptz DEFAULT now(), seconds float)"
        )
        conn.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        conn.execute(
            f"INSERT INTO {MARKER_TABLE} (key, seconds) VALUES (%s, %s)",  # noqa: S608
            [key, seconds],
        )


def server_version() -> str:
    with _connect(DB_NAME) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]
