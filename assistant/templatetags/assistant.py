from django import template

from ..forms import QuestionForm

register = template.Library()


@register.inclusion_tag("assistant/_ask_box.html")
def ask_box(subsidy, form=None, answer=None):
    """The question box under the article: ``{% load assistant %}{% ask_box subsidy %}``.

    The answer page passes its bound form and answer, so the first answer shows in the box's log.
    """
    return {"subsidy": subsidy, "form": form or QuestionForm(), "answer": answer}
