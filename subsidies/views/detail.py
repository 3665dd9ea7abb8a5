"""The detail page of one listing and its deadline as an iCalendar file."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from subsidies import calendar, clock, counting
from subsidies.detail_parts import absolute, deadline_description, detail_parts
from subsidies.models import Subsidy


def _visible(request: HttpRequest):
    """Staff also see drafts (as a preview); everyone else only published listings."""
    queryset = Subsidy.objects.select_related("organization")
    return queryset if request.user.is_staff else queryset.published()


@require_safe
def subsidy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The article (the largest column) is read only when the cached parts are rebuilt.
    subsidy = get_object_or_404(_visible(request).defer("body"), pk=pk)
    parts = detail_parts(subsidy)
    counted = counting.count_view(request, subsidy)
    context = {"subsidy": subsidy, "parts": parts, "now": clock.now()}
    response = render(request, "subsidies/subsidy_detail.html", context)
    if counted:
        counting.remember_view(request, response, subsidy.pk)
    return response


@require_safe
def subsidy_deadline_ics(request: HttpRequest, pk: int) -> HttpResponse:
    subsidy = get_object_or_404(_visible(request), pk=pk)
    if subsidy.rolling or subsidy.deadline is None:
        raise Http404("この補助金には締切日がありません。")
    url = absolute(subsidy.get_absolute_url())
    body = calendar.deadline_event(
        pk=subsidy.pk,
        title=subsidy.title,
        deadline=subsidy.deadline,
        url=url,
        description=deadline_description(subsidy, url),
        now=clock.now(),
    )
    response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subsidy-{subsidy.pk}-deadline.ics"'
    return response
