"""When a deadline reminder is due: 14 and 3 calendar days (JST) before the deadline.

``reminder_due`` is the one place this rule lives. It reads the listing's own rules (``status(at=)``,
``days_left(on=)``): a reminder is due for an announced deadline of a listing that is not closed. A reminder
missed (the subscription was confirmed 10 days before, or sending was paused) is sent late rather than never,
and says the days actually left; each threshold is sent once per deadline (``DigestItem``'s constraint).
"""

import datetime

from subsidies.models import ApplicationStatus, Subsidy

THRESHOLDS = (14, 3)  # most distant first


def reminder_due(subsidy: Subsidy, on: datetime.datetime) -> int | None:
    """The threshold (14 or 3) whose reminder is due for ``subsidy`` at the moment ``on``, or None.

    14 when 3 < days left <= 14, 3 when 0 <= days left <= 3 (0: the deadline day, while still open).

    Only an announced deadline reminds: an expected (「予定」) one, a rolling listing and one without a known
    period never do (``Subsidy.has_firm_deadline``, which ``days_left`` follows too).
    """
    if not subsidy.has_firm_deadline or subsidy.is_roundup:
        return None
    if not subsidy.is_published or subsidy.status(at=on) == ApplicationStatus.CLOSED:
        return None
    days = subsidy.days_left(on=on)
    if days is None or days < 0:
        return None
    for threshold, nearer in zip(THRESHOLDS, (*THRESHOLDS[1:], -1), strict=True):
        if nearer < days <= threshold:
            return threshold
    return None
