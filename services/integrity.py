"""Checks that the books and the bookings are sound: used by ``python -m dashboard check``
(after a restore, or any time) and by the tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from models import CoworkingTicket, Order, Payment
from models.statuses import CANCELLED_STATUSES, OrderStatus
from services.payments import signed_amount


@dataclass(frozen=True)
class Finding:
    check: str
    detail: str


def check(session: Session, limit: int = 20) -> list[Finding]:
    """Every violated invariant (at most ``limit`` examples of each); empty when sound."""
    findings: list[Finding] = []
    ledger = (
        select(Payment.order_id, func.sum(signed_amount()).label("paid"))
        .group_by(Payment.order_id)
        .subquery()
    )
    drift = session.execute(
        select(Order.number, Order.paid_kopecks, func.coalesce(ledger.c.paid, 0))
        .outerjoin(ledger, ledger.c.order_id == Order.id)
        .where(Order.paid_kopecks != func.coalesce(ledger.c.paid, 0))
        .limit(limit)
    ).all()
    findings += [
        Finding("paid equals the ledger", f"order {number}: paid {paid}, ledger {sums}")
        for number, paid, sums in drift
    ]
    other = aliased(CoworkingTicket)
    live = Order.status.not_in([s.value for s in CANCELLED_STATUSES])
    other_order = aliased(Order)
    overlaps = session.execute(
        select(CoworkingTicket.number, other.number)
        .join(Order, Order.id == CoworkingTicket.order_id)
        .join(
            other,
            and_(
                other.seat_id == CoworkingTicket.seat_id,
                other.id > CoworkingTicket.id,
                other.period_start < CoworkingTicket.period_end,
                other.period_end > CoworkingTicket.period_start,
            ),
        )
        .join(other_order, other_order.id == other.order_id)
        .where(live, other_order.status.not_in([s.value for s in CANCELLED_STATUSES]))
        .limit(limit)
    ).all()
    findings += [
        Finding("no two live tickets on one seat at once", f"tickets {first} and {second}")
        for first, second in overlaps
    ]
    uninvoiced = session.scalars(
        select(Order.number)
        .where(
            Order.status == OrderStatus.INVOICE_ISSUED.value,
            Order.invoice_number.is_(None),
        )
        .order_by(Order.number)
        .limit(limit)
    ).all()
    findings += [
        Finding("every issued invoice has a number", f"order {number}") for number in uninvoiced
    ]
    return findings
