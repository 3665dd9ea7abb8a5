import re
from dataclasses import replace
from urllib.parse import quote

import pytest

from checklists.items import Checklist, Verdict, build_checklist, evaluate
from checklists.models import SharedRequirement
from subsidies.models import EligibilityRequirement, Organization, RequiredDocument, Subsidy, SubsidyExpense
from tests.factories import NOW, jst, make_organization, make_subsidy

SEED_PK = 155678
Group = EligibilityRequirement.Group


def rows(checklist):
    return [
        (group.label, [(item.text, item.detail, item.required) for item in group.items])
        for group in checklist.groups
    ]


def seed():
    return Subsidy.objects.select_related("organization").get(pk=SEED_PK)


SEED_DOCUMENT_IDS = ["doc-1100", "doc-1101", "doc-1102", "doc-1103"]
SEED_REQUIRED_IDS = ["target", "expenses", "deadline", *SEED_DOCUMENT_IDS]


@pytest.mark.django_db
def test_the_seed_listing_asks_each_required_document_on_its_own_in_three_groups(demo_data):
    checklist = build_checklist(seed(), on=NOW)
    assert rows(checklist) == [
        (
            "申請資格",
            [
                (
                    "対象者の要件を満たしている",
                    "海外拠点を有する、または海外展開を予定している中堅・中小企業等",
                    True,
                ),
                (
                    "対象経費に該当する事業である",
                    "研修生受入費用（渡航費・滞在費）、専門家派遣費用、講師謝金、会場費、オンライン研修環境構築費等",
                    True,
                ),
            ],
        ),
        ("スケジュール", [("申請期限内である", "締切: 2026年3月31日", True)]),
        (
            "書類準備",
            [
                ("事業計画書を作成できる", "", True),
                ("法人概要を準備できる", "", True),
                ("経費見積書を準備できる", "", True),
                ("海外拠点の状況説明書を準備できる", "", True),
            ],
        ),
    ]
    assert [item.id for item in checklist.items] == SEED_REQUIRED_IDS
    assert checklist.required_count == 7


@pytest.mark.django_db
def test_an_open_deadline_shows_the_days_left(demo_data):
    deadline = build_checklist(seed(), on=NOW).items[2]
    assert deadline.note == "残り74日"
    assert not deadline.blocked


@pytest.mark.django_db
def test_a_closed_listing_says_the_deadline_has_passed_and_can_never_be_ready(demo_data):
    checklist = build_checklist(seed(), on=jst(2026, 11, 30, 12, 0))
    deadline = next(item for item in checklist.items if item.id == "deadline")
    assert deadline.note == "締切を過ぎています"
    assert deadline.blocked
    evaluation = evaluate(checklist, [item.id for item in checklist.items])
    assert evaluation.verdict == Verdict.CLOSED
    assert (evaluation.done, evaluation.total) == (6, 7)
    assert not evaluation.is_ready


@pytest.mark.django_db
def test_an_upcoming_listing_says_when_acceptance_opens():
    subsidy = make_subsidy(accepts_from=jst(2026, 2, 2, 9, 0), deadline=jst(2026, 3, 31))
    deadline = next(item for item in build_checklist(subsidy, on=NOW).items if item.id == "deadline")
    assert deadline.detail == "締切: 2026年3月31日"
    assert deadline.note == "受付開始: 2026年2月2日（月）から"
    assert not deadline.blocked


@pytest.mark.django_db
def test_a_rolling_listing_is_always_within_its_deadline():
    subsidy = make_subsidy(deadline=None, rolling=True, deadline_note="予算がなくなり次第終了")
    checklist = build_checklist(subsidy, on=jst(2030, 1, 1))
    deadline = next(item for item in checklist.items if item.id == "deadline")
    assert deadline.detail == "締切: 随時"
    assert deadline.note == "予算がなくなり次第終了"
    without_note = make_subsidy(deadline=None, rolling=True)
    assert build_checklist(without_note, on=NOW).items[0].note == "随時受付"
    assert evaluate(checklist, ["deadline"]).is_ready


