from django.core.management.base import BaseCommand

from benchmarks import alerts_daily


class Command(BaseCommand):
    help = "メール通知の日次処理を1回計測します（時間・SQL・最大メモリ）。alerts の行はすべて作り直します。"

    def add_arguments(self, parser):
        parser.add_argument("--subscriptions", type=int, default=10_000)
        parser.add_argument("--changed", type=int, default=500, help="直近1日に更新された掲載の数")

    def handle(self, *args, subscriptions, changed, **options):
        self.stdout.write(
            alerts_daily.run(subscriptions=subscriptions, changed=changed, log=self.stdout.write)
        )
