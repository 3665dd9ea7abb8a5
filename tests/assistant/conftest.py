import pytest
from django.core.management import call_command

from subsidies.models import FAQ, EligibilityRequirement, RequiredDocument, Subsidy, SubsidyExpense
from tests.assistant.evaluation_dev import LISTING_6
from tests.factories import jst, make_organization, make_subsidy

LISTING_6_BODY = """\
小規模事業者が販路開拓や業務効率化に取り組む費用の一部を補助する制度です（テスト用の掲載）。

## 補助の対象となる取組

- チラシ・パンフレットの作成や展示会への出展
- ウェブサイトやネット販売システムの構築
- 店舗の改装による集客力の向上

## 申請のポイント

地域の商工会・商工会議所の助言を受けて経営計画を作ることが求められます。計画書の作成には時間がかかるため、早めに相談してください。
"""


def make_listing_6() -> Subsidy:
    subsidy = make_subsidy(
        pk=LISTING_6,
        title="小規模事業者向け 販路開拓の補助金（テスト用）",
        summary="小規模事業者の販路開拓を補助します。",
        body=LISTING_6_BODY,
        organization=make_organization(name="テスト商工団体"),
        max_amount=2_000_000,
        max_amount_note="インボイス特例の対象は50万円上乗せ",
        subsidy_rate="2/3以内",
        adoption_rate="41.8",
        adoption_rate_basis=Subsidy.RateBasis.OFFICIAL,
        adoption_rate_citation="第16回公募の採択結果（事務局発表）",
        difficulty=Subsidy.Difficulty.HARD,
        preparation_days=30,
        accepts_from=jst(2026, 2, 1, 9, 0),
        deadline=jst(2026, 4, 30, 17, 0),
        review_period_note="締切から採択発表まで約2か月",
        official_url="https://example.jp/jizokuka/",
        contact_name="補助金事務局",
        contact_phone="03-0000-0000",
        contact_email="info@example.jp",
        contact_url="https://example.jp/contact/",
    )
    EligibilityRequirement.objects.create(
        subsidy=subsidy, text="常時使用する従業員が20人以下（商業・サービス業は5人以下）であること", order=1
    )
    for order, name in enumerate(
        ("経営計画書", "事業支援計画書（商工会・商工会議所が発行）", "直近の確定申告書"), 1
    ):
        RequiredDocument.objects.create(subsidy=subsidy, name=name, order=order)
    for order, label in enumerate(("広報費", "ウェブサイト関連費", "展示会等出展費", "機械装置等費"), 1):
        SubsidyExpense.objects.create(subsidy=subsidy, label=label, order=order)
    FAQ.objects.create(
        subsidy=subsidy,
        question="赤字の事業者でも申請できますか？",
        answer="はい、申請できます。赤字であることは要件に影響しません。",
        order=1,
    )
    FAQ.objects.create(
        subsidy=subsidy,
        question="インボイス特例とは何ですか？",
        answer="免税事業者から適格請求書発行事業者に転換した事業者は、補助上限額が50万円上乗せされます。",
        order=2,
    )
    return subsidy


@pytest.fixture
def evaluation_listings(db):
    call_command("loaddata", "taxonomies", "seed", "programs", verbosity=0)
    make_listing_6()
