"""Broken links in the admin: the link check list, the 「リンク切れ」 filter and column on the listings, the index."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from subsidies.models import LinkCheck, Subsidy
from tests.factories import make_subsidy

CHECKS = reverse("admin:subsidies_linkcheck_changelist")
LISTINGS = reverse("admin:subsidies_subsidy_changelist")


def checked(subsidy: Subsidy, field: str, url: str, *, status=None, error="", streak=0) -> LinkCheck:
    """A row as ``check_links`` leaves it: working when ``streak`` is 0, else broken for ``streak`` runs."""
    now = timezone.now()
    broken = streak > 0
    return LinkCheck.objects.create(
        subsidy=subsidy,
        field=field,
        url=url,
        result=LinkCheck.Result.BROKEN if broken else LinkCheck.Result.OK,
        status_code=status,
        error=error,
        checked_at=now,
        first_failed_at=now - datetime.timedelta(days=streak) if broken else None,
        consecutive_failures=streak,
    )


def listing_with_links(title: str, *, broken: int, ok: int = 1) -> Subsidy:
    subsidy = make_subsidy(title=title)
    fields = ["official_url", "source_url", "contact_url"]
    for i in range(broken):
        checked(subsidy, fields[i % 3], f"https://example.jp/{subsidy.pk}/gone{i}", status=404, streak=i + 1)
    for i in range(ok):
        checked(subsidy, fields[(broken + i) % 3], f"https://example.jp/{subsidy.pk}/ok{i}", status=200)
    return subsidy


def rows(response) -> list[str]:
    return response.text.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]


@pytest.mark.django_db
def test_the_broken_link_list_shows_each_broken_link_with_its_listing_linked_and_what_was_seen(staff_client):
    subsidy = make_subsidy(title="ものづくり補助金")
    checked(subsidy, "official_url", "https://example.jp/koubo/", status=404, streak=3)
    checked(subsidy, "source_url", "https://example.jp/slow/", error="タイムアウト（15秒）", streak=1)
    checked(subsidy, "contact_url", "https://example.jp/ok/", status=200)

    response = staff_client.get(CHECKS, {"result__exact": "broken"})

    assert response.status_code == 200
    text = response.text
    assert len(rows(response)) == 2
    assert "https://example.jp/ok/" not in text
    change = reverse("admin:subsidies_subsidy_change", args=[subsidy.pk])
    assert f'<a href="{change}">ものづくり補助金</a>' in text
    assert 'href="https://example.jp/koubo/" rel="noopener noreferrer" target="_blank"' in text
    first = rows(response)[0]  # the longest failing first
    assert "公式ページ" in first and ">404<" in first and ">3<" in first
    assert "タイムアウト（15秒）" in rows(response)[1]
    for label in ("リンクの場所", "確認の結果", "確認日時", "リンク切れの初確認", "連続失敗回数", "転送先"):
        assert label in text


@pytest.mark.django_db
def test_a_redirected_link_shows_where_it_ended(staff_client):
    row = checked(make_subsidy(), "official_url", "https://example.jp/old", status=200)
    row.final_url = "https://example.jp/new"
    row.save()

    text = staff_client.get(CHECKS).text

    assert "200（転送あり）" in text
    assert 'href="https://example.jp/new"' in text


@pytest.mark.django_db
def test_the_link_check_list_is_read_only(staff_client):
    row = checked(make_subsidy(), "official_url", "https://example.jp/gone", status=404, streak=1)
    change = reverse("admin:subsidies_linkcheck_change", args=[row.pk])

    assert staff_client.get(reverse("admin:subsidies_linkcheck_add")).status_code == 403
    assert staff_client.get(change).status_code == 200  # viewable
    assert staff_client.post(change, {"url": "https://example.jp/other"}).status_code == 403
    assert staff_client.post(reverse("admin:subsidies_linkcheck_delete", args=[row.pk])).status_code == 403
    assert LinkCheck.objects.get().url == "https://example.jp/gone"


@pytest.mark.django_db
def test_the_link_check_list_runs_the_same_queries_whatever_the_number_of_rows(
    staff_client, django_assert_num_queries
):
    for n in range(3):
        listing_with_links(f"少ない{n}", broken=2)
    staff_client.get(CHECKS, {"result__exact": "broken"})  # warm the session and content-type caches
    # the user (the session is cached), the count of the filtered rows, of all rows, the page with listings
    with django_assert_num_queries(4):
        staff_client.get(CHECKS, {"result__exact": "broken"})
    for n in range(20):
        listing_with_links(f"多い{n}", broken=3)
    with django_assert_num_queries(4):
        response = staff_client.get(CHECKS, {"result__exact": "broken"})
    assert len(rows(response)) == 3 * 2 + 20 * 3


@pytest.mark.django_db
def test_the_listings_can_be_filtered_to_those_with_broken_links(staff_client):
    listing_with_links("切れあり", broken=1)
    listing_with_links("切れなし", broken=0)
    make_subsidy(title="未確認")

    with_broken = staff_client.get(LISTINGS, {"broken_links": "yes"})
    without = staff_client.get(LISTINGS, {"broken_links": "no"})

    assert [s.title for s in with_broken.context["cl"].result_list] == ["切れあり"]
    assert sorted(s.title for s in without.context["cl"].result_list) == ["切れなし", "未確認"]
    assert "リンク切れ" in with_broken.text and "あり" in with_broken.text


@pytest.mark.django_db
def test_the_listings_column_counts_broken_links_and_opens_them(staff_client):
    subsidy = listing_with_links("切れあり", broken=2)
    other = listing_with_links("ほかの掲載", broken=1)
    listing_with_links("切れなし", broken=0)

    text = staff_client.get(LISTINGS).text

    link = re.search(rf'<a href="([^"]+subsidy__id__exact={subsidy.pk}[^"]*)">2件</a>', text)
    assert link, "the column links to the listing's broken links"
    assert len(re.findall(r"subsidy__id__exact=\d+\">\d+件</a>", text)) == 2  # 切れなし shows nothing
    opened = staff_client.get(link.group(1).replace("&amp;", "&"))
    assert opened.status_code == 200
    assert {row.subsidy_id for row in opened.context["cl"].result_list} == {subsidy.pk}
    assert len(opened.context["cl"].result_list) == 2
    assert other.title not in "".join(rows(opened))


@pytest.mark.django_db
def test_the_listings_page_runs_the_same_queries_with_more_broken_links(staff_client):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(LISTINGS, {"broken_links": "yes"}).status_code == 200
        return len(queries)

    for n in range(3):
        listing_with_links(f"少ない{n}", broken=2)
    count()
    few = count()
    for n in range(20):
        listing_with_links(f"多い{n}", broken=3)
    assert count() == few


@pytest.mark.django_db
def test_the_admin_index_counts_broken_and_unchecked_links_and_says_when_they_were_checked(staff_client):
    listing_with_links("切れあり", broken=2)
    LinkCheck.objects.create(subsidy=make_subsidy(), field="official_url", url="https://example.jp/new")

    text = staff_client.get(reverse("admin:index")).text

    assert re.search(r'result__exact=broken">リンク切れ</a></th><td>2件', text)
    assert re.search(r'result__exact=unchecked">未確認</a></th><td>1件', text)
    assert "最後の確認</th><td>" + timezone.localtime().strftime("%Y年") in text


@pytest.mark.django_db
def test_the_admin_index_says_when_links_were_never_checked(staff_client):
    assert "まだ確認していません" in staff_client.get(reverse("admin:index")).text


@pytest.mark.django_db
def test_editors_can_see_broken_links_but_not_change_them(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", "e@example.com", "pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name="編集者"))
    client.force_login(user)
    listing_with_links("切れあり", broken=1)

    assert client.get(CHECKS, {"result__exact": "broken"}).status_code == 200
    assert "リンク切れ</a></th><td>1件" in client.get(reverse("admin:index")).text
    assert not user.has_perm("subsidies.change_linkcheck")
