from django.core.management import call_command
from django.core.management.base import BaseCommand

from subsidies.models import Region, Subsidy

DEMO_FIXTURES = ("taxonomies", "seed", "programs", "eligibility")


class Command(BaseCommand):
    help = "デモデータ（分類・掲載例・実在の補助金）を読み込みます。既にデータがあるデータベースには何もしません。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="データがあっても読み込む（同じ主キーは上書き）。"
        )

    def handle(self, *args, force=False, **options):
        if not force and (Region.objects.exists() or Subsidy.objects.exists()):
            self.stdout.write("データベースにデータがあるため、デモデータは読み込みませんでした。")
            return
        call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"デモデータを読み込みました（補助金 {Subsidy.objects.count()} 件）。")
        )
