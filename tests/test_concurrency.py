"""Real concurrency: managers acting on the same order, seat or ticket at the same
moment, each in a thread of their own with a write transaction of their own,
released together by a ``threading.Barrier``.

On SQLite the writers queue on ``BEGIN IMMEDIATE`` and the busy timeout; on
PostgreSQL on the rows locked ``FOR UPDATE``. Either way the outcome is the one
the rules allow, and every loser gets a ``DomainError`` saying why — never a
database error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.db import Database
from models import AuditEntry, CoworkingTicket, EventTicket, Order, Payment, Room, Seat
from models.statuses import CANCELLED_STATUSES, OrderStatus
from services.coworking import CoworkingOrderRequest, create_coworking_order
from services.errors import DomainError
from services.events import CheckInRefused, check_in
from services.orders import cancel_order
from services.payments import ledger_sum, record_payment, refund_payment
from services.tickets import change_seat
from tests.conftest import ON_POSTGRES
from tests.factories import NOW

THREADS = 8
JOIN_TIMEOUT = 120  # seconds; a thread still alive then is a deadlock, and fails the test


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def all_at_once(
    db: Database, count: int, action: Callable[[Session, int], object]
) -> list[Outcome]:
    """Run ``action(session, i)`` in ``count`` threads released together, each in its own
    ``db.write()`` transaction; what each returned (after its commit) or raised."""
    barrier = threading.Barrier(count)
    outcomes = [Outcome() for _ in range(count)]

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            with db.write() as session:
                value = action(session, i)
            outcomes[i] = Outcome(value=value)
        except BaseException as error:  # collected and judged by the test
            outcomes[i] = Outcome(error=error)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread never finished (deadlock?)"
    return outcomes


def winners(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.ok]


def refusals(outcomes: list[Outcome]) -> list[DomainError]:
    """The losers' errors; each must be a refusal in words, not a database error."""
    errors = [o.error for o in outcomes if not o.ok]
    unexpected = [e for e in errors if not isinstance(e, DomainError)]
    assert unexpected == [], f"database-level errors escaped: {unexpected!r}"
    return errors


def count_rows(db: Database, model: type, *where: object) -> int:
    with db.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@dataclass(frozen=True)
class Books:
    id: int
    status: str
    total_kopecks: int
    paid_kopecks: int
    ledger_kopecks: int

    @property
    def balance_kopecks(self) -> int:
        return self.total_kopecks - self.paid_kopecks


def assert_books_balance(db: Database, number: int) -> Books:
    """The order's money after the dust settles: paid is the ledger's sum, and
    the balance is between zero and the total."""
    with db.read() as session:
        order = session.scalar(sa.select(Order).where(Order.number == number))
        books = Books(
            order.id,
            order.status,
            order.total_kopecks,
            order.paid_kopecks,
            ledger_sum(session, order.id),
        )
    assert books.paid_kopecks == books.ledger_kopecks
    assert 0 <= books.balance_kopecks <= books.total_kopecks
    return books


def new_seats(db: Database, world, count: int) -> list[int]:
    """A coworking room of ``count`` seats of its own, in the world's building."""
    with db.write() as session:
        building_id = session.get(Room, world.room_id).building_id
        room = Room(
            building_id=building_id, name=f"Зал на {count}", kind="coworking", capacity=count
        )
        session.add(room)
        session.flush()
        seats = [Seat(room_id=room.id, number=n) for n in range(1, count + 1)]
        session.add_all(seats)
        session.flush()
        return [seat.id for seat in seats]


