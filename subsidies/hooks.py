"""Where other apps plug into the listings: declared on their ``AppConfig``, read here. ``subsidies`` imports none
of them, so an app removed from ``INSTALLED_APPS`` simply declares nothing any more.

Sections of the pages
    An app names, per slot, the templates it adds::

        class ComparisonsConfig(AppConfig):
            subsidy_sections = {
                "detail:actions": ["comparisons/_compare_button_section.html"],
                "card": ["comparisons/_compare_button_section.html"],
            }

    ``{% load subsidy_sections %}{% subsidy_sections "card" %}`` renders every template declared for the slot,
    in ``INSTALLED_APPS`` order, with the page's own context (``subsidy``, ``now``, ``request``, the detail
    page's fragment expiry): like an ``{% include %}`` each app chose. The template loads its app's own tags.
    ``SLOTS`` lists the slots and where each is on the page; the system check ``subsidies.E003`` refuses an
    unknown slot or a template that does not exist.

Links kept by the listing index
    ``listing_index.py`` keeps, for each option of a facet, the bitmap of the listings that have it. An app that
    needs the same for another relation of a listing declares it::

        class ComparisonsConfig(AppConfig):
            listing_index_links = {"expense_category": ("subsidies.SubsidyExpense", "subsidy", "category")}

    (a model, its foreign key to ``Subsidy`` and the foreign key whose values are the options), and reads
    ``index.options["expense_category"]``. The index reads the rows when it is built (one query each).
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

SLOTS = {
    "page:head": "in <head> of every page (base.html): an app's site-wide stylesheets",
    "page:scripts": "at the end of <body> of every page (base.html): an app's site-wide scripts",
    "detail:actions": "the detail page, the summary's row of actions under the amount and deadline",
    "detail:top": "the detail page, under the summary (amount, deadline, actions), before 3秒でわかる要点",
    "detail:after-article": "the detail page, after the article and before the FAQ",
    "detail:end": "the detail page, last in the article, after the contact section",
    "listing:results": "the listing and landing pages, under the feed link above the results",
    "card": "a listing's card (listing, home and landing pages), after its facts",
}


def sections(slot: str) -> list[str]:
    """The templates the installed apps add to ``slot``, in ``INSTALLED_APPS`` order."""
    return [
        template
        for config in apps.get_app_configs()
        for template in getattr(config, "subsidy_sections", {}).get(slot, ())
    ]


def declared_sections() -> list[tuple[str, str, str]]:
    """(app label, slot, template) of every declaration of the installed apps."""
    return [
        (config.label, slot, template)
        for config in apps.get_app_configs()
        for slot, templates in getattr(config, "subsidy_sections", {}).items()
        for template in templates
    ]


@dataclass(frozen=True)
class Link:
    """Rows of ``model`` tie a listing (``listing_field``, a foreign key to Subsidy) to an option (``option_field``)."""

    model: type[models.Model]
    listing_field: str
    option_field: str

    @property
    def options(self) -> type[models.Model]:
        """The model whose rows are the options (the one ``option_field`` points to)."""
        return self.model._meta.get_field(self.option_field).related_model

    @property
    def columns(self) -> tuple[str, str]:
        return (
            self.model._meta.get_field(self.listing_field).column,
            self.model._meta.get_field(self.option_field).column,
        )


def index_links() -> dict[str, Link]:
    """The relations the installed apps ask the listing index to keep, by name."""
    found = {}
    for config in apps.get_app_configs():
        for name, (model, listing_field, option_field) in getattr(config, "listing_index_links", {}).items():
            found[name] = Link(apps.get_model(model), listing_field, option_field)
    return found
