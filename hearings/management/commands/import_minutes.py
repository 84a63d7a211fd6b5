import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hearings.minutes_parser import parse_minutes


class Command(BaseCommand):
    help = "Parse a minutes text file and print the structure as JSON (nothing is saved)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            text = options["file"].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"ファイルを読み込めません / cannot read the file: {exc}") from exc
        self.stdout.write(json.dumps(parse_minutes(text).to_dict(), ensure_ascii=False, indent=2))
