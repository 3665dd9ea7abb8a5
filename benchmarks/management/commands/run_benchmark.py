from django.core.management.base import BaseCommand
from django.test.utils import setup_test_environment

from benchmarks import run


class Command(BaseCommand):
    help = (
        "一覧ページ（描画・件数込み）をクエリの種類ごとに計測し、表にします。PostgreSQL で実行してください。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeats", type=int, default=10)
        parser.add_argument("--save", help="結果を JSON で保存するパス")
        parser.add_argument("--compare", help="小さいデータで保存した JSON（表に並べる）")

    def handle(self, *args, repeats, save, compare, **options):
        setup_test_environment()  # lets the test client talk to the site, as in tests
        results = run.run(repeats=repeats, log=self.stdout.write)
        if save:
            run.save(results, save)
        small = run.load(compare) if compare else None
        self.stdout.write(run.table(small, results))
