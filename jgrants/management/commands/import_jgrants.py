"""``python manage.py import_jgrants FILE_OR_DIR...``: import jGrants-shaped JSON files (see jgrants/README.md)."""

from django.core.management.base import BaseCommand, CommandError

from jgrants.importing import import_files
from subsidies import clock


class Command(BaseCommand):
    help = (
        "Jグランツ形式の JSON（一覧・詳細 v1・v2）を取り込みます。新しい補助金は下書きに、既存の補助金は"
        "管理画面で確認する変更になります。ディレクトリを渡すとその中の *.json をすべて読みます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="ファイルまたはディレクトリ")

    def handle(self, *args, paths, **options):
        from pathlib import Path

        missing = [path for path in paths if not Path(path).exists()]
        if missing:
            raise CommandError(f"見つかりません: {', '.join(missing)}")
        run = import_files(paths, at=clock.now())
        for item in run.report:
            label = "エラー" if item["level"] == "error" else "注意"
            self.stdout.write(f"[{label}] {item['source']}: {item['text']}")
        self.stdout.write(f"取り込み #{run.pk}: {run.summary}")
