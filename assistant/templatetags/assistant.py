from django import template

from ..forms import QuestionForm

register = template.Library()


@register.inclusion_tag("assistant/_ask_box.html")
def ask_box(subsidy, form=None):
    """The question box under the article: ``{% load assistant %}{% ask_box subsidy %}``."""
    return {"subsidy": subsidy, "form": form or QuestionForm()}
