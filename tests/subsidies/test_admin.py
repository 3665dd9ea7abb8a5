"""The staff side: every page renders for staff and refuses everyone else; an editor can do the day's work.

The admin asks the real clock, so listings here are made relative to ``timezone.now()``.
"""

import datetime
import importlib
import itertools
import re
import string
import types

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from subsidies.clock import end_of_day, jst_date
from subsidies.models import (
    FAQ,
    ApplicationStep,
    EligibilityRequirement,
    Organization,
    RequiredDocument,
    Round,
    Subsidy,
    SubsidyExpense,
)
from tests.factories import (
    jst,
    make_expense_category,
    make_organization,
    make_purpose,
    make_region,
    make_subsidy,
    make_target_type,
)

INLINE_PREFIXES = ("requirements", "expenses", "documents", "steps", "faqs", "rounds")
TAXONOMY_MODELS = ("region", "organization", "purpose", "industry", "targettype", "expensecategory")


# Region codes are at most 3 characters (PostgreSQL enforces it), so this module numbers its own.
_region_codes = (f"Y{a}{b}" for a, b in itertools.product(string.digits + string.ascii_uppercase, repeat=2))


def make_short_region(**fields):
    return make_region(**({"code": next(_region_codes)} | fields))


def add_parts(subsidy: Subsidy, count: int) -> None:
    """Give a listing ``count`` of every child row and of every many-to-many link."""
    category = make_expense_category()
    for i in range(count):
        EligibilityRequirement.objects.create(subsidy=subsidy, text=f"要件{i}", order=i)
        SubsidyExpense.objects.create(subsidy=subsidy, label=f"経費{i}", category=category, order=i)
        RequiredDocument.objects.create(subsidy=subsidy, name=f"書類{i}", order=i)
        ApplicationStep.objects.create(subsidy=subsidy, title=f"手順{i}", order=i)
        FAQ.objects.create(subsidy=subsidy, question=f"質問{i}？", answer=f"回答{i}。", order=i)
        Round.objects.create(subsidy=subsidy, name=f"第{i + 1}回", order=i, deadline=jst(2025, 3, 31 - i))
        subsidy.regions.add(make_short_region())
        subsidy.purposes.add(make_purpose())
        subsidy.target_types.add(make_target_type())


def changelist_url(model: str = "subsidy") -> str:
    return reverse(f"admin:subsidies_{model}_changelist")


def change_url(subsidy: Subsidy) -> str:
    return reverse("admin:subsidies_subsidy_change", args=[subsidy.pk])


def days_from_now(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def open_listing(**fields) -> Subsidy:
    return make_subsidy(**({"accepts_from": days_from_now(-10), "deadline": days_from_now(10)} | fields))


def row_of(response, title: str) -> str:
    """The changelist row (its HTML) whose title link reads ``title``."""
    rows = [row for row in response.text.split("<tr")[1:] if f">{title}</a>" in row]
    assert len(rows) == 1, f"{title} is shown {len(rows)} times"
    return rows[0]


def titles_in(response) -> list[str]:
    return [subsidy.title for subsidy in response.context["cl"].result_list]


def _split(moment: datetime.datetime | None) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def fields_of(subsidy: Subsidy) -> dict:
    """The main form's POST data for ``subsidy`` as it is stored."""
    data = {
        name: getattr(subsidy, name)
        for name in (
            "title",
            "summary",
            "state",
            "target_description",
            "max_amount_note",
            "subsidy_rate",
            "adoption_rate_basis",
            "adoption_rate_citation",
            "difficulty",
            "deadline_note",
            "review_period_note",
            "body",
            "official_url",
            "jgrants_id",
            "contact_name",
            "contact_phone",
            "contact_email",
            "contact_url",
            "source_name",
            "source_url",
            "kind",
            "max_amount_source",
        )
    }
    for name in ("max_amount", "adoption_rate", "preparation_days"):
        value = getattr(subsidy, name)
        data[name] = "" if value is None else str(value)
    for name in ("published_at", "accepts_from", "deadline"):
        data[f"{name}_0"], data[f"{name}_1"] = _split(getattr(subsidy, name))
    for name in ("regions", "purposes", "industries", "target_types"):
        data[name] = [str(term.pk) for term in getattr(subsidy, name).all()]
    data["organization"] = str(subsidy.organization_id)
    for name in (
        "rolling",
        "deadline_has_time",
        "deadline_expected",
        "accepts_from_has_time",
        "accepts_from_expected",
        "documents_incomplete",
        "expenses_incomplete",
        "title_amount_confirmed",
    ):
        if getattr(subsidy, name):
            data[name] = "on"
    return data


def form_data(fields: dict, *, parent: Subsidy | None = None, **inlines: list[dict]) -> dict:
    """A full admin form post: ``fields`` plus every inline's management form and ``inlines`` rows.

    Rows with an ``id`` are existing children and come first, as the formset expects.
    """
    data = dict(fields)
    for prefix in (*INLINE_PREFIXES, "eligibility"):
        rows = inlines.get(prefix, [])
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(sum("id" in row for row in rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-subsidy"] = str(parent.pk) if parent else ""
            data |= {f"{prefix}-{i}-{key}": str(value) for key, value in row.items()}
    data["_save"] = "保存"
    return data


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", "editor@example.com", "pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name="編集者"))
    client.force_login(user)
    return client


@pytest.fixture
def non_staff_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_user("visitor", "visitor@example.com", "pw-for-tests-only")
    )
    return client


