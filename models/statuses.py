"""Status codes with their labels, and the derived coworking ticket status.

One table per kind of code: the database CHECK constraints, the filters and
the labels shown to people all come from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, false, literal, or_


class Role(StrEnum):
    ADMIN = "admin"
    RENTAL_MANAGER = "rental_manager"
    SERVICE_MANAGER = "service_manager"
    EVENT_MANAGER = "event_manager"
    EXECUTIVE = "executive"
    ACCOUNTANT = "accountant"


ROLE_LABELS: dict[Role, dict[str, str]] = {
    Role.ADMIN: {"ru": "Администратор", "en": "Administrator"},
    Role.RENTAL_MANAGER: {"ru": "Менеджер по аренде", "en": "Rental manager"},
    Role.SERVICE_MANAGER: {"ru": "Менеджер по услугам", "en": "Service manager"},
    Role.EVENT_MANAGER: {"ru": "Event-менеджер", "en": "Event manager"},
    Role.EXECUTIVE: {"ru": "Руководитель", "en": "Executive"},
    Role.ACCOUNTANT: {"ru": "Бухгалтер", "en": "Accountant"},
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


ORDER_STATUS_LABELS: dict[OrderStatus, dict[str, str]] = {
    OrderStatus.NEW: {"ru": "Новый", "en": "New"},
    OrderStatus.NEW_PAYMENT_PENDING: {
        "ru": "Новый. В процессе оплаты",
        "en": "New. Payment in progress",
    },
    OrderStatus.NEW_AWAITING_INVOICE: {
        "ru": "Новый. Ожидает выставления счета на оплату",
        "en": "New. Awaiting an invoice",
    },
    OrderStatus.INVOICE_ISSUED: {
        "ru": "Безналичный расчет. Счет выставлен",
        "en": "Bank transfer. Invoice issued",
    },
    OrderStatus.CONFIRMED_BALANCE_DUE: {
        "ru": "Подтвержден. Необходимо оплатить остаток",
        "en": "Confirmed. Balance due",
    },
    OrderStatus.CONFIRMED: {"ru": "Подтвержден", "en": "Confirmed"},
    OrderStatus.IN_PROGRESS: {"ru": "В работе", "en": "In progress"},
    OrderStatus.DONE_AWAITING_CONFIRMATION: {
        "ru": "Выполнен. Ожидает подтверждения",
        "en": "Done. Awaiting confirmation",
    },
    OrderStatus.DONE: {"ru": "Выполнен", "en": "Done"},
    OrderStatus.CANCELLED: {"ru": "Отменен", "en": "Cancelled"},
    OrderStatus.CANCELLED_PAYMENT_FAILED: {
        "ru": "Отменен. Неуспешная оплата",
        "en": "Cancelled. Payment failed",
    },
    OrderStatus.CANCELLED_REFUND_PENDING: {
        "ru": "Отменен. Выполняется возврат",
        "en": "Cancelled. Refund in progress",
    },
    OrderStatus.CANCELLED_REFUNDED: {
        "ru": "Отменен. Выполнен возврат",
        "en": "Cancelled. Refunded",
    },
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


TICKET_STATUS_LABELS: dict[TicketStatus, dict[str, str]] = {
    TicketStatus.NEW: {"ru": "Новый", "en": "New"},
    TicketStatus.CONFIRMED: {"ru": "Подтвержден", "en": "Confirmed"},
    TicketStatus.ACTIVE: {"ru": "Активен", "en": "Active"},
    TicketStatus.DONE: {"ru": "Выполнен", "en": "Done"},
    TicketStatus.CANCELLED: {"ru": "Отменен", "en": "Cancelled"},
}


class ServiceType(StrEnum):
    SIMPLE = "simple"
    REQUEST = "request"
    BOOKING = "booking"
    GOODS = "goods"
    COWORKING = "coworking"
    HOTEL = "hotel"
    EVENT = "event"


SERVICE_TYPE_LABELS: dict[ServiceType, dict[str, str]] = {
    ServiceType.SIMPLE: {"ru": "Простая услуга", "en": "Simple service"},
    ServiceType.REQUEST: {"ru": "Обращение", "en": "Request"},
    ServiceType.BOOKING: {"ru": "Бронирование", "en": "Room booking"},
    ServiceType.GOODS: {"ru": "Заказ товаров", "en": "Goods"},
    ServiceType.COWORKING: {"ru": "Коворкинг", "en": "Coworking"},
    ServiceType.HOTEL: {"ru": "Отель", "en": "Hotel"},
    ServiceType.EVENT: {"ru": "Билет на мероприятие", "en": "Event ticket"},
}


class RoomKind(StrEnum):
    COWORKING = "coworking"
    MEETING_ROOM = "meeting_room"
    HOTEL_ROOM = "hotel_room"
    EVENT_HALL = "event_hall"


class Unit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    NIGHT = "night"
    PIECE = "piece"


class PaymentMethod(StrEnum):
    BANK_CARD = "bank_card"
    SAVED_CARD = "saved_card"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    ONLINE_GATEWAY = "online_gateway"
    MANAGER = "manager"


PAYMENT_METHOD_LABELS: dict[PaymentMethod, dict[str, str]] = {
    PaymentMethod.BANK_CARD: {"ru": "Банковская карта", "en": "Bank card"},
    PaymentMethod.SAVED_CARD: {"ru": "Сохранённая карта", "en": "Saved card"},
    PaymentMethod.CASH: {"ru": "Наличные", "en": "Cash"},
    PaymentMethod.BANK_TRANSFER: {"ru": "Банковский перевод", "en": "Bank transfer"},
    PaymentMethod.ONLINE_GATEWAY: {"ru": "Онлайн-оплата", "en": "Online gateway"},
    PaymentMethod.MANAGER: {"ru": "Проведено менеджером", "en": "Recorded by a manager"},
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


def label(table: dict, code: str, language: str) -> str:
    """The label of a code in a language, falling back to English, then the code."""
    try:
        labels = table[code]
    except KeyError:
        return str(code)
    return labels.get(language) or labels["en"]


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
        (order_status == OrderStatus.DONE.value, TicketStatus.DONE.value),
        # Confirmed (or, for other order kinds, being served): the period decides.
        (period_end <= at, TicketStatus.DONE.value),
        (period_start <= at, TicketStatus.ACTIVE.value),
        else_=TicketStatus.CONFIRMED.value,
    )


def ticket_status_condition(
    statuses: Iterable[str],
    order_status: ColumnElement,
    period_start: ColumnElement,
    period_end: ColumnElement,
    now: datetime,
) -> ColumnElement[bool]:
    """``ticket_status_expression(...) IN statuses``, written so that indexes help.

    The same rule as the CASE, unrolled per status into conditions on the order
    status and on the period columns: "active" and "confirmed" become range
    conditions on the (indexed) period, so a list of current tickets never reads
    a year of past ones. Tested against the CASE for every status and period.
    """
    at = literal(now, type_=period_start.type)
    cancelled = [s.value for s in CANCELLED_STATUSES]
    new = [s.value for s in NEW_STATUSES]
    serving = order_status.not_in(cancelled + new + [OrderStatus.DONE.value])
    parts = {
        TicketStatus.CANCELLED: order_status.in_(cancelled),
        TicketStatus.NEW: order_status.in_(new),
        TicketStatus.DONE: or_(
            order_status == OrderStatus.DONE.value, and_(serving, period_end <= at)
        ),
        TicketStatus.ACTIVE: and_(serving, period_start <= at, period_end > at),
        TicketStatus.CONFIRMED: and_(serving, period_start > at),
    }
    wanted = {TicketStatus(s) for s in statuses}
    if not wanted:
        return false()
    condition = or_(*(parts[s] for s in sorted(wanted)))
    if wanted <= {TicketStatus.ACTIVE, TicketStatus.CONFIRMED}:
        # Both mean "not over yet": one range on the period_end index finds them all.
        condition = and_(period_end > at, condition)
    return condition
