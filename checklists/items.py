"""The pre-application checklist of one listing: which items, in which groups, and what ticking them means.

``build_checklist`` is the one place that decides the items; ``evaluate`` is the one place that turns the
ticked item ids (from the query string or the browser) into progress and a verdict. Templates only display.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from subsidies import formatting
from subsidies.models import ApplicationStatus, EligibilityRequirement, RequiredDocument, Subsidy

from .models import SharedRequirement

Group = EligibilityRequirement.Group

# Groups are shown in this order (the reference page's 申請資格 → スケジュール → 書類準備, then その他).
GROUP_ORDER = (Group.ELIGIBILITY, Group.SCHEDULE, Group.DOCUMENTS, Group.OTHER)

# A document whose name contains this is a plan to write: its item reads 「<its name>を作成できる」; every
# other document's item reads 「<its name>を準備できる」.
PLAN_MARKER = "計画書"


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    group: str
    required: bool = True
    detail: str = ""
    # A second line about the listing's state (「残り74日」, 「締切を過ぎています」).
    note: str = ""
    # An item that cannot be ticked truthfully (the deadline has passed): ticks are ignored.
    blocked: bool = False


@dataclass(frozen=True)
class ItemGroup:
    key: str
    label: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Checklist:
    subsidy: Subsidy
    status: ApplicationStatus
    items: tuple[Item, ...]
    deadline_text: str

    @property
    def groups(self) -> tuple[ItemGroup, ...]:
        """The non-empty groups in ``GROUP_ORDER``; every item is in exactly one (``build_checklist`` sees to it)."""
        return tuple(
            ItemGroup(key=group.value, label=group.label, items=members)
            for group in GROUP_ORDER
            if (members := tuple(item for item in self.items if item.group == group))
        )

    @property
    def required_count(self) -> int:
        return sum(item.required for item in self.items)

    @property
    def is_closed(self) -> bool:
        return self.status == ApplicationStatus.CLOSED


class Verdict(StrEnum):
    PENDING = "pending"
    READY = "ready"
    CLOSED = "closed"


@dataclass(frozen=True)
class Evaluation:
    ticked: frozenset[str]
    done: int
    total: int
    verdict: Verdict
    # The items left unticked, in checklist order: the verdict names them.
    unchecked: tuple[Item, ...] = ()

    @property
    def percent(self) -> int:
        """Required items done, in percent (rounded down, so 100 means truly all). 100 when none are required."""
        return self.done * 100 // self.total if self.total else 100

    @property
    def is_ready(self) -> bool:
        return self.verdict == Verdict.READY

    @property
    def unchecked_required(self) -> tuple[Item, ...]:
        return tuple(item for item in self.unchecked if item.required)

    @property
    def unchecked_optional(self) -> tuple[Item, ...]:
        return tuple(item for item in self.unchecked if not item.required)


def deadline_text(subsidy: Subsidy) -> str:
    """The deadline as the whole site writes it (``formatting.format_deadline``), without the weekday."""
    return formatting.format_deadline(subsidy, weekday=False)


def _deadline_note(subsidy: Subsidy, status: ApplicationStatus, on: datetime.datetime) -> str:
    if status == ApplicationStatus.CLOSED:
        return "締切を過ぎています"
    if subsidy.rolling and status == ApplicationStatus.OPEN:
        # A rolling listing's note already reads as its terms (「随時（…）」, 「予算がなくなり次第終了」).
        return subsidy.deadline_note or "随時受付"
    if status == ApplicationStatus.UPCOMING:
        note = f"受付開始: {formatting.format_date(subsidy.accepts_from)}から"
    else:
        note = formatting.format_days_left(subsidy.days_left(on=on))
    if subsidy.deadline_note:
        return f"{note}（{subsidy.deadline_note}）" if note else subsidy.deadline_note
    return note


def _deadline_item(subsidy: Subsidy, status: ApplicationStatus, on: datetime.datetime) -> Item:
    return Item(
        "deadline",
        "申請期限内である",
        Group.SCHEDULE,
        detail=f"締切: {deadline_text(subsidy)}",
        note=_deadline_note(subsidy, status, on),
        blocked=status == ApplicationStatus.CLOSED,
    )


def _listing_items(subsidy: Subsidy, status: ApplicationStatus, on: datetime.datetime) -> list[Item]:
    items = []
    if subsidy.target_description:
        items.append(
            Item("target", "対象者の要件を満たしている", Group.ELIGIBILITY, detail=subsidy.target_description)
        )
    expenses = list(subsidy.expenses.all())
    if expenses:
        labels = "、".join(expense.label for expense in expenses)
        items.append(Item("expenses", "対象経費に該当する事業である", Group.ELIGIBILITY, detail=labels))
    items.append(_deadline_item(subsidy, status, on))
    items.extend(_document_item(document) for document in subsidy.documents.all())
    return items


def _document_item(document: RequiredDocument) -> Item:
    """One item per required document, named after it; a plan is written (「事業計画書を作成できる」)."""
    verb = "作成できる" if PLAN_MARKER in document.name else "準備できる"
    return Item(f"doc-{document.pk}", f"{document.name}を{verb}", Group.DOCUMENTS, detail=document.detail)


def build_checklist(subsidy: Subsidy, *, on: datetime.datetime) -> Checklist:
    """The checklist of ``subsidy`` at the moment ``on``.

    From the listing itself: 申請資格 (target businesses, eligible expenses), スケジュール (the deadline, which
    knows whether the listing is open, upcoming, rolling or closed), 書類準備 (one item per required
    document, in its order: 「交付申請書を準備できる」, 「事業計画書を作成できる」); each only when the listing
    has the data, except the deadline, which is always asked. Then the requirements staff entered on the
    listing, one item each in their order, and the shared requirements that apply to it. Items keep their
    group (a group this module does not know is shown as その他); groups keep ``GROUP_ORDER``.

    Item ids are stable and URL-safe (they travel in ``?done=`` and in the browser's storage): ``target``,
    ``expenses``, ``deadline``, ``doc-<pk>``, ``req-<pk>``, ``shared-<pk>``.

    Reads ``subsidy.expenses``, ``.documents``, ``.requirements`` (prefetch them) and ``.organization``
    (select it); makes one query for the shared requirements.
    """
    status = subsidy.status(at=on)
    items = _listing_items(subsidy, status, on)
    requirements = list(subsidy.requirements.all())
    for requirement in requirements:
        items.append(
            Item(
                f"req-{requirement.pk}",
                requirement.text,
                requirement.group,
                required=requirement.required,
                detail=requirement.detail,
            )
        )
    own_texts = {requirement.text for requirement in requirements}
    for shared in SharedRequirement.objects.candidates_for(subsidy):
        # A listing that already asks the same thing in its own words keeps its own item.
        if shared.applies_to(subsidy) and shared.text not in own_texts:
            items.append(
                Item(
                    f"shared-{shared.pk}",
                    shared.text,
                    shared.group,
                    required=shared.required,
                    detail=shared.detail,
                )
            )
    # A stored group this module does not know would leave its item in no group: show it under その他.
    items = [item if item.group in GROUP_ORDER else replace(item, group=Group.OTHER) for item in items]
    rank = {group: position for position, group in enumerate(GROUP_ORDER)}
    items.sort(key=lambda item: rank[item.group])  # stable: order within a group is kept
    return Checklist(subsidy=subsidy, status=status, items=tuple(items), deadline_text=deadline_text(subsidy))


def evaluate(checklist: Checklist, ticked_ids: Iterable[str]) -> Evaluation:
    """Progress, verdict and the items left unticked; unknown ids and ticks on blocked items are ignored."""
    tickable = {item.id for item in checklist.items if not item.blocked}
    ticked = frozenset(str(value) for value in ticked_ids if str(value) in tickable)
    required = [item for item in checklist.items if item.required]
    done = sum(item.id in ticked for item in required)
    if checklist.is_closed:
        verdict = Verdict.CLOSED
    elif done == len(required):
        verdict = Verdict.READY
    else:
        verdict = Verdict.PENDING
    unchecked = tuple(item for item in checklist.items if item.id not in ticked)
    return Evaluation(ticked=ticked, done=done, total=len(required), verdict=verdict, unchecked=unchecked)
