"""The listing, home and landing pages."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from subsidies import clock
from subsidies.models import ApplicationStatus, Purpose, Region, Subsidy

PAGE_SIZE = 20


def _listing_queryset(*, now):
    return (
        Subsidy.objects.published()
        .with_status(at=now)
        .with_status_in([ApplicationStatus.OPEN, ApplicationStatus.UPCOMING], at=now)
        .select_related("organization")
        .prefetch_related("regions")
        .order_by("status_rank", "deadline", "pk")
    )


def _page(request: HttpRequest, queryset):
    try:
        return Paginator(queryset, PAGE_SIZE).page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("ページが見つかりません。") from error


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    closing_soon = _listing_queryset(now=now).filter(rolling=False, deadline__isnull=False)[:6]
    return render(request, "subsidies/home.html", {"closing_soon": closing_soon, "now": now})


@require_GET
def subsidy_list(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    page = _page(request, _listing_queryset(now=now))
    return render(request, "subsidies/subsidy_list.html", {"page_obj": page, "now": now})


@require_GET
def region_landing(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    now = clock.now()
    page = _page(request, _listing_queryset(now=now).in_region(region))
    return render(
        request, "subsidies/subsidy_list.html", {"page_obj": page, "now": now, "heading": region.name}
    )


@require_GET
def purpose_landing(request: HttpRequest, slug: str) -> HttpResponse:
    purpose = get_object_or_404(Purpose, slug=slug)
    now = clock.now()
    page = _page(request, _listing_queryset(now=now).filter(purposes=purpose))
    return render(
        request, "subsidies/subsidy_list.html", {"page_obj": page, "now": now, "heading": purpose.name}
    )
