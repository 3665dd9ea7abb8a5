"""Time the whole listing view (rendered, facet counts included) per query class, in-process."""

import json
import os
import statistics
import time

from django.db import connection
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from subsidies import listing_index
from subsidies.models import Industry, Purpose, Subsidy, TargetType


def query_classes() -> list[tuple[str, str]]:
    listing = reverse("subsidies:list")
    purpose = Purpose.objects.order_by("order", "pk").values_list("slug", flat=True).first()
    industry = Industry.objects.order_by("code").values_list("slug", flat=True).first()
    target = TargetType.objects.order_by("order", "pk").values_list("slug", flat=True).first()
    total = Subsidy.objects.published().count()
    last = max(1, -(-int(total * 0.6) // 20))  # about the last page of open+upcoming (estimated below)
    return [
        ("no filter", listing),
        ("facet: region (prefecture)", f"{listing}?region=tokyo"),
        ("facet: purpose", f"{listing}?purpose={purpose}"),
        ("facet: industry", f"{listing}?industry={industry}"),
        ("facet: target", f"{listing}?target={target}"),
        ("facet: status=closed", f"{listing}?status=closed"),
        ("facet: amount", f"{listing}?amount=1m-5m"),
        ("facet: deadline_within=30", f"{listing}?deadline_within=30"),
        ("facet: difficulty", f"{listing}?difficulty=easy"),
        ("facet: employees=20", f"{listing}?employees=20"),
        ("keyword 1 char common: 東", f"{listing}?q=東"),
        ("keyword 1 char rare: 宙", f"{listing}?q=宙"),
        ("keyword 2 chars common: 補助", f"{listing}?q=補助"),
        ("keyword 2 chars common: ＤＸ", f"{listing}?q=ＤＸ"),
        ("keyword 2 chars rare: 量子", f"{listing}?q=量子"),
        ("keyword 3 chars common: 海外展", f"{listing}?q=海外展"),
        ("keyword 3 chars rare: 宇宙ビ", f"{listing}?q=宇宙ビ"),
        ("keyword 5+ chars common: スマート農業", f"{listing}?q=スマート農業"),
        ("keyword 5+ chars rare: ゲノム編集食品", f"{listing}?q=ゲノム編集食品"),
        ("keyword 5+ chars none: 量子コンピュータ", f"{listing}?q=量子コンピュータ"),
        ("two terms: 東京 設備", f"{listing}?q=東京 設備"),
        ("keyword+region+purpose", f"{listing}?q=DX&region=tokyo&purpose={purpose}"),
        ("last page", f"{listing}?page=LAST"),
        (
            "detail page",
            reverse(
                "subsidies:detail",
                kwargs={
                    "pk": Subsidy.objects.published().order_by("pk").values_list("pk", flat=True)[total // 2]
                },
            ),
        ),
        ("home", reverse("subsidies:home")),
        *match_classes(),
    ], last


# /match/ (issue 20): the three example profiles of the issue, and a profile without a purpose (every listing).
MATCH_PROFILES = (
    (
        "match: Tokyo maker, 12 staff, equipment",
        "pref=tokyo&biz=manufacturing&form=kabushiki&emp=12&cap=1000&purpose=equipment-it",
    ),
    (
        "match: Osaka retail sole prop., sales",
        "pref=osaka&biz=retail&form=sole-proprietor&emp=0&cap=0&purpose=sales-expansion",
    ),
    (
        "match: Hokkaido NPO, community events",
        "pref=hokkaido&biz=other-services&form=npo&purpose=community&purpose=events",
    ),
    ("match: Tokyo maker, no purpose", "pref=tokyo&biz=manufacturing&form=kabushiki&emp=12&cap=1000"),
)


def match_classes() -> list[tuple[str, str]]:
    try:
        match = reverse("matching:match")
    except Exception:  # the matching app is not installed
        return []
    return [(label, f"{match}?{query}") for label, query in MATCH_PROFILES]


ICONTAINS_TERMS = ["東", "ＤＸ", "海外展", "スマート農業"]


def icontains_scan(term: str):
    """What a plain ORM search would do: icontains over the text fields, first page and count."""
    condition = Q()
    for name in ("title", "summary", "body", "target_description", "organization__name"):
        condition |= Q(**{f"{name}__icontains": term})
    queryset = Subsidy.objects.published().filter(condition).order_by("deadline", "pk")
    list(queryset.values_list("pk", flat=True)[:20])
    return queryset.count()


class QueryCounter:
    def __init__(self, log):
        self.log = log

    def __call__(self, execute, sql, params, many, context):
        self.log.append(sql)
        return execute(sql, params, many, context)


def timed(fn, repeats, *, warm_up=True):
    """Wall-clock p50/p95 and the median CPU time of this process (Python + rendering, without SQL)."""
    if warm_up:
        fn()
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, statistics.median(cpu)


def run(repeats: int = 10, log=print) -> dict:
    client = Client()
    classes, last = query_classes()
    # The real last page of the default listing.
    response = client.get(reverse("subsidies:list"))
    count = response.context["page_obj"].paginator.num_pages if response.context else last
    results = {"listings": Subsidy.objects.count(), "load": os.getloadavg()[0], "rows": []}
    # The in-memory listing index: what a rebuild costs (after any staff change, once per process) and its size.
    builds = []
    for _ in range(3):
        listing_index.forget()
        started = time.perf_counter()
        index = listing_index.current()
        builds.append((time.perf_counter() - started) * 1000)
    results["index_build_ms"] = statistics.median(builds)
    results["index_mb"] = index_bytes(index) / 1e6
    log(f"  listing index: built in {results['index_build_ms']:.0f} ms, {results['index_mb']:.1f} MB")
    for label, url in classes:
        url = url.replace("page=LAST", f"page={count}")
        queries = []
        # The first request of each class finds no cached keyword match (each class asks a new query); it is
        # timed on its own. Count with an execute wrapper: request_started empties connection.queries.
        started = time.perf_counter()
        with connection.execute_wrapper(QueryCounter(queries)):
            status = client.get(url).status_code
        first = (time.perf_counter() - started) * 1000
        p50, p95, cpu = timed(lambda url=url: client.get(url), repeats, warm_up=False)
        row = {"label": label, "url": url, "status": status, "queries": len(queries), "p50": p50, "p95": p95}
        results["rows"].append(row | {"cpu": cpu, "first": first})
        log(
            f"  {label:<40} {status} q={len(queries):>3} first={first:8.1f} ms p50={p50:8.1f} ms"
            f" p95={p95:8.1f} ms cpu={cpu:6.1f} ms"
        )
    for term in ICONTAINS_TERMS:
        p50, p95, cpu = timed(lambda term=term: icontains_scan(term), max(3, repeats // 3))
        row = {
            "label": f"icontains scan: {term}",
            "url": "",
            "status": 0,
            "queries": 2,
            "p50": p50,
            "p95": p95,
        }
        results["rows"].append(row | {"cpu": cpu})
        log(f"  icontains scan: {term:<24} p50={p50:8.1f} ms p95={p95:8.1f} ms")
    return results


def index_bytes(index) -> int:
    arrays = [value for value in vars(index).values() if hasattr(value, "nbytes")]
    arrays += [bits for options in index.options.values() for bits in options.values()]
    return sum(array.nbytes for array in arrays)


def table(small: dict | None, large: dict) -> str:
    head = "| query class | SQL queries (first) | p50 / p95 at {s} (ms) | first at {l} (ms) | p50 / p95 at {l} (ms) | p95 ratio | Python CPU at {l} (ms) |".format(
        s=f"{small['listings']:,}" if small else "-", l=f"{large['listings']:,}"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|"]
    small_rows = {r["label"]: r for r in small["rows"]} if small else {}
    for row in large["rows"]:
        other = small_rows.get(row["label"])
        left = f"{other['p50']:.0f} / {other['p95']:.0f}" if other else "-"
        ratio = f"{row['p95'] / other['p95']:.1f}×" if other and other["p95"] else "-"
        first = f"{row['first']:.0f}" if "first" in row else "-"
        lines.append(
            f"| {row['label']} | {row['queries']} | {left} | {first} | {row['p50']:.0f} / {row['p95']:.0f}"
            f" | {ratio} | {row.get('cpu', 0):.0f} |"
        )
    for name, results in (("small", small), ("large", large)):
        if results and "index_build_ms" in results:
            lines.append(
                f"\nListing index ({name}, {results['listings']:,} listings): rebuilt in"
                f" {results['index_build_ms']:.0f} ms, {results['index_mb']:.1f} MB per process."
            )
    if small:
        lines.append(
            f"\nLoad average at the start of each run: {small['load']:.1f} (small), {large['load']:.1f} (large)."
        )
    return "\n".join(lines)


def save(results, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, ensure_ascii=False, indent=1)


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
