"""The floor plan (SPEC §9.3): a coworking room's seats where the catalog placed them,
each with its state at a chosen moment.

The state of a seat at the moment ``at`` comes from the ticket that holds it then: a
ticket of an order that is not cancelled (cancelled tickets hold no seat, as in
``services.tickets.seat_is_taken``) whose period covers ``at`` (period_start ≤ at <
period_end). A seat no such ticket covers is **free**. Otherwise, the first of these
that is true, in this order (the precedence):

1. **occupied** — the visitor's identity was checked by ``at`` (``validated_at`` ≤ at):
   the ticket is active at that moment and the visitor is in the house;
2. **no-show** — not validated by then, and the period started over ``NO_SHOW_AFTER``
   (30 minutes) before the moment, counted up to now at most: at a moment still to
   come nobody knows yet who will not come, so a future moment shows a no-show only
   when the ticket is one already now;
3. **unpaid** — booked, and its order has a balance due (total > paid; a new order not
   paid yet is one);
4. **booked** — any other ticket holding the seat then (before the visitor arrives, or
   within the first 30 minutes of the period).

A seat that two tickets hold at once (the seat lock makes that impossible, but imported
data might) shows the ticket that started first. The balance is the order's balance now:
the ledger is not replayed to an earlier moment.

Rental managers and administrators act on the plan, executives read it; the other roles
are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select, union_all
from sqlalchemy.orm import Session

from models import Building, CoworkingTicket, Order, Person, Room, Seat
from models.places import full_name
from models.statuses import CANCELLED_STATUSES, NC_, Label, RoomKind, unindexed
from services import tickets
from services.catalog import plan_cell
from services.context import Actor
from services.errors import DomainError
from services.filter_values import EARLIEST_DATE, LATEST_DATE
from services.ids import is_row_id
from services.occupancy import tickets_overlapping
from services.permissions import Action, require

NO_SHOW_AFTER = timedelta(minutes=30)


class SeatState(StrEnum):
    FREE = "free"
    BOOKED = "booked"
    OCCUPIED = "occupied"
    NO_SHOW = "no-show"
    UNPAID = "unpaid"


SEAT_STATE_LABELS: dict[SeatState, Label] = {
    SeatState.FREE: NC_("seat state", "Free"),
    SeatState.BOOKED: NC_("seat state", "Booked"),
    SeatState.OCCUPIED: NC_("seat state", "Occupied"),
    SeatState.NO_SHOW: NC_("seat state", "No-show"),
    SeatState.UNPAID: NC_("seat state", "Unpaid"),
}


@dataclass(frozen=True)
class FloorRoom:
    id: int
    name: str
    building: str


@dataclass(frozen=True)
class FloorTicket:
    number: int
    visitor: str
    period_start: datetime
    period_end: datetime
    validated_at: datetime | None
    balance_kopecks: int


@dataclass(frozen=True)
class FloorSeat:
    id: int
    number: int
    label: str  # the rename, or ""
    x: int  # the cell on the plan (services.catalog.plan_cell)
    y: int
    active: bool
    state: SeatState
    ticket: FloorTicket | None


@dataclass(frozen=True)
class FloorPlan:
    room_id: int
    room_name: str
    at: datetime
    seats: list[FloorSeat]
    counts: dict[SeatState, int]
    columns: int  # cells each way that the seats use
    rows: int


def seat_state(ticket: FloorTicket | None, at: datetime, now: datetime) -> SeatState:
    """The state of a seat at ``at`` given the ticket holding it then (or none): the
    precedence of the module's docstring."""
    if ticket is None:
        return SeatState.FREE
    if ticket.validated_at is not None and ticket.validated_at <= at:
        return SeatState.OCCUPIED
    if ticket.period_start + NO_SHOW_AFTER < min(at, now):
        return SeatState.NO_SHOW
    if ticket.balance_kopecks > 0:
        return SeatState.UNPAID
    return SeatState.BOOKED


