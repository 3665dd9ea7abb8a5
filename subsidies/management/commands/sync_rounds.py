"""Roll listings over to their next round (公募回) when one passes: ``services.sync_current_round`` for every
listing that has rounds. Cheap and idempotent, meant for a daily (or hourly) schedule::

    15 0 * * *  cd /srv/hojo && .venv/bin/python manage.py sync_rounds
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Prefetch

from subsidies import clock, services
from subsidies.models import Round, Subsidy


class Command(BaseCommand):
    help = "公募回が終わった掲載の受付期間を、次の回（現在の回）に合わせます。毎日の実行を想定しています。"

    def handle(self, *args, **options):
        now = clock.now()
        listings = (
            Subsidy.objects.filter(rolling=False, rounds__isnull=False)
            .distinct()
            .prefetch_related(Prefetch("rounds", queryset=Round.objects.order_by("order", "pk")))
        )
        changed = 0
        for subsidy in listings.iterator(chunk_size=500):
            with transaction.atomic():
                changed += services.sync_current_round(subsidy, at=now, rounds=list(subsidy.rounds.all()))
        self.stdout.write(f"公募回に合わせて受付期間を更新した掲載: {changed}件")
