"""A coworking order created by a rental manager for a customer (SPEC §4.9)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CoworkingTicket, Order, OrderItem, Payment, Person, Service, Tariff
from models.statuses import CoworkingVariant, OrderStatus, PaymentMethod, ServiceType, Unit
from services import audit, numbering, payments, people
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
# A modifier (locker, printer…) is a tariff of the coworking service sold by the piece.
MODIFIER_UNIT = Unit.PIECE
# Money taken at the desk when the order is made. Not the online gateway: the gateway
# records its own payment when the customer pays through it, a manager does not.
# Not a saved card either: only the customer's app holds it.
DESK_METHODS = (PaymentMethod.CASH, PaymentMethod.BANK_CARD, PaymentMethod.BANK_TRANSFER)


@dataclass(frozen=True)
class Modifier:
    id: int
    name: str
    price_kopecks: int


@dataclass(frozen=True)
class Quote:
    start: datetime
    end: datetime
    unit_price_kopecks: int
    quantity: int
    total_kopecks: int  # the tariff's units and the modifiers
    modifiers: tuple[Modifier, ...] = ()
    # The amounts a desk sale of this quote may take at once (SPEC §9.1).
    limits: payments.PaymentLimits | None = None


def quote(
    session: Session,
    service_id: int,
    tariff_id: int,
    start: datetime,
    quantity: int,
    *,
    now: datetime,
    horizon: timedelta = BOOKING_HORIZON,
    modifier_ids: Sequence[int] = (),
) -> Quote:
    """The period and price of ``quantity`` units of a coworking tariff from ``start``,
    which lies between a moment ago and the booking horizon, with the modifiers chosen
    (each once)."""
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
    chosen = _modifiers(service, modifier_ids)
    total = tariff.price_kopecks * quantity + sum(m.price_kopecks for m in chosen)
    return Quote(
        start,
        end,
        tariff.price_kopecks,
        quantity,
        total,
        chosen,
        payments.limits_for(service, total),
    )


def _modifiers(service: Service, modifier_ids: Sequence[int]) -> tuple[Modifier, ...]:
    offered = {m.id: m for m in _modifiers_of(service)}
    ids = list(modifier_ids)
    if len(set(ids)) != len(ids) or any(i not in offered for i in ids):
        raise DomainError("Choose modifiers of this service, each at most once.")
    return tuple(offered[i] for i in sorted(ids))


def _modifiers_of(service: Service) -> list[Modifier]:
    return sorted(
        (
            Modifier(t.id, t.name, t.price_kopecks)
            for t in service.tariffs
            if t.unit == MODIFIER_UNIT.value and t.is_active
        ),
        key=lambda m: (m.name, m.id),
    )


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
    variant: str = CoworkingVariant.HOT_DESK.value
    modifier_ids: tuple[int, ...] = ()


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
    try:
        variant = CoworkingVariant(request.variant)
    except ValueError:
        raise DomainError("Choose the variant: a hot desk or a fixed seat.") from None
    price = quote(
        session,
        request.service_id,
        request.tariff_id,
        request.start,
        request.quantity,
        now=now,
        horizon=horizon,
        modifier_ids=request.modifier_ids,
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
            amount_kopecks=price.unit_price_kopecks * price.quantity,
        )
    )
    session.add_all(
        OrderItem(
            order_id=order.id,
            name=modifier.name,
            quantity=1,
            unit=MODIFIER_UNIT.value,
            unit_price_kopecks=modifier.price_kopecks,
            amount_kopecks=modifier.price_kopecks,
        )
        for modifier in price.modifiers
    )
    ticket = CoworkingTicket(
        number=numbering.next_number(session, "coworking_ticket"),
        order_id=order.id,
        visitor_id=customer.id,
        seat_id=seat.id,
        tariff_id=tariff.id,
        variant=variant.value,
        period_start=price.start,
        period_end=price.end,
        modifiers=[modifier.name for modifier in price.modifiers],
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
            "variant": variant.value,
            "modifier_ids": [modifier.id for modifier in price.modifiers],
        },
        now=now,
    )
    return CreatedOrder(order.number, ticket.number, order.total_kopecks)


@dataclass(frozen=True)
class Sale:
    order_number: int
    ticket_number: int
    total_kopecks: int
    paid_kopecks: int
    status: str
    repeated: bool  # the same form came again: nothing new was written


def sell_coworking(
    session: Session,
    actor: Actor,
    request: CoworkingOrderRequest,
    amount: object,
    idempotency_key: str,
    now: datetime,
    *,
    external_number: str | None = None,
    horizon: timedelta = BOOKING_HORIZON,
) -> Sale:
    """A desk sale in one step (SPEC §9.1): the order, its ticket and the payment taken
    at once — the whole total, or a part of at least the prepayment share where the
    service allows it. The payment follows the rules of any payment; a refusal of it
    raises, and the caller's transaction takes the new order and ticket back with it.
    The same ``idempotency_key`` again (a double click, a retry) writes nothing and
    answers with the order the first submit made."""
    require(actor, Action.CREATE_COWORKING_ORDER)
    key = payments.check_key(idempotency_key)
    earlier = session.execute(
        select(Order.number, Order.id)
        .join(Payment, Payment.order_id == Order.id)
        .where(Payment.idempotency_key == key)
    ).first()
    if earlier is not None:
        ticket_number = session.scalar(
            select(CoworkingTicket.number).where(CoworkingTicket.order_id == earlier.id)
        )
        if ticket_number is None:  # a key of another form
            raise DomainError("The form has expired; open it again.")
        # The payment's own check: the same amount is the same submit, another is refused.
        paid = payments.record_payment(
            session, actor, earlier.number, amount, request.payment_method, key, now
        )
        order = session.scalar(select(Order).where(Order.id == earlier.id))
        return Sale(
            earlier.number, ticket_number, order.total_kopecks, paid.paid_kopecks, paid.status, True
        )
    if request.payment_method not in {m.value for m in DESK_METHODS}:
        raise DomainError("At the desk a customer pays in cash, by bank card or by bank transfer.")
    created = create_coworking_order(session, actor, request, now, horizon=horizon)
    paid = payments.record_payment(
        session,
        actor,
        created.order_number,
        amount,
        request.payment_method,
        key,
        now,
        external_number=external_number,
    )
    return Sale(
        created.order_number,
        created.ticket_number,
        created.total_kopecks,
        paid.paid_kopecks,
        paid.status,
        repeated=False,
    )


@dataclass(frozen=True)
class CoworkingOffer:
    service: Service
    tariffs: list[Tariff]  # booked by period
    modifiers: list[Modifier]  # sold by the piece with the booking


def coworking_catalogue(session: Session) -> list[CoworkingOffer]:
    """The active coworking services with their bookable tariffs and their modifiers,
    for the form."""
    services = session.scalars(
        select(Service)
        .where(Service.type == ServiceType.COWORKING.value, Service.is_active.is_(True))
        .order_by(Service.name)
    ).all()
    return [
        CoworkingOffer(
            service,
            [t for t in service.tariffs if t.is_active and Unit(t.unit) in UNIT_LENGTH],
            _modifiers_of(service),
        )
        for service in services
    ]
