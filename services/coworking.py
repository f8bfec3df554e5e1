"""A coworking order created by a rental manager for a customer (SPEC §4.9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CoworkingTicket, Order, OrderItem, Person, Service, Tariff
from models.statuses import OrderStatus, PaymentMethod, ServiceType, Unit
from services import audit, numbering, people
from services.context import Actor
from services.errors import N_, DomainError, NotFound
from services.ids import is_row_id
from services.messages import add_system_message
from services.permissions import Action, require
from services.tickets import lock_seat, seat_is_taken

UNIT_LENGTH = {
    Unit.HOUR: timedelta(hours=1),
    Unit.DAY: timedelta(days=1),
    Unit.MONTH: timedelta(days=30),
}
MAX_UNITS = {Unit.HOUR: 12, Unit.DAY: 31, Unit.MONTH: 12}
# A desk manager may book a period that started a moment ago (the visitor is here).
GRACE = timedelta(hours=12)
# How far ahead a period may start unless the operator says otherwise
# (PARKDESK_BOOKING_HORIZON_DAYS).
BOOKING_HORIZON = timedelta(days=365)


@dataclass(frozen=True)
class Quote:
    start: datetime
    end: datetime
    unit_price_kopecks: int
    quantity: int
    total_kopecks: int


def quote(
    session: Session,
    service_id: int,
    tariff_id: int,
    start: datetime,
    quantity: int,
    *,
    now: datetime,
    horizon: timedelta = BOOKING_HORIZON,
) -> Quote:
    """The period and price of ``quantity`` units of a coworking tariff from ``start``,
    which lies between a moment ago and the booking horizon."""
    if start < now - GRACE:
        raise DomainError("The period cannot start in the past.")
    if start > now + horizon:
        raise DomainError("Periods can be booked at most %(days)d days ahead.", days=horizon.days)
    tariff = session.get(Tariff, tariff_id) if is_row_id(tariff_id) else None
    service = session.get(Service, service_id) if is_row_id(service_id) else None
    if service is None or service.type != ServiceType.COWORKING.value or not service.is_active:
        raise NotFound("Choose a coworking service.")
    if tariff is None or tariff.service_id != service.id:
        raise NotFound("Choose a tariff of this service.")
    if not tariff.is_active:
        raise DomainError("This tariff is no longer sold; choose another.")
    unit = Unit(tariff.unit)
    if unit not in UNIT_LENGTH:
        raise DomainError("This tariff cannot be booked by period.")
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_UNITS[unit]:
        raise DomainError("Book from 1 to %(limit)d units of this tariff.", limit=MAX_UNITS[unit])
    try:
        end = start + UNIT_LENGTH[unit] * quantity
    except OverflowError:  # a start near the year 9999
        raise DomainError("Enter the start date and time.") from None
    return Quote(start, end, tariff.price_kopecks, quantity, tariff.price_kopecks * quantity)


@dataclass(frozen=True)
class CoworkingOrderRequest:
    service_id: int
    tariff_id: int
    start: datetime
    quantity: int
    seat_id: int
    payment_method: str
    customer_id: int | None = None
    new_customer: people.NewPerson | None = None
    phone: str | None = None  # for this order only; the person's own stays
    email: str | None = None


@dataclass(frozen=True)
class CreatedOrder:
    order_number: int
    ticket_number: int
    total_kopecks: int


def create_coworking_order(
    session: Session,
    actor: Actor,
    request: CoworkingOrderRequest,
    now: datetime,
    *,
    horizon: timedelta = BOOKING_HORIZON,
) -> CreatedOrder:
    require(actor, Action.CREATE_COWORKING_ORDER)
    try:
        method = PaymentMethod(request.payment_method)
    except ValueError:
        raise DomainError("Choose a payment method.") from None
    price = quote(
        session,
        request.service_id,
        request.tariff_id,
        request.start,
        request.quantity,
        now=now,
        horizon=horizon,
    )
    if (request.customer_id is None) == (request.new_customer is None):
        raise DomainError("Choose a registered customer or enter a new one.")
    if request.new_customer is not None:
        customer_id = people.create(session, request.new_customer)
    else:
        customer_id = request.customer_id
    customer = session.get(Person, customer_id) if is_row_id(customer_id) else None
    if customer is None:
        raise NotFound("There is no such person.")
    phone = people.normalize_phone(request.phone or customer.phone)
    email = people.normalize_email(
        request.email or customer.email, required=method == PaymentMethod.ONLINE_GATEWAY
    )

    seat = lock_seat(session, request.seat_id)
    service = session.get(Service, request.service_id)
    if service.room_id is not None and seat.room_id != service.room_id:
        raise DomainError("Choose a seat in this service's coworking room.")
    if seat_is_taken(session, seat.id, price.start, price.end):
        raise DomainError(
            "Seat %(seat)s is taken during this period; choose another.", seat=seat.number
        )
    tariff = session.get(Tariff, request.tariff_id)
    order = Order(
        number=numbering.next_number(session, "order"),
        created_at=now,
        service_id=request.service_id,
        customer_id=customer.id,
        payer_id=customer.id,
        status=OrderStatus.NEW.value,
        status_changed_at=now,
        total_kopecks=price.total_kopecks,
        contact_phone=phone if phone != customer.phone else None,
        contact_email=email if email != customer.email else None,
        payment_method=method.value,
    )
    session.add(order)
    session.flush()
    session.add(
        OrderItem(
            order_id=order.id,
            name=tariff.name,
            quantity=price.quantity,
            unit=tariff.unit,
            unit_price_kopecks=price.unit_price_kopecks,
            amount_kopecks=price.total_kopecks,
        )
    )
    ticket = CoworkingTicket(
        number=numbering.next_number(session, "coworking_ticket"),
        order_id=order.id,
        visitor_id=customer.id,
        seat_id=seat.id,
        tariff_id=tariff.id,
        variant=tariff.name,
        period_start=price.start,
        period_end=price.end,
        modifiers=[],
        created_at=now,
    )
    session.add(ticket)
    add_system_message(
        session,
        order.id,
        N_("Order created by %(manager)s."),
        now,
        author_staff_id=actor.id,
        manager=actor.name,
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="order.create_coworking",
        entity="order",
        entity_id=order.number,
        before=None,
        after={
            "status": order.status,
            "ticket": ticket.number,
            "seat_id": seat.id,
            "customer_id": customer.id,
            "total_kopecks": order.total_kopecks,
        },
        now=now,
    )
    return CreatedOrder(order.number, ticket.number, order.total_kopecks)


def coworking_catalogue(session: Session) -> list[tuple[Service, list[Tariff]]]:
    """The active coworking services with their bookable tariffs, for the form."""
    services = session.scalars(
        select(Service)
        .where(Service.type == ServiceType.COWORKING.value, Service.is_active.is_(True))
        .order_by(Service.name)
    ).all()
    return [
        (service, [t for t in service.tariffs if t.is_active and Unit(t.unit) in UNIT_LENGTH])
        for service in services
    ]
