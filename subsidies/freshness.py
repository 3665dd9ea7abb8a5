"""How current a listing's information is: when a person last checked it against its source."""

import datetime

from .clock import jst_date

# A listing not checked against its source for this many days carries a visible notice, and the admin lists
# it under 「要再確認」. The one cut-off of the site.
STALE_AFTER_DAYS = 180


def days_since_verified(verified_on: datetime.date | None, *, on: datetime.datetime) -> int | None:
    if verified_on is None:
        return None
    return (jst_date(on) - verified_on).days


def needs_reverification(verified_on: datetime.date | None, *, on: datetime.datetime) -> bool:
    """True when the listing was never verified or was last verified more than 180 days before ``on``."""
    days = days_since_verified(verified_on, on=on)
    return days is None or days > STALE_AFTER_DAYS
