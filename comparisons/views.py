"""The user's side-by-side comparison: ``/compare/?ids=1,2,3`` (up to four listings)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from subsidies import clock, listing_index
from subsidies.models import Subsidy

from .links import compare_url
from .selection import MAX_COLUMNS, select
from .similarity import Terms
from .table import Column, build_table


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    queryset = Subsidy.objects.select_related("organization")
    selection = select(request.GET.getlist("ids") + request.GET.getlist("add"), queryset)
    diff = request.GET.get("diff") == "1"
    ids = selection.ids
    index = listing_index.current() if selection.subsidies else None
    columns = [
        Column(
            s,
            s.status(at=now),
            Terms.of(s.pk, index),
            remove_url=compare_url([i for i in ids if i != s.pk], diff=diff),
        )
        for s in selection.subsidies
    ]
    context = {
        "selection": selection,
        "table": build_table(columns, on=now) if columns else None,
        "diff": diff,
        "share_url": request.build_absolute_uri(compare_url(ids)),
        "diff_url": compare_url(ids, diff=not diff),
        "can_add": len(columns) < MAX_COLUMNS,
        "max_columns": MAX_COLUMNS,
        "now": now,
    }
    return render(request, "comparisons/compare.html", context)
