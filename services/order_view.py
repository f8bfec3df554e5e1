"""One order with everything its page shows (SPEC §5 "Order"), as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    CoworkingTicket,
    Event,
    EventTicket,
    HotelBooking,
    Order,
    OrderItem,
    Person,
    Room,
    RoomBooking,
    Seat,
    Service,
    StaffUser,
)
from services import audit, payments
from services.context import Actor
from services.errors import NotFound, PermissionDenied
from services.form_details import Detail, form_details
from services.messages import ChatMessage, thread
from services.orders import parse_number
from services.permissions import Action, can, may_read_order, require


@dataclass(frozen=True)
class Item:
    name: str
    quantity: int
    unit: str | None
    unit_price_kopecks: int
    amount_kopecks: int


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None
    email: str | None
    company: str | None


@dataclass(frozen=True)
class TicketLine:
    number: int
    period_start: datetime
    period_end: datetime
    seat_number: int
    room: str
    visitor: str


@dataclass(frozen=True)
class HotelStay:
    room: str
    check_in: date
    check_out: date
    nights: int
    adults: int
    children: int
    extras: list[str]


@dataclass(frozen=True)
class RoomUse:
    room: str
    starts_at: datetime
    ends_at: datetime
    visitors: list[str]


@dataclass(frozen=True)
class EventTicketLine:
    number: int
    event_id: int
    event: str
    starts_at: datetime
    attendee: str
    checked_in_at: datetime | None


@dataclass(frozen=True)
class OrderView:
    number: int
    created_at: datetime
    status: str
    service_name: str
    service_type: str
    allows_cancellation: bool
    min_remaining_kopecks: int
    total_kopecks: int
    paid_kopecks: int
    customer: Contact
    payer: str | None
    contact_phone: str | None
    contact_email: str | None
    contacts_shown: bool  # phone and e-mail are None for a role that may not read them
    executor_id: int | None
    executor: str | None
    deadline: datetime | None
    comment: str | None
    delivery_place: str | None
    form_fields: list[Detail]  # the customer's form, typed and in order
    items: list[Item]
    ledger: list[payments.LedgerRow]
    messages: list[ChatMessage]
    trail: list[audit.AuditRow]
    tickets: list[TicketLine] = field(default_factory=list)
    hotel: HotelStay | None = None
    room: RoomUse | None = None
    event_tickets: list[EventTicketLine] = field(default_factory=list)
    invoice_number: str | None = None

    @property
    def balance_kopecks(self) -> int:
        return self.total_kopecks - self.paid_kopecks


def _contact(person: Person | None, with_contacts: bool) -> Contact:
    if person is None:
        return Contact("—", None, None, None)
    if not with_contacts:
        return Contact(person.full_name, None, None, person.company)
    return Contact(person.full_name, person.phone, person.email, person.company)


def get_order(session: Session, actor: Actor, number: object) -> OrderView:
    """The order as ``actor`` may read it: only an order of a kind its role reads;
    contact data and internal messages only for a role that may read them."""
    require(actor, Action.VIEW_ORDERS)
    order = session.scalar(select(Order).where(Order.number == parse_number(number)))
    if order is None:
        raise NotFound("There is no order number %(number)s.", number=str(number)[:30])
    service = session.get(Service, order.service_id)
    if not may_read_order(actor, service.type):
        raise PermissionDenied("Orders of this kind are handled by another department.")
    contacts = can(actor, Action.VIEW_CONTACTS)
    executor = session.get(StaffUser, order.executor_id) if order.executor_id else None
    payer = session.get(Person, order.payer_id) if order.payer_id else None
    items = [
        Item(i.name, i.quantity, i.unit, i.unit_price_kopecks, i.amount_kopecks)
        for i in session.scalars(
            select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        )
    ]
    tickets = [
        TicketLine(t.number, t.period_start, t.period_end, seat, room, visitor.full_name)
        for t, seat, room, visitor in session.execute(
            select(CoworkingTicket, Seat.number, Room.name, Person)
            .join(Seat, Seat.id == CoworkingTicket.seat_id)
            .join(Room, Room.id == Seat.room_id)
            .join(Person, Person.id == CoworkingTicket.visitor_id)
            .where(CoworkingTicket.order_id == order.id)
            .order_by(CoworkingTicket.number)
        )
    ]
    stay = session.execute(
        select(HotelBooking, Room.name)
        .join(Room, Room.id == HotelBooking.room_id)
        .where(HotelBooking.order_id == order.id)
    ).first()
    use = session.execute(
        select(RoomBooking, Room.name)
        .join(Room, Room.id == RoomBooking.room_id)
        .where(RoomBooking.order_id == order.id)
    ).first()
    event_tickets = [
        EventTicketLine(
            t.number, event.id, event.title, event.starts_at, attendee.full_name, t.checked_in_at
        )
        for t, event, attendee in session.execute(
            select(EventTicket, Event, Person)
            .join(Event, Event.id == EventTicket.event_id)
            .join(Person, Person.id == EventTicket.attendee_id)
            .where(EventTicket.order_id == order.id)
            .order_by(EventTicket.number)
        )
    ]
    return OrderView(
        number=order.number,
        created_at=order.created_at,
        status=order.status,
        service_name=service.name,
        service_type=service.type,
        allows_cancellation=service.allows_cancellation,
        min_remaining_kopecks=service.min_remaining_kopecks,
        total_kopecks=order.total_kopecks,
        paid_kopecks=order.paid_kopecks,
        customer=_contact(session.get(Person, order.customer_id), contacts),
        payer=payer.full_name if payer and payer.id != order.customer_id else None,
        contact_phone=order.contact_phone if contacts else None,
        contact_email=order.contact_email if contacts else None,
        contacts_shown=contacts,
        invoice_number=order.invoice_number,
        executor_id=order.executor_id,
        executor=executor.name if executor else None,
        deadline=order.deadline,
        comment=order.comment,
        delivery_place=order.delivery_place,
        form_fields=form_details(order.form_fields),
        items=items,
        ledger=payments.ledger(session, order.id),
        messages=thread(
            session, order.id, include_internal=can(actor, Action.READ_INTERNAL_MESSAGES)
        ),
        trail=audit.trail(session, "order", order.number),
        tickets=tickets,
        hotel=HotelStay(
            stay[1],
            stay[0].check_in,
            stay[0].check_out,
            stay[0].nights,
            stay[0].adults,
            stay[0].children,
            list(stay[0].extras or []),
        )
        if stay
        else None,
        room=RoomUse(use[1], use[0].starts_at, use[0].ends_at, list(use[0].visitors or []))
        if use
        else None,
        event_tickets=event_tickets,
    )
