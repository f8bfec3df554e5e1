"""Checks that the books and the bookings are sound: used by ``python -m dashboard check``
(after a restore, or any time) and by the tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from models import CoworkingTicket, Order, Payment, PaymentQuarter, Service
from models.statuses import CANCELLED_STATUSES, OrderStatus, PaymentKind
from services import tallies
from services.balances import quarter_hour
from services.overdue import BOOKED_TYPES
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
    findings += _money_findings(session, limit)
    findings += [
        Finding(
            "the running totals match a recount",
            f"status {d.status}, service {d.service_id}, executor {d.executor_key}: "
            f"kept (orders, owing, balance, tickets) {d.kept}, counted {d.counted}",
        )
        for d in tallies.recount(session)[:limit]
    ]
    findings += [
        Finding(
            "each event's tickets match a recount",
            f"event {event_id}: kept (sold, checked in) {kept}, counted {counted}",
        )
        for event_id, kept, counted in tallies.event_tally_drift(session, limit)
    ]
    findings += [
        Finding("each coworking ticket is sold as its order says", f"ticket {number}")
        for number in tallies.sold_drift(session, limit)
    ]
    findings += _quarter_findings(session, limit)
    return findings


def _quarter_findings(session: Session, limit: int) -> list[Finding]:
    """``payment_quarters`` (kept by triggers) against a recount of the ledger: every
    (quarter-hour, method) with the same number of rows and signed sum; a quarter whose
    rows all went away may stay as a row of zeros."""
    quarter = quarter_hour(Payment.paid_at, session.get_bind().dialect.name)
    recount = {
        (int(q), method): (int(entries), int(kopecks))
        for q, method, entries, kopecks in session.execute(
            select(quarter, Payment.method, func.count(), func.sum(signed_amount())).group_by(
                quarter, Payment.method
            )
        )
    }
    kept = {
        (int(row.quarter), row.method): (int(row.entries), int(row.kopecks))
        for row in session.execute(
            select(
                PaymentQuarter.quarter,
                PaymentQuarter.method,
                PaymentQuarter.entries,
                PaymentQuarter.kopecks,
            )
        )
    }
    wrong = sorted(
        key
        for key in recount.keys() | kept.keys()
        if recount.get(key, (0, 0)) != kept.get(key, (0, 0))
    )
    return [
        Finding(
            "payments by quarter-hour equal the ledger",
            f"quarter {q} ({method}): kept {kept.get((q, method), (0, 0))}, "
            f"ledger {recount.get((q, method), (0, 0))} (rows, kopecks)",
        )
        for q, method in wrong[:limit]
    ]


def _money_findings(session: Session, limit: int) -> list[Finding]:
    """Issue 16: balances never negative, refunds never more than was paid, a booked
    order done only when it owes nothing."""
    live = Order.status.not_in([s.value for s in CANCELLED_STATUSES])
    overpaid = session.execute(
        select(Order.number, Order.total_kopecks, Order.paid_kopecks)
        .where(live, Order.paid_kopecks > Order.total_kopecks)
        .limit(limit)
    ).all()
    findings = [
        Finding("no order owes a negative balance", f"order {number}: total {total}, paid {paid}")
        for number, total, paid in overpaid
    ]
    # The refunds of each payment summed in one pass over the ledger, then matched to
    # their payments by key (a join on refund_of_id would read the ledger per payment).
    refunds = (
        select(
            Payment.refund_of_id.label("payment_id"), func.sum(Payment.amount_kopecks).label("back")
        )
        .where(Payment.kind == PaymentKind.REFUND.value, Payment.refund_of_id.is_not(None))
        .group_by(Payment.refund_of_id)
        .subquery()
    )
    per_payment = session.execute(
        select(Payment.id, Payment.amount_kopecks, refunds.c.back)
        .join(refunds, refunds.c.payment_id == Payment.id)
        .where(Payment.kind == PaymentKind.PAYMENT.value, refunds.c.back > Payment.amount_kopecks)
        .limit(limit)
    ).all()
    findings += [
        Finding("refunded ≤ paid per payment", f"payment {pid}: paid {paid}, refunded {back}")
        for pid, paid, back in per_payment
    ]
    paid_in = func.coalesce(
        func.sum(case((Payment.kind == PaymentKind.PAYMENT.value, Payment.amount_kopecks))), 0
    )
    paid_back = func.coalesce(
        func.sum(case((Payment.kind == PaymentKind.REFUND.value, Payment.amount_kopecks))), 0
    )
    per_order = session.execute(
        select(Order.number, paid_in, paid_back)
        .join(Payment, Payment.order_id == Order.id)
        .group_by(Order.number)
        .having(paid_back > paid_in)
        .limit(limit)
    ).all()
    findings += [
        Finding("refunded ≤ paid per order", f"order {number}: paid {paid}, refunded {back}")
        for number, paid, back in per_order
    ]
    owing = session.execute(
        select(Order.number, Order.total_kopecks - Order.paid_kopecks)
        .join(Service, Service.id == Order.service_id)
        .where(
            Order.status == OrderStatus.DONE.value,
            Service.type.in_(sorted(t.value for t in BOOKED_TYPES)),
            Order.total_kopecks > Order.paid_kopecks,
        )
        .limit(limit)
    ).all()
    findings += [
        Finding("every done booked order owes nothing", f"order {number}: owes {due}")
        for number, due in owing
    ]
    return findings
