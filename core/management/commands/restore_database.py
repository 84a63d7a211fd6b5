import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core import backup, planner_stats

CREATE_HINT = (
    "CREATE DATABASE <name> TEMPLATE template0 ENCODING 'UTF8' "
    "LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"
)


class Command(BaseCommand):
    help = (
        "Replace the database's data with a backup made by backup_database, then check row "
        "counts and key-table checksums against the backup's manifest. PostgreSQL: the target "
        "must exist, be UTF8 and have the backup's LC_CTYPE. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="dump file written by backup_database")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the configured one "
            "(postgres://user@host:5432/name or sqlite:////path/to/file)",
        )
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: the target's data is replaced"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even without a manifest (the result is then not verified)",
        )

    def handle(self, *args, **options):
        dump: Path = options["input"]
        if not dump.is_file():
            raise CommandError(f"バックアップファイルがありません / No such file: {dump}")
        try:
            manifest = backup.manifest_read(dump)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if manifest is None and not options["force"]:
            raise CommandError(
                f"マニフェスト {backup.manifest_path(dump).name} がないため、復元結果を確認できません。"
                "何も変更していません。確認なしで復元するには --force を指定してください。/ "
                f"No manifest ({backup.manifest_path(dump).name}), so the restore could not be "
                "verified; nothing was changed. Pass --force to restore without verification."
            )
        with backup.database_connection(options["database_url"]) as target:
            label = backup.database_label(target)
            try:
                self._check_target(dump, manifest, target)
                self._confirm(label, options["yes"])
                self._restore(dump, target)
                restored = backup.database_summary(target)
            except (backup.BackupError, DatabaseError) as exc:
                raise CommandError(f"復元できませんでした / Restore failed:\n{exc}") from exc
        self._report(label, manifest, restored)

    def _check_target(self, dump: Path, manifest: dict | None, target) -> None:
        """Refuse, before anything is changed, a restore that would not give the backup back."""
        if target.vendor not in backup.CHECKSUM_METHODS:
            raise CommandError(f"unsupported database: {target.vendor}")
        if manifest is not None:
            if manifest.get("vendor") != target.vendor:
                raise CommandError(
                    f"このバックアップは {manifest.get('vendor')} 用で、復元先は {target.vendor} です。"
                    "何も変更していません。/ "
                    f"This is a {manifest.get('vendor')} backup and the target is "
                    f"{target.vendor}; nothing was changed."
                )
            if backup.file_sha256(dump) != manifest.get("dump_sha256"):
                raise CommandError(
                    "バックアップファイルがマニフェストと一致しません（別のバックアップか破損）。"
                    "何も変更していません。/ The dump does not match its manifest (another "
                    "backup's manifest, or a damaged file); nothing was changed."
                )
        if target.vendor == "postgresql":
            self._check_locale(manifest, backup.database_locale(target))

    def _check_locale(self, manifest: dict | None, locale: dict) -> None:
        """Japanese search (pg_trgm) needs a UTF8 database with the LC_CTYPE it was built in."""
        wanted = (manifest or {}).get("database", {})
        hint = CREATE_HINT.format(
            collate=wanted.get("lc_collate") or "C.UTF-8", ctype=wanted.get("lc_ctype") or "C.UTF-8"
        )
        if locale["encoding"] != "UTF8":
            raise CommandError(
                f"復元先データベースの文字コードが UTF8 ではありません（{locale['encoding']}）。"
                "日本語のデータと検索が正しく扱えないため、何も変更していません。/ "
                f"The target database's encoding is {locale['encoding']}, not UTF8: Japanese "
                f"text and search would break, so nothing was changed. Create it with:\n  {hint}"
            )
        if manifest is None:
            utf8_ctype = "utf8" in locale["lc_ctype"].lower().replace("-", "")
            if not utf8_ctype:
                raise CommandError(
                    f"復元先の LC_CTYPE（{locale['lc_ctype']}）が UTF-8 ではありません。"
                    "何も変更していません。/ The target's LC_CTYPE "
                    f"({locale['lc_ctype']}) is not UTF-8; nothing was changed. "
                    f"Create it with:\n  {hint}"
                )
        elif locale["lc_ctype"] != wanted.get("lc_ctype"):
            raise CommandError(
                f"復元先の LC_CTYPE（{locale['lc_ctype']}）がバックアップ元"
                f"（{wanted.get('lc_ctype')}）と異なります。日本語検索が変わるため、何も変更して"
                f"いません。/ The target's LC_CTYPE ({locale['lc_ctype']}) differs from the "
                f"backup's ({wanted.get('lc_ctype')}): Japanese search depends on it, so nothing "
                f"was changed. Create it with:\n  {hint}"
            )

    def _confirm(self, label: str, yes: bool) -> None:
        if yes:
            return
        if not sys.stdin.isatty():
            raise CommandError(
                f"{label} のデータを置き換えます。確認できないため --yes が必要です。何も変更して"
                f"いません。/ This replaces the data in {label}: pass --yes (no terminal to ask "
                "on); nothing was changed."
            )
        answer = input(
            f"{label} のデータをバックアップで置き換えます。/ This replaces all data in {label}.\n"
            "続けるには yes と入力 / Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError(
                "中止しました。何も変更していません。/ Cancelled; nothing was changed."
            )

    def _restore(self, dump: Path, target) -> None:
        # Our own session would hold locks that the restore waits for; it reconnects afterwards.
        target.close()
        if target.vendor == "postgresql":
            warnings = backup.pg_restore(target.settings_dict, dump)
            if warnings:
                self.stderr.write(warnings)
        else:
            backup.sqlite_copy(dump, backup.sqlite_path(target))
        # A dump carries no planner statistics: without them search plans are guesses.
        planner_stats.analyze(connection=target)

    def _report(self, label: str, manifest: dict | None, restored: dict) -> None:
        tables, rows = len(restored["counts"]), sum(restored["counts"].values())
        if manifest is None:
            self.stdout.write(
                self.style.WARNING(
                    f"復元しました（マニフェストなし: 未検証）/ Restored into {label} without a "
                    f"manifest (not verified): {tables} tables, {rows} rows"
                )
            )
            return
        differences = backup.summary_differences(manifest, restored)
        if differences:
            for line in differences:
                self.stderr.write(f"  {line}")
            raise CommandError(
                f"復元したデータがバックアップと一致しません（{len(differences)} 件）/ The "
                f"restored data differs from the backup's manifest ({len(differences)} "
                "differences, listed above)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: 復元したデータはバックアップと一致します / restored data matches the "
                f"manifest: {label}, {tables} tables, {rows} rows, "
                f"{len(restored['checksums'])} key-table checksums"
            )
        )
        self.stdout.write(
            "  メディア（MEDIA_ROOT）は別に復元し、コードが新しければ migrate を実行してください。/ "
            "Restore the media folder (MEDIA_ROOT) too, and run migrate if the code is newer "
            "than the backup."
        )