# Access


@pytest.mark.django_db
def test_admin_index_is_titled_in_japanese(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "補助金ディレクトリ 管理画面" in response.text
    assert "掲載情報の管理" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("model", ("subsidy", *TAXONOMY_MODELS))
def test_changelist_and_add_pages_render_for_staff(staff_client, taxonomies, model):
    make_subsidy()
    assert staff_client.get(changelist_url(model)).status_code == 200
    assert staff_client.get(changelist_url(model), {"q": "東"}).status_code == 200
    assert staff_client.get(reverse(f"admin:subsidies_{model}_add")).status_code == 200


@pytest.mark.django_db
def test_subsidy_changelist_renders_with_facet_counts(staff_client):
    open_listing()
    assert staff_client.get(changelist_url(), {"_facets": "1"}).status_code == 200


def _admin_pages(subsidy: Subsidy) -> list[str]:
    return [
        changelist_url(),
        reverse("admin:subsidies_subsidy_add"),
        change_url(subsidy),
        changelist_url("region"),
    ]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in _admin_pages(make_subsidy()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_logged_in_users_who_are_not_staff_are_refused(non_staff_client):
    subsidy = make_subsidy()
    for url in _admin_pages(subsidy):
        response = non_staff_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    response = non_staff_client.post(
        changelist_url(), {"action": "publish", "_selected_action": [subsidy.pk]}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# The change page


@pytest.mark.django_db
def test_change_page_shows_every_part_inline_in_the_order_of_the_public_page(staff_client):
    subsidy = make_subsidy()
    add_parts(subsidy, 2)
    response = staff_client.get(change_url(subsidy))
    assert response.status_code == 200
    for prefix in INLINE_PREFIXES:
        assert f'id="{prefix}-group"' in response.text
        assert f'name="{prefix}-TOTAL_FORMS"' in response.text
        assert f'name="{prefix}-0-order"' in response.text
    sections = [
        "基本情報",
        "対象",
        "金額・条件",
        "スケジュール",
        "本文",
        "問い合わせ・公式情報",
        "情報ソース・確認",
    ]
    positions = [response.text.index(f">{section}</h2>") for section in sections]
    assert positions == sorted(positions)
    assert "受付開始" in response.text
    assert "スタッフが公式情報と照合した日" in response.text  # help text


@pytest.mark.django_db
def test_view_on_site_opens_the_public_page_even_for_a_draft(staff_client):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    shortcut = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Subsidy).pk, draft.pk])
    assert shortcut in staff_client.get(change_url(draft)).text
    response = staff_client.get(shortcut)
    assert response.status_code == 302
    assert response.url.endswith(f"/subsidies/{draft.pk}/")
    preview = staff_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "下書きプレビュー" in preview.text


