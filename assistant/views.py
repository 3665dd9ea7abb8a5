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
    partial = request.GET.get("partial") == "1"
    # The page without a question shows the box; the fragment always answers something, if only an error.
    form = QuestionForm(request.GET) if "q" in request.GET or partial else QuestionForm()
    valid = form.is_bound and form.is_valid()
    result = answer(subsidy, form.cleaned_data["q"], now=clock.now()) if valid else None
    context = {"subsidy": subsidy, "form": form, "answer": result}
    template = "assistant/ask.html#answer" if partial else "assistant/ask.html"
    response = render(request, template, context)
    response["X-Robots-Tag"] = "noindex"
    return response
