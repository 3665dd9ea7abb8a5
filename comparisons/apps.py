from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "補助金の比較"
    # What the app adds to the listings' pages and to the listing index (subsidies/hooks.py): the compare
    # button on the detail page and on every card, the similar table after the article (after the checklist,
    # by INSTALLED_APPS order), the tray's stylesheet and script on every page; and a bitmap of the listings of
    # each expense category, which the similar-listings ranking reads (similarity.ranked).
    subsidy_sections = {
        "page:head": ["comparisons/_head.html"],
        "page:scripts": ["comparisons/_scripts.html"],
        "detail:actions": ["comparisons/_compare_button_section.html"],
        "detail:after-article": ["comparisons/_similar_section.html"],
        "card": ["comparisons/_compare_button_section.html"],
    }
    listing_index_links = {"expense_category": ("subsidies.SubsidyExpense", "subsidy", "category")}