@pytest.mark.django_db
def test_saving_the_change_form_saves_the_listing_and_its_parts(staff_client):
    subsidy = open_listing(title="古いタイトル")
    requirement = EligibilityRequirement.objects.create(subsidy=subsidy, text="要件A", order=0)
    category = make_expense_category(name="設備費")
    data = form_data(
        fields_of(subsidy) | {"title": "新しいタイトル"},
        parent=subsidy,
        requirements=[
            {
                "id": requirement.pk,
                "order": 2,
                "group": "eligibility",
                "text": "要件A（改）",
                "required": "on",
            },
            {"order": 1, "group": "documents", "text": "要件B"},
        ],
        expenses=[{"order": 0, "label": "機械装置・システム構築費", "category": category.pk}],
        faqs=[{"order": 0, "question": "個人事業主も申請できますか？", "answer": "できます。"}],
    )
    response = staff_client.post(change_url(subsidy), data)
    assert response.status_code == 302, response.context["errors"]
    subsidy.refresh_from_db()
    assert subsidy.title == "新しいタイトル"
    assert [(r.text, r.required) for r in subsidy.requirements.all()] == [
        ("要件B", False),
        ("要件A（改）", True),
    ]
    assert subsidy.expenses.get().category == category
    assert subsidy.faqs.get().answer == "できます。"


@pytest.mark.django_db
def test_a_new_listing_can_be_added_with_its_parts(staff_client):
    organization = make_organization(name="中小企業庁")
    region = make_short_region(name="東京都")
    fields = {
        "title": "新規の補助金",
        "summary": "要点です。",
        "state": "draft",
        "kind": "subsidy",
        "organization": str(organization.pk),
        "regions": [str(region.pk)],
        "deadline_0": "2099-03-31",
        "deadline_1": "23:59",
    }
    response = staff_client.post(
        reverse("admin:subsidies_subsidy_add"),
        form_data(fields, steps=[{"order": 0, "title": "GビズIDを取得する"}]),
    )
    assert response.status_code == 302, response.context["errors"]
    subsidy = Subsidy.objects.get(title="新規の補助金")
    assert subsidy.state == Subsidy.State.DRAFT
    assert list(subsidy.regions.all()) == [region]
    assert subsidy.steps.get().title == "GビズIDを取得する"
    # No time stated by the source: the whole day is the last day (and the page shows the date alone).
    assert subsidy.deadline.astimezone(datetime.UTC) == datetime.datetime(
        2099, 3, 31, 14, 59, 59, 999999, tzinfo=datetime.UTC
    )
    assert not subsidy.deadline_has_time


