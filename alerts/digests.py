"""The daily digest: per address, what its confirmed subscriptions have to tell, in one mail a day.

For a saved search: the published listings it finds (``searches.matching_ids``, the listing's own filters at
the run's moment) that were published or changed (``published_at``/``updated_at``) after the subscription was
last checked and no later than the run's moment. A subscription whose checked content version
(``subsidies.versioning``) is still the site's has nothing new, without looking at any date.
For a deadline subscription: the reminder ``reminders.reminder_due`` says is due, unless it was told already.

Each address is planned in its own savepoint (inside a transaction per ``BATCH`` addresses) that writes the
mail, its ``DigestItem`` marks and the subscriptions' new checked moment together, so they commit together or
not at all; the mail's unique (address, day) makes a second run of the day
write nothing for an address that has its mail. Sending is a separate step (``mail.send_pending``).
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from alerts import mail as mails
from alerts import searches, tokens
from alerts.models import DigestItem, OutgoingMail, SendingSwitch, Subscription
from alerts.reminders import reminder_due
from subsidies import listing_index, versioning
from subsidies.clock import jst_date
from subsidies.formatting import format_date, format_days_left, format_deadline, format_yen
from subsidies.models import Subsidy
from subsidies.vocabulary import Vocabulary

MAX_LISTED = 20  # listings shown per saved search in one mail; the rest are a link to the listing


@dataclass
class Section:
    subscription: Subscription
    title: str
    items: list[tuple[str, Subsidy]] = field(default_factory=list)  # (DigestItem kind, listing)
    more: int = 0
    listing_url: str = ""
    unsubscribe_url: str = ""


@dataclass
class Plan:
    searches: list[Section] = field(default_factory=list)
    reminders: list[tuple[Subscription, int, Subsidy]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.reminders or any(s.items for s in self.searches))


class Planner:
    """Everything one run reads once: the index, the vocabulary, the changed listings, the reminders told."""

    def __init__(self, *, at: datetime.datetime):
        self.at = at
        self.version = versioning.current()
        self.index = listing_index.current()
        self.vocabulary = Vocabulary()
        self._matches: dict[str, np.ndarray] = {}
        self._descriptions: dict[str, str] = {}
        self._rows: dict[int, Subsidy] = {}
        self.subscriptions = list(
            Subscription.objects.active()
            .filter(confirmed_at__lte=at)
            .select_related("address", "subsidy__organization")
            .defer("subsidy__body")
            .order_by("address_id", "pk")
        )
        searching = [s for s in self.subscriptions if s.kind == Subscription.Kind.SEARCH]
        stale = [s.checked_at or s.confirmed_at for s in searching if s.checked_version != self.version]
        self.changed: dict[int, tuple] = {}
        if stale:
            since = min(stale)
            rows = (
                Subsidy.objects.published()
                .filter(Q(published_at__gt=since) | Q(updated_at__gt=since))
                .values_list("pk", "published_at", "updated_at")
            )
            self.changed = {pk: (published, updated) for pk, published, updated in rows}
        self.changed_bits = self.index.bits_of(sorted(self.changed))
        self.told = set(
            DigestItem.objects.filter(
                kind=DigestItem.Kind.REMINDER,
                subscription__in=[s for s in self.subscriptions if s.kind == Subscription.Kind.DEADLINE],
            ).values_list("subscription_id", "deadline", "threshold")
        )

    def matches(self, query: str) -> np.ndarray:
        if query not in self._matches:
            self._matches[query] = searches.matching_ids(
                query, index=self.index, at=self.at, vocabulary=self.vocabulary, within=self.changed_bits
            )
        return self._matches[query]

    def description(self, query: str) -> str:
        if query not in self._descriptions:
            self._descriptions[query] = searches.describe(query, at=self.at, vocabulary=self.vocabulary)
        return self._descriptions[query]

    def by_address(self):
        groups = defaultdict(list)
        for subscription in self.subscriptions:
            groups[subscription.address_id].append(subscription)
        return groups.values()

    def plan(self, subscriptions: list[Subscription]) -> Plan:
        plan = Plan()
        wanted: dict[int, list] = {}
        for subscription in subscriptions:
            if subscription.kind == Subscription.Kind.DEADLINE:
                subsidy = subscription.subsidy
                threshold = reminder_due(subsidy, self.at)
                if threshold and (subscription.pk, subsidy.deadline, threshold) not in self.told:
                    plan.reminders.append((subscription, threshold, subsidy))
                continue
            if subscription.checked_version == self.version or not self.changed:
                continue
            since = subscription.checked_at or subscription.confirmed_at
            new, changed = [], []
            for pk in self.matches(subscription.query):
                row = self.changed.get(int(pk))
                if row is None:
                    continue
                published, updated = row
                if published and since < published <= self.at:
                    new.append(int(pk))
                elif since < updated <= self.at:
                    changed.append(int(pk))
            if not (new or changed):
                continue
            section = Section(subscription, self.description(subscription.query))
            chosen = [("new", pk) for pk in new] + [("changed", pk) for pk in changed]
            section.more = max(0, len(chosen) - MAX_LISTED)
            section.items = chosen[:MAX_LISTED]
            wanted[subscription.pk] = chosen[:MAX_LISTED]
            section.listing_url = mails.absolute(
                reverse("subsidies:list") + "?" + subscription.query + "&sort=new"
            )
            plan.searches.append(section)
        missing = {pk for items in wanted.values() for _, pk in items} - self._rows.keys()
        if missing:  # each changed listing is read once per run, by the first digest that shows it
            self._rows.update(
                (row.pk, row)
                for row in Subsidy.objects.filter(pk__in=missing).select_related("organization").defer("body")
            )
        for section in plan.searches:
            section.items = [(kind, self._rows[pk]) for kind, pk in section.items if pk in self._rows]
        return plan


def render(address, plan: Plan, *, at: datetime.datetime) -> dict:
    for section in plan.searches:
        section.unsubscribe_url = mails.absolute(
            reverse(
                "alerts:unsubscribe", args=[tokens.unsubscribe_token(subscription_id=section.subscription.pk)]
            )
        )
    reminders = [
        {
            "subsidy": subsidy,
            "days": format_days_left(subsidy.days_left(on=at)),
            "deadline": format_deadline(subsidy),
            "amount": format_yen(subsidy.max_amount),
            "url": mails.absolute(subsidy.get_absolute_url()),
            "unsubscribe_url": mails.absolute(
                reverse(
                    "alerts:unsubscribe", args=[tokens.unsubscribe_token(subscription_id=subscription.pk)]
                )
            ),
        }
        for subscription, _threshold, subsidy in plan.reminders
    ]
    searches_ = [
        {
            "title": section.title,
            "items": [
                {
                    "kind": DigestItem.Kind(kind).label,
                    "subsidy": subsidy,
                    "amount": format_yen(subsidy.max_amount),
                    "deadline": format_deadline(subsidy),
                    "days": format_days_left(subsidy.days_left(on=at)),
                    "rolling": subsidy.rolling,
                    "url": mails.absolute(subsidy.get_absolute_url()),
                }
                for kind, subsidy in section.items
            ],
            "more": section.more,
            "listing_url": section.listing_url,
            "unsubscribe_url": section.unsubscribe_url,
        }
        for section in plan.searches
        if section.items
    ]
    count = sum(len(s["items"]) for s in searches_)
    parts = []
    if count:
        parts.append(f"新着・更新{count}件")
    if reminders:
        parts.append(f"締切のお知らせ{len(reminders)}件")
    day = jst_date(at)
    context = {
        "searches": searches_,
        "reminders": reminders,
        "day": format_date(day),
        "site_name": mails.SITE_NAME,
        "unsubscribe_all_url": mails.absolute(
            reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(address_id=address.pk)])
        ),
    }
    return {
        "subject": f"【{mails.SITE_NAME}】{'・'.join(parts)}（{day.month}月{day.day}日）",
        "text": render_to_string("alerts/mail/digest.txt", context),
        "html": render_to_string("alerts/mail/digest.html", context),
        "headers": mails.unsubscribe_headers(address),
    }


BATCH = 100  # addresses per transaction: each address has its own savepoint, the batch one commit


def write_digest(
    address, subscriptions: list[Subscription], plan: Plan, planner: Planner
) -> OutgoingMail | None:
    """One savepoint: the mail, its marks and the subscriptions' checked moment, or nothing at all."""
    at, day = planner.at, jst_date(planner.at)
    try:
        with transaction.atomic():
            content = render(address, plan, at=at)
            mail = OutgoingMail.objects.create(
                address=address,
                kind=OutgoingMail.Kind.DIGEST,
                day=day,
                message_id=mails.message_id(
                    "digest", f"{address.pk}.{day.isoformat()}.{uuid.uuid4().hex[:8]}"
                ),
                **content,
            )
            items = [
                DigestItem(mail=mail, subscription=s.subscription, subsidy=subsidy, kind=kind)
                for s in plan.searches
                for kind, subsidy in s.items
            ] + [
                DigestItem(
                    mail=mail,
                    subscription=subscription,
                    subsidy=subsidy,
                    kind=DigestItem.Kind.REMINDER,
                    threshold=threshold,
                    deadline=subsidy.deadline,
                )
                for subscription, threshold, subsidy in plan.reminders
            ]
            DigestItem.objects.bulk_create(items)
            mark_checked([s.pk for s in subscriptions if s.kind == Subscription.Kind.SEARCH], planner)
            return mail
    except IntegrityError:
        return None  # this address has its mail for the day already (another run wrote it)