def live_overlaps(db: Database) -> list[tuple[int, int]]:
    """Pairs of tickets of live orders holding one seat at overlapping times."""
    first, second = sa.orm.aliased(CoworkingTicket), sa.orm.aliased(CoworkingTicket)
    first_order, second_order = sa.orm.aliased(Order), sa.orm.aliased(Order)
    cancelled = [s.value for s in CANCELLED_STATUSES]
    with db.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                sa.select(first.number, second.number)
                .join(first_order, first_order.id == first.order_id)
                .join(second, sa.and_(second.seat_id == first.seat_id, second.id > first.id))
                .join(second_order, second_order.id == second.order_id)
                .where(
                    first.period_start < second.period_end,
                    second.period_start < first.period_end,
                    first_order.status.not_in(cancelled),
                    second_order.status.not_in(cancelled),
                )
            )
        ]


def hotel_order(db: Database, world, total: int, paid: int = 0) -> int:
    status = "confirmed_balance_due" if 0 < paid < total else "new"
    with db.write() as session:
        world.session = session
        return world.order("hotel", status, total=total, paid=paid).number


def first_payment(db: Database, number: int) -> int:
    with db.read() as session:
        return session.scalar(
            sa.select(Payment.id)
            .join(Order, Order.id == Payment.order_id)
            .where(Order.number == number)
            .order_by(Payment.id)
        )


# --- payments -------------------------------------------------------------------------------


def test_eight_managers_paying_the_whole_balance_of_one_order_at_once_pay_it_once(
    db, world, actors
):
    number = hotel_order(db, world, total=10_000)  # 100 ₽, nothing paid

    outcomes = all_at_once(
        db,
        THREADS,
        lambda s, i: record_payment(s, actors["rental"], number, "100", "cash", f"full-{i}", NOW),
    )

    assert len(winners(outcomes)) == 1
    for error in refusals(outcomes):
        assert str(error) == "The order is paid in full; there is nothing to pay."
    order = assert_books_balance(db, number)
    assert (order.paid_kopecks, order.status) == (10_000, OrderStatus.CONFIRMED)
    assert count_rows(db, Payment, Payment.order_id == order.id) == 1
    assert count_rows(db, AuditEntry, AuditEntry.action == "order.record_payment") == 1


def test_eight_managers_paying_40_rubles_on_a_100_ruble_order_never_leave_less_than_50(
    db, world, actors
):
    number = hotel_order(db, world, total=10_000)  # minimum remaining balance: 50 ₽

    outcomes = all_at_once(
        db,
        THREADS,
        lambda s, i: record_payment(s, actors["rental"], number, "40", "cash", f"part-{i}", NOW),
    )

    # 100 − 40 leaves 60 (allowed); 60 − 40 would leave 20, under the minimum of 50.
    assert len(winners(outcomes)) == 1
    for error in refusals(outcomes):
        assert "The balance left would be 20 ₽; leave 0 ₽ or at least 50 ₽" in str(error)
    order = assert_books_balance(db, number)
    assert (order.paid_kopecks, order.status) == (4_000, OrderStatus.CONFIRMED_BALANCE_DUE)


def test_eight_managers_paying_parts_of_a_500_ruble_order_at_once_take_exactly_five_parts(
    db, world, actors
):
    number = hotel_order(db, world, total=50_000)
    with db.write() as session:  # the prepayment of 30 %: the parts after it may be smaller
        record_payment(session, actors["admin"], number, "150", "cash", "prepayment", NOW)

    outcomes = all_at_once(
        db,
        THREADS,
        lambda s, i: record_payment(s, actors["admin"], number, "70", "bank_card", f"p-{i}", NOW),
    )

    # 350 → 280 → 210 → 140 → 70 → 0: five payments fit, then nothing is left to pay.
    won = winners(outcomes)
    assert len(won) == 5
    assert sorted(o.value.paid_kopecks for o in won) == [22_000, 29_000, 36_000, 43_000, 50_000]
    for error in refusals(outcomes):
        assert str(error) == "The order is paid in full; there is nothing to pay."
    order = assert_books_balance(db, number)
    assert (order.paid_kopecks, order.status) == (50_000, OrderStatus.CONFIRMED)
    assert count_rows(db, AuditEntry, AuditEntry.action == "order.record_payment") == 6


