"""The printable documents of an order (SPEC §9.1): the invoice for a bank transfer and
the act of services once the order is done, as plain data for a template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Order, OrderItem, Person, Service
from models.statuses import OrderStatus
from services.amount_words import rubles_in_words
from services.context import Actor
from services.errors import N_, DomainError, NotFound, PermissionDenied
from services.orders import parse_number
from services.permissions import Action, may_read_order, require


class NotIssued(DomainError):
    """The document does not exist (yet) for this order: no invoice, not done."""


@dataclass(frozen=True)
class Line:
    name: str
    quantity: int
    unit: str | None
    unit_price_kopecks: int
    amount_kopecks: int


@dataclass(frozen=True)
class Document:
    """What an invoice or an act shows besides the operator's requisites."""

    order_number: int
    number: str  # the invoice's number; an act bears the order's
    date: datetime
    customer: str
    company: str | None
    service: str
    lines: list[Line]
    total_kopecks: int

    @property
    def total_in_words(self) -> str:
        return rubles_in_words(self.total_kopecks)


def _readable_order(session: Session, actor: Actor, number: object) -> tuple[Order, Service]:
    require(actor, Action.VIEW_ORDERS)
    order = session.scalar(select(Order).where(Order.number == parse_number(number)))
    if order is None:
        raise NotFound("There is no order number %(number)s.", number=str(number)[:30])
    service = session.get(Service, order.service_id)
    if not may_read_order(actor, service.type):
        raise PermissionDenied("Orders of this kind are handled by another department.")
    return order, service


def _document(
    session: Session, order: Order, service: Service, number: str, date: datetime
) -> Document:
    # The invoice is made out to whoever pays: the payer if there is one, else the customer.
    person = session.get(Person, order.payer_id or order.customer_id)
    lines = [
        Line(i.name, i.quantity, i.unit, i.unit_price_kopecks, i.amount_kopecks)
        for i in session.scalars(
            select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        )
    ]
    return Document(
        order_number=order.number,
        number=number,
        date=date,
        customer=person.full_name if person else "—",
        company=person.company if person else None,
        service=service.name,
        lines=lines,
        total_kopecks=order.total_kopecks,
    )


def invoice(session: Session, actor: Actor, number: object) -> Document:
    """The order's invoice, for a role that reads the order; refused before it is issued."""
    order, service = _readable_order(session, actor, number)
    if order.invoice_number is None or order.invoice_issued_at is None:
        raise NotIssued(N_("No invoice has been issued for order %(number)s."), number=order.number)
    return _document(session, order, service, order.invoice_number, order.invoice_issued_at)


def act(session: Session, actor: Actor, number: object) -> Document:
    """The act of services rendered, once the order is done (SPEC §9.1)."""
    order, service = _readable_order(session, actor, number)
    if order.status != OrderStatus.DONE.value:
        raise NotIssued(
            N_("The act of services is printed once the order is done; order %(number)s is not."),
            number=order.number,
        )
    return _document(session, order, service, str(order.number), order.status_changed_at)