@pytest.mark.django_db
def test_a_deadline_shows_its_time_only_when_the_source_states_one():
    subsidy = make_subsidy(deadline=jst(2026, 3, 31, 17, 0), deadline_has_time=True)
    deadline = next(item for item in build_checklist(subsidy, on=NOW).items if item.id == "deadline")
    assert deadline.detail == "締切: 2026年3月31日17:00"
    subsidy = make_subsidy(deadline=jst(2026, 3, 31, 23, 59))
    deadline = next(item for item in build_checklist(subsidy, on=NOW).items if item.id == "deadline")
    assert deadline.detail == "締切: 2026年3月31日"


@pytest.mark.django_db
def test_items_appear_only_where_the_listing_has_the_data():
    subsidy = make_subsidy(target_description="")
    assert [item.id for item in build_checklist(subsidy, on=NOW).items] == ["deadline"]


@pytest.mark.django_db
def test_each_required_document_is_one_item_in_the_documents_order_and_a_plan_is_written():
    subsidy = make_subsidy()
    plan = RequiredDocument.objects.create(
        subsidy=subsidy, name="事業計画書・収支予算書", detail="所定の様式", order=2
    )
    form = RequiredDocument.objects.create(subsidy=subsidy, name="交付申請書", order=1)
    quote = RequiredDocument.objects.create(subsidy=subsidy, name="見積書", detail="2社以上", order=3)
    checklist = build_checklist(subsidy, on=NOW)
    assert [item.id for item in checklist.items] == [
        "deadline",
        f"doc-{form.pk}",
        f"doc-{plan.pk}",
        f"doc-{quote.pk}",
    ]
    documents = [(item.text, item.detail, item.group, item.required) for item in checklist.items[1:]]
    assert documents == [
        ("交付申請書を準備できる", "", Group.DOCUMENTS, True),
        ("事業計画書・収支予算書を作成できる", "所定の様式", Group.DOCUMENTS, True),
        ("見積書を準備できる", "2社以上", Group.DOCUMENTS, True),
    ]
    assert [group.label for group in checklist.groups] == ["スケジュール", "書類準備"]


@pytest.mark.django_db
def test_a_document_is_asked_once_and_no_item_lists_all_documents(demo_data):
    items = build_checklist(seed(), on=NOW).items
    for name in ["事業計画書", "法人概要", "経費見積書", "海外拠点の状況説明書"]:
        mentions = [item.id for item in items if name in item.text or name in item.detail]
        assert len(mentions) == 1, (name, mentions)
    assert "必要書類を準備できる" not in [item.text for item in items]


@pytest.mark.django_db
def test_item_ids_are_stable_and_url_safe_when_documents_are_reordered_or_added():
    subsidy = make_subsidy(target_description="中小企業")
    first = RequiredDocument.objects.create(subsidy=subsidy, name="申請書", order=1)
    second = RequiredDocument.objects.create(subsidy=subsidy, name="計画書 & 予算書?", order=2)
    EligibilityRequirement.objects.create(subsidy=subsidy, text="県内に事業所がある")
    before = {item.text: item.id for item in build_checklist(subsidy, on=NOW).items}
    first.order = 3
    first.save()
    RequiredDocument.objects.create(subsidy=subsidy, name="納税証明書", order=0)
    after = {item.text: item.id for item in build_checklist(subsidy, on=NOW).items}
    assert {text: after[text] for text in before} == before
    assert after["計画書 & 予算書?を作成できる"] == f"doc-{second.pk}"
    for item_id in after.values():
        assert re.fullmatch(r"[a-z]+(-[0-9]+)?", item_id), item_id
        assert quote(item_id, safe="") == item_id


@pytest.mark.django_db
def test_every_item_is_in_exactly_one_group_even_with_a_group_this_code_does_not_know():
    subsidy = make_subsidy(target_description="中小企業")
    RequiredDocument.objects.create(subsidy=subsidy, name="申請書", order=1)
    odd = EligibilityRequirement.objects.create(subsidy=subsidy, text="古い区分の要件", group="legacy")
    checklist = build_checklist(subsidy, on=NOW)
    grouped = [item.id for group in checklist.groups for item in group.items]
    assert sorted(grouped) == sorted(item.id for item in checklist.items)
    assert len(grouped) == len(set(grouped))
    assert checklist.groups[-1].label == "その他"
    assert [item.id for item in checklist.groups[-1].items] == [f"req-{odd.pk}"]


