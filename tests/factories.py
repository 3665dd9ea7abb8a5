"""Small factory functions for tests: each makes one valid row, with keyword overrides."""

import datetime
import itertools

from subsidies.clock import JST
from subsidies.models import (
    FAQ,
    ApplicationStep,
    EligibilityRequirement,
    ExpenseCategory,
    Industry,
    Organization,
    Purpose,
    Region,
    RequiredDocument,
    Round,
    Subsidy,
    SubsidyExpense,
    TargetType,
)

_counter = itertools.count(1)

# A fixed "now" for tests: 2026-01-16 12:00 JST (the day the reference page was read: 残り74日 to 3/31).
NOW = datetime.datetime(2026, 1, 16, 12, 0, tzinfo=JST)


def jst(year, month, day, hour=23, minute=59) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JST)


def _short_code(n: int) -> str:
    """A unique 3-character region code (the column holds JIS codes, so it is short)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "X" + digits[n // 36 % 36] + digits[n % 36]


def make_region(**fields) -> Region:
    n = next(_counter)
    defaults = {
        "code": _short_code(n),
        "name": f"地域{n}",
        "slug": f"region-{n}",
        "kind": Region.Kind.PREFECTURE,
    }
    return Region.objects.create(**(defaults | fields))


def national() -> Region:
    return Region.objects.get_or_create(
        code=Region.NATIONAL_CODE, defaults={"name": "全国", "slug": "zenkoku", "kind": Region.Kind.NATIONAL}
    )[0]


def make_organization(**fields) -> Organization:
    n = next(_counter)
    return Organization.objects.create(
        **({"name": f"主催機関{n}", "kind": Organization.Kind.NATIONAL} | fields)
    )


def _make_term(model, prefix, **fields):
    n = next(_counter)
    return model.objects.create(
        **({"name": f"{prefix}{n}", "slug": f"{model.__name__.lower()}-{n}"} | fields)
    )


def make_purpose(**fields) -> Purpose:
    return _make_term(Purpose, "目的", **fields)


def make_industry(**fields) -> Industry:
    n = next(_counter)
    return Industry.objects.create(
        **({"name": f"業種{n}", "slug": f"industry-{n}", "code": chr(65 + n % 26)} | fields)
    )


def make_target_type(**fields) -> TargetType:
    return _make_term(TargetType, "対象", **fields)


def make_expense_category(**fields) -> ExpenseCategory:
    return _make_term(ExpenseCategory, "経費", **fields)


def verifier():
    """The staff member who records verifications in tests."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get_or_create(username="checker", defaults={"is_staff": True})[0]


def make_subsidy(*, regions=None, purposes=(), industries=(), target_types=(), **fields) -> Subsidy:
    n = next(_counter)
    if fields.get("verified_on") and "verified_by" not in fields:  # a verification is a person's, with a URL
        fields |= {"verified_by": verifier(), "verified_source_url": "https://www.example.go.jp/koubo/"}
    defaults = {
        "title": f"テスト補助金{n}",
        "summary": "テスト用の補助金です。",
        "body": "## 概要\n\nテスト用の本文です。",
        "organization": fields.pop("organization", None) or make_organization(),
        "max_amount": 1_000_000,
        "deadline": jst(2026, 3, 31),
        "state": Subsidy.State.PUBLISHED,
        "published_at": jst(2026, 1, 5, 9, 0),
    }
    subsidy = Subsidy.objects.create(**(defaults | fields))
    subsidy.regions.set(regions if regions is not None else [national()])
    subsidy.purposes.set(purposes)
    subsidy.industries.set(industries)
    subsidy.target_types.set(target_types)
    return subsidy


def add_children(subsidy: Subsidy, count: int) -> None:
    """Give a listing ``count`` of every kind of child row (for query-count tests)."""
    category = make_expense_category()
    for i in range(count):
        SubsidyExpense.objects.create(subsidy=subsidy, label=f"経費{i}", category=category, order=i)
        RequiredDocument.objects.create(subsidy=subsidy, name=f"書類{i}", order=i)
        ApplicationStep.objects.create(subsidy=subsidy, title=f"手順{i}", order=i)
        FAQ.objects.create(subsidy=subsidy, question=f"質問{i}？", answer=f"回答{i}。", order=i)
        EligibilityRequirement.objects.create(subsidy=subsidy, text=f"要件{i}", order=i)
        Round.objects.create(subsidy=subsidy, name=f"第{i + 1}回", order=i, deadline=jst(2025, 3, 31 - i))
        subsidy.regions.add(make_region())
        subsidy.purposes.add(make_purpose())
        subsidy.target_types.add(make_target_type())


def forget_cached_pages() -> None:
    """Empties the shared cache and this process's copies of detail pages, so the next request renders anew."""
    from django.core.cache import cache

    from subsidies import detail_page

    cache.clear()
    detail_page.LOCAL_PAGES.clear()
