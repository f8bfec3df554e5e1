"""Orders reach their end (SPEC §9.1): refunds on a cancelled order waiting for its
refund, and closing a simple service or request order (seed 001) — each rule through
its service, the refusals read in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dashboard.i18n import error_text, localize
from models import Message, Order, Payment
from models.statuses import OrderStatus, PaymentKind
from services import audit, balances, orders, payments
from services.errors import PermissionDenied
from services.messages import decode
from tests.factories import NOW
from tests.test_concurrency import all_at_once, assert_books_balance, refusals, winners
from tests.test_rules import refused


def refund_pending(db, world, *parts: int, total: int = 1_000_000, kind: str = "hotel") -> int:
    """A cancelled order waiting for its refund, paid in ``parts`` (oldest first)."""
    with db.write() as session:
        world.session = session
        order = world.order(kind, "cancelled_refund_pending", total=total, paid=parts[0])
        for hours, part in enumerate(parts[1:], start=1):
            session.add(
                Payment(
                    order_id=order.id,
                    amount_kopecks=part,
                    method="cash",
                    paid_at=NOW + timedelta(hours=hours),
                )
            )
            order.paid_kopecks += part
        return order.number


def refund(db, actor, number, amount, key="r1", method="cash", external=None, at=NOW):
    with db.write() as session:
        return payments.record_refund(
            session, actor, number, amount, method, key, at + timedelta(days=1), external
        )


def ledger_of(db, number):
    with db.read() as session:
        order = session.scalar(select(Order).where(Order.number == number))
        return order.id, [
            (r.kind, r.amount_kopecks, r.method, r.external_number, r.refund_of_id)
            for r in session.scalars(
                select(Payment).where(Payment.order_id == order.id).order_by(Payment.id)
            )
        ]


# --- refunds ---------------------------------------------------------------------------------


def test_a_refund_in_two_parts_ends_the_order_as_refunded(db, world, actors):
    number = refund_pending(db, world, 600_000)
    first = refund(db, actors["rental"], number, "2 500", key="r1", external="ВЗ-1")
    assert (first.amount_kopecks, first.paid_kopecks, first.status) == (
        250_000,
        350_000,
        "cancelled_refund_pending",
    )
    second = refund(db, actors["rental"], number, "3500", key="r2", method="bank_transfer")
    assert (second.paid_kopecks, second.status) == (0, "cancelled_refunded")
    order_id, rows = ledger_of(db, number)
    with db.read() as session:
        payment_id = session.scalar(
            select(Payment.id).where(
                Payment.order_id == order_id, Payment.kind == PaymentKind.PAYMENT.value
            )
        )
        assert payments.ledger_sum(session, order_id) == 0
        journal = [r.amount_kopecks for r in payments.ledger(session, order_id)]
        exported = [
            (row.amount, row.external_number)
            for row in session.execute(balances.journal_export_query(None, None, "Europe/Moscow"))
            if row.order_number == number
        ]
        thread = session.scalars(
            select(Message).where(Message.order_id == order_id).order_by(Message.id)
        ).all()
        texts = [localize(m.text, decode(m.params), "ru") for m in thread]
        trail = audit.trail(session, "order", number)
    assert rows[1:] == [
        ("refund", 250_000, "cash", "ВЗ-1", payment_id),
        ("refund", 350_000, "bank_transfer", None, payment_id),
    ]
    assert journal == [600_000, -250_000, -350_000]
    assert exported == [(600_000, None), (-250_000, "ВЗ-1"), (-350_000, None)]
    assert texts == [
        "Возврат 2\u202f500\u202f₽ проведён менеджером Анна Смирнова.",
        "Статус изменён на «Отменен. Выполнен возврат».",
        "Возврат 3\u202f500\u202f₽ проведён менеджером Анна Смирнова.",
    ]
    assert [e.action for e in trail] == ["order.record_refund", "order.record_refund"]
    assert trail[0].before == {"status": "cancelled_refund_pending", "paid_kopecks": 350_000}
    assert trail[0].after["status"] == "cancelled_refunded"
    assert trail[1].after["external_number"] == "ВЗ-1"


def test_a_refund_spreads_over_the_payments_newest_first(db, world, actors):
    number = refund_pending(db, world, 300_000, 200_000)
    refund(db, actors["admin"], number, 2_500)
    _order, rows = ledger_of(db, number)
    older, newer = rows[0], rows[1]
    with db.read() as session:
        ids = session.scalars(
            select(Payment.id)
            .join(Order, Order.id == Payment.order_id)
            .where(Order.number == number, Payment.kind == PaymentKind.PAYMENT.value)
            .order_by(Payment.id)
        ).all()
    assert (older[1], newer[1]) == (300_000, 200_000)
    assert [(r[1], r[4]) for r in rows[2:]] == [(200_000, ids[1]), (50_000, ids[0])]


def test_the_same_refund_form_sent_twice_refunds_once(db, world, actors):
    number = refund_pending(db, world, 300_000, 200_000)
    first = refund(db, actors["rental"], number, 2_500, key="twice")
    again = refund(db, actors["rental"], number, 2_500, key="twice")
    assert (again.repeated, again.paid_kopecks, again.amount_kopecks) == (True, 250_000, 250_000)
    assert again.payment_id == first.payment_id
    assert len(ledger_of(db, number)[1]) == 4
    refused(
        db,
        lambda s: payments.record_refund(
            s, actors["rental"], number, "100", "cash", "twice", NOW + timedelta(days=1)
        ),
        en="This form was already used for a refund of 2,500\u202f₽; open it again for another.",
    )


def test_a_refund_above_what_is_left_is_refused(db, world, actors):
    number = refund_pending(db, world, 300_000)
    refund(db, actors["rental"], number, 1_000)
    refused(
        db,
        lambda s: payments.record_refund(
            s, actors["rental"], number, "2000,01", "cash", "r2", NOW + timedelta(days=1)
        ),
        en="2,000.01\u202f₽ is more than the 2,000\u202f₽ left to refund.",
        ru="2\u202f000,01\u202f₽ — больше, чем осталось вернуть: 2\u202f000\u202f₽.",
    )


def test_a_refund_is_recorded_only_on_a_cancelled_order_waiting_for_it(db, world, actors):
    with db.write() as session:
        world.session = session
        number = world.order("hotel", "confirmed", total=300_000, paid=300_000).number
    refused(
        db,
        lambda s: payments.record_refund(
            s, actors["rental"], number, "100", "cash", "r1", NOW + timedelta(days=1)
        ),
        en="A refund is recorded on a cancelled order waiting for it; this order is “Confirmed”.",
        ru="Возврат проводится по отменённому заказу, ожидающему возврата; этот заказ — "
        "«Подтвержден».",
    )


def test_a_refund_needs_a_method_and_a_short_external_number(db, world, actors):
    number = refund_pending(db, world, 300_000)
    refused(
        db,
        lambda s: payments.record_refund(
            s, actors["rental"], number, "100", "barter", "r1", NOW + timedelta(days=1)
        ),
        en="Choose how the money was paid back.",
        ru="Выберите, как возвращены деньги.",
    )
    refused(
        db,
        lambda s: payments.record_refund(
            s, actors["rental"], number, "100", "cash", "r1", NOW, external_number="9" * 65
        ),
        en="An external number is at most 64 characters.",
        ru="Внешний номер — не длиннее 64 символов.",
    )


@pytest.mark.parametrize("who", ["exec", "accounting", "events", "service"])
def test_a_role_that_may_not_cancel_this_order_may_not_refund_it(db, world, actors, who):
    number = refund_pending(db, world, 300_000)
    refused(
        db,
        lambda s: payments.record_refund(
            s, actors[who], number, "100", "cash", "r1", NOW + timedelta(days=1)
        ),
        kind=PermissionDenied,
    )


def test_the_order_page_offers_a_refund_only_to_who_may_and_while_it_is_pending(db, world, actors):
    number = refund_pending(db, world, 300_000)
    with db.read() as session:
        offered = {
            who: orders.available_actions(session, actors[who], number).refund
            for who in ("admin", "rental", "service", "exec")
        }
    assert offered == {"admin": True, "rental": True, "service": False, "exec": False}
    refund(db, actors["rental"], number, 3_000)
    with db.read() as session:
        assert not orders.available_actions(session, actors["admin"], number).refund


def test_eight_managers_refunding_at_once_never_refund_more_than_was_paid(db, world, actors):
    number = refund_pending(db, world, 20_000, 10_000)
    outcomes = all_at_once(
        db,
        8,
        lambda s, i: payments.record_refund(
            s, actors["rental"], number, "50", "cash", f"at-once-{i}", NOW + timedelta(days=1)
        ),
    )
    # 300 ₽ paid, eight refunds of 50 ₽: six fit, the others find nothing left.
    assert len(winners(outcomes)) == 6
    for error in refusals(outcomes):
        assert error_text(error, "en") in (
            "A refund is recorded on a cancelled order waiting for it; this order is "
            "“Cancelled. Refunded”.",
        )
    books = assert_books_balance(db, number)
    assert (books.paid_kopecks, books.status) == (0, OrderStatus.CANCELLED_REFUNDED)
    with db.read() as session:
        refunded = session.scalar(
            select(func.sum(Payment.amount_kopecks)).where(
                Payment.order_id == books.id, Payment.kind == PaymentKind.REFUND.value
            )
        )
    assert refunded == 30_000


def _rubles(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    paid=st.lists(st.integers(1, 50_000), min_size=1, max_size=3),
    amounts=st.lists(st.integers(1, 60_000), min_size=2, max_size=4),
    earlier=st.integers(0, 100),
)
def test_refunds_at_once_never_refund_more_than_was_paid(db, world, actors, paid, amounts, earlier):
    """Property: however the payments, an earlier part refunded and the amounts that
    managers refund at the same moment, refunded <= paid and paid = the ledger's sum."""
    number = refund_pending(db, world, *paid)
    first = sum(paid) * earlier // 100
    if 0 < first < sum(paid):
        refund(db, actors["rental"], number, _rubles(first), key=f"first-{number}")
    else:
        first = 0
    outcomes = all_at_once(
        db,
        len(amounts),
        lambda s, i: payments.record_refund(
            s,
            actors["admin"],
            number,
            _rubles(amounts[i]),
            "cash",
            f"k-{number}-{i}",
            NOW + timedelta(days=1),
        ),
    )
    refusals(outcomes)  # every refusal is in words
    books = assert_books_balance(db, number)  # paid = the ledger's sum
    refunded = first + sum(a for a, o in zip(amounts, outcomes, strict=True) if o.ok)
    assert refunded <= sum(paid)
    assert books.paid_kopecks == sum(paid) - refunded >= 0
    if books.paid_kopecks == 0:
        assert books.status == OrderStatus.CANCELLED_REFUNDED
    else:
        assert books.status == OrderStatus.CANCELLED_REFUND_PENDING