@pytest.mark.django_db
def test_expenses_and_documents_keep_their_order():
    subsidy = make_subsidy(target_description="中小企業")
    SubsidyExpense.objects.create(subsidy=subsidy, label="会場費", order=2)
    SubsidyExpense.objects.create(subsidy=subsidy, label="旅費", order=1)
    expenses = next(item for item in build_checklist(subsidy, on=NOW).items if item.id == "expenses")
    assert expenses.detail == "旅費、会場費"


@pytest.mark.django_db
def test_staff_requirements_follow_the_listing_items_in_their_group_and_order():
    subsidy = make_subsidy(target_description="中小企業")
    later = EligibilityRequirement.objects.create(
        subsidy=subsidy, text="賃上げ計画を表明している", group=Group.ELIGIBILITY, order=2
    )
    first = EligibilityRequirement.objects.create(
        subsidy=subsidy,
        text="認定支援機関の確認書がある",
        detail="事業計画の確認",
        group=Group.DOCUMENTS,
        order=1,
    )
    other = EligibilityRequirement.objects.create(
        subsidy=subsidy, text="説明会に参加した", group=Group.OTHER, required=False, order=0
    )
    checklist = build_checklist(subsidy, on=NOW)
    assert [item.id for item in checklist.items] == [
        "target",
        f"req-{later.pk}",
        "deadline",
        f"req-{first.pk}",
        f"req-{other.pk}",
    ]
    assert [group.label for group in checklist.groups] == ["申請資格", "スケジュール", "書類準備", "その他"]
    optional = checklist.items[-1]
    assert (optional.text, optional.required) == ("説明会に参加した", False)
    assert checklist.items[3].detail == "事業計画の確認"
    assert checklist.required_count == 4


@pytest.mark.django_db
def test_the_gbizid_item_is_attached_to_listings_applied_through_jgrants():
    jgrants = make_subsidy(official_url="https://www.jgrants-portal.go.jp/subsidy/a0W5h00000UkDwy")
    elsewhere = make_subsidy(official_url="https://www.aots.jp/")
    items = build_checklist(jgrants, on=NOW).items
    shared = [item for item in items if item.id.startswith("shared-")]
    assert [(item.text, item.group, item.required) for item in shared] == [
        ("GビズIDプライムを取得している（取得に2〜3週間）", Group.DOCUMENTS, True)
    ]
    assert not any(item.id.startswith("shared-") for item in build_checklist(elsewhere, on=NOW).items)


@pytest.mark.django_db
def test_shared_requirements_apply_by_explicit_choice_or_by_a_rule_whose_conditions_all_hold():
    prefecture = make_organization(kind=Organization.Kind.PREFECTURE)
    chosen = make_subsidy(official_url="https://example.jp/")
    by_kind = make_subsidy(organization=prefecture, official_url="https://www.pref.example.jp/")
    by_kind_other_url = make_subsidy(organization=prefecture, official_url="https://example.com/")
    neither = make_subsidy(official_url="https://example.jp/")
    picked = SharedRequirement.objects.create(text="事前相談を済ませている", group=Group.SCHEDULE)
    picked.subsidies.add(chosen)
    SharedRequirement.objects.create(
        text="県税の滞納がない",
        group=Group.ELIGIBILITY,
        organization_kind=Organization.Kind.PREFECTURE,
        official_url_contains="pref.",
    )
    SharedRequirement.objects.create(text="ルールのない項目", group=Group.OTHER)
    SharedRequirement.objects.create(
        text="無効な項目", official_url_contains="example", active=False, group=Group.OTHER
    )

    def shared_texts(subsidy):
        subsidy = Subsidy.objects.select_related("organization").get(pk=subsidy.pk)
        return [item.text for item in build_checklist(subsidy, on=NOW).items if item.id.startswith("shared-")]

    assert shared_texts(chosen) == ["事前相談を済ませている"]
    assert shared_texts(by_kind) == ["県税の滞納がない"]
    assert shared_texts(by_kind_other_url) == []
    assert shared_texts(neither) == []


