"""The standalone, printable checklist of one listing: a GET form that the server evaluates."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from subsidies import clock
from subsidies.models import Subsidy

from .items import build_checklist, evaluate

# What the checklist reads from a listing (see ``build_checklist``).
CHECKLIST_PREFETCH = ("requirements", "expenses", "documents")
TICK_PARAMETER = "done"
SUBMITTED_PARAMETER = "submitted"


@require_GET
def checklist_page(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Subsidy.objects.select_related("organization").prefetch_related(*CHECKLIST_PREFETCH)
    if not request.user.is_staff:
        queryset = queryset.published()
    # A まとめ記事 describes several programmes: there is no one set of requirements to check.
    subsidy = get_object_or_404(queryset.exclude(kind=Subsidy.Kind.ROUNDUP), pk=pk)
    now = clock.now()
    checklist = build_checklist(subsidy, on=now)
    context = {
        "subsidy": subsidy,
        "now": now,
        "checklist": checklist,
        "evaluation": evaluate(checklist, request.GET.getlist(TICK_PARAMETER)),
        "submitted": SUBMITTED_PARAMETER in request.GET,
        "standalone": True,
        "page_url": request.build_absolute_uri(reverse("checklists:checklist", kwargs={"pk": subsidy.pk})),
    }
    return render(request, "checklists/checklist.html", context)