def mark_checked(ids: list[int], planner: Planner) -> None:
    for start in range(0, len(ids), 1000):
        Subscription.objects.filter(pk__in=ids[start : start + 1000], checked_at__lt=planner.at).update(
            checked_at=planner.at, checked_version=planner.version
        )


def plan_day(*, at: datetime.datetime, heartbeat=None) -> int:
    """Writes the day's digests for every address that has something to tell. Returns how many.

    Subscriptions with nothing to tell are marked checked at the end, together (nothing changed for them in
    the window, so marking them late loses nothing).
    """
    if SendingSwitch.is_paused():
        return 0
    planner = Planner(at=at)
    day = jst_date(at)
    done = set(
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.DIGEST, day=day).values_list(
            "address_id", flat=True
        )
    )
    written = 0
    quiet: list[int] = []
    groups = [group for group in planner.by_address() if group[0].address_id not in done]
    for start in range(0, len(groups), BATCH):
        # A worker killed inside a batch loses the batch's uncommitted work only; the next run redoes it.
        with transaction.atomic():
            for subscriptions in groups[start : start + BATCH]:
                plan = planner.plan(subscriptions)
                if not plan:
                    quiet += [s.pk for s in subscriptions if s.kind == Subscription.Kind.SEARCH]
                elif write_digest(subscriptions[0].address, subscriptions, plan, planner):
                    written += 1
        if heartbeat:
            heartbeat()
    mark_checked(quiet, planner)
    return written