@pytest.mark.django_db
def test_evaluation_counts_required_items_and_ignores_unknown_ids(demo_data):
    checklist = build_checklist(seed(), on=NOW)
    ticks = ["target", "doc-1100", "nope", "", "req-999999", "<script>", "target", "plan", "documents"]
    evaluation = evaluate(checklist, ticks)
    assert (evaluation.done, evaluation.total, evaluation.percent) == (2, 7, 28)
    assert evaluation.ticked == {"target", "doc-1100"}
    assert evaluation.verdict == Verdict.PENDING


@pytest.mark.django_db
def test_the_evaluation_names_the_items_left_unticked_in_checklist_order(demo_data):
    checklist = build_checklist(seed(), on=NOW)
    none = evaluate(checklist, [])
    assert [item.id for item in none.unchecked_required] == SEED_REQUIRED_IDS
    some = evaluate(checklist, ["target", "deadline", "doc-1101"])
    assert [item.text for item in some.unchecked_required] == [
        "対象経費に該当する事業である",
        "事業計画書を作成できる",
        "経費見積書を準備できる",
        "海外拠点の状況説明書を準備できる",
    ]
    assert some.unchecked_optional == ()
    assert evaluate(checklist, SEED_REQUIRED_IDS).unchecked == ()


@pytest.mark.django_db
def test_ticking_every_required_item_makes_the_listing_ready(demo_data):
    checklist = build_checklist(seed(), on=NOW)
    evaluation = evaluate(checklist, SEED_REQUIRED_IDS)
    assert (evaluation.done, evaluation.total, evaluation.percent) == (7, 7, 100)
    assert evaluation.is_ready
    assert not evaluate(checklist, SEED_REQUIRED_IDS[:-1]).is_ready, "each document counts"


@pytest.mark.django_db
def test_optional_items_do_not_count_towards_progress_or_the_verdict():
    subsidy = make_subsidy(target_description="")
    optional = EligibilityRequirement.objects.create(subsidy=subsidy, text="加点項目", required=False)
    checklist = build_checklist(subsidy, on=NOW)
    assert evaluate(checklist, [f"req-{optional.pk}"]).done == 0
    assert not evaluate(checklist, [f"req-{optional.pk}"]).is_ready
    ready = evaluate(checklist, ["deadline"])
    assert ready.is_ready
    assert [item.text for item in ready.unchecked_optional] == ["加点項目"]
    assert ready.unchecked_required == ()


@pytest.mark.django_db
def test_a_checklist_with_only_optional_items_is_ready_at_once():
    subsidy = make_subsidy(target_description="")
    checklist = build_checklist(subsidy, on=NOW)
    only_optional = replace(checklist, items=tuple(replace(item, required=False) for item in checklist.items))
    evaluation = evaluate(only_optional, [])
    assert (evaluation.done, evaluation.total, evaluation.percent) == (0, 0, 100)
    assert evaluation.is_ready


@pytest.mark.django_db
def test_a_checklist_without_items_evaluates_without_error():
    subsidy = make_subsidy()
    empty = Checklist(subsidy=subsidy, status=subsidy.status(at=NOW), items=(), deadline_text="記載なし")
    evaluation = evaluate(empty, ["target", "deadline"])
    assert (evaluation.done, evaluation.total, evaluation.percent, evaluation.ticked) == (
        0,
        0,
        100,
        frozenset(),
    )
    assert evaluation.is_ready


@pytest.mark.django_db
def test_a_shared_item_is_not_repeated_when_the_listing_asks_the_same_thing_itself():
    subsidy = make_subsidy(official_url="https://www.jgrants-portal.go.jp/subsidy/x")
    EligibilityRequirement.objects.create(
        subsidy=subsidy, text="GビズIDプライムを取得している（取得に2〜3週間）", group=Group.DOCUMENTS
    )
    texts = [item.text for item in build_checklist(subsidy, on=NOW).items]
    assert texts.count("GビズIDプライムを取得している（取得に2〜3週間）") == 1
