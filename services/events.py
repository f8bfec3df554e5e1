"""Event check-in at the door (SPEC §4.10): by the QR token a scanner types, or by
the ticket number a person types. Lock the ticket, check, write, audit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Event, EventTicket, Order, Person, StaffUser
from models.statuses import CANCELLED_STATUSES, NEW_STATUSES
from services import audit
from services.context import Actor
from services.errors import DomainError, NotFound
from services.messages import Moment, StatusLabel
from services.permissions import Action, require

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
    """(checked in, sold) for an event: tickets of orders that are not cancelled."""
    live = Order.status.not_in([s.value for s in CANCELLED_STATUSES])
    row = session.execute(
        select(func.count(EventTicket.checked_in_at), func.count(EventTicket.id))
        .join(Order, Order.id == EventTicket.order_id)
        .where(EventTicket.event_id == event_id, live)
    ).one()
    return int(row[0]), int(row[1])


def _find(session: Session, code: str) -> EventTicket | None:
    text = (code or "").strip()
    if not text or len(text) > MAX_CODE_LENGTH:
        return None
    query = select(EventTicket).with_for_update()
    if text.isdigit() and len(text) <= 18:
        ticket = session.scalar(query.where(EventTicket.number == int(text)))
        if ticket is not None:
            return ticket
    return session.scalar(query.where(EventTicket.qr_token == text))


def check_in(
    session: Session, actor: Actor, event_id: int, code: str, now: datetime
) -> CheckInResult:
    require(actor, Action.CHECK_IN)
    event = session.get(Event, event_id)
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
    order = session.get(Order, ticket.order_id)
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
        actor,
        "event_ticket.check_in",
        "event_ticket",
        ticket.number,
        {"checked_in_at": None},
        {"checked_in_at": now.isoformat()},
        now,
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
        actor,
        "event_ticket.revert_check_in",
        "event_ticket",
        ticket.number,
        {"checked_in_at": before},
        {"checked_in_at": None},
        now,
    )
    checked_in, sold = attendance(session, ticket.event_id)
    attendee = session.get(Person, ticket.attendee_id).full_name
    return CheckInResult(ticket.number, attendee, None, checked_in, sold)