def test_a_payment_submitted_five_times_in_a_row_is_recorded_once(db, world, actors):
    number = hotel_order(db, world, total=100_000, paid=30_000)

    results = []
    for _ in range(5):
        with db.write() as session:
            results.append(
                record_payment(session, actors["rental"], number, "200", "cash", "form-1", NOW)
            )

    assert len({r.payment_id for r in results}) == 1
    assert [r.repeated for r in results] == [False, True, True, True, True]
    order = assert_books_balance(db, number)
    assert order.paid_kopecks == 30_000 + 20_000
    assert count_rows(db, Payment, Payment.idempotency_key == "form-1") == 1
    assert count_rows(db, AuditEntry, AuditEntry.operation_key == "form-1") == 1


def test_a_payment_submitted_by_five_threads_at_once_is_recorded_once(db, world, actors):
    number = hotel_order(db, world, total=100_000, paid=30_000)

    outcomes = all_at_once(
        db,
        5,
        lambda s, i: record_payment(s, actors["rental"], number, "200", "cash", "form-2", NOW),
    )

    assert refusals(outcomes) == []
    assert len({o.value.payment_id for o in outcomes}) == 1
    assert sorted(o.value.repeated for o in outcomes) == [False, True, True, True, True]
    order = assert_books_balance(db, number)
    assert order.paid_kopecks == 30_000 + 20_000
    assert count_rows(db, Payment, Payment.idempotency_key == "form-2") == 1
    assert count_rows(db, AuditEntry, AuditEntry.operation_key == "form-2") == 1


def test_eight_managers_refunding_parts_of_one_payment_at_once_keep_paid_equal_to_the_ledger(
    db, world, actors
):
    number = hotel_order(db, world, total=100_000, paid=30_000)
    prepayment = first_payment(db, number)

    outcomes = all_at_once(
        db,
        THREADS,
        lambda s, i: refund_payment(s, actors["rental"], prepayment, "50", f"refund-{i}", NOW),
    )

    # 300 ₽ paid, eight refunds of 50 ₽: six fit, then nothing of the payment is left.
    assert len(winners(outcomes)) == 6
    for error in refusals(outcomes):
        assert str(error) == "At most 0 ₽ of this payment can be refunded."
    order = assert_books_balance(db, number)
    assert (order.paid_kopecks, order.status) == (0, OrderStatus.NEW)


def while_uncommitted(
    db: Database, first: Callable[[Session], object], second: Callable[[Session], object]
) -> tuple[object, Outcome]:
    """Run ``first`` in a transaction that stays open while ``second`` starts in a thread
    of its own; ``first`` commits only once ``second`` has finished or is queued behind a
    lock. On SQLite ``second`` always queues (``BEGIN IMMEDIATE``); on PostgreSQL it queues
    only on a row that ``first`` locked, and we see it waiting in ``pg_stat_activity``."""
    outcome: list[Outcome] = []

    def run_second() -> None:
        try:
            with db.write() as session:
                value = second(session)
            outcome.append(Outcome(value=value))
        except BaseException as error:
            outcome.append(Outcome(error=error))

    with db.write() as session:
        value = first(session)
        thread = threading.Thread(target=run_second, daemon=True)
        thread.start()
        if ON_POSTGRES:
            wait_until_finished_or_waiting_for_a_lock(db, thread)
    thread.join(JOIN_TIMEOUT)
    assert not thread.is_alive(), "the second transaction never finished (deadlock?)"
    return value, outcome[0]


def wait_until_finished_or_waiting_for_a_lock(db: Database, thread: threading.Thread) -> None:
    deadline = time.monotonic() + JOIN_TIMEOUT
    with db.engine.connect() as connection:
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).scalar()
            connection.rollback()
            if waiting:
                return


