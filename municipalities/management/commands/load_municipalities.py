from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from municipalities.services import MUNICIPALITIES_CSV, WARDS_CSV, MasterDataError, master_data_load


class Command(BaseCommand):
    help = "Load or update the 47 prefectures, 1,741 municipalities and 175 wards (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=Path, default=MUNICIPALITIES_CSV)
        parser.add_argument("--wards", type=Path, default=WARDS_CSV)

    def handle(self, *args, **options):
        try:
            result = master_data_load(
                municipalities_csv=options["municipalities"], wards_csv=options["wards"]
            )
        except MasterDataError as exc:
            raise CommandError(
                "マスタデータを読み込めませんでした。何も変更していません。/ "
                "Master data not loaded; nothing was changed.\n" + "\n".join(exc.errors)
            ) from exc
        self.stdout.write(
            f"local governments: created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}; associations: "
            + ", ".join(f"{slug}={count}" for slug, count in result.associations.items())
        )
