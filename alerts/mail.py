"""Writing mails (stored first as ``OutgoingMail``) and sending them once.

A mail is rendered and stored before anything is sent; sending takes the row under a lock
(``select_for_update(skip_locked=True)`` on PostgreSQL, so two workers never send one row), sends, and marks it
sent in the same transaction. A worker killed before the SMTP server accepted the message leaves the row unsent
(its lock dies with its connection) and the next run sends it. The one window left is a kill between the
server's acceptance and the commit of the mark (microseconds): that mail is sent again with the same
``Message-ID``, which mail systems use to drop duplicates.
"""

import datetime
import logging
import smtplib
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from alerts import tokens
from alerts.models import Address, OutgoingMail, SendingSwitch, Subscription

# The name mails sign with and put in their subject, as every page's header shows it.
SITE_NAME = "補助金ディレクトリ"

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def message_id(kind: str, key: str) -> str:
    return f"<{kind}.{key}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"


def unsubscribe_headers(address: Address) -> dict:
    """RFC 2369 + RFC 8058: a one-click unsubscribe that mail clients POST to (no page, no login)."""
    url = absolute(reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(address_id=address.pk)]))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def write_confirmation(
    subscription: Subscription, *, description: str, now: datetime.datetime
) -> OutgoingMail:
    """The double opt-in mail: its link is the only way the subscription becomes active."""
    link = absolute(reverse("alerts:confirm", args=[tokens.confirm_token(subscription.pk)]))
    expires = now + datetime.timedelta(seconds=settings.ALERTS_CONFIRM_MAX_AGE)
    context = {
        "subscription": subscription,
        "description": description,
        "link": link,
        "expires": expires,
        "site_name": SITE_NAME,
    }
    return OutgoingMail.objects.create(
        address=subscription.address,
        kind=OutgoingMail.Kind.CONFIRMATION,
        subject=f"【{SITE_NAME}】メール通知の登録を確認してください",
        text=render_to_string("alerts/mail/confirm.txt", context),
        html=render_to_string("alerts/mail/confirm.html", context),
        message_id=message_id("confirm", uuid.uuid4().hex),
        expires_at=expires,
    )


def _message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.address.email],
        headers=mail.headers | {"Message-ID": mail.message_id},
    )
    message.attach_alternative(mail.html, "text/html")
    return message


def send_one(mail_id: int, *, now: datetime.datetime, connection=None, check_switch: bool = True) -> str:
    """Sends one stored mail unless it was sent, has expired or sending is paused. Returns what happened."""
    if check_switch and SendingSwitch.is_paused():
        return "paused"
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("address")
            .filter(pk=mail_id, sent_at__isnull=True)
            .first()
        )
        if mail is None:
            return "done"  # sent already, or being sent by another worker right now
        if mail.expires_at and mail.expires_at < now:
            return "expired"
        try:
            if not (connection or mailers.default).send_messages([_message(mail)]):
                raise smtplib.SMTPException("the backend sent nothing")
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("mail %s not sent: %s", mail.pk, error)
            OutgoingMail.objects.filter(pk=mail.pk).update(
                attempts=mail.attempts + 1, last_error=str(error)[:500]
            )
            return "failed"
        mail.sent_at = now
        mail.attempts += 1
        mail.last_error = ""
        mail.save(update_fields=["sent_at", "attempts", "last_error"])
    return "sent"


def send_pending(*, now: datetime.datetime, heartbeat=None) -> dict[str, int]:
    """Sends every unsent, unexpired mail, oldest first, over one SMTP connection."""
    outcome: dict[str, int] = {}
    pending = list(
        OutgoingMail.objects.filter(sent_at__isnull=True)
        .exclude(expires_at__lt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        return outcome
    connection = mailers.default
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("SMTP server unreachable: %s", error)
        return {"failed": len(pending)}
    switch_read = 0.0
    try:
        for pk in pending:
            # The switch is read at most once a second: pausing stops a run within a second.
            check = time.monotonic() - switch_read >= 1.0
            if check:
                switch_read = time.monotonic()
            try:
                result = send_one(pk, now=now, connection=connection, check_switch=check)
            except DatabaseError:
                logger.exception("mail %s", pk)
                result = "failed"
            outcome[result] = outcome.get(result, 0) + 1
            if result == "paused":
                break
            if heartbeat:
                heartbeat()
    finally:
        connection.close()
    return outcome