# --- closing (seed 001) ----------------------------------------------------------------------


def simple(db, world, status: str, paid: int = 0, kind: str = "simple") -> int:
    with db.write() as session:
        world.session = session
        return world.order(kind, status, total=300_000, paid=paid).number


def close(db, actor, number, close_as):
    with db.write() as session:
        return orders.close_order(session, actor, number, close_as, NOW)


@pytest.mark.parametrize(
    ("status", "paid", "close_as", "lands"),
    [
        ("new", 0, "done", "done"),
        ("in_progress", 100_000, "done", "done"),
        ("new", 0, "not_needed", "cancelled"),
        ("in_progress", 0, "not_needed", "cancelled"),
        ("in_progress", 100_000, "not_needed", "cancelled_refund_pending"),
    ],
)
def test_an_order_is_closed_as_done_or_as_not_needed(
    db, world, actors, status, paid, close_as, lands
):
    number = simple(db, world, status, paid)
    state = close(db, actors["service"], number, close_as)
    assert state.status == lands
    with db.read() as session:
        entry = audit.trail(session, "order", number)[0]
    assert (entry.action, entry.before["status"], entry.after) == (
        "order.close",
        status,
        {"status": lands, "executor_id": None, "closed_as": close_as},
    )


def test_a_request_closes_too_but_goods_and_bookings_are_cancelled_instead(db, world, actors):
    assert close(db, actors["admin"], simple(db, world, "new", kind="request"), "done").status == (
        "done"
    )
    number = simple(db, world, "new", kind="goods")
    refused(
        db,
        lambda s: orders.close_order(s, actors["admin"], number, "done", NOW),
        en="Only simple service and request orders are closed; cancel this one.",
        ru="Закрыть можно только заказ простой услуги или обращения; этот заказ отмените.",
    )


def test_an_order_is_closed_only_from_new_or_in_progress(db, world, actors):
    number = simple(db, world, "done_awaiting_confirmation")
    refused(
        db,
        lambda s: orders.close_order(s, actors["service"], number, "not_needed", NOW),
        en="An order is closed from “New” or “In progress”; this one is “Done. Awaiting "
        "confirmation”.",
        ru="Закрыть можно заказ в статусе «Новый» или «В работе»; этот — «Выполнен. Ожидает "
        "подтверждения».",
    )
    refused(
        db,
        lambda s: orders.close_order(s, actors["service"], number, "maybe", NOW),
        en="Choose whether the order is done or not needed.",
        ru="Выберите, выполнен заказ или неактуален.",
    )


@pytest.mark.parametrize("who", ["rental", "exec", "accounting", "events"])
def test_only_who_works_on_the_order_closes_it(db, world, actors, who):
    number = simple(db, world, "new")
    refused(
        db,
        lambda s: orders.close_order(s, actors[who], number, "done", NOW),
        kind=PermissionDenied,
    )
    with db.read() as session:
        assert not orders.available_actions(session, actors[who], number).close
        assert orders.available_actions(session, actors["service"], number).close
