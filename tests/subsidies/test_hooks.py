"""The hook through which other apps add sections to the listings' pages and links to the listing index."""

import pytest
from django.apps import apps
from django.core.checks import Error
from django.template import Context, Template, TemplateSyntaxError, engines

from subsidies import checks, hooks
from subsidies.models import SubsidyExpense


@pytest.fixture
def declared(monkeypatch):
    """Give the installed apps' configs other declarations for one test: {label: {slot: [templates]}}."""

    def declare(sections: dict[str, dict[str, list[str]]]):
        for config in apps.get_app_configs():
            monkeypatch.setattr(config, "subsidy_sections", sections.get(config.label, {}), raising=False)

    return declare


def test_the_installed_feature_apps_declare_their_sections_in_installed_apps_order():
    assert hooks.sections("detail:after-article") == [
        "checklists/_detail_section.html",
        "comparisons/_similar_section.html",
    ]
    assert hooks.sections("card") == ["comparisons/_compare_button_section.html"]
    assert hooks.sections("detail:end") == ["assistant/_detail_section.html", "alerts/_detail_subscribe.html"]
    assert hooks.sections("detail:top") == ["matching/_detail_section.html"]
    assert hooks.sections("listing:results") == ["alerts/_listing_subscribe.html"]


def test_a_slot_renders_each_declared_template_with_the_page_s_context(declared, tmp_path, settings):
    (tmp_path / "one.html").write_text("[one {{ subsidy }} {{ now }}]")
    (tmp_path / "two.html").write_text("{% with subsidy='changed' %}[two {{ subsidy }}]{% endwith %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    declared({"checklists": {"card": ["one.html"]}, "assistant": {"card": ["two.html"]}})
    page = engines["django"].from_string(
        '{% load subsidy_sections %}<{% subsidy_sections "card" %}|{{ subsidy }}>'
    )
    assert page.render({"subsidy": "S", "now": "N"}) == "<[one S N][two changed]|S>"


def test_a_slot_with_no_section_renders_nothing(declared):
    declared({})
    page = Template('{% load subsidy_sections %}<{% subsidy_sections "detail:end" %}>')
    assert page.render(Context({})) == "<>"


@pytest.mark.parametrize(
    "tag", ['{% subsidy_sections "nowhere" %}', "{% subsidy_sections card %}", "{% subsidy_sections %}"]
)
def test_an_unknown_or_unquoted_slot_is_a_template_error(tag):
    with pytest.raises(TemplateSyntaxError, match="one quoted slot name"):
        Template("{% load subsidy_sections %}" + tag)


def test_the_installed_apps_declarations_pass_the_system_check():
    assert checks.sections_check(None) == []


def test_an_unknown_slot_or_a_missing_template_fails_the_system_check(declared):
    declared({"comparisons": {"sidebar": ["comparisons/_head.html"], "card": ["comparisons/_nothing.html"]}})
    errors = checks.sections_check(None)
    assert [error.id for error in errors] == ["subsidies.E003", "subsidies.E003"]
    assert all(isinstance(error, Error) for error in errors)
    assert "unknown slot 'sidebar'" in errors[0].msg
    assert "missing template 'comparisons/_nothing.html'" in errors[1].msg


def test_the_listing_index_keeps_the_links_apps_declare():
    link = hooks.index_links()["expense_category"]
    assert link.model is SubsidyExpense
    assert link.columns == ("subsidy_id", "category_id")
