import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from candidates import reports
from candidates.models import ReportEdition


class Command(BaseCommand):
    help = "Generate a council progress report PDF now, without the queue, and print its path."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--fiscal-year", type=int, action="append", default=[])
        parser.add_argument(
            "--edition", choices=ReportEdition.values, default=ReportEdition.DETAILED
        )

    def handle(self, *args, **options):
        report = reports.report_request(
            user=None,
            as_of=options["as_of"] or timezone.localdate(),
            fiscal_years=options["fiscal_year"],
            edition=options["edition"],
            queue=False,
        )
        report = reports.report_generate(report.pk)
        if report is None or not report.file_name:
            raise CommandError("報告書を作成できませんでした / the report was not generated")
        self.stdout.write(
            f"{reports.report_location(report)} ({report.page_count} pages, {report.file_size} bytes)"
        )
