"""/match/: the profile in the URL, three groups with reasons, the listing filters on top; the detail page's
fit box; the employee-count filter of the listing."""

import re

import pytest
from django.urls import reverse

from subsidies import clock
from subsidies.models import Eligibility, Industry, Purpose, Region, Subsidy
from tests.factories import NOW, jst, make_subsidy

MATCH = reverse("matching:match")


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def catalog(taxonomies, fixed_clock):
    tokyo, osaka = Region.objects.get(slug="tokyo"), Region.objects.get(slug="osaka")
    equipment = Purpose.objects.get(slug="equipment-it")
    manufacturing = Industry.objects.get(code="E")
    rows = {
        "fit": make_subsidy(
            title="東京の設備補助", regions=[tokyo], purposes=[equipment], deadline=jst(2026, 3, 1)
        ),
        "fit-late": make_subsidy(title="全国の設備補助", purposes=[equipment], deadline=jst(2026, 6, 1)),
        "check": make_subsidy(title="条件未登録の補助", purposes=[equipment]),
        "failed": make_subsidy(title="大阪の補助", regions=[osaka], purposes=[equipment]),
        "small": make_subsidy(title="小規模事業者の補助", purposes=[equipment], industries=[manufacturing]),
        "other-purpose": make_subsidy(title="人材の補助"),
        "closed": make_subsidy(title="締切済みの補助", purposes=[equipment], deadline=jst(2026, 1, 10)),
    }
    Eligibility.objects.create(subsidy=rows["fit"], company_size="sme", min_years=2)
    Eligibility.objects.create(subsidy=rows["fit-late"], max_employees=20)
    Eligibility.objects.create(subsidy=rows["failed"])
    Eligibility.objects.create(subsidy=rows["small"], company_size="small")
    Eligibility.objects.create(subsidy=rows["closed"])
    return rows


TOKYO_MAKER = "pref=tokyo&biz=manufacturing&form=kabushiki&emp=12&cap=1000&years=10&purpose=equipment-it"


