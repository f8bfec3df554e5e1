"""The deadline of a service order (issue 16, point 8; SPEC §9.1): the service manager
or an admin sets, changes or clears it; the register shows it and filters the orders
past it (``services.overdue``)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models.statuses import CLOSED_STATUSES
from services import audit
from services.context import Actor
from services.errors import DomainError
from services.filter_values import EARLIEST_DATE, LATEST_DATE
from services.orders import lock_order
from services.overdue import DEADLINE_TYPES
from services.permissions import Action, can_on, require


def may_set_deadline(actor: Actor, service_type: str, status: str) -> bool:
    """Whether the order page offers ``actor`` the deadline's input."""
    return (
        service_type in DEADLINE_TYPES
        and status not in CLOSED_STATUSES
        and can_on(actor, Action.SET_DEADLINE, service_type)
    )


def parse_deadline(value: object, timezone: str) -> datetime | None:
    """A moment as a datetime-local input sends it (``2026-03-10T15:00``, the operator's
    local time), as UTC; empty is no deadline. Anything else is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise DomainError("Enter the deadline as a date and time.")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DomainError("Enter the deadline as a date and time.") from None
    if not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
        raise DomainError("Enter the deadline as a date and time.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def set_deadline(
    session: Session,
    actor: Actor,
    number: object,
    value: object,
    timezone: str,
    now: datetime,
) -> datetime | None:
    """Set, change or clear (empty ``value``) the order's deadline; returns it. Audited
    with the deadline before and after."""
    order, service = lock_order(session, number)
    require(actor, Action.SET_DEADLINE, service.type)
    if service.type not in DEADLINE_TYPES:
        raise DomainError("A deadline is for simple services, requests and goods orders.")
    if order.status in CLOSED_STATUSES:
        raise DomainError("A done or cancelled order keeps its deadline.")
    deadline = parse_deadline(value, timezone)
    before = order.deadline
    if before == deadline:
        return deadline
    order.deadline = deadline
    audit.record(
        session,
        actor=actor,
        action="order.deadline",
        entity="order",
        entity_id=order.number,
        before={"deadline": before.isoformat() if before else None},
        after={"deadline": deadline.isoformat() if deadline else None},
        now=now,
    )
    return deadline