def parse_moment(value: object, timezone: str, now: datetime) -> datetime:
    """The moment a datetime-local input sends (``2026-03-10T15:00``, the operator's
    local time), as UTC; empty is now. Anything else is refused in words."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return now
    message = "Enter the moment as a date and time."
    if not isinstance(value, str) or len(value) > 40:
        raise DomainError(message)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(message) from None
    if not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
        raise DomainError(message)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def rooms(session: Session, actor: Actor) -> list[FloorRoom]:
    """The coworking rooms in use, by building and name: what the plan can show."""
    require(actor, Action.VIEW_FLOOR)
    query = (
        select(Room.id, Room.name, Building.name)
        .join(Building, Building.id == Room.building_id)
        .where(
            Room.kind == RoomKind.COWORKING.value,
            Room.is_active.is_(True),
            Building.is_active.is_(True),
        )
        .order_by(Building.name, Room.name, Room.id)
    )
    return [FloorRoom(*row) for row in session.execute(query)]


def _covering(room_id: int, at: datetime, dialect: str) -> Select:
    """The ids of the room's tickets whose period covers ``at``: those overlapping its
    microsecond, read class by class as occupancy reads them (``tickets_overlapping``),
    each part kept to the room's seats. (Not by seat: SQLite would then read each seat's
    whole history of long tickets through ``(seat_id, period_start)``.)"""
    in_room = unindexed(CoworkingTicket.seat_id).in_(select(Seat.id).where(Seat.room_id == room_id))
    return union_all(
        *(
            select(CoworkingTicket.id).where(*part, in_room)
            for part in tickets_overlapping(at, at + timedelta(microseconds=1), dialect)
        )
    )


def _tickets(session: Session, room_id: int, at: datetime) -> dict[int, FloorTicket]:
    """The ticket holding each seat of the room at ``at`` (the first started, if two).

    The ids first, then their rows by key: joined to the ids as a subquery, PostgreSQL
    took the long tickets' part for a third of all tickets (its guess for the length
    predicate) and hashed every ticket of the room's seats — 28 of 30 ms on the full
    seed."""
    covering = session.scalars(_covering(room_id, at, session.get_bind().dialect.name)).all()
    if not covering:
        return {}
    query = (
        select(
            CoworkingTicket.seat_id,
            CoworkingTicket.number,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            CoworkingTicket.period_start,
            CoworkingTicket.period_end,
            CoworkingTicket.validated_at,
            Order.total_kopecks - Order.paid_kopecks,
        )
        .join(Seat, Seat.id == CoworkingTicket.seat_id)
        .join(Order, Order.id == CoworkingTicket.order_id)
        .join(Person, Person.id == CoworkingTicket.visitor_id)
        .where(
            CoworkingTicket.id.in_(covering),
            Seat.room_id == room_id,
            Order.status.not_in([s.value for s in CANCELLED_STATUSES]),
        )
        .order_by(CoworkingTicket.period_start.desc(), CoworkingTicket.number.desc())
    )
    held: dict[int, FloorTicket] = {}
    for seat_id, number, last, first, middle, start, end, validated, balance in session.execute(
        query
    ):
        # Latest first, so the first started is written last and stays.
        held[seat_id] = FloorTicket(
            number, full_name(last, first, middle), start, end, validated, balance
        )
    return held


def floor(
    session: Session, actor: Actor, room_id: object, at: datetime, now: datetime
) -> FloorPlan | None:
    """The room's seats, each in its cell of the plan with its state at ``at``; None
    when there is no such coworking room. Retired seats are drawn only while a ticket
    still holds them."""
    require(actor, Action.VIEW_FLOOR)
    room = session.get(Room, room_id) if is_row_id(room_id) else None
    if room is None or room.kind != RoomKind.COWORKING.value:
        return None
    rows = session.execute(
        select(Seat.id, Seat.number, Seat.label, Seat.x, Seat.y, Seat.is_active)
        .where(Seat.room_id == room.id)
        .order_by(Seat.number)
    ).all()
    held = _tickets(session, room.id, at)
    seats = []
    for index, (seat_id, number, label, x, y, active) in enumerate(rows):
        ticket = held.get(seat_id)
        if not active and ticket is None:
            continue
        cell = plan_cell(x, y, index)
        seats.append(
            FloorSeat(
                seat_id, number, label or "", *cell, active, seat_state(ticket, at, now), ticket
            )
        )
    counts = {state: 0 for state in SeatState}
    for seat in seats:
        counts[seat.state] += 1
    return FloorPlan(
        room.id,
        room.name,
        at,
        seats,
        counts,
        max((s.x for s in seats), default=-1) + 1,
        max((s.y for s in seats), default=-1) + 1,
    )


@dataclass(frozen=True)
class PickSeat:
    id: int
    number: int
    label: str
    x: int
    y: int
    free: bool  # free for the ticket's whole period: it may move there
    current: bool  # the ticket's own seat


def seats_to_pick(session: Session, actor: Actor, number: object, now: datetime) -> list[PickSeat]:
    """The plan of a ticket's room for "change the seat": every seat in use in its cell,
    those free for the ticket's whole period marked — the same seats, by the same rule,
    as the change-seat select offers (``services.tickets.free_seats_for_ticket``); the
    move itself is ``services.tickets.change_seat``, which checks again with the seat
    locked."""
    require(actor, Action.CHANGE_TICKET_SEAT)
    view = tickets.get_ticket(session, number, now)
    free = {seat.id for seat in tickets.free_seats_for_ticket(session, view.number, now)}
    rows = session.execute(
        select(Seat.id, Seat.number, Seat.label, Seat.x, Seat.y, Seat.is_active)
        .where(Seat.room_id == view.room_id)
        .order_by(Seat.number)
    ).all()
    return [
        PickSeat(
            seat_id,
            seat_number,
            label or "",
            *plan_cell(x, y, index),
            seat_id in free,
            seat_id == view.seat_id,
        )
        for index, (seat_id, seat_number, label, x, y, active) in enumerate(rows)
        if active or seat_id == view.seat_id
    ]
