from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import clock
from .models import ApplicationStatus, Purpose, Region, Subsidy

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


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": connection.vendor})