@pytest.mark.django_db
def test_a_deadline_time_the_source_states_is_kept(staff_client):
    fields = {
        "title": "時刻ありの補助金",
        "summary": "要点です。",
        "state": "draft",
        "kind": "subsidy",
        "organization": str(make_organization(name="中小企業庁").pk),
        "regions": [str(make_short_region(name="東京都").pk)],
        "deadline_0": "2099-03-31",
        "deadline_1": "17:00",
        "deadline_has_time": "on",
    }
    response = staff_client.post(reverse("admin:subsidies_subsidy_add"), form_data(fields))
    assert response.status_code == 302, response.context["errors"]
    subsidy = Subsidy.objects.get(title="時刻ありの補助金")
    assert subsidy.deadline == datetime.datetime(2099, 3, 31, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_deadline_before_the_start_of_acceptance_is_refused_in_japanese(staff_client):
    subsidy = open_listing()
    fields = fields_of(subsidy) | {
        "accepts_from_0": "2099-04-01",
        "accepts_from_1": "09:00:00",
        "deadline_0": "2099-03-31",
        "deadline_1": "23:59:00",
    }
    response = staff_client.post(change_url(subsidy), form_data(fields, parent=subsidy))
    assert response.status_code == 200
    assert "申請締切は受付開始より後の日時にしてください。" in response.text
    subsidy.refresh_from_db()
    assert subsidy.accepts_from < subsidy.deadline


# The changelist


@pytest.mark.django_db
def test_changelist_shows_the_status_computed_now(staff_client):
    open_listing(title="受付中の補助金")
    make_subsidy(title="これからの補助金", accepts_from=days_from_now(5), deadline=days_from_now(30))
    make_subsidy(title="終わった補助金", accepts_from=days_from_now(-30), deadline=days_from_now(-2))
    make_subsidy(title="随時の補助金", accepts_from=None, deadline=None, rolling=True)
    response = staff_client.get(changelist_url())
    assert "募集中" in row_of(response, "受付中の補助金")
    assert "募集予定" in row_of(response, "これからの補助金")
    assert "募集終了" in row_of(response, "終わった補助金")
    assert "募集中" in row_of(response, "随時の補助金")


@pytest.mark.django_db
def test_changelist_sorts_by_status_open_then_upcoming_then_closed(staff_client):
    make_subsidy(title="終了", accepts_from=days_from_now(-30), deadline=days_from_now(-2))
    make_subsidy(title="予定", accepts_from=days_from_now(5), deadline=days_from_now(30))
    open_listing(title="受付中")
    status_column = 2  # after the action checkbox and the title
    response = staff_client.get(changelist_url(), {"o": str(status_column)})
    assert titles_in(response) == ["受付中", "予定", "終了"]


@pytest.mark.django_db
def test_changelist_shows_days_left_the_way_applicants_read_them(staff_client):
    open_listing(title="十日後", deadline=days_from_now(10))
    open_listing(title="今日まで", deadline=end_of_day(jst_date(timezone.now())))
    make_subsidy(title="過去", accepts_from=days_from_now(-30), deadline=days_from_now(-2))
    make_subsidy(title="随時", accepts_from=None, deadline=None, rolling=True)
    make_subsidy(title="締切不明", accepts_from=None, deadline=None)
    response = staff_client.get(changelist_url())
    assert "残り10日" in row_of(response, "十日後")
    assert "本日締切" in row_of(response, "今日まで")
    assert "締切済み" in row_of(response, "過去")
    assert "随時" in row_of(response, "随時")
    assert "受付期間は公式ページで確認" in row_of(response, "締切不明")


@pytest.mark.django_db
def test_changelist_shows_regions_organizer_verification_and_state(staff_client):
    organization = make_organization(name="東京都産業労働局")
    open_listing(
        title="確認済み",
        organization=organization,
        regions=[make_short_region(name="東京都"), make_short_region(name="神奈川県")],
        verified_on=datetime.date(2026, 1, 16),
    )
    open_listing(title="未確認のもの", state=Subsidy.State.DRAFT, published_at=None)
    response = staff_client.get(changelist_url())
    row = row_of(response, "確認済み")
    assert "東京都、神奈川県" in row
    assert "東京都産業労働局" in row
    assert "2026年1月16日" in row
    assert "公開" in row
    draft_row = row_of(response, "未確認のもの")
    assert "未確認" in draft_row
    assert "下書き" in draft_row


@pytest.fixture
def two_listings(db):
    """Listing 甲 matches every filter's first choice below; 乙 matches none of them."""
    tokyo, osaka = make_short_region(name="東京都"), make_short_region(name="大阪府")
    it, hiring = make_purpose(name="IT導入"), make_purpose(name="人材育成")
    ko = open_listing(
        title="甲の補助金",
        organization=make_organization(name="経済産業省", kind=Organization.Kind.NATIONAL),
        regions=[tokyo],
        purposes=[it],
        difficulty=Subsidy.Difficulty.EASY,
        state=Subsidy.State.DRAFT,
        published_at=None,
        verified_on=None,
    )
    otsu = make_subsidy(
        title="乙の補助金",
        organization=make_organization(name="大阪市", kind=Organization.Kind.MUNICIPALITY),
        accepts_from=days_from_now(-30),
        deadline=days_from_now(-2),
        regions=[osaka],
        purposes=[hiring],
        difficulty=Subsidy.Difficulty.HARD,
        verified_on=jst_date(timezone.now()),
    )
    return types.SimpleNamespace(ko=ko, otsu=otsu, tokyo=tokyo, it=it)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda t: {"status": "open"}, "甲の補助金"),
        (lambda t: {"status": "closed"}, "乙の補助金"),
        (lambda t: {"regions__id__exact": t.tokyo.pk}, "甲の補助金"),
        (lambda t: {"purposes__id__exact": t.it.pk}, "甲の補助金"),
        (lambda t: {"organization_kind": "municipality"}, "乙の補助金"),
        (lambda t: {"difficulty__exact": "easy"}, "甲の補助金"),
        (lambda t: {"state__exact": "published"}, "乙の補助金"),
        (lambda t: {"verification": "unverified"}, "甲の補助金"),
        (lambda t: {"q": "甲"}, "甲の補助金"),
        (lambda t: {"q": "大阪市"}, "乙の補助金"),  # the organizer's name
        (lambda t: {"status": "open", "state__exact": "draft", "q": "補助金"}, "甲の補助金"),
    ],
    ids=[
        "status-open",
        "status-closed",
        "region",
        "purpose",
        "organizer-kind",
        "difficulty",
        "state",
        "unverified",
        "search-title",
        "search-organizer",
        "combined",
    ],
)
def test_changelist_filters_and_search_select_the_right_listings(
    staff_client, two_listings, params, expected
):
    response = staff_client.get(changelist_url(), params(two_listings))
    assert response.status_code == 200
    assert titles_in(response) == [expected]


