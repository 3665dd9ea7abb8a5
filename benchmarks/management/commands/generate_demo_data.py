import time

from django.core.management.base import BaseCommand

from benchmarks.generate import add_eligibility, generate


class Command(BaseCommand):
    help = (
        "ベンチマーク用に、実在の掲載から語彙をとった架空の補助金を大量に作ります（検索インデックス付き）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--if-empty", action="store_true", help="補助金が既にあれば何もしない。")
        parser.add_argument(
            "--eligibility",
            action="store_true",
            help="掲載は作らず、対象条件のない掲載に架空の対象条件を加える（既存のデータベース向け）。",
        )

    def handle(self, *args, count, workers, if_empty, eligibility, **options):
        from subsidies.models import Subsidy

        if eligibility:
            add_eligibility(log=self.stdout.write)
            return
        if if_empty and Subsidy.objects.exists():
            self.stdout.write(f"既に {Subsidy.objects.count():,} 件あるため作成しませんでした。")
            return
        started = time.monotonic()
        done = generate(count, workers=workers, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"{done:,} 件を {time.monotonic() - started:.0f} 秒で作成しました。")
        )
