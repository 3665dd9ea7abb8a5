"""Writes with side effects: subscribing (with its confirmation mail), confirming, cancelling."""

import datetime

from django.db import IntegrityError, transaction

from alerts import mail, tasks
from alerts.models import Address, Subscription
from subsidies import versioning
from subsidies.models import Subsidy


def subscribe(
    *,
    email: str,
    kind: str,
    description: str,
    now: datetime.datetime,
    query: str = "",
    subsidy: Subsidy | None = None,
) -> Subscription:
    """Records the request and queues its confirmation mail, in one transaction.

    An existing subscription (confirmed or not) gets a new confirmation mail and is otherwise left as it is,
    so the caller can answer every request the same way.
    """
    with transaction.atomic():
        address, _ = Address.objects.get_or_create(email=email)
        try:
            with transaction.atomic():
                subscription, _ = Subscription.objects.get_or_create(
                    address=address, kind=kind, query=query, subsidy=subsidy
                )
        except IntegrityError:  # the same request at the same moment
            subscription = Subscription.objects.get(address=address, kind=kind, query=query, subsidy=subsidy)
        confirmation = mail.write_confirmation(subscription, description=description, now=now)
        # Enqueued in the same transaction (the task is a row of this database): both or neither.
        tasks.send_mail.enqueue(confirmation.pk)
    return subscription


def confirm(*, subscription_id: int, now: datetime.datetime) -> Subscription | None:
    """Activates the subscription (again, if it was cancelled); only what is published after now is news."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if subscription is None:
            return None
        if not subscription.is_active:
            subscription.confirmed_at = now
            subscription.cancelled_at = None
            subscription.checked_at = now
            subscription.checked_version = versioning.current()
            subscription.save(update_fields=["confirmed_at", "cancelled_at", "checked_at", "checked_version"])
        return subscription


def cancel(*, scope: str, pk: int, now: datetime.datetime) -> int:
    """Cancels one subscription (``scope`` "s") or all of an address ("a"). Returns how many were active."""
    subscriptions = Subscription.objects.filter(cancelled_at__isnull=True)
    subscriptions = subscriptions.filter(pk=pk) if scope == "s" else subscriptions.filter(address_id=pk)
    return subscriptions.update(cancelled_at=now)