@pytest.mark.django_db
def test_upcoming_status_filter_shows_only_listings_not_yet_accepting(staff_client):
    open_listing(title="受付中")
    make_subsidy(title="予定", accepts_from=days_from_now(5), deadline=days_from_now(30))
    assert titles_in(staff_client.get(changelist_url(), {"status": "upcoming"})) == ["予定"]


@pytest.mark.django_db
def test_verification_filters_split_unverified_from_checked_more_than_180_days_ago(staff_client):
    today = jst_date(timezone.now())
    for title, verified_on in [
        ("未確認", None),
        ("181日前", today - datetime.timedelta(days=181)),
        ("180日前", today - datetime.timedelta(days=180)),
        ("今日", today),
    ]:
        open_listing(title=title, verified_on=verified_on)
    assert titles_in(staff_client.get(changelist_url(), {"verification": "unverified"})) == ["未確認"]
    response = staff_client.get(changelist_url(), {"verification": "stale"})
    assert titles_in(response) == ["181日前"]  # the public page's notice starts after 180 days too
    assert "要再確認（180日超）" in response.text


@pytest.mark.django_db
def test_admin_index_counts_unverified_and_stale_published_listings(staff_client):
    today = jst_date(timezone.now())
    open_listing(verified_on=None)
    open_listing(verified_on=None)
    open_listing(verified_on=today - datetime.timedelta(days=200))
    open_listing(verified_on=today)
    open_listing(verified_on=None, state=Subsidy.State.DRAFT, published_at=None)
    text = staff_client.get(reverse("admin:index")).text
    assert "公式情報との照合（公開中 4件）" in text
    assert re.search(r"verification=unverified\">未確認</a></th><td>2件", text)
    assert re.search(r"verification=stale\">要再確認（180日超）</a></th><td>1件", text)


@pytest.mark.django_db
def test_changelist_query_count_does_not_grow_with_listings(staff_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(changelist_url())
        assert response.status_code == 200
        return len(queries)

    for _ in range(3):
        add_parts(open_listing(), 2)
    count_queries()  # warm the content-type and session caches
    with_three = count_queries()
    for _ in range(27):
        add_parts(open_listing(), 2)
    assert count_queries() == with_three


@pytest.mark.django_db
def test_autocomplete_finds_vocabulary_terms_for_the_listing_form(staff_client, taxonomies):
    make_organization(name="中小企業庁")
    for field, term, expected in [
        ("regions", "東京", "東京都"),
        ("organization", "中小", "中小企業庁"),
    ]:
        response = staff_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "subsidies", "model_name": "subsidy", "field_name": field, "term": term},
        )
        assert response.status_code == 200
        assert expected in [result["text"] for result in response.json()["results"]]


# Actions


