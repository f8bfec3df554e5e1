"""Who is in the house at a moment, by the coworking tickets (SPEC §9.3): one rule for
"Today" (``services.today``) and the floor plan, in Python (for tickets already read)
and in SQL (to select them), tested to agree.

- *in the house*: the ticket is active — its order confirmed (being served: neither
  new, cancelled nor done), the moment inside its period — and the visitor's identity
  was checked (validated);
- *no-show*: the ticket's period started over ``NO_SHOW_AFTER`` ago and has not ended,
  the ticket is live (its order neither cancelled nor done) and nobody validated it;
- *expected*: a live ticket not validated whose period starts at most ``NO_SHOW_AFTER``
  before the moment (or later): not a no-show yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, literal

from models import CoworkingTicket, Order
from models.orders import status_literals
from models.statuses import CANCELLED_STATUSES, NEW_STATUSES, OrderStatus

# A visitor not validated this long after the period started has not come.
NO_SHOW_AFTER = timedelta(minutes=30)

# A ticket that no longer expects its visitor: its order is cancelled or done.
ENDED_STATUSES = frozenset(CANCELLED_STATUSES | {OrderStatus.DONE})
# An order being served: its tickets are active inside their period (SPEC §3).
SERVING_STATUSES = frozenset(set(OrderStatus) - ENDED_STATUSES - NEW_STATUSES)


def is_live(order_status: str) -> bool:
    return order_status not in ENDED_STATUSES


def is_in_house(
    order_status: str,
    period_start: datetime,
    period_end: datetime,
    validated_at: datetime | None,
    at: datetime,
) -> bool:
    return (
        order_status in SERVING_STATUSES
        and period_start <= at < period_end
        and validated_at is not None
    )


def is_no_show(
    order_status: str,
    period_start: datetime,
    period_end: datetime,
    validated_at: datetime | None,
    at: datetime,
) -> bool:
    return (
        is_live(order_status)
        and validated_at is None
        and period_start <= at - NO_SHOW_AFTER
        and period_end > at
    )


def is_expected(
    order_status: str, period_start: datetime, validated_at: datetime | None, at: datetime
) -> bool:
    return is_live(order_status) and validated_at is None and period_start > at - NO_SHOW_AFTER


def live_ticket() -> ColumnElement[bool]:
    """``is_live`` in SQL (statuses as literals, as the partial indexes of orders are
    written), for tickets joined to their orders."""
    return Order.status.not_in(status_literals(ENDED_STATUSES))


def no_show(at: datetime) -> ColumnElement[bool]:
    """``is_no_show`` in SQL, for tickets joined to their orders."""
    start_type = CoworkingTicket.period_start.type
    return and_(
        live_ticket(),
        CoworkingTicket.validated_at.is_(None),
        CoworkingTicket.period_start <= literal(at - NO_SHOW_AFTER, type_=start_type),
        CoworkingTicket.period_end > literal(at, type_=start_type),
    )
