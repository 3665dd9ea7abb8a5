"""Signed tokens for the links in mails: a subscription's or an address's id, never the address itself.

Confirmation tokens expire (``ALERTS_CONFIRM_MAX_AGE``); unsubscribe tokens do not (a link in a year-old mail
still works). Each kind has its own salt, so one kind cannot be used as another.
"""

from django.conf import settings
from django.core import signing

CONFIRM = "alerts.confirm"
UNSUBSCRIBE = "alerts.unsubscribe"


class BadToken(Exception):
    pass


class ExpiredToken(BadToken):
    pass


def confirm_token(subscription_id: int) -> str:
    return signing.dumps(subscription_id, salt=CONFIRM, compress=False)


def read_confirm_token(token: str) -> int:
    try:
        value = signing.loads(token, salt=CONFIRM, max_age=settings.ALERTS_CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except signing.BadSignature as error:
        raise BadToken from error
    if not isinstance(value, int):
        raise BadToken
    return value


def unsubscribe_token(*, subscription_id: int | None = None, address_id: int | None = None) -> str:
    """A token that cancels one subscription, or (``address_id``) every subscription of an address."""
    value = ["s", subscription_id] if subscription_id is not None else ["a", address_id]
    return signing.dumps(value, salt=UNSUBSCRIBE, compress=False)


def read_unsubscribe_token(token: str) -> tuple[str, int]:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE)
    except signing.BadSignature as error:
        raise BadToken from error
    if not (
        isinstance(value, list) and len(value) == 2 and value[0] in ("s", "a") and isinstance(value[1], int)
    ):
        raise BadToken
    return value[0], value[1]
