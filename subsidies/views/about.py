"""/about/: what the site does to keep listings true, with the live counts that show how far it has got."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from subsidies import clock
from subsidies.freshness import STALE_AFTER_DAYS
from subsidies.models import Subsidy


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    published = Subsidy.objects.published()
    counts = published.aggregate(
        listed=Count("pk", filter=Q(kind=Subsidy.Kind.SUBSIDY)),
        roundups=Count("pk", filter=Q(kind=Subsidy.Kind.ROUNDUP)),
        expected=Count("pk", filter=Q(deadline_expected=True) | Q(accepts_from_expected=True)),
    )
    counts["unverified"] = published.verification("unverified", on=now).count()
    counts["stale"] = published.verification("stale", on=now).count()
    counts["published"] = counts["listed"] + counts["roundups"]
    counts["verified"] = counts["published"] - counts["unverified"] - counts["stale"]
    context = {"counts": counts, "stale_after_days": STALE_AFTER_DAYS, "now": now}
    return render(request, "pages/about.html", context)
