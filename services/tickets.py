"""Coworking tickets (SPEC §4.1–4.3): validation of the visitor's identity, the
visitor, and the seat — never two live tickets on one seat at the same time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from models import (
    Building,
    CoworkingTicket,
    Order,
    Person,
    Room,
    Seat,
    Service,
    StaffUser,
    Tariff,
)
from models.statuses import CANCELLED_STATUSES, RoomKind, TicketStatus, ticket_status_expression
from services import audit, people
from services.context import Actor
from services.errors import DomainError, NotFound
from services.ids import is_row_id
from services.messages import StatusLabel
from services.occupancy import order_status, tickets_overlapping
from services.orders import parse_number
from services.permissions import Action, require

VALIDATABLE = frozenset({TicketStatus.CONFIRMED, TicketStatus.ACTIVE})
VISITOR_CHANGEABLE = frozenset({TicketStatus.NEW, TicketStatus.CONFIRMED})
SEAT_CHANGEABLE = frozenset({TicketStatus.NEW, TicketStatus.CONFIRMED, TicketStatus.ACTIVE})


def status_sql(now: datetime):
    return ticket_status_expression(
        Order.status, CoworkingTicket.period_start, CoworkingTicket.period_end, now
    )


@dataclass(frozen=True)
class TicketView:
    number: int
    status: str
    order_number: int
    order_status: str
    service_name: str
    created_at: datetime
    period_start: datetime
    period_end: datetime
    visitor_id: int
    visitor_name: str
    visitor_phone: str | None
    visitor_email: str | None
    seat_id: int
    seat_number: int
    room_id: int
    room_name: str
    tariff_name: str
    tariff_unit: str
    variant: str | None
    modifiers: list[str]
    validated_at: datetime | None
    validated_by: str | None


def get_ticket(session: Session, number: object, now: datetime) -> TicketView:
    row = session.execute(
        select(
            CoworkingTicket,
            status_sql(now),
            Order,
            Service.name,
            Person,
            Seat,
            Room,
            Tariff,
            StaffUser.name,
        )
        .join(Order, Order.id == CoworkingTicket.order_id)
        .join(Service, Service.id == Order.service_id)
        .join(Person, Person.id == CoworkingTicket.visitor_id)
        .join(Seat, Seat.id == CoworkingTicket.seat_id)
        .join(Room, Room.id == Seat.room_id)
        .join(Tariff, Tariff.id == CoworkingTicket.tariff_id)
        .outerjoin(StaffUser, StaffUser.id == CoworkingTicket.validated_by_id)
        .where(CoworkingTicket.number == parse_number(number))
    ).first()
    if row is None:
        raise NotFound("There is no ticket number %(number)s.", number=str(number)[:30])
    ticket, status, order, service_name, visitor, seat, room, tariff, validated_by = row
    return TicketView(
        ticket.number,
        status,
        order.number,
        order.status,
        service_name,
        ticket.created_at,
        ticket.period_start,
        ticket.period_end,
        visitor.id,
        visitor.full_name,
        visitor.phone,
        visitor.email,
        seat.id,
        seat.number,
        room.id,
        room.name,
        tariff.name,
        tariff.unit,
        ticket.variant,
        list(ticket.modifiers or []),
        ticket.validated_at,
        validated_by,
    )


def _lock(session: Session, number: object, now: datetime) -> tuple[CoworkingTicket, TicketStatus]:
    """The ticket locked for this transaction, and its status now."""
    ticket = session.scalar(
        select(CoworkingTicket)
        .where(CoworkingTicket.number == parse_number(number))
        .with_for_update()
    )
    if ticket is None:
        raise NotFound("There is no ticket number %(number)s.", number=str(number)[:30])
    status = session.scalar(
        select(status_sql(now))
        .select_from(CoworkingTicket)
        .join(Order, Order.id == CoworkingTicket.order_id)
        .where(CoworkingTicket.id == ticket.id)
    )
    return ticket, TicketStatus(status)


def _snapshot(ticket: CoworkingTicket) -> dict[str, object]:
    return {
        "visitor_id": ticket.visitor_id,
        "seat_id": ticket.seat_id,
        "validated_at": ticket.validated_at.isoformat() if ticket.validated_at else None,
        "validated_by_id": ticket.validated_by_id,
    }


def _changed(
    session: Session,
    actor: Actor,
    action: str,
    ticket: CoworkingTicket,
    before: dict[str, object],
    now: datetime,
) -> None:
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="coworking_ticket",
        entity_id=ticket.number,
        before=before,
        after=_snapshot(ticket),
        now=now,
    )


def validate(session: Session, actor: Actor, number: object, now: datetime) -> TicketView:
    """Record that the visitor's identity was checked (проверка личности)."""
    require(actor, Action.VALIDATE_TICKET)
    ticket, status = _lock(session, number, now)
    if status not in VALIDATABLE:
        raise DomainError(
            "The identity can be checked only on a confirmed or active ticket; "
            "this one is “%(status)s”.",
            status=StatusLabel(status, "ticket"),
        )
    if ticket.validated_at is not None:
        raise DomainError("The identity was checked already.")
    before = _snapshot(ticket)
    ticket.validated_at, ticket.validated_by_id = now, actor.id
    _changed(session, actor, "ticket.validate", ticket, before, now)
    return get_ticket(session, ticket.number, now)


