"""``python -m dashboard check`` on money (issue 16): each finding made by hand and seen."""

from __future__ import annotations

from sqlalchemy import text

from models import Payment
from services import integrity
from tests.factories import NOW
from tests.test_rules import make


def _checks(session) -> set[str]:
    return {finding.check for finding in integrity.check(session)}


def test_a_sound_world_has_no_money_findings(db, world):
    make(db, world, lambda w: w.order("coworking", "done", total=150_000, paid=150_000))
    with db.read() as session:
        assert integrity.check(session) == []


def test_an_order_paid_more_than_its_total_is_reported(db, world):
    number = make(db, world, lambda w: w.order("simple", "confirmed", total=1000, paid=1000))
    # The schema's CHECK forbids it; a database restored from elsewhere may not have it.
    with db.read() as session:
        sqlite = db.is_sqlite
        if sqlite:
            session.execute(text("PRAGMA ignore_check_constraints = ON"))
        else:
            session.execute(text("ALTER TABLE orders DROP CONSTRAINT ck_orders_paid"))
        try:
            session.execute(
                text("UPDATE orders SET total_kopecks = 500 WHERE number = :n"), {"n": number}
            )
            findings = integrity.check(session)
        finally:
            if sqlite:
                session.execute(text("PRAGMA ignore_check_constraints = OFF"))
    assert [(f.check, f.detail) for f in findings] == [
        ("no order owes a negative balance", f"order {number}: total 500, paid 1000")
    ]


def _refund(session, order_id: int, of: int, amount: int) -> None:
    session.add(
        Payment(
            order_id=order_id,
            kind="refund",
            amount_kopecks=amount,
            method="cash",
            paid_at=NOW,
            refund_of_id=of,
        )
    )


def test_a_refund_of_more_than_its_payment_is_reported(db, world):
    with db.write() as session:
        world.session = session
        order = world.order("hotel", "confirmed_balance_due", total=5000, paid=1000)
        second = Payment(order_id=order.id, amount_kopecks=1000, method="cash", paid_at=NOW)
        session.add(second)
        session.flush()
        first = session.query(Payment).filter(Payment.id != second.id).one()
        _refund(session, order.id, first.id, 1500)
        order.paid_kopecks = 500
        first_id = first.id
    with db.read() as session:
        findings = integrity.check(session)
    assert [(f.check, f.detail) for f in findings] == [
        ("refunded ≤ paid per payment", f"payment {first_id}: paid 1000, refunded 1500")
    ]


def test_an_order_refunded_more_than_paid_is_reported(db, world):
    with db.write() as session:
        world.session = session
        order = world.order("hotel", "cancelled_refund_pending", total=5000, paid=1000)
        payment = session.query(Payment).one()
        _refund(session, order.id, payment.id, 1000)
        _refund(session, order.id, payment.id, 700)
        number = order.number
    with db.read() as session:
        checks = _checks(session)
        details = {f.check: f.detail for f in integrity.check(session)}
    assert {"refunded ≤ paid per payment", "refunded ≤ paid per order"} <= checks
    assert details["refunded ≤ paid per order"] == f"order {number}: paid 1000, refunded 1700"


def test_a_done_booked_order_that_owes_is_reported(db, world):
    number = make(db, world, lambda w: w.order("event", "done", total=100_000, paid=40_000))
    make(db, world, lambda w: w.order("simple", "done", total=100_000, paid=40_000))
    with db.read() as session:
        findings = integrity.check(session)
    assert [(f.check, f.detail) for f in findings] == [
        ("every done booked order owes nothing", f"order {number}: owes 60000")
    ]
