import pytest

from alerts import searches
from subsidies import listing_index
from subsidies.vocabulary import Vocabulary
from tests.factories import NOW, jst, make_purpose, make_region, make_subsidy, national

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    it = make_purpose(slug="it", name="IT導入")
    tokyo = make_region(slug="tokyo", name="東京都")
    make_subsidy(title="東京のDX補助金", regions=[tokyo], purposes=[it], deadline=jst(2026, 3, 31))
    make_subsidy(title="全国のIT補助金", regions=[national()], purposes=[it], deadline=jst(2026, 2, 1))
    make_subsidy(title="東京の古い補助金", regions=[tokyo], deadline=jst(2025, 3, 31))
    make_subsidy(title="高額の補助金", max_amount=50_000_000, deadline=jst(2026, 6, 1))


@pytest.mark.parametrize(
    "query",
    ["", "region=tokyo", "purpose=it", "q=DX", "q=補助金&region=tokyo", "status=closed", "amount=over-30m"],
)
def test_a_saved_search_finds_what_the_listing_finds(catalog, query):
    vocabulary = Vocabulary()
    listing = searches.listing_filter(query, at=NOW, vocabulary=vocabulary)
    expected = sorted(listing.matching().values_list("pk", flat=True))
    found = searches.matching_ids(query, index=listing_index.current(), at=NOW, vocabulary=vocabulary)
    assert found.tolist() == expected


def test_a_search_is_stored_cleaned_and_described_in_japanese(catalog):
    vocabulary = Vocabulary()
    raw = "region=tokyo&purpose=it&purpose=bogus&page=2&sort=amount&q=+DX+&amount=nope&x=<b>"
    query = searches.clean_query(raw, at=NOW, vocabulary=vocabulary)
    assert query == "q=DX&region=tokyo&purpose=it"
    assert searches.describe(query, at=NOW, vocabulary=vocabulary) == (
        "キーワード「DX」・地域: 東京都・利用目的: IT導入・募集状況: 募集中・募集予定・受付期間未定"
    )
    assert (
        searches.describe("", at=NOW, vocabulary=vocabulary)
        == "すべての補助金（募集状況: 募集中・募集予定・受付期間未定）"
    )
