from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core import backup


class Command(BaseCommand):
    help = (
        "Back up the database to OUTPUT (PostgreSQL: pg_dump custom format; SQLite: a copy) and "
        "write OUTPUT.manifest.json beside it: locale, migrations, row counts, key-table "
        "checksums. The media folder (MEDIA_ROOT) is not included: see docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="dump file to write")
        parser.add_argument(
            "--database-url",
            help="back up this database instead of the configured one "
            "(postgres://user@host:5432/name or sqlite:////path/to/file)",
        )
        parser.add_argument("--overwrite", action="store_true", help="replace an existing OUTPUT")

    def handle(self, *args, **options):
        output: Path = options["output"]
        if output.exists() and not options["overwrite"]:
            raise CommandError(
                f"{output} は既にあります。上書きするには --overwrite を指定してください。/ "
                f"{output} exists: pass --overwrite to replace it."
            )
        if not output.parent.is_dir():
            raise CommandError(f"保存先のフォルダがありません / No such folder: {output.parent}")
        # The dump is written under another name first: a failed backup never leaves a file
        # at OUTPUT that looks like a good one.
        partial = output.with_name(output.name + ".partial")
        try:
            with backup.database_connection(options["database_url"]) as connection:
                label = backup.database_label(connection)
                summary = self._dump(connection, partial)
            partial.replace(output)
            manifest = backup.manifest_write(output, summary)
        except (backup.BackupError, DatabaseError) as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"バックアップできませんでした / Backup failed:\n{exc}") from exc
        rows = sum(summary["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"バックアップしました / Backed up {label}: {len(summary['counts'])} tables, "
                f"{rows} rows"
            )
        )
        self.stdout.write(f"  dump:     {output} ({output.stat().st_size} bytes)")
        self.stdout.write(f"  manifest: {manifest}")
        self.stdout.write(
            "  メディア（MEDIA_ROOT: 報告書 PDF、資料）は含まれません。一緒にバックアップしてください。"
            "/ The media folder (MEDIA_ROOT: report PDFs, materials) is not included: back it "
            "up with this dump."
        )

    def _dump(self, connection, partial: Path) -> dict:
        """Write the dump to `partial`; return the manifest's figures, taken from the same data."""
        if connection.vendor == "postgresql":
            with backup.pg_exported_snapshot(connection) as snapshot:
                warnings = backup.pg_dump(connection.settings_dict, partial, snapshot=snapshot)
                summary = backup.database_summary(connection)
            if warnings:
                self.stderr.write(warnings)
            return summary
        if connection.vendor == "sqlite":
            backup.sqlite_copy(backup.sqlite_path(connection), partial)
            # Counted on the copy itself, which is what will be restored.
            with backup.sqlite_file_connection(partial) as copy:
                return backup.database_summary(copy)
        raise backup.BackupError(f"unsupported database: {connection.vendor}")
