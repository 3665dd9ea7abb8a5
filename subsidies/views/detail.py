"""The detail page of one listing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from subsidies import clock
from subsidies.models import Subsidy


@require_GET
def subsidy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Subsidy.objects.select_related("organization").prefetch_related(
        "regions",
        "purposes",
        "target_types",
        "expenses__category",
        "documents",
        "steps",
        "faqs",
        "requirements",
    )
    if not request.user.is_staff:
        queryset = queryset.published()
    subsidy = get_object_or_404(queryset, pk=pk)
    return render(request, "subsidies/subsidy_detail.html", {"subsidy": subsidy, "now": clock.now()})