def test_a_refund_waiting_for_another_managers_payment_counts_that_payment(db, world, actors):
    """The refund must read the order only once it holds the order's lock: one read
    before it would write 300 − 100 ₽ over the 1,000 ₽ the other manager just made it."""
    # 1,000 ₽ hotel order with a 300 ₽ prepayment: balance 700 ₽.
    number = hotel_order(db, world, total=100_000, paid=30_000)
    prepayment = first_payment(db, number)

    _, refund = while_uncommitted(
        db,
        lambda s: record_payment(s, actors["rental"], number, "700", "cash", "pay-rest", NOW),
        lambda s: refund_payment(s, actors["admin"], prepayment, "100", "refund-1", NOW),
    )

    assert refusals([refund]) == []
    order = assert_books_balance(db, number)  # 300 + 700 − 100
    assert (order.paid_kopecks, order.status) == (90_000, OrderStatus.CONFIRMED_BALANCE_DUE)


def test_one_form_key_submitted_for_two_orders_at_once_is_refused_in_words_for_one(
    db, world, actors
):
    first, second = (hotel_order(db, world, total=100_000, paid=30_000) for _ in range(2))

    paid, again = while_uncommitted(
        db,
        lambda s: record_payment(s, actors["rental"], first, "200", "cash", "form-3", NOW),
        lambda s: record_payment(s, actors["rental"], second, "200", "cash", "form-3", NOW),
    )

    assert not paid.repeated
    assert [str(e) for e in refusals([again])] == ["The form has expired; open it again."]
    assert count_rows(db, Payment, Payment.idempotency_key == "form-3") == 1


def test_a_cancel_and_a_payment_of_one_order_at_once_leave_no_payment_on_a_cancelled_order(
    db, world, actors
):
    number = hotel_order(db, world, total=100_000, paid=30_000)

    cancelled, payment = while_uncommitted(
        db,
        lambda s: cancel_order(s, actors["rental"], number, NOW),
        lambda s: record_payment(s, actors["rental"], number, "700", "cash", "late-pay", NOW),
    )

    assert cancelled.status == OrderStatus.CANCELLED_REFUND_PENDING
    [refused] = refusals([payment])
    assert "cannot be paid" in str(refused)
    order = assert_books_balance(db, number)
    assert (order.paid_kopecks, order.status) == (30_000, OrderStatus.CANCELLED_REFUND_PENDING)


# --- seats ------------------------------------------------------------------------------------


def test_eight_managers_moving_different_tickets_onto_one_free_seat_at_once_seat_only_one(
    db, world, actors
):
    seats = new_seats(db, world, THREADS + 1)
    start = NOW + timedelta(days=2)
    with db.write() as session:
        world.session = session
        tickets = [world.coworking("confirmed", start=start, seat=seat) for seat in seats[:-1]]
    free_seat = seats[-1]

    outcomes = all_at_once(
        db,
        THREADS,
        lambda s, i: change_seat(s, actors["rental"], tickets[i], free_seat, NOW),
    )

    taken = f"Seat {THREADS + 1} is taken during this ticket's period; choose another."
    assert len(winners(outcomes)) == 1
    assert [str(error) for error in refusals(outcomes)] == [taken] * (THREADS - 1)
    assert count_rows(db, CoworkingTicket, CoworkingTicket.seat_id == free_seat) == 1
    assert live_overlaps(db) == []
    assert count_rows(db, AuditEntry, AuditEntry.action == "ticket.change_seat") == 1


def coworking_request(world, seat_id: int) -> CoworkingOrderRequest:
    return CoworkingOrderRequest(
        service_id=world.services["coworking"],
        tariff_id=world.tariffs["day"],
        start=NOW + timedelta(days=3),
        quantity=1,
        seat_id=seat_id,
        payment_method="cash",
        customer_id=world.people[0],
    )