def run_action(client, action: str, subsidies) -> None:
    response = client.post(
        changelist_url(), {"action": action, "_selected_action": [subsidy.pk for subsidy in subsidies]}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_publish_action_publishes_and_keeps_an_earlier_publication_date(staff_client):
    new = open_listing(state=Subsidy.State.DRAFT, published_at=None)
    earlier = days_from_now(-100)
    republished = open_listing(state=Subsidy.State.DRAFT, published_at=earlier)
    before = timezone.now()
    run_action(staff_client, "publish", [new, republished])
    new.refresh_from_db()
    republished.refresh_from_db()
    assert new.state == republished.state == Subsidy.State.PUBLISHED
    assert new.published_at >= before
    assert republished.published_at == earlier
    assert LogEntry.objects.filter(object_id=str(new.pk), change_message="公開しました。").exists()


@pytest.mark.django_db
def test_unpublish_action_takes_listings_back_to_draft(staff_client):
    subsidy = open_listing()
    run_action(staff_client, "unpublish", [subsidy])
    subsidy.refresh_from_db()
    assert subsidy.state == Subsidy.State.DRAFT
    assert Subsidy.objects.filter(pk=subsidy.pk).exists()


@pytest.mark.django_db
def test_verified_action_records_who_today_in_japan_and_the_official_page(staff_client, django_user_model):
    stale = open_listing(verified_on=datetime.date(2025, 1, 1), official_url="https://www.example.go.jp/a/")
    never = open_listing(verified_on=None, official_url="", source_url="https://www.example.or.jp/src/")
    untouched = open_listing(verified_on=None)
    nothing_to_check = open_listing(verified_on=None, official_url="", source_url="")
    response = staff_client.post(
        changelist_url(),
        {
            "action": "mark_verified_today",
            "_selected_action": [s.pk for s in (stale, never, nothing_to_check)],
        },
        follow=True,
    )
    today = jst_date(timezone.now())
    staff = django_user_model.objects.get(username="staff")
    stale, never = Subsidy.objects.get(pk=stale.pk), Subsidy.objects.get(pk=never.pk)
    assert (stale.verified_on, stale.verified_by, stale.verified_source_url) == (
        today,
        staff,
        "https://www.example.go.jp/a/",
    )
    assert (never.verified_on, never.verified_source_url) == (today, "https://www.example.or.jp/src/")
    assert Subsidy.objects.get(pk=untouched.pk).verified_on is None
    assert Subsidy.objects.get(pk=nothing_to_check.pk).verified_on is None
    assert "URL がないため、照合済みにできません" in response.text
    assert LogEntry.objects.filter(object_id=str(stale.pk), change_message__contains="公式情報").exists()


@pytest.mark.django_db
def test_staff_cannot_type_a_verification_date_in_the_form(staff_client):
    subsidy = open_listing(verified_on=None)
    fields = fields_of(subsidy) | {"verified_on": "2026-01-01"}
    response = staff_client.post(change_url(subsidy), form_data(fields))
    assert response.status_code == 302
    assert Subsidy.objects.get(pk=subsidy.pk).verified_on is None


@pytest.mark.django_db
def test_a_title_amount_that_contradicts_the_amount_warns_and_blocks_publishing(staff_client):
    draft = open_listing(
        title="最大数千万円規模の補助金", max_amount=10_000_000, state=Subsidy.State.DRAFT, published_at=None
    )
    response = staff_client.post(change_url(draft), form_data(fields_of(draft)), follow=True)
    assert "タイトルの金額（数千万円）が最大支給額（1,000万円）と食い違っています" in response.text
    publish = fields_of(draft) | {"state": "published"}
    response = staff_client.post(change_url(draft), form_data(publish))
    assert response.status_code == 200  # refused, the form shown again with the input kept
    assert "公開するには、タイトルか最大支給額を直すか" in response.text
    run_action(staff_client, "publish", [draft])
    assert Subsidy.objects.get(pk=draft.pk).state == Subsidy.State.DRAFT
    confirmed = publish | {"title_amount_confirmed": "on"}
    assert staff_client.post(change_url(draft), form_data(confirmed)).status_code == 302
    assert Subsidy.objects.get(pk=draft.pk).state == Subsidy.State.PUBLISHED


# The 編集者 group


@pytest.mark.django_db
def test_editor_group_may_maintain_listings_but_not_delete_them_or_touch_accounts():
    codenames = set(Group.objects.get(name="編集者").permissions.values_list("codename", flat=True))
    assert {
        "add_subsidy",
        "change_subsidy",
        "view_subsidy",
        "add_subsidyexpense",
        "delete_subsidyexpense",
    } <= codenames
    assert {"change_region", "add_organization", "view_expensecategory", "delete_faq"} <= codenames
    assert "delete_subsidy" not in codenames
    assert "delete_region" not in codenames
    assert not Permission.objects.filter(group__name="編集者", content_type__app_label="auth").exists()


@pytest.mark.django_db
def test_editor_can_change_a_listing_and_add_an_expense_line(editor_client):
    subsidy = open_listing()
    response = editor_client.get(change_url(subsidy))
    assert response.status_code == 200
    assert 'id="expenses-group"' in response.text
    data = form_data(
        fields_of(subsidy) | {"deadline_note": "予算に達し次第終了"},
        parent=subsidy,
        expenses=[{"order": 0, "label": "広告宣伝費"}],
    )
    response = editor_client.post(change_url(subsidy), data)
    assert response.status_code == 302, response.context["errors"]
    subsidy.refresh_from_db()
    assert subsidy.deadline_note == "予算に達し次第終了"
    assert subsidy.expenses.get().label == "広告宣伝費"


@pytest.mark.django_db
def test_editor_can_remove_an_expense_line(editor_client):
    subsidy = open_listing()
    expense = SubsidyExpense.objects.create(subsidy=subsidy, label="旅費")
    data = form_data(
        fields_of(subsidy),
        parent=subsidy,
        expenses=[{"id": expense.pk, "order": 0, "label": "旅費", "DELETE": "on"}],
    )
    assert editor_client.post(change_url(subsidy), data).status_code == 302
    assert not SubsidyExpense.objects.filter(pk=expense.pk).exists()


@pytest.mark.django_db
def test_editor_cannot_delete_a_listing(editor_client):
    subsidy = open_listing()
    assert editor_client.get(reverse("admin:subsidies_subsidy_delete", args=[subsidy.pk])).status_code == 403
    assert editor_client.post(reverse("admin:subsidies_subsidy_delete", args=[subsidy.pk])).status_code == 403
    assert 'value="delete_selected"' not in editor_client.get(changelist_url()).text
    assert Subsidy.objects.filter(pk=subsidy.pk).exists()


@pytest.mark.django_db
def test_editor_can_publish_with_the_action(editor_client):
    subsidy = open_listing(state=Subsidy.State.DRAFT, published_at=None)
    run_action(editor_client, "publish", [subsidy])
    assert Subsidy.objects.get(pk=subsidy.pk).state == Subsidy.State.PUBLISHED


@pytest.mark.django_db
def test_editor_cannot_see_user_accounts_or_groups(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


@pytest.mark.django_db
def test_editor_group_migration_reverses_by_deleting_the_group():
    migration = importlib.import_module("subsidies.migrations.0002_editor_group")
    schema_editor = types.SimpleNamespace(connection=connection)
    migration.delete_editor_group(apps, schema_editor)
    assert not Group.objects.filter(name="編集者").exists()
    migration.create_editor_group(apps, schema_editor)
    assert Group.objects.get(name="編集者").permissions.count() == 12 * 3 + 5


@pytest.mark.django_db
def test_faq_inline_keeps_the_staff_chosen_order(staff_client):
    subsidy = open_listing()
    FAQ.objects.create(subsidy=subsidy, question="二つ目？", answer="はい。", order=2)
    FAQ.objects.create(subsidy=subsidy, question="一つ目？", answer="はい。", order=1)
    text = staff_client.get(change_url(subsidy)).text
    assert text.index("一つ目？") < text.index("二つ目？")


def test_eligibility_conditions_are_edited_inline_with_the_listing(staff_client):
    from subsidies.models import Eligibility

    subsidy = make_subsidy()
    response = staff_client.get(change_url(subsidy))
    assert 'id="eligibility-group"' in response.text
    assert "対象条件（プロフィール照合用" in response.text
    assert 'name="eligibility-__prefix__-legal_forms"' in response.text  # the empty form, as checkboxes
    data = form_data(
        fields_of(subsidy),
        parent=subsidy,
        eligibility=[
            {
                "company_size": "sme",
                "max_employees": "20",
                "legal_forms": "kabushiki",
                "undetermined": "other",
                "basis": "常時使用する従業員20人以下の中小企業者",
            }
        ],
    )
    response = staff_client.post(change_url(subsidy), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    row = Eligibility.objects.get(subsidy=subsidy)
    assert (row.company_size, row.max_employees, row.legal_forms, row.undetermined) == (
        "sme",
        20,
        ["kabushiki"],
        ["other"],
    )
