"""The question box's answer page, and the same answer as a fragment for the box's script."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from subsidies import clock
from subsidies.models import Subsidy

from .answers import answer
from .forms import QuestionForm


@require_GET
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Subsidy.objects.select_related("organization").prefetch_related(
        "regions", "target_types", "requirements", "expenses", "documents", "steps", "faqs"
    )
    if not request.user.is_staff:
        queryset = queryset.published()
    subsidy = get_object_or_404(queryset, pk=pk)
    form = QuestionForm(request.GET) if "q" in request.GET else QuestionForm()
    result = (
        answer(subsidy, form.cleaned_data["q"], now=clock.now())
        if form.is_bound and form.is_valid()
        else None
    )
    context = {"subsidy": subsidy, "form": form, "answer": result}
    template = "assistant/ask.html#answer" if request.GET.get("partial") == "1" else "assistant/ask.html"
    response = render(request, template, context)
    response["X-Robots-Tag"] = "noindex"
    return response