def test_eight_managers_booking_one_free_seat_for_one_period_at_once_book_it_once(
    db, world, actors
):
    seat = world.seats[0]

    outcomes = all_at_once(
        db,
        THREADS,
        lambda s, i: create_coworking_order(
            s, actors["rental"], coworking_request(world, seat), NOW
        ),
    )

    won = winners(outcomes)
    assert len(won) == 1
    for error in refusals(outcomes):
        assert str(error) == "Seat 1 is taken during this period; choose another."
    assert count_rows(db, Order) == 1
    assert count_rows(db, CoworkingTicket) == 1
    assert live_overlaps(db) == []


def test_eight_managers_booking_eight_seats_at_once_get_eight_different_numbers(db, world, actors):
    seats = new_seats(db, world, THREADS)

    outcomes = all_at_once(
        db,
        THREADS,
        lambda s, i: create_coworking_order(
            s, actors["rental"], coworking_request(world, seats[i]), NOW
        ),
    )

    assert refusals(outcomes) == []
    orders = {o.value.order_number for o in outcomes}
    tickets = {o.value.ticket_number for o in outcomes}
    assert len(orders) == len(tickets) == THREADS
    assert count_rows(db, Order) == count_rows(db, CoworkingTicket) == THREADS
    assert live_overlaps(db) == []


# --- event check-in --------------------------------------------------------------------------


def test_one_ticket_scanned_at_two_doors_at_the_same_moment_lets_one_visitor_in(db, world, actors):
    with db.write() as session:
        world.session = session
        event_id = world.event()
        token = world.event_ticket(event_id).qr_token

    outcomes = all_at_once(db, 2, lambda s, i: check_in(s, actors["events"], event_id, token, NOW))

    assert len(winners(outcomes)) == 1
    [refused] = refusals(outcomes)
    assert isinstance(refused, CheckInRefused)
    assert refused.reason == "already"
    assert "is already checked in at" in str(refused)
    assert count_rows(db, AuditEntry, AuditEntry.action == "event_ticket.check_in") == 1


def confirmed_event_ticket(db: Database, world) -> tuple[int, int, str]:
    """(event id, order number, QR token) of a paid ticket."""
    with db.write() as session:
        world.session = session
        event_id = world.event()
        ticket = world.event_ticket(event_id)
        return event_id, session.get(Order, ticket.order_id).number, ticket.qr_token


def checked_in_but_cancelled(db: Database, order_number: int) -> bool:
    with db.read() as session:
        return (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(EventTicket)
                .join(Order, Order.id == EventTicket.order_id)
                .where(
                    Order.number == order_number,
                    Order.status.in_([s.value for s in CANCELLED_STATUSES]),
                    EventTicket.checked_in_at.is_not(None),
                )
            )
            > 0
        )


def test_a_ticket_scanned_while_its_order_is_being_cancelled_is_refused(db, world, actors):
    event_id, number, token = confirmed_event_ticket(db, world)

    cancelled, scan = while_uncommitted(
        db,
        lambda s: cancel_order(s, actors["admin"], number, NOW),
        lambda s: check_in(s, actors["events"], event_id, token, NOW),
    )

    assert cancelled.status == OrderStatus.CANCELLED_REFUND_PENDING
    assert not scan.ok, "the ticket of an order being cancelled was checked in"
    [refused] = refusals([scan])
    assert isinstance(refused, CheckInRefused)
    assert refused.reason == "cancelled"
    assert not checked_in_but_cancelled(db, number)


def test_an_order_cancelled_while_its_ticket_is_being_checked_in_stays_uncancelled(
    db, world, actors
):
    event_id, number, token = confirmed_event_ticket(db, world)

    checked_in, cancel = while_uncommitted(
        db,
        lambda s: check_in(s, actors["events"], event_id, token, NOW),
        lambda s: cancel_order(s, actors["admin"], number, NOW),
    )

    assert checked_in.checked_in_at == NOW
    assert not cancel.ok, "the order of a ticket being checked in was cancelled"
    [refused] = refusals([cancel])
    assert "is checked in already; the order cannot be cancelled" in str(refused)
    assert not checked_in_but_cancelled(db, number)
