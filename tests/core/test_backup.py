"""Backup and restore: checksums that name the data, and the command pair (docs/backup.md).

The command tests run on SQLite files of their own, so they run whatever the suite's database
is. The PostgreSQL round trip needs rows that pg_dump, another process, can see: it is
transactional, makes its own data, and restores into a database it creates and drops itself.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from candidates.lifecycle import Stage
from candidates.models import (
    Candidate,
    DateField,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    MilestoneKind,
    Ministry,
)
from core import backup
from core.models import AuditEvent, AuditOutcome, User
from hearings.models import EntryKind, MeetingKind, MinutesEntry
from municipalities.models import LocalGovernment
from tests.factories import MeetingFactory, MinutesEntryFactory

# pytest-django blocks every connection outside a marked test, the separate ones to these
# tests' own databases included.
pytestmark = pytest.mark.django_db

SLIP_REMARK = "介護保険の後ろ倒しは、標準化の期限に間に合わない団体への配慮から。"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def read_manifest(dump: Path) -> dict:
    return json.loads(backup.manifest_path(dump).read_text(encoding="utf-8"))


def write_manifest(dump: Path, manifest: dict) -> None:
    backup.manifest_path(dump).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def restore(dump: Path, target: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "restore_database", str(dump), "--database-url", sqlite_url(target), *extra, stdout=out
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def embedded_database(tmp_path_factory) -> Path:
    """A migrated SQLite file with the demo data, as `make run` leaves var/kyotsuka.sqlite3."""
    folder = tmp_path_factory.mktemp("embedded")
    path = folder / "kyotsuka.sqlite3"
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(
        DATABASE_URL=sqlite_url(path),
        DJANGO_DEBUG="1",
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        KYOTSUKA_VAR_DIR=str(folder),
    )
    for command in (["migrate", "--noinput"], ["setup_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def embedded_backup(embedded_database, tmp_path) -> Path:
    dump = tmp_path / "kyotsuka-backup.sqlite3"
    call_command(
        "backup_database",
        str(dump),
        "--database-url",
        sqlite_url(embedded_database),
        stdout=io.StringIO(),
    )
    return dump


@pytest.fixture
def existing_target(tmp_path) -> Path:
    """A database the refused restores must leave exactly as it was."""
    path = tmp_path / "target.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE kept (note TEXT)")
        db.execute("INSERT INTO kept VALUES ('復元前のデータ')")
    db.close()
    return path


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# --- checksums --------------------------------------------------------------------------


def test_checksums_are_the_same_for_the_same_rows_and_change_when_a_row_changes():
    meeting = MeetingFactory.create(
        kind=MeetingKind.HEARING, title="全国町村会ヒアリング", date=dt.date(2025, 10, 18)
    )
    first, _second = (
        MinutesEntryFactory.create(meeting=meeting, position=n, text=f"{n}: {SLIP_REMARK}")
        for n in (1, 2)
    )
    before = backup.table_checksums()
    assert set(before) == set(backup.KEY_TABLES)
    assert backup.table_checksums() == before

    MinutesEntry.objects.filter(pk=first.pk).update(text="介護保険の前倒し")
    changed = backup.table_checksums()
    assert changed["hearings_minutesentry"] != before["hearings_minutesentry"]
    assert {t: c for t, c in changed.items() if t != "hearings_minutesentry"} == {
        t: c for t, c in before.items() if t != "hearings_minutesentry"
    }

    # Back to the same rows: the same checksum, though PostgreSQL has moved the updated row
    # to the end of the table on disk (rows are taken in primary-key order).
    MinutesEntry.objects.filter(pk=first.pk).update(text=f"1: {SLIP_REMARK}")
    assert backup.table_checksums() == before
    assert backup.table_counts()["hearings_minutesentry"] == MinutesEntry.objects.count()


def test_the_database_locale_is_read_from_the_database():
    locale = backup.database_locale()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lc_ctype")
            assert locale["lc_ctype"] == cursor.fetchone()[0]
        assert locale["encoding"] == "UTF8"
    else:
        assert locale == {"encoding": "UTF-8", "lc_collate": None, "lc_ctype": None}


# --- the command pair on the embedded database ---------------------------------------------


def test_the_embedded_database_comes_back_whole_from_a_backup(embedded_backup, tmp_path):
    manifest = read_manifest(embedded_backup)
    assert manifest["vendor"] == "sqlite"
    assert manifest["migrations"]["core"].startswith("000")
    assert manifest["counts"]["hearings_minutesentry"] > 0
    assert set(manifest["checksums"]) == set(backup.KEY_TABLES)

    restored = tmp_path / "restored.sqlite3"
    output = restore(embedded_backup, restored, "--yes")

    assert output.startswith("OK:")
    with backup.sqlite_file_connection(restored) as db:
        assert backup.table_counts(db) == manifest["counts"]
        assert backup.table_checksums(db) == manifest["checksums"]
    with sqlite3.connect(restored) as db:
        found = db.execute(
            "SELECT count(*) FROM hearings_minutesentry WHERE text LIKE '%後ろ倒し%'"
        ).fetchone()[0]
        # Analysed after the restore: the planner's statistics are there.
        analysed = {row[0] for row in db.execute("SELECT tbl FROM sqlite_stat1")}
    db.close()
    assert found > 0
    assert {"hearings_minutesentry", "municipalities_localgovernment"} <= analysed


def test_a_restore_needs_yes_when_nobody_is_there_to_confirm(
    embedded_backup, existing_target, monkeypatch
):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    before = existing_target.read_bytes()

    with pytest.raises(CommandError, match="--yes"):
        restore(embedded_backup, existing_target)

    assert existing_target.read_bytes() == before


def test_an_operator_who_does_not_type_yes_restores_nothing(
    embedded_backup, existing_target, monkeypatch
):
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    before = existing_target.read_bytes()

    with pytest.raises(CommandError, match="Cancelled"):
        restore(embedded_backup, existing_target)

    assert existing_target.read_bytes() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dump_sha256", "0" * 64, "does not match its manifest"),
        ("vendor", "postgresql", "postgresql backup"),
    ],
)
def test_a_restore_is_refused_when_the_manifest_does_not_belong_to_the_dump(
    embedded_backup, existing_target, field, value, message
):
    manifest = read_manifest(embedded_backup)
    write_manifest(embedded_backup, {**manifest, field: value})
    before = existing_target.read_bytes()

    with pytest.raises(CommandError, match=message):
        restore(embedded_backup, existing_target, "--yes")

    assert existing_target.read_bytes() == before


def test_a_restore_without_a_manifest_needs_force_and_is_not_verified(
    embedded_backup, existing_target
):
    backup.manifest_path(embedded_backup).unlink()
    before = existing_target.read_bytes()

    with pytest.raises(CommandError, match="--force"):
        restore(embedded_backup, existing_target, "--yes")
    assert existing_target.read_bytes() == before

    output = restore(embedded_backup, existing_target, "--yes", "--force")
    assert "not verified" in output
    with backup.sqlite_file_connection(existing_target) as db:
        assert backup.table_counts(db)["hearings_minutesentry"] > 0


def test_a_restore_that_does_not_match_the_manifest_lists_the_differences(
    embedded_backup, tmp_path
):
    manifest = read_manifest(embedded_backup)
    manifest["counts"]["hearings_meeting"] += 1
    write_manifest(embedded_backup, manifest)
    errors = io.StringIO()

    with pytest.raises(CommandError, match="differs from the backup"):
        call_command(
            "restore_database",
            str(embedded_backup),
            "--yes",
            "--database-url",
            sqlite_url(tmp_path / "restored.sqlite3"),
            stderr=errors,
        )

    assert "counts[hearings_meeting]" in errors.getvalue()


def test_a_backup_never_overwrites_an_earlier_one_unless_told_to(embedded_database, tmp_path):
    dump = tmp_path / "kyotsuka.bak"
    dump.write_bytes(b"an earlier backup")
    url = sqlite_url(embedded_database)

    with pytest.raises(CommandError, match="--overwrite"):
        call_command("backup_database", str(dump), "--database-url", url)
    assert dump.read_bytes() == b"an earlier backup"

    call_command(
        "backup_database", str(dump), "--database-url", url, "--overwrite", stdout=io.StringIO()
    )
    assert read_manifest(dump)["dump_sha256"] == backup.file_sha256(dump)


# --- PostgreSQL: a real round trip --------------------------------------------------------


@contextmanager
def scratch_postgres_database(encoding: str, locale: str) -> Iterator[str]:
    """A new database on the test server, dropped afterwards; yields its URL."""
    import psycopg
    from psycopg import sql

    db = connection.settings_dict
    name = f"kyotsuka_restore_{uuid.uuid4().hex[:10]}"
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    params = {key: value for key, value in params.items() if value}
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING {} LC_COLLATE {} LC_CTYPE {}"
            ).format(sql.Identifier(name), encoding, locale, locale)
        )
        try:
            yield url
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def committed_records() -> None:
    """A little of everything the key tables hold, beside the master data."""
    call_command("load_municipalities", verbosity=0)  # an earlier transactional test emptied it
    user = User.objects.create_user(
        username="backup_secretariat", password="pw-for-tests-only", display_name="事務局 花子"
    )
    ministry = Ministry.objects.create(name="厚生労働省", name_en="MHLW")
    candidate = Candidate.objects.create(
        name="介護保険事務システム", selected_fiscal_year=2025, lead_ministry=ministry
    )
    LifecycleTransition.objects.create(
        candidate=candidate,
        from_stage=Stage.SELECTED,
        to_stage=Stage.FEASIBILITY,
        decided_on=dt.date(2025, 6, 1),
        recorded_by=user,
    )
    milestone = Milestone.objects.create(
        candidate=candidate,
        kind=MilestoneKind.REQUIREMENTS,
        baseline_date=dt.date(2026, 6, 30),
        planned_date=dt.date(2026, 9, 30),
    )
    MilestoneChange.objects.create(
        milestone=milestone,
        field=DateField.PLANNED,
        old_date=dt.date(2026, 6, 30),
        new_date=dt.date(2026, 9, 30),
        reason="標準仕様書の改定に合わせるため",
        changed_by=user,
    )
    meeting = MeetingFactory.create(
        kind=MeetingKind.HEARING, title="指定都市市長会ヒアリング", date=dt.date(2025, 10, 18)
    )
    meeting.speaking_municipalities.add(LocalGovernment.objects.get(code="131016"))
    MinutesEntryFactory.create(meeting=meeting, kind=EntryKind.REMARK, text=SLIP_REMARK)
    AuditEvent.objects.create(
        user_id=user.pk,
        username=user.username,
        method="POST",
        path=f"/candidates/{candidate.pk}/",
        action="candidates:update",
        object_id=str(candidate.pk),
        outcome=AuditOutcome.DONE,
        status_code=302,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_new_utf8_database_with_the_same_data(tmp_path):
    committed_records()
    counts, checksums = backup.table_counts(), backup.table_checksums()
    dump = tmp_path / "kyotsuka.dump"
    call_command("backup_database", str(dump), stdout=io.StringIO())
    manifest = read_manifest(dump)
    assert manifest["database"]["encoding"] == "UTF8"
    assert (manifest["counts"], manifest["checksums"]) == (counts, checksums)
    assert counts["municipalities_localgovernment"] > 1700

    with scratch_postgres_database("UTF8", "C.UTF-8") as url:
        output = io.StringIO()
        call_command("restore_database", str(dump), "--yes", "--database-url", url, stdout=output)

        assert output.getvalue().startswith("OK:")
        with backup.database_connection(url) as restored, restored.cursor() as cursor:
            assert backup.table_counts(restored) == counts
            assert backup.table_checksums(restored) == checksums
            cursor.execute("SELECT text FROM hearings_minutesentry WHERE text LIKE '%後ろ倒し%'")
            assert cursor.fetchall() == [(SLIP_REMARK,)]
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%search_grams'")
            assert ("hearings_entry_search_grams",) in cursor.fetchall()
            # pg_restore copies no statistics: the restore analysed every table.
            cursor.execute(
                "SELECT DISTINCT tablename FROM pg_stats WHERE tablename IN "
                "('hearings_minutesentry', 'municipalities_localgovernment')"
            )
            assert len(cursor.fetchall()) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("encoding", "locale", "message"),
    [("SQL_ASCII", "C", "not UTF8"), ("UTF8", "C", "LC_CTYPE")],
)
def test_a_restore_into_a_database_without_the_backups_locale_is_refused(
    tmp_path, encoding, locale, message
):
    dump = tmp_path / "kyotsuka.dump"
    call_command("backup_database", str(dump), stdout=io.StringIO())

    with scratch_postgres_database(encoding, locale) as url:
        with pytest.raises(CommandError, match=message):
            call_command("restore_database", str(dump), "--yes", "--database-url", url)

        with backup.database_connection(url) as target:
            assert backup.table_names(target) == []