def group_titles(html: str, fit: str) -> list[str]:
    start = html.index(f'id="group-{fit}"')
    end = html.find('class="match-group match-group--', start + 1)
    return re.findall(
        r'class="card__title"><a href="[^"]+">([^<]+)</a>', html[start : end if end > 0 else None]
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_three_groups_sorted_by_deadline_with_reasons(client, catalog):
    html = client.get(f"{MATCH}?{TOKYO_MAKER}").text
    assert group_titles(html, "likely") == ["東京の設備補助", "小規模事業者の補助", "全国の設備補助"]
    assert group_titles(html, "check") == ["条件未登録の補助"]
    assert group_titles(html, "not-eligible") == ["大阪の補助"]
    text = text_of(html)
    assert "従業員12人：上限20人以下 ✓" in text
    assert "創業10年：創業2年以上 ✓" in text
    assert "所在地 東京都：対象地域 大阪府 ✗" in text
    assert "この掲載の対象条件はまだ登録されていません（公募要領で確認してください） ？" in text
    assert "小規模事業者に該当（製造業・建設業・運輸業・その他：従業員20人以下） ✓" in text
    assert "人材の補助" not in text  # the purpose filter applies on top
    assert "締切済みの補助" not in text  # so does the status default (open and upcoming)
    assert "<details" in html  # 対象外 is collapsed


def test_a_failed_condition_moves_a_listing_to_not_eligible_and_names_it(client, catalog):
    html = client.get(f"{MATCH}?pref=tokyo&biz=retail&form=kabushiki&emp=21&purpose=equipment-it").text
    assert "全国の設備補助" in group_titles(html, "not-eligible")
    assert "小規模事業者の補助" in group_titles(html, "not-eligible")
    text = text_of(html)
    assert "従業員21人：上限20人以下 ✗" in text
    assert "業種 小売業：対象業種 製造業 ✗" in text


def test_a_blank_profile_field_makes_its_conditions_unknown_and_named(client, catalog):
    html = client.get(f"{MATCH}?pref=tokyo&purpose=equipment-it").text
    assert group_titles(html, "likely") == []
    assert "全国の設備補助" in group_titles(html, "check")
    text = text_of(html)
    assert "従業員数が未入力：上限20人以下 ？" in text
    assert "中小企業者に限る：業種・形態・従業員数・資本金が未入力のため判定できません ？" in text


def test_the_listing_filters_apply_on_top(client, catalog):
    html = client.get(f"{MATCH}?{TOKYO_MAKER}&status=closed").text
    assert group_titles(html, "likely") == ["締切済みの補助"]
    assert "東京の設備補助" not in text_of(html)


def test_the_profile_round_trips_through_the_url(client, catalog):
    html = client.get(f"{MATCH}?{TOKYO_MAKER}").text
    assert '<option value="tokyo" selected>東京都</option>' in html
    assert '<option value="manufacturing" selected>' in html
    assert '<option value="kabushiki" selected>株式会社</option>' in html
    assert re.search(r'name="emp"[^>]*value="12"', html)
    assert re.search(r'name="cap"[^>]*value="1000"', html)
    assert re.search(r'name="years"[^>]*value="10"', html)
    assert re.search(r'name="purpose" value="equipment-it"[^>]*checked', html)
    assert 'method="get"' in html and f'action="{MATCH}"' in html
    # Each result links to its detail page with the profile, so the page there says why it fits.
    detail = catalog["fit"].get_absolute_url()
    assert (
        f'href="{detail}?pref=tokyo&amp;biz=manufacturing&amp;form=kabushiki&amp;emp=12&amp;cap=1000&amp;years=10"'
        in html
    )


def test_the_page_works_without_javascript(client, catalog):
    """Everything is in the HTML of a GET: the form, the results and their reasons; the script only adds."""
    html = client.get(f"{MATCH}?{TOKYO_MAKER}").text
    assert "<form" in html and 'type="submit"' in html
    assert "照合結果：5件" in text_of(html)
    scripts = re.findall(r"<script[^>]*>", html)
    assert f'<script src="{static_url("js/matching.js")}" defer>' in scripts
    assert all(" src=" in script and " defer" in script for script in scripts)  # no inline script
    assert "onclick" not in html and "style=" not in html


def static_url(path: str) -> str:
    from django.templatetags.static import static

    return static(path)


def test_without_a_profile_the_page_asks_for_one(client, catalog):
    html = client.get(MATCH).text
    assert "プロフィールを1項目以上入れて" in html
    assert "照合結果" not in html


def test_bad_input_is_reported_and_ignored_never_a_500(client, catalog):
    response = client.get(f"{MATCH}?pref=atlantis&emp=-3&cap=abc&biz=x&years=99999&purpose=nope&status=x")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "次の入力は使えないため、空欄として扱いました。" in text
    assert "従業員数" in text and "資本金" in text
    assert "プロフィールを1項目以上入れて" in text


def test_full_width_digits_are_read(client, catalog):
    html = client.get(f"{MATCH}?emp=１２&cap=１，０００").text
    assert re.search(r'name="emp"[^>]*value="12"', html)


def test_query_count_is_constant(client, catalog, django_assert_num_queries):
    client.get(f"{MATCH}?{TOKYO_MAKER}")  # builds the listing index
    # vocabulary 4 + content version 1 + the shown listings 1 + their regions 1
    with django_assert_num_queries(7):
        assert client.get(f"{MATCH}?{TOKYO_MAKER}").status_code == 200
    for n in range(5):
        Eligibility.objects.create(
            subsidy=make_subsidy(title=f"追加{n}", purposes=[catalog["fit"].purposes.get()])
        )
    client.get(f"{MATCH}?{TOKYO_MAKER}")
    with django_assert_num_queries(7):
        assert client.get(f"{MATCH}?{TOKYO_MAKER}").status_code == 200
    with django_assert_num_queries(4):  # no profile: the form's vocabulary only
        assert client.get(MATCH).status_code == 200


def test_the_detail_page_says_whether_it_fits_and_why(client, catalog):
    url = catalog["fit-late"].get_absolute_url()
    text = text_of(client.get(f"{url}?{TOKYO_MAKER}").text)
    assert "あなたのプロフィールでは： 対象になりそう" in text
    assert "従業員12人：上限20人以下 ✓" in text
    html = client.get(f"{url}?pref=tokyo&emp=30").text
    assert "あなたのプロフィールでは：<strong>対象外</strong>" in html
    assert 'data-tick="target"' not in html


def test_a_fitting_listing_asks_the_checklist_to_tick_the_target_item(client, catalog):
    html = client.get(f"{catalog['fit-late'].get_absolute_url()}?{TOKYO_MAKER}").text
    assert 'data-tick="target"' in html  # the script ticks it on the page
    # Without JavaScript: a link to the standalone checklist with the item ticked.
    checklist = reverse("checklists:checklist", kwargs={"pk": catalog["fit-late"].pk})
    assert f'href="{checklist}?done=target&amp;submitted=1"' in html


def test_without_a_profile_the_detail_page_has_an_empty_slot_for_the_script(client, catalog):
    url = catalog["fit"].get_absolute_url()
    html = client.get(url).text
    slot = reverse("matching:verdict", kwargs={"pk": catalog["fit"].pk})
    assert f'data-match-verdict="{slot}" hidden' in html
    assert "あなたのプロフィールでは" not in html


def test_the_verdict_fragment(client, catalog):
    url = reverse("matching:verdict", kwargs={"pk": catalog["fit"].pk})
    text = text_of(client.get(f"{url}?{TOKYO_MAKER}").text)
    assert "あなたのプロフィールでは： 対象になりそう" in text
    assert client.get(reverse("matching:verdict", kwargs={"pk": 999999})).status_code == 404
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    assert (
        client.get(reverse("matching:verdict", kwargs={"pk": draft.pk}) + f"?{TOKYO_MAKER}").status_code
        == 404
    )


def test_the_listing_filters_by_employee_band(client, catalog):
    listing = reverse("subsidies:list")

    def titles(query):
        return re.findall(
            r'class="card__title"><a href="[^"]+">([^<]+)</a>', client.get(f"{listing}?{query}").text
        )

    assert "全国の設備補助" in titles("employees=20")
    assert "全国の設備補助" not in titles("employees=50")  # limit 20
    assert "小規模事業者の補助" in titles("employees=20")
    assert "小規模事業者の補助" not in titles("employees=50")  # 小規模事業者: 20人 at most in any industry
    assert "東京の設備補助" in titles("employees=901")  # no employee limit stated
    assert "全国の設備補助" not in titles("employees=no-limit")
    html = client.get(f"{listing}?employees=many").text
    assert "従業員数の指定「many」は使えないため無視しました。" in html
    assert '<option value="20">20名以下（' in client.get(listing).text


def test_each_card_quotes_the_text_its_conditions_came_from(client, catalog):
    Eligibility.objects.filter(subsidy=catalog["fit"]).update(
        basis="「都内で2年以上事業を継続している中小企業者」"
    )
    from subsidies import versioning

    versioning.bump()
    text = text_of(client.get(f"{MATCH}?{TOKYO_MAKER}").text)
    assert "掲載の記述： 「都内で2年以上事業を継続している中小企業者」" in text
    detail = text_of(client.get(f"{catalog['fit'].get_absolute_url()}?{TOKYO_MAKER}").text)
    assert "「都内で2年以上事業を継続している中小企業者」" in detail
