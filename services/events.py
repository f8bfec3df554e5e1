"""Event check-in at the door (SPEC §4.10): by the QR token a scanner types, or by
the ticket number a person types. Lock the ticket, check, write, audit.

Also what the events pages read: the events with their sold and checked-in
counts, one event, its tickets (a server-side grid) and one ticket with the PNG
of its QR code."""

from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from models import Event, EventTicket, Order, Person, Room, StaffUser
from models.places import full_name
from models.statuses import CANCELLED_STATUSES, NEW_STATUSES
from services import audit, grid
from services.context import Actor
from services.errors import N_, DomainError, NotFound
from services.filter_values import search_words
from services.ids import is_row_id
from services.messages import Moment, StatusLabel
from services.permissions import Action, require
from services.text import clean
from services.ticket_list import MAX_NUMBER_DIGITS, number_prefix

MAX_CODE_LENGTH = 200


def new_qr_token() -> str:
    """An unguessable token for a ticket's QR code (not derived from its number)."""
    return secrets.token_urlsafe(24)


class CheckInRefused(DomainError):
    """The ticket may not pass; ``reason`` says which way, for the desk's colour."""

    def __init__(self, reason: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.reason = reason


@dataclass(frozen=True)
class CheckInResult:
    ticket_number: int
    attendee: str
    checked_in_at: datetime | None
    checked_in: int
    sold: int


def attendance(session: Session, event_id: int) -> tuple[int, int]:
    """(checked in, sold) for an event: tickets of orders that are not cancelled (kept
    on the event by triggers, migration 0018)."""
    row = session.execute(
        select(Event.tickets_checked_in, Event.tickets_sold).where(Event.id == event_id)
    ).one()
    return int(row[0]), int(row[1])


def _find(session: Session, code: str) -> EventTicket | None:
    text = (code or "").strip()
    # A code with control characters is no ticket's (and PostgreSQL refuses NUL in text).
    if not text or len(text) > MAX_CODE_LENGTH or clean(text) != text:
        return None
    query = select(EventTicket).with_for_update()
    # isascii: str.isdigit() also accepts "²", which int() refuses.
    if text.isascii() and text.isdigit() and len(text) <= 18:
        ticket = session.scalar(query.where(EventTicket.number == int(text)))
        if ticket is not None:
            return ticket
    return session.scalar(query.where(EventTicket.qr_token == text))


def check_in(
    session: Session, actor: Actor, event_id: int, code: str, now: datetime
) -> CheckInResult:
    require(actor, Action.CHECK_IN)
    event = session.get(Event, event_id) if is_row_id(event_id) else None
    if event is None:
        raise NotFound("There is no such event.")
    ticket = _find(session, code)
    if ticket is None:
        raise CheckInRefused("unknown", "Unknown code: no ticket has it.")
    attendee = session.get(Person, ticket.attendee_id).full_name
    if ticket.event_id != event.id:
        other = session.get(Event, ticket.event_id)
        raise CheckInRefused(
            "other_event",
            "Ticket %(ticket)s of %(attendee)s is for another event: %(event)s.",
            ticket=ticket.number,
            attendee=attendee,
            event=other.title,
        )
    # Lock the order as well: a cancellation of it waits for this check-in (and this
    # check-in for a cancellation), so a ticket is never checked in on a cancelled order.
    order = session.scalar(
        select(Order)
        .where(Order.id == ticket.order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order.status in CANCELLED_STATUSES:
        raise CheckInRefused(
            "cancelled",
            "Ticket %(ticket)s of %(attendee)s is cancelled.",
            ticket=ticket.number,
            attendee=attendee,
        )
    if order.status in NEW_STATUSES:
        raise CheckInRefused(
            "unpaid",
            "Ticket %(ticket)s of %(attendee)s is not confirmed (%(status)s).",
            ticket=ticket.number,
            attendee=attendee,
            status=StatusLabel(order.status),
        )
    if ticket.checked_in_at is not None:
        by = session.get(StaffUser, ticket.checked_in_by_id)
        raise CheckInRefused(
            "already",
            "Ticket %(ticket)s of %(attendee)s is already checked in at %(time)s by %(by)s.",
            ticket=ticket.number,
            attendee=attendee,
            time=Moment(ticket.checked_in_at),
            by=by.name if by else "—",
        )
    ticket.checked_in_at, ticket.checked_in_by_id = now, actor.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event_ticket.check_in",
        entity="event_ticket",
        entity_id=ticket.number,
        before={"checked_in_at": None},
        after={"checked_in_at": now.isoformat()},
        now=now,
    )
    checked_in, sold = attendance(session, event.id)
    return CheckInResult(ticket.number, attendee, now, checked_in, sold)


def revert_check_in(
    session: Session, actor: Actor, ticket_number: int, now: datetime
) -> CheckInResult:
    require(actor, Action.CHECK_IN)
    ticket = session.scalar(
        select(EventTicket).where(EventTicket.number == ticket_number).with_for_update()
    )
    if ticket is None:
        raise NotFound("There is no ticket number %(number)s.", number=ticket_number)
    if ticket.checked_in_at is None:
        raise DomainError("Ticket %(ticket)s is not checked in.", ticket=ticket.number)
    before = ticket.checked_in_at.isoformat()
    ticket.checked_in_at, ticket.checked_in_by_id = None, None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event_ticket.revert_check_in",
        entity="event_ticket",
        entity_id=ticket.number,
        before={"checked_in_at": before},
        after={"checked_in_at": None},
        now=now,
    )
    checked_in, sold = attendance(session, ticket.event_id)
    attendee = session.get(Person, ticket.attendee_id).full_name
    return CheckInResult(ticket.number, attendee, None, checked_in, sold)


# --- what the events pages read ----------------------------------------------------------

LIVE = Order.status.not_in([s.value for s in CANCELLED_STATUSES])
PAST_PAGE = 30
MAX_UPCOMING = 500
# The QR image: medium error correction survives a crease or a smudge on a printed
# ticket; 10-pixel modules and the standard 4-module quiet zone scan well from paper
# and from a phone's screen.
QR_BOX_SIZE = 10
QR_BORDER = 4


class TicketState:
    """Where an event ticket stands at the door (derived, never stored)."""

    CHECKED_IN = "checked_in"
    EXPECTED = "expected"  # paid, not checked in yet
    UNPAID = "unpaid"
    CANCELLED = "cancelled"


def ticket_state(order_status: str, checked_in_at: datetime | None) -> str:
    if checked_in_at is not None:
        return TicketState.CHECKED_IN
    if order_status in CANCELLED_STATUSES:
        return TicketState.CANCELLED
    if order_status in NEW_STATUSES:
        return TicketState.UNPAID
    return TicketState.EXPECTED


def parse_id(value: object, message: str) -> int:
    """A number from a URL or a form; anything else is "not found", never an error."""
    text = str(value if value is not None else "").strip().lstrip("№#").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound(message, value=str(value)[:30])
    return int(text)


@dataclass(frozen=True)
class EventRow:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    hall: str
    capacity: int
    sold: int
    checked_in: int

    @property
    def attendance_percent(self) -> float:
        return 100.0 * self.checked_in / self.sold if self.sold else 0.0

    def is_on(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class EventList:
    upcoming: list[EventRow]  # not over yet (on now or ahead), soonest first
    past: list[EventRow]  # newest first, at most the requested number
    past_total: int


def event_rows(session: Session, query: Select) -> list[EventRow]:
    """The events ``query`` selects, with their room and ticket counts (the events list
    and the Today page): the counts kept on each event (migration 0018), read as columns
    so that they are the database's now, not those of an Event the session holds."""
    rows = session.execute(
        query.add_columns(Room.name, Event.tickets_sold, Event.tickets_checked_in).join(
            Room, Room.id == Event.room_id
        )
    ).all()
    return [
        EventRow(
            event.id,
            event.title,
            event.starts_at,
            event.ends_at,
            hall,
            event.capacity,
            sold,
            checked_in,
        )
        for event, hall, sold, checked_in in rows
    ]


def list_events(session: Session, now: datetime, past_limit: int = PAST_PAGE) -> EventList:
    """Events still to come or on now, and the latest ``past_limit`` past ones, each with
    tickets sold (orders not cancelled) and checked in."""
    upcoming = event_rows(
        session,
        select(Event)
        .where(Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
        .limit(MAX_UPCOMING),
    )
    past = event_rows(
        session,
        select(Event)
        .where(Event.ends_at <= now)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(max(0, min(past_limit, 10_000))),
    )
    total = session.scalar(select(func.count()).select_from(Event).where(Event.ends_at <= now))
    return EventList(upcoming, past, int(total or 0))


EVENT_NOT_FOUND = N_("There is no event “%(value)s”.")


def parse_event_id(value: object) -> int:
    """An event's id from a URL or a store; "not found" for anything that is no event's."""
    number = parse_id(value, EVENT_NOT_FOUND)
    if not is_row_id(number):
        raise NotFound(EVENT_NOT_FOUND, value=str(value)[:30])
    return number


def get_event(session: Session, event_id: object) -> EventRow:
    found = event_rows(session, select(Event).where(Event.id == parse_event_id(event_id)))
    if not found:
        raise NotFound(EVENT_NOT_FOUND, value=str(event_id)[:30])
    return found[0]


@dataclass(frozen=True)
class TicketFilters:
    """The event's ticket list: a ticket or order number (its first digits) or part of
    the attendee's name; and all tickets, checked-in ones or those still expected."""

    search: str = ""
    state: str = ""  # "", TicketState.CHECKED_IN or TicketState.EXPECTED

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> TicketFilters:
        raw = raw if isinstance(raw, Mapping) else {}
        state = str(raw.get("state") or "")
        if state not in (TicketState.CHECKED_IN, TicketState.EXPECTED):
            state = ""
        return cls(search_words(raw.get("q")), state)

    def query(self) -> dict[str, str]:
        return {key: value for key, value in (("q", self.search), ("state", self.state)) if value}


def _ticket_conditions(event_id: int, filters: TicketFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [EventTicket.event_id == event_id]
    text = filters.search.lstrip("№#").strip()
    if text.isascii() and text.isdigit():
        digits = text[:MAX_NUMBER_DIGITS]
        conditions.append(
            or_(number_prefix(EventTicket.number, digits), number_prefix(Order.number, digits))
        )
    elif text:
        escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Person.search_text.like(f"%{escaped}%", escape="\\"))
    if filters.state == TicketState.CHECKED_IN:
        conditions.append(EventTicket.checked_in_at.is_not(None))
    elif filters.state == TicketState.EXPECTED:
        conditions += [
            EventTicket.checked_in_at.is_(None),
            LIVE,
            Order.status.not_in([s.value for s in NEW_STATUSES]),
        ]
    return conditions


TICKET_SORTABLE: dict[str, list[ColumnElement]] = {
    "number": [EventTicket.number],
    "attendee": [Person.last_name, Person.first_name, Person.middle_name],
    "order": [Order.number],
    "checked_in_at": [EventTicket.checked_in_at],
    "checked_in_by": [StaffUser.name],
}


@dataclass(frozen=True)
class TicketRow:
    number: int
    attendee: str
    order_number: int
    order_status: str
    checked_in_at: datetime | None
    checked_in_by: str | None

    @property
    def state(self) -> str:
        return ticket_state(self.order_status, self.checked_in_at)


def list_tickets(
    session: Session, event_id: int, filters: TicketFilters, request: Mapping[str, Any] | None
) -> tuple[list[TicketRow], int]:
    """One block of the event's tickets and how many match the filters."""
    conditions = _ticket_conditions(event_id, filters)
    block = grid.parse_request(request, TICKET_SORTABLE)
    query = (
        select(
            EventTicket.number,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Order.number,
            Order.status,
            EventTicket.checked_in_at,
            StaffUser.name,
        )
        .join(Order, Order.id == EventTicket.order_id)
        .join(Person, Person.id == EventTicket.attendee_id)
        .outerjoin(StaffUser, StaffUser.id == EventTicket.checked_in_by_id)
        .where(*conditions)
    )
    rows = session.execute(
        grid.apply_sort(query, block, TICKET_SORTABLE, default=[EventTicket.number])
    ).all()
    count = session.scalar(
        select(func.count())
        .select_from(EventTicket)
        .join(Order, Order.id == EventTicket.order_id)
        .join(Person, Person.id == EventTicket.attendee_id)
        .where(*conditions)
    )
    return (
        [
            TicketRow(
                number,
                full_name(last, first, middle),
                order_number,
                status,
                checked_in_at,
                by,
            )
            for number, last, first, middle, order_number, status, checked_in_at, by in rows
        ],
        int(count or 0),
    )


@dataclass(frozen=True)
class EventTicketView:
    number: int
    qr_token: str
    event_id: int
    event_title: str
    starts_at: datetime
    ends_at: datetime
    hall: str
    attendee: str
    order_number: int
    order_status: str
    checked_in_at: datetime | None
    checked_in_by: str | None

    @property
    def state(self) -> str:
        return ticket_state(self.order_status, self.checked_in_at)


TICKET_NOT_FOUND = N_("There is no event ticket number “%(value)s”.")


def get_ticket(session: Session, number: object) -> EventTicketView:
    row = session.execute(
        select(EventTicket, Event, Room.name, Person, Order.number, Order.status, StaffUser.name)
        .join(Event, Event.id == EventTicket.event_id)
        .join(Room, Room.id == Event.room_id)
        .join(Person, Person.id == EventTicket.attendee_id)
        .join(Order, Order.id == EventTicket.order_id)
        .outerjoin(StaffUser, StaffUser.id == EventTicket.checked_in_by_id)
        .where(EventTicket.number == parse_id(number, TICKET_NOT_FOUND))
    ).first()
    if row is None:
        raise NotFound(TICKET_NOT_FOUND, value=str(number)[:30])
    ticket, event, hall, attendee, order_number, order_status, by = row
    return EventTicketView(
        ticket.number,
        ticket.qr_token,
        event.id,
        event.title,
        event.starts_at,
        event.ends_at,
        hall,
        attendee.full_name,
        order_number,
        order_status,
        ticket.checked_in_at,
        by,
    )


def ticket_token(session: Session, number: object) -> str:
    """The QR token of a ticket, for its image."""
    token = session.scalar(
        select(EventTicket.qr_token).where(EventTicket.number == parse_id(number, TICKET_NOT_FOUND))
    )
    if token is None:
        raise NotFound(TICKET_NOT_FOUND, value=str(number)[:30])
    return token


def qr_png(token: str) -> bytes:
    """The ticket's QR code as a PNG: exactly the token, nothing else."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=QR_BOX_SIZE, border=QR_BORDER)
    code.add_data(token)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
