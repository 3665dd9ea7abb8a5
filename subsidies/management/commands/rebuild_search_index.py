from django.core.management.base import BaseCommand

from subsidies import search


class Command(BaseCommand):
    help = "全ての補助金の検索インデックス（正規化テキストと文字 n-gram）を作り直します。"

    def handle(self, *args, **options):
        count = search.reindex_all()
        self.stdout.write(self.style.SUCCESS(f"検索インデックスを作り直しました（{count} 件）。"))