def reset_validation(session: Session, actor: Actor, number: object, now: datetime) -> TicketView:
    require(actor, Action.VALIDATE_TICKET)
    ticket, _status = _lock(session, number, now)
    if ticket.validated_at is None:
        raise DomainError("The identity has not been checked; there is nothing to reset.")
    before = _snapshot(ticket)
    ticket.validated_at, ticket.validated_by_id = None, None
    _changed(session, actor, "ticket.reset_validation", ticket, before, now)
    return get_ticket(session, ticket.number, now)


def change_visitor(
    session: Session,
    actor: Actor,
    number: object,
    now: datetime,
    *,
    person_id: int | None = None,
    new_person: people.NewPerson | None = None,
) -> TicketView:
    """Give the ticket to a registered person, or to a new one registered here. The
    identity that was checked was the previous person's: the validation is cleared
    (the audit entry keeps who had validated whom and when)."""
    require(actor, Action.CHANGE_TICKET_VISITOR)
    ticket, status = _lock(session, number, now)
    if status not in VISITOR_CHANGEABLE:
        raise DomainError(
            "The visitor can be changed only on a new or confirmed ticket; "
            "this one is “%(status)s”.",
            status=StatusLabel(status, "ticket"),
        )
    if (person_id is None) == (new_person is None):
        raise DomainError("Choose a registered person or enter a new one.")
    if new_person is not None:
        person_id = people.create(session, new_person)
    elif not is_row_id(person_id) or session.get(Person, person_id) is None:
        raise NotFound("There is no such person.")
    if person_id == ticket.visitor_id:
        raise DomainError("This person is the visitor already.")
    before = _snapshot(ticket)
    ticket.visitor_id = person_id
    ticket.validated_at, ticket.validated_by_id = None, None
    _changed(session, actor, "ticket.change_visitor", ticket, before, now)
    return get_ticket(session, ticket.number, now)


def seat_is_taken(
    session: Session,
    seat_id: int,
    start: datetime,
    end: datetime,
    exclude_ticket_id: int | None = None,
) -> bool:
    """Whether a live (not cancelled) ticket holds the seat at any moment of [start, end)."""
    query = (
        select(CoworkingTicket.id)
        .join(Order, Order.id == CoworkingTicket.order_id)
        .where(
            CoworkingTicket.seat_id == seat_id,
            CoworkingTicket.period_start < end,
            CoworkingTicket.period_end > start,
            Order.status.not_in([s.value for s in CANCELLED_STATUSES]),
        )
        .limit(1)
    )
    if exclude_ticket_id is not None:
        query = query.where(CoworkingTicket.id != exclude_ticket_id)
    return session.scalar(query) is not None


@dataclass(frozen=True)
class SeatOption:
    id: int
    number: int
    room_id: int
    room_name: str


