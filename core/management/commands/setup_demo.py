from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from adoption.demo import demo_adoptions_load
from bodies.demo import demo_seats_load
from candidates.demo import demo_data_load
from consultations.demo import demo_consultations_load
from core.demo import DEMO_PASSWORD, demo_accounts_ensure
from core.models import User
from hearings.demo import demo_meetings_load
from selection.demo import demo_selection_load


class Command(BaseCommand):
    help = "Load master data and the demo data set (デモデータ) and create demo logins. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="create demo accounts even with DEBUG off (never on a real deployment)",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG が無効なため、既知のパスワードを持つデモアカウントは作成しません。/ "
                "Refusing to create demo accounts with known passwords while DEBUG is off."
            )
        call_command("load_municipalities", stdout=self.stdout)
        accounts = demo_accounts_ensure()
        counts = demo_data_load()
        secretariat = User.objects.get(username="secretariat", groups__name="secretariat")
        seats = demo_seats_load(secretariat=secretariat)  # before the meetings: they link to seats
        meetings = demo_meetings_load(secretariat=secretariat)
        adoptions = demo_adoptions_load()
        consultations = demo_consultations_load()
        proposals = demo_selection_load()
        self.stdout.write(
            f"demo data: {counts['candidates']} candidates, {counts['ministries']} ministries, "
            f"{seats} seats, {meetings} meetings, {adoptions} adoption answers, {consultations} consultations, "
            f"{proposals} proposals"
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("デモ環境の準備ができました / Demo environment ready"))
        self.stdout.write(f"  URL: {options['url']}")
        self.stdout.write(f"  パスワード / password (all demo accounts): {DEMO_PASSWORD}")
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {account.display_name}")
