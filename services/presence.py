"""Who is in the house at a moment, by the coworking tickets (SPEC §9.3): one rule for
"Today" (``services.today``) and the floor plan.

- *in the house*: the ticket is active (its order confirmed, the moment inside its
  period) and the visitor's identity was checked (validated);
- *no-show*: the ticket's period started over ``NO_SHOW_AFTER`` ago, has not ended, the
  ticket is live (its order neither cancelled nor done) and nobody validated it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, literal

from models import CoworkingTicket, Order
from models.orders import status_literals
from models.statuses import CANCELLED_STATUSES, OrderStatus

# A visitor not validated this long after the period started has not come.
NO_SHOW_AFTER = timedelta(minutes=30)

# A ticket that still expects its visitor: the order is neither cancelled nor done.
ENDED_STATUSES = CANCELLED_STATUSES | {OrderStatus.DONE}


def is_no_show(
    period_start: datetime, period_end: datetime, validated_at: datetime | None, at: datetime
) -> bool:
    """The rule in Python, for one live ticket at ``at``."""
    return validated_at is None and period_start <= at - NO_SHOW_AFTER and period_end > at


def live_ticket() -> ColumnElement[bool]:
    """The ticket's order is neither cancelled nor done (statuses as SQL literals, as the
    partial indexes of orders are written)."""
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
