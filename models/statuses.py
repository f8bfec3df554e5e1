"""Status codes with their labels, and the derived coworking ticket status.

One table per kind of code: the database CHECK constraints, the filters and
the labels shown to people all come from here. A label is a gettext message
(its English text is the msgid); models know no languages, so it is only
marked here and translated where it is shown (``dashboard.i18n.label``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, case, false, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class Label(NamedTuple):
    """A code's label: the catalog's context and message id (the English text)."""

    context: str
    message: str


def NC_(context: str, message: str) -> Label:
    """Marks a label for the catalog (``pybabel extract -k NC_:1c,2``) without
    translating it.

    The context is the kind of code: one English word may be said of different
    things and read differently in another language ("Cancelled" of an order is
    "Отменен" in the customer app's wording, of an event ticket "Отменён").
    """
    return Label(context, message)


class Role(StrEnum):
    ADMIN = "admin"
    RENTAL_MANAGER = "rental_manager"
    SERVICE_MANAGER = "service_manager"
    EVENT_MANAGER = "event_manager"
    EXECUTIVE = "executive"
    ACCOUNTANT = "accountant"


ROLE_LABELS: dict[Role, Label] = {
    Role.ADMIN: NC_("role", "Administrator"),
    Role.RENTAL_MANAGER: NC_("role", "Rental manager"),
    Role.SERVICE_MANAGER: NC_("role", "Service manager"),
    Role.EVENT_MANAGER: NC_("role", "Event manager"),
    Role.EXECUTIVE: NC_("role", "Executive"),
    Role.ACCOUNTANT: NC_("role", "Accountant"),
}


class OrderStatus(StrEnum):
    NEW = "new"
    NEW_PAYMENT_PENDING = "new_payment_pending"
    NEW_AWAITING_INVOICE = "new_awaiting_invoice"
    INVOICE_ISSUED = "invoice_issued"
    CONFIRMED_BALANCE_DUE = "confirmed_balance_due"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    DONE_AWAITING_CONFIRMATION = "done_awaiting_confirmation"
    DONE = "done"
    CANCELLED = "cancelled"
    CANCELLED_PAYMENT_FAILED = "cancelled_payment_failed"
    CANCELLED_REFUND_PENDING = "cancelled_refund_pending"
    CANCELLED_REFUNDED = "cancelled_refunded"


ORDER_STATUS_LABELS: dict[OrderStatus, Label] = {
    OrderStatus.NEW: NC_("order status", "New"),
    OrderStatus.NEW_PAYMENT_PENDING: NC_("order status", "New. Payment in progress"),
    OrderStatus.NEW_AWAITING_INVOICE: NC_("order status", "New. Awaiting an invoice"),
    OrderStatus.INVOICE_ISSUED: NC_("order status", "Bank transfer. Invoice issued"),
    OrderStatus.CONFIRMED_BALANCE_DUE: NC_("order status", "Confirmed. Balance due"),
    OrderStatus.CONFIRMED: NC_("order status", "Confirmed"),
    OrderStatus.IN_PROGRESS: NC_("order status", "In progress"),
    OrderStatus.DONE_AWAITING_CONFIRMATION: NC_("order status", "Done. Awaiting confirmation"),
    OrderStatus.DONE: NC_("order status", "Done"),
    OrderStatus.CANCELLED: NC_("order status", "Cancelled"),
    OrderStatus.CANCELLED_PAYMENT_FAILED: NC_("order status", "Cancelled. Payment failed"),
    OrderStatus.CANCELLED_REFUND_PENDING: NC_("order status", "Cancelled. Refund in progress"),
    OrderStatus.CANCELLED_REFUNDED: NC_("order status", "Cancelled. Refunded"),
}
# The badge of each order status: a status-* class of dashboard/assets/parkdesk.css
# (the order page's badge and the grids' StatusBadge).
ORDER_STATUS_COLOURS: dict[OrderStatus, str] = {
    OrderStatus.NEW: "new",
    OrderStatus.NEW_PAYMENT_PENDING: "new",
    OrderStatus.NEW_AWAITING_INVOICE: "new",
    OrderStatus.INVOICE_ISSUED: "new",
    OrderStatus.CONFIRMED_BALANCE_DUE: "due",
    OrderStatus.CONFIRMED: "confirmed",
    OrderStatus.IN_PROGRESS: "work",
    OrderStatus.DONE_AWAITING_CONFIRMATION: "waiting",
    OrderStatus.DONE: "done",
    OrderStatus.CANCELLED: "cancelled",
    OrderStatus.CANCELLED_PAYMENT_FAILED: "cancelled",
    OrderStatus.CANCELLED_REFUND_PENDING: "cancelled",
    OrderStatus.CANCELLED_REFUNDED: "cancelled",
}

NEW_STATUSES = frozenset(
    {
        OrderStatus.NEW,
        OrderStatus.NEW_PAYMENT_PENDING,
        OrderStatus.NEW_AWAITING_INVOICE,
        OrderStatus.INVOICE_ISSUED,
    }
)
CONFIRMED_STATUSES = frozenset({OrderStatus.CONFIRMED, OrderStatus.CONFIRMED_BALANCE_DUE})
CANCELLED_STATUSES = frozenset(
    {
        OrderStatus.CANCELLED,
        OrderStatus.CANCELLED_PAYMENT_FAILED,
        OrderStatus.CANCELLED_REFUND_PENDING,
        OrderStatus.CANCELLED_REFUNDED,
    }
)
CLOSED_STATUSES = CANCELLED_STATUSES | {OrderStatus.DONE}


class TicketStatus(StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"
    ACTIVE = "active"
    DONE = "done"
    CANCELLED = "cancelled"


TICKET_STATUS_LABELS: dict[TicketStatus, Label] = {
    TicketStatus.NEW: NC_("ticket status", "New"),
    TicketStatus.CONFIRMED: NC_("ticket status", "Confirmed"),
    TicketStatus.ACTIVE: NC_("ticket status", "Active"),
    TicketStatus.DONE: NC_("ticket status", "Done"),
    TicketStatus.CANCELLED: NC_("ticket status", "Cancelled"),
}


class CoworkingVariant(StrEnum):
    """How a coworking seat is held (seed 004, «Вариант услуги»): any free seat of the
    room each day, or the same seat reserved for the visitor."""

    HOT_DESK = "hot_desk"
    FIXED_SEAT = "fixed_seat"


COWORKING_VARIANT_LABELS: dict[CoworkingVariant, Label] = {
    CoworkingVariant.HOT_DESK: NC_("coworking variant", "Hot desk"),
    CoworkingVariant.FIXED_SEAT: NC_("coworking variant", "Fixed seat"),
}


class ServiceType(StrEnum):
    SIMPLE = "simple"
    REQUEST = "request"
    BOOKING = "booking"
    GOODS = "goods"
    COWORKING = "coworking"
    HOTEL = "hotel"
    EVENT = "event"


SERVICE_TYPE_LABELS: dict[ServiceType, Label] = {
    ServiceType.SIMPLE: NC_("service type", "Simple service"),
    ServiceType.REQUEST: NC_("service type", "Request"),
    ServiceType.BOOKING: NC_("service type", "Room booking"),
    ServiceType.GOODS: NC_("service type", "Goods"),
    ServiceType.COWORKING: NC_("service type", "Coworking"),
    ServiceType.HOTEL: NC_("service type", "Hotel"),
    ServiceType.EVENT: NC_("service type", "Event ticket"),
}


class RoomKind(StrEnum):
    COWORKING = "coworking"
    MEETING_ROOM = "meeting_room"
    HOTEL_ROOM = "hotel_room"
    EVENT_HALL = "event_hall"


ROOM_KIND_LABELS: dict[RoomKind, Label] = {
    RoomKind.COWORKING: NC_("room kind", "Coworking"),
    RoomKind.MEETING_ROOM: NC_("room kind", "Meeting room"),
    RoomKind.HOTEL_ROOM: NC_("room kind", "Hotel room"),
    RoomKind.EVENT_HALL: NC_("room kind", "Event hall"),
}


class Unit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    NIGHT = "night"
    PIECE = "piece"


UNIT_LABELS: dict[Unit, Label] = {
    Unit.HOUR: NC_("unit", "Hour"),
    Unit.DAY: NC_("unit", "Day"),
    Unit.MONTH: NC_("unit", "Month"),
    Unit.NIGHT: NC_("unit", "Night"),
    Unit.PIECE: NC_("unit", "Piece"),
}


class PaymentMethod(StrEnum):
    BANK_CARD = "bank_card"
    SAVED_CARD = "saved_card"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    ONLINE_GATEWAY = "online_gateway"
    MANAGER = "manager"


PAYMENT_METHOD_LABELS: dict[PaymentMethod, Label] = {
    PaymentMethod.BANK_CARD: NC_("payment method", "Bank card"),
    PaymentMethod.SAVED_CARD: NC_("payment method", "Saved card"),
    PaymentMethod.CASH: NC_("payment method", "Cash"),
    PaymentMethod.BANK_TRANSFER: NC_("payment method", "Bank transfer"),
    PaymentMethod.ONLINE_GATEWAY: NC_("payment method", "Online gateway"),
    PaymentMethod.MANAGER: NC_("payment method", "Recorded by a manager"),
}


class PaymentKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"


class MessageVisibility(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    SYSTEM = "system"


class AuditOutcome(StrEnum):
    OK = "ok"
    DENIED = "denied"
    ERROR = "error"


def check_in(column: str, enum: type[StrEnum]) -> str:
    """SQL for a CHECK constraint that allows exactly the codes of an enum."""
    codes = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({codes})"


def ticket_status_expression(
    order_status: ColumnElement,
    period_start: ColumnElement,
    period_end: ColumnElement,
    now: datetime,
) -> ColumnElement[str]:
    """The coworking ticket status of SPEC §3 as one SQL CASE.

    Usable in WHERE, ORDER BY and GROUP BY, so lists filter and count by the
    status without a stored copy that a background job would have to update.
    ``now`` is a bound parameter, so tests can ask "what was it yesterday".
    """
    at = literal(now, type_=period_start.type)
    return case(
        (order_status.in_([s.value for s in CANCELLED_STATUSES]), TicketStatus.CANCELLED.value),
        (order_status.in_([s.value for s in NEW_STATUSES]), TicketStatus.NEW.value),
        # Done only when the order is: the sweep completes a booked order once its
        # period is over and nothing is owed (seed 004, SPEC §9.1).
        (order_status == OrderStatus.DONE.value, TicketStatus.DONE.value),
        # Confirmed (or, for other order kinds, being served): inside the period it is
        # active; before it, and after it while the order is not done yet, confirmed.
        (and_(period_start <= at, period_end > at), TicketStatus.ACTIVE.value),
        else_=TicketStatus.CONFIRMED.value,
    )


class likely(FunctionElement):
    """A condition the query planner should take as true for most rows, so that it
    reads through an index of another, narrower condition. SQLite's ``likely()``
    (its planner has no histograms: without it, "started before now" looks as
    selective as "ends after now" and it reads a year of tickets to find today's);
    PostgreSQL's statistics need no hint."""

    inherit_cache = True
    name = "likely"


@compiles(likely)
def _likely_elsewhere(element: likely, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(likely, "sqlite")
def _likely_sqlite(element: likely, compiler, **kw) -> str:
    return f"likely{compiler.process(element.clause_expr, **kw)}"


class unindexed(FunctionElement):
    """A column the query planner must not read an index of, on SQLite (``+column``,
    its documented way): where another condition's index is the narrow one and
    the planner, with no histograms, cannot tell. Elsewhere the column as it is."""

    inherit_cache = True
    name = "unindexed"


@compiles(unindexed)
def _unindexed_elsewhere(element: unindexed, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler, **kw) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def ticket_status_condition(
    statuses: Iterable[str],
    order_status: ColumnElement,
    period_start: ColumnElement,
    period_end: ColumnElement,
    now: datetime,
) -> ColumnElement[bool]:
    """``ticket_status_expression(...) IN statuses``, written so that indexes help.

    The same rule as the CASE, unrolled per status into conditions on the order
    status and on the period columns: "active" becomes a range condition on the
    (indexed) period, so a list of current tickets never reads a year of past ones.
    Tested against the CASE for every status and period.
    """
    at = literal(now, type_=period_start.type)
    cancelled = [s.value for s in CANCELLED_STATUSES]
    new = [s.value for s in NEW_STATUSES]
    # Named, not "NOT IN the others": an IN list can be read through the status index.
    serving = order_status.in_(
        [s.value for s in OrderStatus if s.value not in {*cancelled, *new, OrderStatus.DONE}]
    )
    parts = {
        TicketStatus.CANCELLED: order_status.in_(cancelled),
        TicketStatus.NEW: order_status.in_(new),
        TicketStatus.DONE: order_status == OrderStatus.DONE.value,
        TicketStatus.ACTIVE: and_(serving, likely(period_start <= at), period_end > at),
        TicketStatus.CONFIRMED: or_(
            and_(serving, period_start > at), and_(serving, period_end <= at)
        ),
    }
    wanted = {TicketStatus(s) for s in statuses}
    if not wanted:
        return false()
    if {TicketStatus.ACTIVE, TicketStatus.CONFIRMED} <= wanted:
        # Together they are every ticket of an order being served, whatever the period:
        # one condition on the order status (its index), not three ranges.
        parts[TicketStatus.CONFIRMED] = serving
        wanted.discard(TicketStatus.ACTIVE)
    condition = or_(*(parts[s] for s in sorted(wanted)))
    if wanted == {TicketStatus.ACTIVE}:
        # "Now inside the period": one range on the period_end index finds them all.
        condition = and_(period_end > at, condition)
    return condition
