"""manage.py import_adoption FILE --candidate ID [--apply]: a survey file in, JSON out.

Prints one JSON object: rows (data rows read), changes (rows that would change), warnings and
errors (each {row, message}, the header being row 1). Exits 1 when there is any error. Without
--apply nothing is written; with --apply and any error nothing is written either.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from adoption import survey
from candidates.models import Candidate
from core.models import User
from core.roles import Role


class Command(BaseCommand):
    help = "Check (and with --apply, save) a 利用意向調査 file (.xlsx or CSV) for one candidate."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--candidate", type=int, required=True, help="candidate id")
        parser.add_argument("--apply", action="store_true", help="save when there is no error")
        parser.add_argument(
            "--user",
            default="",
            help="username recorded as the changer (default: the first secretariat user)",
        )

    def handle(self, *args, **options):
        try:
            candidate = Candidate.objects.get(pk=options["candidate"])
        except Candidate.DoesNotExist:
            raise CommandError(
                f"候補 {options['candidate']} がありません / no such candidate"
            ) from None
        user = self._user(options["user"])
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}") from exc
        run = survey.survey_apply if options["apply"] else survey.survey_read
        result = run(user=user, candidate=candidate, data=data)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        if result.errors:
            sys.exit(1)

    def _user(self, username: str) -> User:
        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
        else:
            user = (
                users.filter(groups__name=Role.SECRETARIAT).order_by("pk").first()
                or users.filter(is_superuser=True).order_by("pk").first()
            )
        if user is None:
            raise CommandError(
                "変更者とするユーザーが見つかりません（--user で指定してください）/ "
                "no user to record as the changer (give --user)"
            )
        return user