def free_seats(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    room_id: int | None = None,
    exclude_ticket_id: int | None = None,
) -> list[SeatOption]:
    """Coworking seats free for the whole of [start, end) — of one room, or of all.

    The tickets that overlap are read as occupancy reads them (``tickets_overlapping``:
    two days of the period index, the medium and long ones), each order's status looked
    up by its key after the comparisons (a join had PostgreSQL hash all the million
    orders: 230 ms for a day's seats on the full seed)."""
    dialect = session.get_bind().dialect.name
    others = [] if exclude_ticket_id is None else [CoworkingTicket.id != exclude_ticket_id]
    live = order_status(CoworkingTicket.order_id).not_in([s.value for s in CANCELLED_STATUSES])
    busy = union_all(
        *(
            select(CoworkingTicket.seat_id).where(*part, *others, live)
            for part in tickets_overlapping(start, end, dialect)
        )
    ).subquery()
    query = (
        select(Seat.id, Seat.number, Room.id, Room.name)
        .join(Room, Room.id == Seat.room_id)
        .join(Building, Building.id == Room.building_id)
        .where(
            Room.kind == RoomKind.COWORKING.value,
            Seat.id.not_in(select(busy.c.seat_id)),
            # Retired seats, rooms and buildings take no new tickets.
            Seat.is_active.is_(True),
            Room.is_active.is_(True),
            Building.is_active.is_(True),
        )
        .order_by(Room.name, Seat.number)
    )
    if room_id is not None:
        query = query.where(Room.id == room_id)
    return [SeatOption(*row) for row in session.execute(query)]


def free_seats_for_ticket(
    session: Session, number: object, now: datetime, *, any_room: bool = False
) -> list[SeatOption]:
    """The seats this ticket may move to: free for its whole period (SPEC §4.3)."""
    view = get_ticket(session, number, now)
    ticket_id = session.scalar(
        select(CoworkingTicket.id).where(CoworkingTicket.number == view.number)
    )
    return [
        seat
        for seat in free_seats(
            session,
            view.period_start,
            view.period_end,
            room_id=None if any_room else view.room_id,
            exclude_ticket_id=ticket_id,
        )
        if seat.id != view.seat_id
    ]


def lock_seat(session: Session, seat_id: int) -> Seat:
    """Lock the seat row: whoever takes a seat waits for the one taking it before them."""
    seat = None
    if is_row_id(seat_id):
        seat = session.scalar(select(Seat).where(Seat.id == seat_id).with_for_update())
    if seat is None or session.get(Room, seat.room_id).kind != RoomKind.COWORKING.value:
        raise NotFound("There is no such coworking seat.")
    if not seat.is_active:
        raise DomainError("Seat %(seat)s is retired; choose another.", seat=seat.number)
    return seat


def change_seat(
    session: Session,
    actor: Actor,
    number: object,
    seat_id: int,
    now: datetime,
    *,
    any_room: bool = False,
) -> TicketView:
    """Move the ticket to a seat free for its whole period, checked in the same
    transaction as the write, with the seat locked."""
    require(actor, Action.CHANGE_TICKET_SEAT)
    ticket, status = _lock(session, number, now)
    if status not in SEAT_CHANGEABLE:
        raise DomainError(
            "The seat can be changed only on a new, confirmed or active ticket; "
            "this one is “%(status)s”.",
            status=StatusLabel(status, "ticket"),
        )
    if seat_id == ticket.seat_id:
        raise DomainError("The ticket is on this seat already.")
    seat = lock_seat(session, seat_id)
    current_room = session.scalar(select(Seat.room_id).where(Seat.id == ticket.seat_id))
    if not any_room and seat.room_id != current_room:
        raise DomainError("Choose a seat in the same coworking room.")
    if seat_is_taken(session, seat.id, ticket.period_start, ticket.period_end, ticket.id):
        raise DomainError(
            "Seat %(seat)s is taken during this ticket's period; choose another.", seat=seat.number
        )
    before = _snapshot(ticket)
    ticket.seat_id = seat.id
    _changed(session, actor, "ticket.change_seat", ticket, before, now)
    return get_ticket(session, ticket.number, now)
