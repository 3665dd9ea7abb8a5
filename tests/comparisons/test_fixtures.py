import pytest
from django.urls import reverse

from comparisons.similarity import similar_subsidies
from subsidies.models import Subsidy
from tests.factories import NOW

SEED = 155678
# The reference page's "similar" four: 浄化槽, 観光誘客, 自治会, 愛知県の総合案内 — similar only in being 全国.
REFERENCE_FOUR = {155679, 155680, 155681, 155682}


@pytest.fixture
def seed(demo_data):
    return Subsidy.objects.prefetch_related("purposes", "expenses").get(pk=SEED)


def test_the_seed_listings_similar_four_share_its_purpose_or_expenses(seed):
    purposes = {purpose.pk for purpose in seed.purposes.all()}
    categories = {expense.category_id for expense in seed.expenses.all()}
    found = similar_subsidies(seed, on=NOW)
    assert len(found) == 4
    assert not {item.subsidy.pk for item in found} & REFERENCE_FOUR
    for item in found:
        shares_purpose = purposes & {purpose.pk for purpose in item.subsidy.purposes.all()}
        shares_category = categories & {expense.category_id for expense in item.subsidy.expenses.all()}
        assert shares_purpose or shares_category
        assert any(reason.startswith(("同じ目的", "同じ対象経費")) for reason in item.reasons)


def test_the_seed_detail_page_names_the_reasons_not_the_reference_four(client, seed, monkeypatch):
    monkeypatch.setattr("subsidies.clock.now", lambda: NOW)
    response = client.get(reverse("subsidies:detail", kwargs={"pk": SEED}))
    similar = response.text.split('id="similar-heading"')[1]
    assert "同じ目的: 販路拡大・海外展開をしたい" in similar or "同じ目的: 人材育成を行いたい" in similar
    for pk in REFERENCE_FOUR:
        assert f'data-compare-column="{pk}"' not in similar
    assert "浄化槽" not in similar
