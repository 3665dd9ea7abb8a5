"""The detail page of one listing and its deadline as an iCalendar file."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.csp import CSP, build_policy
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from subsidies import calendar, clock, counting, detail_page, fragments
from subsidies.detail_parts import absolute, deadline_description
from subsidies.formatting import format_views
from subsidies.models import Subsidy


def views_item(count: int) -> str:
    """The page's 「N回閲覧」 item, only once the count means something (``VIEWS_SHOWN_FROM``)."""
    text = format_views(count)
    return f"<li>{text}</li>" if text else ""


def _visible(request: HttpRequest):
    """Staff also see drafts (as a preview); everyone else only published listings."""
    queryset = Subsidy.objects.select_related("organization")
    return queryset if request.user.is_staff else queryset.published()


@require_safe
def subsidy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Answered before the session and auth middleware for a visitor without a session
    # (settings.FAST_LANE_URL_NAMES): read nothing of the session, messages or CSRF token here.
    counted = counting.should_count(request, pk)
    # Staff also see drafts (as a preview); everyone else only published listings.
    row = detail_page.read_row(pk, drafts=request.user.is_staff, count=counted)
    if row is None:
        raise Http404("補助金が見つかりません。")
    # The cached page is the public's. A signed-in member of staff (who sees drafts) gets a page rendered for
    # them alone, neither read from nor stored in the cache; so does a request with a query string, which
    # other apps' sections may read (the comparison button reads ?compare=).
    signed_in = request.user.is_authenticated
    now = clock.now()
    expiry = fragments.Expiry.starting(now)
    page = detail_page.page(request, row, now=now, cached=not (signed_in or request.GET), expiry=expiry)
    views = views_item(row.view_count)
    if signed_in:
        nonce = get_nonce(request)
        response = HttpResponse(page.fill(nonce="" if nonce is None else str(nonce), views=views))
        # Nor may a browser's or a proxy's cache keep it.
        patch_cache_control(response, private=True, no_store=True)
    else:
        # The same bytes for everyone while the page is true: a nonce derived from the page (the policy header
        # set here carries it; the CSP middleware keeps a header a view set), an ETag, and the moment the page
        # may change, which HTTP caches may not keep it past (config/http_cache.py).
        nonce = detail_page.nonce_for(page)
        response = HttpResponse(page.fill(nonce=nonce, views=views))
        if settings.SECURE_CSP:
            response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(settings.SECURE_CSP, nonce)
        response.headers["ETag"] = detail_page.etag_for(page, views)
        response.headers["Expires"] = http_date(expiry.at.timestamp())
    if counted:
        counting.remember_view(request, response, row.pk)
    return response


@require_safe
def subsidy_deadline_ics(request: HttpRequest, pk: int) -> HttpResponse:
    subsidy = get_object_or_404(_visible(request), pk=pk)
    if not subsidy.has_firm_deadline or subsidy.is_roundup:
        raise Http404("この補助金には公表された締切日がありません。")
    url = absolute(subsidy.get_absolute_url())
    body = calendar.deadline_event(
        pk=subsidy.pk,
        title=subsidy.title,
        deadline=subsidy.deadline,
        all_day=not subsidy.deadline_has_time,
        url=url,
        description=deadline_description(subsidy, url),
        now=clock.now(),
    )
    response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subsidy-{subsidy.pk}-deadline.ics"'
    return response
