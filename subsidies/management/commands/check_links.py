"""``manage.py check_links``: follow every URL the listings link to and record what came back.

For cron (see the README): ``--stale-after HOURS`` checks only URLs not checked that recently, ``--limit N``
caps one run, the last line is a one-line summary, ``-v 0`` prints it only when a link is broken, and the exit
status says whether one is: 0 none broken among the URLs checked, 1 at least one broken, 2 bad arguments.
"""

import argparse
import datetime
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from subsidies import clock, link_checker, links


def _positive(kind, *, most):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not 0 < value <= most:  # also refuses nan and inf
            raise argparse.ArgumentTypeError(f"0 より大きく {most:g} 以下の数を指定してください（{text!r}）")
        return value

    return parse


class Command(BaseCommand):
    help = (
        "掲載の公式ページ・情報ソース・問い合わせページの URL（http/https）を確認し、結果を記録します。"
        "同じ URL は1回だけ確認します。リンク切れがあれば終了コード 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=_positive(float, most=24 * 366 * 10),
            metavar="HOURS",
            help="この時間内に確認済みの URL は飛ばす（未確認の URL は必ず確認）。省略するとすべて確認。",
        )
        parser.add_argument(
            "--limit",
            type=_positive(int, most=10**9),
            metavar="N",
            help="1回に確認する URL の上限（古い順）。",
        )
        parser.add_argument(
            "--timeout",
            type=_positive(float, most=600),
            default=link_checker.DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help=f"1つの URL にかける時間の上限（秒、既定 {link_checker.DEFAULT_TIMEOUT:g}）。",
        )
        parser.add_argument(
            "--concurrency",
            type=_positive(int, most=100),
            default=link_checker.DEFAULT_CONCURRENCY,
            metavar="N",
            help=f"同時に送るリクエストの上限（既定 {link_checker.DEFAULT_CONCURRENCY}）。",
        )
        parser.add_argument(
            "--per-host",
            type=_positive(int, most=10),
            default=link_checker.DEFAULT_PER_HOST,
            metavar="N",
            help=f"同じホストへ同時に送るリクエストの上限（既定 {link_checker.DEFAULT_PER_HOST}）。",
        )

    def handle(self, *args, stale_after, limit, timeout, concurrency, per_host, verbosity, **options):
        started = time.monotonic()
        links.sync()
        at = clock.now()
        window = datetime.timedelta(hours=stale_after) if stale_after else None
        urls = links.due_urls(at=at, stale_after=window, limit=limit)
        left = links.pending_count(at=at, stale_after=window) - len(urls) if limit else 0
        if verbosity >= 2:
            self.stdout.write(f"確認する URL: {len(urls)}件")
        ok = broken = newly_broken = 0
        try:
            for outcome in link_checker.check_urls(
                urls,
                site_url=settings.SITE_URL,
                timeout=timeout,
                concurrency=concurrency,
                per_host=per_host,
            ):
                fresh = links.record(outcome, at=clock.now())
                if outcome.broken:
                    broken += 1
                    newly_broken += fresh
                    if verbosity >= 2:
                        self.stdout.write(f"リンク切れ: {outcome.url} — {_seen(outcome)}")
                else:
                    ok += 1
                    if verbosity >= 3:
                        self.stdout.write(f"正常: {outcome.url} — {_seen(outcome)}")
        except KeyboardInterrupt as exc:
            raise CommandError(f"中断しました（{ok + broken}件は記録済み）。") from exc
        summary = self._summary(
            checked=ok + broken,
            ok=ok,
            broken=broken,
            newly_broken=newly_broken,
            left=left,
            skipped=links.uncheckable_count(),
            seconds=time.monotonic() - started,
        )
        if verbosity >= 1 or broken:
            self.stdout.write(summary)
        if broken:
            sys.exit(1)

    @staticmethod
    def _summary(*, checked, ok, broken, newly_broken, left, skipped, seconds) -> str:
        parts = [
            f"check_links: URL {checked}件を確認（正常 {ok}件、リンク切れ {broken}件（うち新たに {newly_broken}件））"
        ]
        if left:
            parts.append(f"未確認のまま {left}件（--limit）")
        if skipped:
            parts.append(f"http/https 以外の {skipped}件は対象外")
        parts.append(f"{seconds:.1f}秒")
        return "、".join(parts)


def _seen(outcome: link_checker.Outcome) -> str:
    if outcome.error:
        return outcome.error
    if outcome.final_url:
        return f"{outcome.status_code}（転送先 {outcome.final_url}）"
    return str(outcome.status_code)
