"""Orders with their items, payments (an append-only ledger) and messages,
and the type-specific parts: coworking tickets, hotel and room bookings,
events and their tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    false,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Kopecks, Name, Timestamp, intpk, utcnow
from models.places import Person, Room, Seat, Service, Tariff
from models.staff import StaffUser
from models.statuses import (
    CANCELLED_STATUSES,
    CLOSED_STATUSES,
    NEW_STATUSES,
    MessageVisibility,
    OrderStatus,
    PaymentKind,
    PaymentMethod,
    check_in,
)


def _listed(statuses: frozenset[OrderStatus]) -> str:
    return ", ".join(f"'{status}'" for status in sorted(s.value for s in statuses))


# Sets of orders that reports read again and again, each written once as SQL: the partial
# indexes below are built on exactly these predicates, and the queries use the same text
# with the statuses as literals (a PostgreSQL plan can only use a partial index when it
# can see that the query's condition implies the index's).
LIVE_SQL = f"status NOT IN ({_listed(CANCELLED_STATUSES)})"  # not cancelled
OUTSTANDING_SQL = f"total_kopecks > paid_kopecks AND {LIVE_SQL}"  # a balance to collect
UNASSIGNED_SQL = f"executor_id IS NULL AND status NOT IN ({_listed(CLOSED_STATUSES)})"
# Not sold (yet): new or cancelled. A coworking ticket keeps the opposite as ``sold``.
UNSOLD_STATUSES = frozenset(CANCELLED_STATUSES | NEW_STATUSES)
UNSOLD_SQL = f"status IN ({_listed(UNSOLD_STATUSES)})"
# Work not finished (services.overdue.FINISHED_STATUSES): its deadline can pass.
UNFINISHED_SQL = (
    f"deadline IS NOT NULL AND status NOT IN "
    f"({_listed(CANCELLED_STATUSES | {OrderStatus.DONE, OrderStatus.DONE_AWAITING_CONFIRMATION})})"
)


# A ledger row's amount with its sign, as services.payments.signed_amount builds it.
# Laid out in lines as PostgreSQL prints an index on it back: comparing the models with
# a database (tests/test_schema.py) then sees no difference.
SIGNED_AMOUNT_SQL = (
    f"\nCASE\n    WHEN kind = '{PaymentKind.REFUND.value}' THEN -amount_kopecks\n"
    "    ELSE amount_kopecks\nEND"
)


# A coworking ticket is short (at most a day: hours, a day — nearly all of them), medium
# (at most a month) or long (more than a month: a few a year). The tickets overlapping a
# window are found among all those starting a day or two before it (the short ones), and
# among the medium and long ones starting earlier, each class through an index of its
# own (services.occupancy.tickets_overlapping): not from a month of all tickets.
SHORT_TICKET_DAYS = 1
LONG_TICKET_DAYS = 31


def _longer_sql(days: int, dialect: str) -> str:
    if dialect == "sqlite":
        return f"julianday(period_end) - julianday(period_start) > {days}"
    return f"period_end - period_start > interval '{days} days'"


LONG_TICKET_SQLITE = _longer_sql(LONG_TICKET_DAYS, "sqlite")
LONG_TICKET_POSTGRES = _longer_sql(LONG_TICKET_DAYS, "postgresql")
# As PostgreSQL prints the partial index's predicate back (tests/test_schema.py).
MEDIUM_TICKET_SQLITE = f"{_longer_sql(SHORT_TICKET_DAYS, 'sqlite')} AND NOT ({LONG_TICKET_SQLITE})"
MEDIUM_TICKET_POSTGRES = (
    f"{_longer_sql(SHORT_TICKET_DAYS, 'postgresql')} AND NOT ({LONG_TICKET_POSTGRES})"
)


def long_ticket_sql(dialect: str) -> str:
    return LONG_TICKET_SQLITE if dialect == "sqlite" else LONG_TICKET_POSTGRES


def medium_ticket_sql(dialect: str) -> str:
    return MEDIUM_TICKET_SQLITE if dialect == "sqlite" else MEDIUM_TICKET_POSTGRES


def period_end_apart(dialect: str) -> ColumnElement[dt.datetime]:
    """A ticket's period end that no index serves: the tickets overlapping a window are
    read by start, from the period index or the partial indexes of the medium and long
    ones, not by end from ``period_end``'s index (every ticket after the window's start,
    each visited in the table). Neither database knows better: SQLite keeps no
    statistics, and PostgreSQL guesses a third of all tickets for the length predicate
    (it read 18,776 index entries to find no long ticket)."""
    sql = (
        "+coworking_tickets.period_end"
        if dialect == "sqlite"
        else "coworking_tickets.period_end + interval '0 seconds'"
    )
    return literal_column(sql, CoworkingTicket.period_end.type)


# What occupancy reads of a ticket, in an index: the tickets of a window are read from
# it alone, never visited.
TICKET_PERIOD_COLUMNS = (
    "period_start",
    "period_end",
    "created_at",
    "seat_id",
    "order_id",
    "validated_at",
    "sold",
)


def status_literals(statuses: frozenset[OrderStatus]) -> list[ColumnElement[str]]:
    """The statuses as SQL literals (not bound parameters), as in the predicates above."""
    return [literal_column(f"'{value}'") for value in sorted(s.value for s in statuses)]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(check_in("status", OrderStatus), name="status"),
        CheckConstraint("total_kopecks >= 0", name="total"),
        # paid is the ledger's sum, kept here in the same transaction as each
        # ledger row so that lists can sort and filter by balance.
        CheckConstraint("paid_kopecks >= 0 AND paid_kopecks <= total_kopecks", name="paid"),
        # The register sorts by each of these and breaks ties by number: (column, number)
        # lets a block be read from the index in order, and a deep block be a seek from
        # the previous block's last row (services/grid.py). The balance is an expression.
        Index("ix_orders_balance_number", text("(total_kopecks - paid_kopecks)"), "number"),
        Index("ix_orders_status_number", "status", "number"),
        Index("ix_orders_total_number", "total_kopecks", "number"),
        Index("ix_orders_paid_number", "paid_kopecks", "number"),
        Index("ix_orders_service_number", "service_id", "number"),
        Index("ix_orders_executor_number", "executor_id", "number"),
        # A customer's orders by status, with what the register sums: answered from
        # the index alone when the register is filtered by a customer's name.
        Index(
            "ix_orders_customer_status", "customer_id", "status", "total_kopecks", "paid_kopecks"
        ),
        # Small partial indexes for the reports' recurring sets: the balances
        # register and the outstanding total, the overview's unassigned work, and the
        # orders occupancy leaves out as not sold.
        Index(
            "ix_orders_outstanding_created",
            "created_at",
            "number",
            postgresql_where=text(OUTSTANDING_SQL),
            sqlite_where=text(OUTSTANDING_SQL),
        ),
        Index(
            "ix_orders_outstanding_tickets_end",
            "tickets_end",
            postgresql_where=text(OUTSTANDING_SQL),
            sqlite_where=text(OUTSTANDING_SQL),
        ),
        Index(
            "ix_orders_unassigned",
            "service_id",
            postgresql_where=text(UNASSIGNED_SQL),
            sqlite_where=text(UNASSIGNED_SQL),
        ),
        # An invoice number is the operator's own (a yearly sequence): never twice.
        Index("ix_orders_invoice_number", "invoice_number", unique=True),
        # The service orders whose deadline can still pass: the overdue ones are a range.
        Index(
            "ix_orders_unfinished_deadline",
            "deadline",
            postgresql_where=text(UNFINISHED_SQL),
            sqlite_where=text(UNFINISHED_SQL),
        ),
        Index(
            "ix_orders_unsold",
            "id",
            postgresql_where=text(UNSOLD_SQL),
            sqlite_where=text(UNSOLD_SQL),
        ),
    )

    id: Mapped[intpk]
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow, index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    status: Mapped[str] = mapped_column(String(32))
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    deadline: Mapped[Timestamp | None]
    comment: Mapped[str | None] = mapped_column(Text)
    # Contact data for this order only; the person's own stays as it is.
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    payment_method: Mapped[str | None] = mapped_column(String(20))
    delivery_place: Mapped[str | None] = mapped_column(String(300))
    # The fields of a simple-service or request form (building, office, description…).
    form_fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total_kopecks: Mapped[Kopecks]
    paid_kopecks: Mapped[Kopecks] = mapped_column(default=0)
    status_changed_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    # Set once, when the invoice for a bank transfer is issued (services.orders).
    invoice_number: Mapped[str | None] = mapped_column(String(20))
    invoice_issued_at: Mapped[Timestamp | None]
    # When the order's last coworking ticket ends (None: no ticket). Kept by triggers on
    # coworking_tickets (migration 0013) in the same transaction as every ticket written:
    # the coworking orders whose period is over are then a range of an index
    # (services.overdue), not a look at every owing order's tickets.
    tickets_end: Mapped[Timestamp | None]

    service: Mapped[Service] = relationship()
    customer: Mapped[Person] = relationship(foreign_keys=[customer_id])
    payer: Mapped[Person | None] = relationship(foreign_keys=[payer_id])
    executor: Mapped[StaffUser | None] = relationship()
    items: Mapped[list[OrderItem]] = relationship(back_populates="order", order_by="OrderItem.id")

    @property
    def balance_kopecks(self) -> int:
        return self.total_kopecks - self.paid_kopecks


class OrderItem(Base):
    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price_kopecks >= 0", name="unit_price"),
        CheckConstraint("amount_kopecks >= 0", name="amount"),
    )

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    name: Mapped[Name]
    quantity: Mapped[int]
    unit: Mapped[str | None] = mapped_column(String(10))
    unit_price_kopecks: Mapped[Kopecks]
    amount_kopecks: Mapped[Kopecks]

    order: Mapped[Order] = relationship(back_populates="items")


class Payment(Base):
    """A ledger row. Never updated or deleted: a mistake is corrected by a refund row.

    The amount is always positive; ``kind`` says which way the money went.
    """

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(check_in("kind", PaymentKind), name="kind"),
        CheckConstraint(check_in("method", PaymentMethod), name="method"),
        CheckConstraint("amount_kopecks > 0", name="amount"),
        # The journal sorts by time, by method and by signed amount, ties by time and id:
        # a block is read from an index in order, and a deep block is a seek from the
        # previous block's last row (services/grid.py). Reports read periods on the first.
        Index("ix_payments_paid_at_id", "paid_at", "id"),
        Index("ix_payments_method_paid_at_id", "method", "paid_at", "id"),
        Index("ix_payments_signed_paid_at_id", text(f"({SIGNED_AMOUNT_SQL})"), "paid_at", "id"),
    )

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=PaymentKind.PAYMENT.value)
    amount_kopecks: Mapped[Kopecks]
    method: Mapped[str] = mapped_column(String(20))
    paid_at: Mapped[Timestamp]
    external_number: Mapped[str | None] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    # One submitted form = one key: a retried or double-clicked submit finds
    # the first row instead of writing a second.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    recorded_by: Mapped[StaffUser | None] = relationship()


class PaymentQuarter(Base):
    """The ledger summed by UTC quarter-hour and method: how many rows were paid in it
    and their signed sum (refunds negative). Every UTC offset in use is a whole number
    of quarter-hours, so any local day or month is a run of whole quarters, whatever the
    operator's time zone (and a change of it leaves this table right).

    Kept by database triggers on ``payments`` (migration 0012), in the same transaction
    as the row they follow — whoever writes the ledger, however — and checked against a
    recount by ``python -m dashboard check``. A quarter whose rows all went away keeps a
    row of zeros; readers skip rows with no entries."""

    __tablename__ = "payment_quarters"
    # The sums of a run of quarters from the index alone (migration 0014).
    __table_args__ = (Index("ix_payment_quarters_sums", "quarter", "method", "entries", "kopecks"),)

    # Seconds since 1970 of the quarter's start ÷ 900 (the floor).
    quarter: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    entries: Mapped[int] = mapped_column(BigInteger)
    kopecks: Mapped[int] = mapped_column(BigInteger)  # signed


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(check_in("visibility", MessageVisibility), name="visibility"),
        Index("ix_messages_order_created", "order_id", "created_at"),
    )

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    visibility: Mapped[str] = mapped_column(String(10))
    author_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    author_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    # System messages keep an English message id in ``text`` and its values in
    # ``params``, so that each reader sees them in their own language.
    text: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class CoworkingTicket(Base):
    """A visitor's right to a seat for a period. Its status is derived from the
    order and the clock (``models.statuses.ticket_status_expression``)."""

    __tablename__ = "coworking_tickets"
    __table_args__ = (
        CheckConstraint("period_end > period_start", name="period"),
        CheckConstraint(
            "(validated_at IS NULL) = (validated_by_id IS NULL)", name="validated_pair"
        ),
        Index("ix_coworking_tickets_seat_period", "seat_id", "period_start", "period_end"),
        # The list sorts by period, ties by number (many tickets start at the same hour),
        # and by seat: seat by seat, each in number order.
        Index("ix_coworking_tickets_start_number", "period_start", "number"),
        Index("ix_coworking_tickets_seat_number", "seat_id", "number"),
        # A visitor's tickets by period: a name filter finds its people, then only their
        # tickets that are not over yet (active, confirmed: a tenth of a year's tickets).
        Index("ix_coworking_tickets_visitor_period_end", "visitor_id", "period_end"),
        # Occupancy: the tickets overlapping a window, by start (at most a day before
        # it), and the medium and long ones apart (services.occupancy.tickets_overlapping).
        Index("ix_coworking_tickets_periods", *TICKET_PERIOD_COLUMNS),
        Index(
            "ix_coworking_tickets_long",
            *TICKET_PERIOD_COLUMNS,
            sqlite_where=text(LONG_TICKET_SQLITE),
            postgresql_where=text(LONG_TICKET_POSTGRES),
        ),
        Index(
            "ix_coworking_tickets_medium",
            *TICKET_PERIOD_COLUMNS,
            sqlite_where=text(MEDIUM_TICKET_SQLITE),
            postgresql_where=text(MEDIUM_TICKET_POSTGRES),
        ),
    )

    id: Mapped[intpk]
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id"))
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariffs.id"))
    variant: Mapped[str | None] = mapped_column(String(200))
    period_start: Mapped[Timestamp]
    period_end: Mapped[Timestamp] = mapped_column(index=True)
    modifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    validated_at: Mapped[Timestamp | None]
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    # Whether the order has sold it (is neither new nor cancelled: ``UNSOLD_STATUSES``), kept
    # by the database's triggers (migration 0020) for occupancy's queries; never written
    # here, and read by query only (SQLite's trigger sets it after the insert, so a ticket
    # object just added holds the default until it is loaded again).
    sold: Mapped[bool] = mapped_column(server_default=false())

    order: Mapped[Order] = relationship()
    visitor: Mapped[Person] = relationship()
    seat: Mapped[Seat] = relationship()
    tariff: Mapped[Tariff] = relationship()
    validated_by: Mapped[StaffUser | None] = relationship()


class HotelBooking(Base):
    __tablename__ = "hotel_bookings"
    __table_args__ = (
        CheckConstraint("check_out > check_in", name="dates"),
        CheckConstraint("nights > 0", name="nights"),
        CheckConstraint("adults > 0 AND children >= 0", name="guests"),
    )

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    check_in: Mapped[dt.date] = mapped_column(Date, index=True)
    check_out: Mapped[dt.date] = mapped_column(Date)
    nights: Mapped[int]
    adults: Mapped[int]
    children: Mapped[int] = mapped_column(default=0)
    # Meals, taxi, early check-in, late check-out…
    extras: Mapped[list[str]] = mapped_column(JSON, default=list)

    room: Mapped[Room] = relationship()


class RoomBooking(Base):
    """A meeting-room booking: the period and who comes."""

    __tablename__ = "room_bookings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period"),
        Index("ix_room_bookings_room_period", "room_id", "starts_at", "ends_at"),
    )

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    starts_at: Mapped[Timestamp]
    ends_at: Mapped[Timestamp]
    visitors: Mapped[list[str]] = mapped_column(JSON, default=list)

    room: Mapped[Room] = relationship()


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period"),
        CheckConstraint("capacity > 0", name="capacity"),
    )

    id: Mapped[intpk]
    title: Mapped[Name]
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    starts_at: Mapped[Timestamp] = mapped_column(index=True)
    ends_at: Mapped[Timestamp]
    capacity: Mapped[int]
    # Its tickets of orders not cancelled, and how many of them are checked in: kept by
    # triggers on event_tickets and orders (migration 0018), never written by the app.
    # Read them as columns (services.events.event_rows), fresh from the database: an
    # Event already in the session keeps the values it was loaded with.
    tickets_sold: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    tickets_checked_in: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    room: Mapped[Room] = relationship()


class EventTicket(Base):
    __tablename__ = "event_tickets"
    __table_args__ = (
        CheckConstraint(
            "(checked_in_at IS NULL) = (checked_in_by_id IS NULL)", name="checked_in_pair"
        ),
        # An event's sold and checked-in counts from the index alone (migration 0014).
        Index("ix_event_tickets_event_counts", "event_id", "order_id", "checked_in_at"),
    )

    id: Mapped[intpk]
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    # Random and unguessable; the number is for people, the token for the scanner.
    qr_token: Mapped[str] = mapped_column(String(64), unique=True)
    checked_in_at: Mapped[Timestamp | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    event: Mapped[Event] = relationship()
    attendee: Mapped[Person] = relationship()
    order: Mapped[Order] = relationship()
