"""Subscribe, confirm and unsubscribe pages. Every answer is private (no-store): they carry tokens and forms.

The two subscribe forms sit on pages that are cached for every visitor (the listing and the detail page), so
they carry no CSRF token and their view is CSRF-exempt: a forged post can only cause a confirmation mail to
the address it names, which the rate limits bound and which activates nothing by itself. The unsubscribe
POST is CSRF-exempt because mail clients send it (RFC 8058); the signed token is its authority.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alerts import ratelimit, searches, services, tokens
from alerts.forms import DeadlineSubscribeForm, SearchSubscribeForm
from alerts.models import Subscription
from alerts.reminders import THRESHOLDS
from subsidies import clock
from subsidies.models import ApplicationStatus, Subsidy
from subsidies.vocabulary import Vocabulary


def _confirm_hours() -> int:
    return settings.ALERTS_CONFIRM_MAX_AGE // 3600


def _limited(request: HttpRequest, email: str) -> bool:
    client = import_string(settings.ALERTS_CLIENT_IP_CALLABLE)(request) or "unknown"
    per_client = ratelimit.allow("client", client, ratelimit.PER_CLIENT)
    return not (per_client and ratelimit.allow("address", email, ratelimit.PER_ADDRESS))


def _subscribe(request, form, *, kind, description, template, context, **target) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if _limited(request, email):
            return render(request, "alerts/rate_limited.html", status=429)
        services.subscribe(email=email, kind=kind, description=description, now=clock.now(), **target)
        # The same answer whether the address was new, waiting or already subscribed.
        return render(
            request,
            "alerts/subscribe_done.html",
            {"description": description, "confirm_hours": _confirm_hours()},
        )
    status = 400 if request.method == "POST" else 200
    return render(request, template, context | {"form": form, "description": description}, status=status)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe_search(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = SearchSubscribeForm(data, initial={"query": request.GET.urlencode()})
    raw = request.POST.get("query", "") if data is not None else request.GET.urlencode()
    now, vocabulary = clock.now(), Vocabulary()
    query = searches.clean_query(raw[: searches.MAX_QUERY], at=now, vocabulary=vocabulary)
    description = searches.describe(query, at=now, vocabulary=vocabulary)
    return _subscribe(
        request,
        form,
        kind=Subscription.Kind.SEARCH,
        description=description,
        template="alerts/subscribe_search.html",
        context={"query": query},
        query=query,
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    subsidy = get_object_or_404(
        Subsidy.objects.published()
        .filter(rolling=False, deadline__isnull=False, deadline_expected=False, kind=Subsidy.Kind.SUBSIDY)
        .select_related("organization"),
        pk=pk,
    )
    if subsidy.status(at=clock.now()) == ApplicationStatus.CLOSED:
        return render(request, "alerts/subscribe_closed.html", {"subsidy": subsidy}, status=404)
    form = DeadlineSubscribeForm(request.POST if request.method == "POST" else None)
    days = "・".join(f"{n}日前" for n in THRESHOLDS)
    return _subscribe(
        request,
        form,
        kind=Subscription.Kind.DEADLINE,
        description=f"「{subsidy.title}」の締切（{days}）",
        template="alerts/subscribe_deadline.html",
        context={"subsidy": subsidy},
        subsidy=subsidy,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners follow links; only a person presses it); POST activates."""
    try:
        subscription_id = tokens.read_confirm_token(token)
    except tokens.ExpiredToken:
        context = {"expired": True, "confirm_hours": _confirm_hours()}
        return render(request, "alerts/link_invalid.html", context, status=410)
    except tokens.BadToken:
        return render(request, "alerts/link_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "alerts/confirm.html")
    subscription = services.confirm(subscription_id=subscription_id, now=clock.now())
    if subscription is None:
        return render(request, "alerts/link_invalid.html", status=404)
    return render(request, "alerts/confirm_done.html", {"subscription": subscription})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST (the button, or a mail client's RFC 8058 one-click) cancels."""
    try:
        scope, pk = tokens.read_unsubscribe_token(token)
    except tokens.BadToken:
        return render(request, "alerts/link_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "alerts/unsubscribe.html", {"all": scope == "a"})
    services.cancel(scope=scope, pk=pk, now=clock.now())
    return render(request, "alerts/unsubscribe_done.html", {"all": scope == "a"})
