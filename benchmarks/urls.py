"""Print the mixed URL list for the load run: listing with filters, keyword search, detail pages, checklist,
comparison — only the kinds whose pages exist on this build, each URL checked to answer 200 once.

Run with the settings of the database under test: ``python benchmarks/urls.py > urls.txt``.
"""

import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.urls import Resolver404, resolve  # noqa: E402

from subsidies.models import Purpose, Region, Subsidy  # noqa: E402

# Share of each kind in the mix (per 100 requests).
MIX = {"listing": 30, "search": 20, "detail": 30, "checklist": 10, "compare": 10}
KEYWORDS = ["東京", "補助", "ＤＸ", "IT", "設備", "事業 承継", "省エネ", "創業", "人材", "販路"]


def exists(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def main(total: int = 2000, seed: int = 8) -> None:
    rng = random.Random(seed)
    pks = list(Subsidy.objects.published().order_by("?").values_list("pk", flat=True)[:500])
    regions = list(Region.objects.values_list("slug", flat=True))
    purposes = list(Purpose.objects.values_list("slug", flat=True))
    last_page = max(1, min(3, len(pks) // 20))  # the listing has 20 a page; never ask past its end
    make = {
        "listing": lambda: rng.choice(
            [
                f"/subsidies/?region={rng.choice(regions)}&status=open&sort=deadline",
                f"/subsidies/?purpose={rng.choice(purposes)}&sort=amount",
                "/subsidies/?status=open&deadline_within=30",
                f"/subsidies/?page={rng.randint(1, last_page)}",
                f"/regions/{rng.choice(regions)}/",
                f"/purposes/{rng.choice(purposes)}/",
                "/subsidies/",
                "/",
            ]
        ),
        "search": lambda: "/subsidies/?" + urlencode({"q": rng.choice(KEYWORDS)}),
        "detail": lambda: f"/subsidies/{rng.choice(pks)}/",
        "checklist": lambda: f"/subsidies/{rng.choice(pks)}/checklist/",
        "compare": lambda: "/compare/?ids=" + ",".join(str(pk) for pk in rng.sample(pks, min(3, len(pks)))),
    }
    kinds = [kind for kind in MIX if exists(make[kind]().split("?")[0])]
    print("kinds in the mix:", ", ".join(kinds), file=sys.stderr)
    weights = [MIX[kind] for kind in kinds]
    for _ in range(total):
        print(make[rng.choices(kinds, weights)[0]]())


if __name__ == "__main__":
    main()
