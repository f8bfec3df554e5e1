"""Property-based tests: random sequences of manager actions on a small world —
payments (sensible amounts and nonsense), refunds, cancellations, seat changes,
resubmitted forms — with the rules of SPEC §3–§4 checked after every step:

- ``orders.paid_kopecks`` is the ledger's sum, and 0 ≤ balance ≤ total;
- the status agrees with the money (confirmed ⇒ nothing left to pay, new ⇒ nothing
  paid, confirmed with a balance due ⇒ partly paid, …);
- a manager's payment leaves 0 ₽ or at least the service's minimum;
- no two live coworking tickets hold one seat at overlapping times;
- a successful action writes exactly one audit row, a refused one writes
  nothing at all (orders, payments, tickets, messages, audit unchanged);
- every action succeeds exactly when the rules say it may.

Each example gets fresh orders and tickets in a time window of its own, on the
database the test function built once.

The other manager actions of SPEC §4 — validation and its reset, the visitor, the
executor, work statuses, chat, new coworking orders, event check-in and its revert —
get one call per example with right, wrong and hostile arguments, and the same
checks: refused in words with nothing written, or done exactly when the rules allow.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, aliased

from models import (
    AuditEntry,
    Counter,
    CoworkingTicket,
    EventTicket,
    Message,
    Order,
    Payment,
    Person,
    Seat,
    Service,
    StaffUser,
)
from models.statuses import (
    CANCELLED_STATUSES,
    CLOSED_STATUSES,
    OrderStatus,
    PaymentKind,
)
from services import integrity, numbering
from services.coworking import BOOKING_HORIZON, DESK_METHODS, CoworkingOrderRequest, sell_coworking
from services.errors import DomainError
from services.events import check_in, revert_check_in
from services.money import MAX_KOPECKS, parse_amount
from services.orders import assign_executor, cancel_order, change_work_status, post_message
from services.payments import ledger_sum, limits_for, record_payment, refund_payment
from services.people import NewPerson
from services.staff import create_user
from services.text import clean
from services.tickets import change_seat, change_visitor, get_ticket, reset_validation, validate
from services.workflow import TABLE, OrderAction, Party
from tests.factories import NOW

S = OrderStatus
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Which orders each actor (the ``actors`` fixture's keys) works on: SPEC §1.
MONEY_ROLES = {
    "admin": {"simple", "hotel", "coworking"},
    "rental": {"hotel", "coworking"},
    "service": {"simple"},
}
SEAT_ROLES = {"admin", "rental"}
PAYABLE = {
    S.NEW,
    S.NEW_PAYMENT_PENDING,
    S.NEW_AWAITING_INVOICE,
    S.INVOICE_ISSUED,
    S.CONFIRMED_BALANCE_DUE,
    S.IN_PROGRESS,
    S.DONE_AWAITING_CONFIRMATION,
}
REFUNDABLE = {S.CONFIRMED, S.CONFIRMED_BALANCE_DUE, S.CANCELLED_REFUND_PENDING}
CANCELLED = {s.value for s in CANCELLED_STATUSES}
NOT_CANCELLABLE = CANCELLED | {S.DONE, S.DONE_AWAITING_CONFIRMATION}

# Amounts a manager may type that are never an amount of money.
NONSENSE = [
    "0",
    "0,00",
    "-5",
    "-0.01",
    "1.005",
    "0.001",
    "abc",
    "",
    "   ",
    "NaN",
    "sNaN",
    "inf",
    "-Infinity",
    "1e309",
    "12 34 5x",
    "1.2.3",
    "₽",
    "5000000000000000000000",
]

# --- the scene of one example ----------------------------------------------------------------


@dataclass
class Scene:
    orders: dict[str, int]  # name → order number
    tickets: dict[str, int]  # name → ticket number
    keys: list[str]  # idempotency keys of the payments and refunds recorded so far
    serial: itertools.count


ORDER_NAMES = ("hotel", "service", "cw_new", "cw_confirmed", "cw_late", "cw_quiet")
TICKET_NAMES = ("cw_new", "cw_confirmed", "cw_late", "cw_quiet")


def build_scene(db, world, index: int) -> Scene:
    """Fresh orders in a two-day window of their own:

    - a hotel stay of 10,000 ₽ confirmed with a 3,000 ₽ prepayment (balance due);
    - a simple service of 2,000 ₽, new;
    - coworking, twelve hours each: a new order on seat 1 from the window's start, a
      paid one on seat 2 from six hours later (overlapping both others), a paid one on
      seat 3 from twelve hours later (just touching the first), all in the main room,
      whose seat 4 is free; a paid one in the quiet room, whose seat 2 is free.
    """
    start = NOW + timedelta(days=2 + 2 * index)
    with db.write() as session:
        world.session = session
        orders = {
            "hotel": world.order("hotel", "confirmed_balance_due", total=1_000_000, paid=300_000),
            "service": world.order("simple", "new", total=200_000),
            "cw_new": world.order("coworking", "new", total=150_000),
            "cw_confirmed": world.order("coworking", "confirmed", total=150_000, paid=150_000),
            "cw_late": world.order("coworking", "confirmed", total=150_000, paid=150_000),
            "cw_quiet": world.order("coworking", "confirmed", total=150_000, paid=150_000),
        }
        places = {
            "cw_new": (world.seats[0], start),
            "cw_confirmed": (world.seats[1], start + timedelta(hours=6)),
            "cw_late": (world.seats[2], start + timedelta(hours=12)),
            "cw_quiet": (world.other_room_seats[0], start),
        }
        tickets = {
            name: world.ticket(orders[name], at, at + timedelta(hours=12), seat).number
            for name, (seat, at) in places.items()
        }
        return Scene({k: o.number for k, o in orders.items()}, tickets, [], itertools.count())


# --- steps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """An amount relative to what the form allows now (``reference``: the balance for a
    payment, what is left of the payment for a refund), or a fixed text."""

    kind: str  # "text", "exact", "plus", "leave", "kopecks", "share", "max_partial"
    value: object = 0
    style: int = 0

    def resolve(self, reference: int, min_remaining: int) -> tuple[object, int | None]:
        """(what the manager types, the kopecks it means or None if it means nothing)."""
        if self.kind == "text":
            return self.value, None
        kopecks = {
            "exact": reference,
            "plus": reference + int(self.value),
            "leave": reference - int(self.value) * 100,
            "kopecks": int(self.value),
            # A share (1–100 %) of the most that may be paid while leaving a balance.
            "share": max(reference - min_remaining, 0) * int(self.value) // 100,
            "max_partial": max(reference - min_remaining, 0),
        }[self.kind]
        return typed(kopecks, self.style), kopecks if kopecks > 0 else None


def typed(kopecks: int, style: int) -> object:
    """Kopecks as a manager types them: "1234.5", "1 234,50", "1234", or a Decimal."""
    sign, rubles, rest = "-" if kopecks < 0 else "", *divmod(abs(kopecks), 100)
    if style == 1:
        return f"{sign}{rubles:,}".replace(",", "\u00a0") + f",{rest:02d}"
    if style == 2 and rest == 0:
        return f"{sign}{rubles} ₽"
    if style == 3:
        return Decimal(kopecks) / 100
    return f"{sign}{rubles}.{rest:02d}".rstrip("0").rstrip(".") or "0"


AMOUNTS = st.one_of(
    st.builds(Amount, st.just("text"), st.sampled_from(NONSENSE)),
    st.builds(Amount, st.just("exact"), st.just(0), st.integers(0, 3)),
    st.builds(Amount, st.just("plus"), st.integers(-100, 100), st.integers(0, 3)),
    st.builds(Amount, st.just("leave"), st.integers(1, 49), st.integers(0, 3)),
    st.builds(Amount, st.just("kopecks"), st.integers(1, 1_200_000), st.integers(0, 3)),
    st.builds(Amount, st.just("share"), st.integers(1, 100), st.integers(0, 3)),
    st.builds(Amount, st.just("share"), st.integers(1, 100), st.integers(0, 3)),
    st.builds(Amount, st.just("max_partial"), st.just(0), st.integers(0, 3)),
)
ACTORS = st.sampled_from(["admin", "admin", "admin", "rental", "service", "exec", "accounting"])


@dataclass(frozen=True)
class Pay:
    order: str
    amount: Amount
    actor: str
    method: str


@dataclass(frozen=True)
class Refund:
    order: str
    payment: int  # which payment of the order (modulo their number); none: a missing one
    amount: Amount
    actor: str


@dataclass(frozen=True)
class Cancel:
    order: str
    actor: str


@dataclass(frozen=True)
class MoveSeat:
    ticket: str
    seat: int  # index into the world's seats (main room, then quiet room); past them: none
    actor: str


@dataclass(frozen=True)
class Resubmit:
    """A payment form sent again (a double click, a retry), maybe to another order:
    with the amount of its first submit (``None``) or with another one typed since."""

    key: int
    order: str
    amount: Amount | None


ORDERS = st.sampled_from(ORDER_NAMES)
PAY = st.builds(Pay, ORDERS, AMOUNTS, ACTORS, st.sampled_from(["cash", "bank_card", "crypto"]))
REFUND = st.builds(Refund, ORDERS, st.integers(0, 3), AMOUNTS, ACTORS)
MOVE_SEAT = st.builds(
    MoveSeat,
    st.sampled_from(TICKET_NAMES),
    st.integers(0, 6),
    st.sampled_from(["rental", "rental", "admin", "service"]),
)
# Cancelling ends an order's story, so it comes up less often than the rest.
STEPS = st.one_of(
    PAY,
    PAY,
    PAY,
    REFUND,
    REFUND,
    MOVE_SEAT,
    MOVE_SEAT,
    st.builds(Cancel, ORDERS, ACTORS),
    st.builds(Resubmit, st.integers(0, 20), ORDERS, st.one_of(st.none(), st.none(), AMOUNTS)),
)


# --- what the database says -------------------------------------------------------------------


@dataclass(frozen=True)
class OrderNow:
    id: int
    status: str
    total: int
    paid: int
    service_type: str
    min_remaining: int
    partial_allowed: bool
    prepayment_percent: int

    @property
    def balance(self) -> int:
        return self.total - self.paid

    def part_allowed(self, kopecks: int) -> bool:
        """SPEC §9.1: a part only where the service allows it, the parts reaching the
        prepayment share (rounded up to the kopeck), leaving at least the minimum."""
        share = -(-self.total * self.prepayment_percent // 100)
        left = self.balance - kopecks
        return self.partial_allowed and self.paid + kopecks >= share and left >= self.min_remaining


def order_now(session: Session, number: int) -> OrderNow:
    order, service = session.execute(
        sa.select(Order, Service)
        .join(Service, Service.id == Order.service_id)
        .where(Order.number == number)
    ).one()
    return OrderNow(
        order.id,
        order.status,
        order.total_kopecks,
        order.paid_kopecks,
        service.type,
        service.min_remaining_kopecks,
        service.allows_partial_payment,
        service.prepayment_percent,
    )


def snapshot(session: Session, scene: Scene) -> tuple:
    """Everything an action on the scene may write: its orders, their payments and
    tickets, and how many rows each table has (a new row anywhere shows)."""
    ids = scene_order_ids(scene)

    def rows(*columns, where):
        return session.execute(sa.select(*columns).where(where).order_by(columns[0])).all()

    def count(model):
        return session.scalar(sa.select(sa.func.count()).select_from(model))

    return (
        rows(
            Order.id,
            Order.status,
            Order.paid_kopecks,
            Order.status_changed_at,
            where=Order.id.in_(ids),
        ),
        rows(Payment.id, Payment.kind, Payment.amount_kopecks, where=Payment.order_id.in_(ids)),
        rows(
            CoworkingTicket.id,
            CoworkingTicket.seat_id,
            CoworkingTicket.visitor_id,
            where=CoworkingTicket.order_id.in_(ids),
        ),
        [count(model) for model in (Order, Payment, CoworkingTicket, Message, AuditEntry)],
    )


def audit_actions_after(session: Session, last_id: int) -> list[str]:
    return list(
        session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.id > last_id).order_by(AuditEntry.id)
        )
    )


def scene_order_ids(scene: Scene):
    return sa.select(Order.id).where(Order.number.in_(scene.orders.values())).scalar_subquery()


def live_overlaps(session: Session, scene: Scene) -> list[tuple[int, int]]:
    """Pairs of live tickets, one of them the scene's, holding one seat at overlapping
    times (the scene's window is its own, so no other pair can have changed)."""
    first, second = aliased(CoworkingTicket), aliased(CoworkingTicket)
    first_order, second_order = aliased(Order), aliased(Order)
    return [
        tuple(row)
        for row in session.execute(
            sa.select(first.number, second.number)
            .join(first_order, first_order.id == first.order_id)
            .join(second, sa.and_(second.seat_id == first.seat_id, second.id != first.id))
            .join(second_order, second_order.id == second.order_id)
            .where(
                first.order_id.in_(scene_order_ids(scene)),
                first.period_start < second.period_end,
                second.period_start < first.period_end,
                first_order.status.not_in(CANCELLED),
                second_order.status.not_in(CANCELLED),
            )
        )
    ]


def assert_invariants(session: Session, scene: Scene) -> None:
    orders = session.execute(
        sa.select(
            Order.number, Order.id, Order.status, Order.total_kopecks, Order.paid_kopecks
        ).where(Order.id.in_(scene_order_ids(scene)))
    ).all()
    assert len(orders) == len(scene.orders)
    for number, order_id, status, total, paid in orders:
        where = f"order {number} ({status})"
        assert paid == ledger_sum(session, order_id), where
        assert 0 <= total - paid <= total, where
        # SPEC §3: the status says where the money is.
        if status == S.CONFIRMED:
            assert paid == total, where
        if status == S.CONFIRMED_BALANCE_DUE:
            assert 0 < paid < total, where
        if status in (S.NEW, S.CANCELLED, S.CANCELLED_REFUNDED):
            assert paid == 0, where
        if status == S.CANCELLED_REFUND_PENDING:
            assert paid > 0, where
    assert live_overlaps(session, scene) == []


# --- performing a step ------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    allowed: bool
    check: object = None  # called with (session, result) after a success
    audit: str | None = None  # the audit action a success writes; None: writes nothing


def expect_payment(session, actors, scene: Scene, step: Pay):
    order = order_now(session, scene.orders[step.order])
    text, kopecks = step.amount.resolve(order.balance, order.min_remaining)
    key = f"pay-{scene.orders[step.order]}-{next(scene.serial)}"
    left = None if kopecks is None else order.balance - kopecks
    allowed = (
        order.service_type in MONEY_ROLES.get(step.actor, ())
        and step.method != "crypto"
        and kopecks is not None
        and kopecks <= MAX_KOPECKS
        and order.status in PAYABLE
        and order.balance > 0
        and left is not None
        and left >= 0
        and (left == 0 or order.part_allowed(kopecks))
    )

    def run(s):
        return record_payment(
            s, actors[step.actor], scene.orders[step.order], text, step.method, key, NOW
        )

    def check(s, result):
        after = order_now(s, scene.orders[step.order])
        assert not result.repeated
        assert (result.amount_kopecks, after.paid) == (kopecks, order.paid + kopecks)
        assert after.balance == 0 or after.balance >= after.min_remaining
        if order.status in (S.NEW, S.CONFIRMED_BALANCE_DUE):
            assert after.status == (S.CONFIRMED if after.balance == 0 else S.CONFIRMED_BALANCE_DUE)
        scene.keys.append(key)

    return run, Expectation(allowed, check, "order.record_payment")


def expect_refund(session, actors, scene: Scene, step: Refund):
    order = order_now(session, scene.orders[step.order])
    payments = session.scalars(
        sa.select(Payment)
        .where(Payment.order_id == order.id, Payment.kind == PaymentKind.PAYMENT.value)
        .order_by(Payment.id)
    ).all()
    payment = payments[step.payment % len(payments)] if payments else None
    left_of_payment = refunded = 0
    if payment is not None:
        refunded = session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_kopecks), 0)).where(
                Payment.refund_of_id == payment.id
            )
        )
        left_of_payment = payment.amount_kopecks - int(refunded)
    refundable = min(left_of_payment, order.paid)
    text, kopecks = step.amount.resolve(refundable, order.min_remaining)
    key = f"refund-{scene.orders[step.order]}-{next(scene.serial)}"
    permitted = payment is not None and order.service_type in MONEY_ROLES.get(step.actor, ())
    allowed = (
        permitted and kopecks is not None and kopecks <= refundable and order.status in REFUNDABLE
    )
    payment_id = payment.id if payment is not None else 0

    def run(s):
        return refund_payment(s, actors[step.actor], payment_id, text, key, NOW)

    def check(s, result):
        after = order_now(s, scene.orders[step.order])
        assert (result.amount_kopecks, after.paid) == (kopecks, order.paid - kopecks)
        if after.paid == 0:
            expected = S.CANCELLED_REFUNDED if order.status in CANCELLED else S.NEW
        else:
            expected = order.status if order.status in CANCELLED else S.CONFIRMED_BALANCE_DUE
        assert after.status == expected
        scene.keys.append(key)

    return run, Expectation(allowed, check, "order.refund_payment")


def expect_cancel(session, actors, scene: Scene, step: Cancel):
    order = order_now(session, scene.orders[step.order])
    allowed = (
        order.service_type in MONEY_ROLES.get(step.actor, ())
        and order.status not in NOT_CANCELLABLE
    )

    def run(s):
        return cancel_order(s, actors[step.actor], scene.orders[step.order], NOW)

    def check(s, result):
        after = order_now(s, scene.orders[step.order])
        assert after.paid == order.paid
        assert after.status == (S.CANCELLED_REFUND_PENDING if order.paid else S.CANCELLED)

    return run, Expectation(allowed, check, "order.cancel")


def expect_seat_change(session, world, actors, scene: Scene, step: MoveSeat):
    seats = [*world.seats, *world.other_room_seats]
    seat_id = seats[step.seat] if step.seat < len(seats) else 0  # 0: no such seat
    number = scene.tickets[step.ticket]
    ticket = session.scalar(sa.select(CoworkingTicket).where(CoworkingTicket.number == number))
    status = session.scalar(sa.select(Order.status).where(Order.id == ticket.order_id))
    rooms = {seat: room for seat, room in session.execute(sa.select(Seat.id, Seat.room_id))}
    others = session.scalars(
        sa.select(CoworkingTicket.id)
        .join(Order, Order.id == CoworkingTicket.order_id)
        .where(
            CoworkingTicket.seat_id == seat_id,
            CoworkingTicket.id != ticket.id,
            CoworkingTicket.period_start < ticket.period_end,
            CoworkingTicket.period_end > ticket.period_start,
            Order.status.not_in(CANCELLED),
        )
    ).all()
    allowed = (
        step.actor in SEAT_ROLES
        and status not in CANCELLED  # the periods are in the future: new or confirmed
        and seat_id != ticket.seat_id
        and rooms.get(seat_id) == rooms[ticket.seat_id]
        and not others
    )

    def run(s):
        return change_seat(s, actors[step.actor], number, seat_id, NOW)

    def check(s, result):
        assert result.seat_id == seat_id
        moved = sa.select(CoworkingTicket.seat_id).where(CoworkingTicket.number == number)
        assert s.scalar(moved) == seat_id

    return run, Expectation(allowed, check, "ticket.change_seat")


def expect_resubmit(session, actors, scene: Scene, step: Resubmit):
    """A key already used comes again through the payment form: for a payment on its own
    order with the same amount it returns the first result and writes nothing; on another
    order, when the key was a refund's, or with another amount, it is refused."""
    if not scene.keys:
        return None, None
    key = scene.keys[step.key % len(scene.keys)]
    first = session.execute(
        sa.select(Payment.id, Payment.order_id, Payment.amount_kopecks, Payment.kind).where(
            Payment.idempotency_key == key
        )
    ).one()
    order = order_now(session, scene.orders[step.order])
    if step.amount is None:
        text, kopecks = typed(first.amount_kopecks, 0), first.amount_kopecks
    else:
        text, _ = step.amount.resolve(order.balance, order.min_remaining)
        try:
            kopecks = parse_amount(text)
        except DomainError:
            kopecks = None
    same_order = first.order_id == order.id and first.kind == "payment"
    allowed = (
        same_order
        and order.service_type in MONEY_ROLES["admin"]
        and kopecks == first.amount_kopecks
    )

    def run(s):
        return record_payment(s, actors["admin"], scene.orders[step.order], text, "cash", key, NOW)

    def check(s, result):
        assert result.repeated
        assert (result.payment_id, result.amount_kopecks) == (first.id, first.amount_kopecks)

    return run, Expectation(allowed, check, audit=None)


def perform(db, world, actors, scene: Scene, step) -> None:
    with db.read() as session:
        if isinstance(step, Pay):
            run, expected = expect_payment(session, actors, scene, step)
        elif isinstance(step, Refund):
            run, expected = expect_refund(session, actors, scene, step)
        elif isinstance(step, Cancel):
            run, expected = expect_cancel(session, actors, scene, step)
        elif isinstance(step, MoveSeat):
            run, expected = expect_seat_change(session, world, actors, scene, step)
        else:
            run, expected = expect_resubmit(session, actors, scene, step)
        if run is None:
            return
        before = snapshot(session, scene)
        last_audit = session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.id), 0)))

    refusal = None
    try:
        with db.write() as session:
            result = run(session)
    except DomainError as error:  # anything else is a bug and fails the test
        refusal = error

    event(f"{type(step).__name__}: {'refused' if refusal else 'done'}")
    with db.read() as session:
        if refusal is not None:
            assert not expected.allowed, f"refused although the rules allow it: {refusal}"
            assert snapshot(session, scene) == before, (
                f"a refused action wrote something: {refusal}"
            )
        else:
            assert expected.allowed, "done although the rules forbid it"
            expected.check(session, result)
            written = audit_actions_after(session, last_audit)
            assert written == ([expected.audit] if expected.audit else [])
            if expected.audit is None:
                assert snapshot(session, scene) == before, "a repeated submit wrote something"
        assert_invariants(session, scene)


# --- the tests ------------------------------------------------------------------------------


def test_random_manager_actions_keep_the_books_the_seats_and_the_audit_straight(db, world, actors):
    windows = itertools.count()

    @SETTINGS
    @given(steps=st.lists(STEPS, min_size=3, max_size=20))
    def run(steps):
        scene = build_scene(db, world, next(windows))
        with db.read() as session:
            assert_invariants(session, scene)
        for step in steps:
            perform(db, world, actors, scene, step)

    run()


def test_random_payments_on_one_order_never_leave_less_than_the_minimum_or_overpay(
    db, world, actors
):
    """Only payments, many of them, on a 1,500 ₽ and a 10,000 ₽ order (minimum remaining
    balance 50 ₽): every accepted amount leaves 0 ₽ or at least 50 ₽, exactly the amounts
    that do are accepted, and the order never takes more than its total."""
    windows = itertools.count()

    @settings(SETTINGS, max_examples=40)
    @given(
        steps=st.lists(
            st.builds(
                Pay,
                st.sampled_from(["hotel", "cw_new"]),
                AMOUNTS,
                st.just("rental"),
                st.just("cash"),
            ),
            min_size=1,
            max_size=25,
        )
    )
    def run(steps):
        scene = build_scene(db, world, next(windows))
        for step in steps:
            perform(db, world, actors, scene, step)

    run()


@given(
    rubles=st.integers(-(10**20), 10**20),
    kopecks=st.integers(0, 99),
    style=st.integers(0, 3),
)
@example(rubles=0, kopecks=1, style=0)
@example(rubles=10**10, kopecks=0, style=0)
@example(rubles=10**10, kopecks=1, style=0)
def test_an_amount_typed_in_rubles_is_read_to_the_kopeck_or_refused_in_words(
    rubles, kopecks, style
):
    total = rubles * 100 + (kopecks if rubles >= 0 else -kopecks)
    text = typed(total, style)
    if 0 < total <= MAX_KOPECKS:
        assert parse_amount(text) == total
    else:
        with pytest.raises(DomainError):
            parse_amount(text)


@given(st.text(max_size=40))
@example("1.005")
@example("1e309")
@example("NaN")
@example("-0")
def test_any_text_is_an_amount_or_a_refusal_in_words(text):
    try:
        kopecks = parse_amount(text)
    except DomainError:
        return
    assert 0 < kopecks <= MAX_KOPECKS


@pytest.mark.parametrize(
    "text", ["1234567890123456789012345678.001", "9" * 40 + ".001", "1e-309", "1e999999999"]
)
def test_an_amount_with_absurd_digits_is_refused_in_words(text):
    with pytest.raises(DomainError):
        parse_amount(text)


def test_a_refund_over_what_is_left_of_a_payment_with_kopecks_is_refused_in_words(
    db, world, actors
):
    with db.write() as session:
        world.session = session
        number = world.order("hotel", "new", total=100_000).number
        paid = record_payment(session, actors["rental"], number, "300,50", "cash", "p-1", NOW)
    with db.write() as session:
        refund_payment(session, actors["rental"], paid.payment_id, "100", "r-1", NOW)

    message = r"At most 200\.50 ₽ of this payment can be refunded"
    with pytest.raises(DomainError, match=message), db.write() as session:
        refund_payment(session, actors["rental"], paid.payment_id, "300", "r-2", NOW)


@given(
    total=st.integers(0, 2_000_000),
    paid_share=st.integers(0, 100),
    minimum=st.integers(0, 10_000),
    partial=st.booleans(),
    percent=st.integers(0, 100),
    kopecks=st.integers(1, 2_100_000),
)
def test_the_payment_limits_allow_exactly_the_amounts_the_service_allows(
    total, paid_share, minimum, partial, percent, kopecks
):
    paid = total * paid_share // 100
    service = Service(
        allows_partial_payment=partial, prepayment_percent=percent, min_remaining_kopecks=minimum
    )
    limits = limits_for(service, total, paid)
    balance, left = total - paid, total - paid - kopecks
    share = -(-total * percent // 100)
    part = partial and paid + kopecks >= share and left >= minimum
    allowed = balance > 0 and left >= 0 and (left == 0 or part)
    assert (limits.refusal(kopecks) is None) == allowed
    # What the form offers is allowed: the whole balance, and the parts from min_partial
    # up to max_partial; one kopeck outside that range is not.
    if balance > 0:
        assert limits.refusal(balance) is None
    if limits.max_partial > 0:
        assert partial
        assert limits.refusal(limits.max_partial) is None
        assert limits.refusal(limits.min_partial) is None
        assert limits.min_partial <= limits.max_partial
        # One kopeck more leaves less than the minimum (or, for a minimum of 1 kopeck, 0 ₽).
        assert (limits.refusal(limits.max_partial + 1) is None) == (minimum == 1)
        if limits.min_partial > 1:
            assert limits.refusal(limits.min_partial - 1) is not None
    elif balance > 0:
        # Only the whole balance: every smaller amount is refused.
        assert limits.refusal(balance - 1) is not None or balance == 1


# --- the other manager actions of SPEC §4, with hostile arguments ---------------------------
#
# Validation and its reset, the visitor, the executor, work statuses, chat, new coworking
# orders and event check-in: each example builds fresh records in a window of time of
# its own, makes one call with arguments that are right, wrong or hostile (unknown or
# junk numbers and ids, NUL bytes, lone surrogates, markup, 10,000 characters), and
# checks that the service either refuses in words and writes nothing, or does exactly
# what the rules allow (one audit row) — and that it succeeds exactly when they allow it.

DESK = settings(SETTINGS, max_examples=200)
STAFF = ["admin", "rental", "service", "events", "exec", "accounting"]
RENTAL_DESK = {"admin", "rental"}
EVENT_DESK = {"admin", "events"}
# Which order kinds each role acts on (SPEC §1); administrators act on all.
ORDER_KINDS = {
    "rental": {"coworking", "booking", "hotel"},
    "service": {"simple", "request", "goods"},
}
WORK_KINDS = {"simple", "request", "goods"}
CLOSED = {s.value for s in CLOSED_STATUSES}

# Numbers that are no record's, and things that are no number at all.
JUNK_NUMBERS = st.one_of(
    st.sampled_from(
        [
            None,
            "",
            " ",
            "abc",
            "²",
            "١٢٣",
            "0",
            "-1",
            "1" * 19,
            "9" * 400,
            0,
            -1,
            10**30,
            2**63,
            1.5,
            float("nan"),
            float("inf"),
            "1e309",
            "<script>",
            "' OR 1=1 --",
            "\x00",
            "\ud800",
            [1],
            {"n": 1},
            True,
            "Ж" * 10_000,
        ]
    ),
    st.text(max_size=20).filter(lambda t: not t.strip().lstrip("№#").strip().isdigit()),
)
JUNK_IDS = st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 10**18, 999_999])
HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\t\n",
            "\x00",
            "a\x00b",
            "\ud800",
            "x\udfffy",
            "<script>alert(1)</script>",
            "'; DROP TABLE messages; --",
            "%(amount)s %s",
            "Привет 🙂",
            "Ж" * 4000,
            "Ж" * 4001,
            " " * 5000 + "ok",
            "x" * 10_000,
        ]
    ),
    st.text(max_size=60),
)


def _weighted(good, anything, share: int):
    # one_of() would pick a branch as it likes: a flag drawn first keeps the weights.
    flags = st.sampled_from([True] * share + [False])
    return flags.flatmap(lambda use_good: good if use_good else anything)


def mostly(good, anything):
    """``good`` two times in three, else ``anything``: enough examples get past the
    first check to reach the deeper rules."""
    return _weighted(good, anything, 2)


def usual(pairs: list[tuple[object, bool]]):
    """A (typed value, acceptable) pair, mostly an acceptable one."""
    return mostly(st.sampled_from([p for p in pairs if p[1]]), st.sampled_from(pairs))


class _AppNumbers:
    """The world's order numbers from the app's own counter: no clash with the orders
    the app numbers itself."""

    def __init__(self, world) -> None:
        self.world = world

    def __next__(self) -> int:
        return numbering.next_number(self.world.session, "order")


@st.composite
def real_number(draw, names: tuple[str, ...]):
    """(which record, how the number is typed)."""
    return draw(st.sampled_from(names)), draw(st.sampled_from(["int", "str", "№", "pad"]))


def typed_number(number: int, style: str) -> object:
    return {"int": number, "str": str(number), "№": f"№{number}", "pad": f"  {number} "}[style]


def number_arg(names: tuple[str, ...]):
    """A real record's number (by name, typed some way), or junk."""
    return st.one_of(real_number(names), real_number(names), real_number(names), JUNK_NUMBERS)


def resolve(arg, numbers: dict[str, int]) -> tuple[object, str | None]:
    """(the argument to pass, the name of the record it means or None)."""
    if isinstance(arg, tuple) and len(arg) == 2 and arg[0] in numbers:
        return typed_number(numbers[arg[0]], arg[1]), arg[0]
    return arg, None


def desk_state(session: Session) -> tuple:
    """What the actions may write: the fields they change, and every table's size."""

    def rows(*columns):
        return session.execute(sa.select(*columns).order_by(columns[0])).all()

    def count(model):
        return session.scalar(sa.select(sa.func.count()).select_from(model))

    return (
        rows(Order.id, Order.status, Order.executor_id, Order.paid_kopecks),
        rows(
            CoworkingTicket.id,
            CoworkingTicket.visitor_id,
            CoworkingTicket.seat_id,
            CoworkingTicket.validated_at,
            CoworkingTicket.validated_by_id,
        ),
        rows(EventTicket.id, EventTicket.checked_in_at, EventTicket.checked_in_by_id),
        [
            count(m)
            for m in (
                Order,
                Payment,
                CoworkingTicket,
                EventTicket,
                Message,
                AuditEntry,
                Person,
                Counter,
            )
        ],
    )


OUTCOMES: list[str] = []


def assert_both_outcomes_were_seen() -> None:
    """A property that never (or always) succeeded would have tested little."""
    done = OUTCOMES.count("done")
    assert 10 <= done <= len(OUTCOMES) - 10, f"{done} of {len(OUTCOMES)} examples done"
    OUTCOMES.clear()


def run_action(db, call, allowed: bool, check, audit: str | tuple[str, ...] | None) -> None:
    """Call, then: refused ⇔ not allowed; refused → nothing written; done → ``check``,
    exactly the ``audit`` row (or rows, in order), and sound books and seats."""
    with db.read() as session:
        before = desk_state(session)
        last = session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.id), 0)))
    refusal = None
    try:
        with db.write() as session:
            result = call(session)
    except DomainError as error:  # anything else is a bug and fails the test
        refusal = error
    event("refused" if refusal else "done")
    OUTCOMES.append("refused" if refusal else "done")
    with db.read() as session:
        if refusal is not None:
            assert not allowed, f"refused although the rules allow it: {refusal}"
            assert desk_state(session) == before, f"a refused action wrote something: {refusal}"
            return
        assert allowed, "done although the rules forbid it"
        check(session, result)
        expected = list(audit) if isinstance(audit, tuple) else ([audit] if audit else [])
        assert audit_actions_after(session, last) == expected
        assert integrity.check(session) == []


# --- the records of one example -------------------------------------------------------------------


@dataclass
class Desk:
    now: datetime
    tickets: dict[str, int] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    event_tickets: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def build_desk(
    db,
    world,
    staff_id: int,
    index: int,
    *,
    tickets=False,
    orders=False,
    events=False,
    spacing: timedelta = timedelta(days=10),
) -> Desk:
    desk = Desk(NOW + spacing * (index + 1))
    now = desk.now
    with db.write() as session:
        world.session = session
        world._numbers = _AppNumbers(world)
        if tickets:

            def ticket(status: str, seat: int, start: datetime, validated: bool = False) -> int:
                paid = 150_000 if status in ("confirmed", "done") else 0
                order = world.order(
                    "coworking",
                    status,
                    total=150_000,
                    paid=paid,
                    created_at=now - timedelta(days=3),
                )
                number = numbering.next_number(session, "coworking_ticket")
                made = world.ticket(order, start, start + timedelta(hours=6), seat, number)
                if validated:
                    made.validated_at, made.validated_by_id = now - timedelta(hours=1), staff_id
                return made.number

            s, q = world.seats, world.other_room_seats
            tomorrow = now + timedelta(days=1)
            desk.tickets = {
                "new": ticket("new", s[0], tomorrow),
                "confirmed": ticket("confirmed", s[1], tomorrow),
                "active": ticket("confirmed", s[2], now - timedelta(hours=1)),
                "done": ticket("done", s[3], now - timedelta(days=2)),
                "cancelled": ticket("cancelled", s[0], tomorrow),
                "validated": ticket("confirmed", q[0], now - timedelta(hours=1), True),
            }
        if orders:
            made = {
                "simple_new": world.order("simple", "new"),
                "simple_work": world.order("simple", "in_progress"),
                "simple_waiting": world.order("simple", "done_awaiting_confirmation"),
                "simple_done": world.order("simple", "done"),
                "simple_cancelled": world.order("simple", "cancelled"),
                "request": world.order("request", "new"),
                "goods": world.order("goods", "confirmed", total=50_000, paid=50_000),
                "hotel": world.order(
                    "hotel", "confirmed_balance_due", total=1_000_000, paid=300_000
                ),
                "booking": world.order("booking", "confirmed", total=80_000, paid=80_000),
            }
            desk.orders = {name: order.number for name, order in made.items()}
        if events:
            desk.events = {"event": world.event(starts_at=now), "other": world.event(starts_at=now)}

            def event_ticket(name: str, status: str, event: str, checked_in: bool = False):
                made = world.event_ticket(desk.events[event], status)
                if checked_in:
                    made.checked_in_at = now - timedelta(minutes=10)
                    made.checked_in_by_id = staff_id
                desk.event_tickets[name] = made.number
                desk.tokens[name] = made.qr_token

            event_ticket("expected", "confirmed", "event")
            event_ticket("checked_in", "confirmed", "event", checked_in=True)
            event_ticket("cancelled", "cancelled", "event")
            event_ticket("unpaid", "new", "event")
            event_ticket("other_event", "confirmed", "other")
            session.flush()
    world.session = None
    return desk


def status_of_ticket(session: Session, number: int, now: datetime) -> str:
    return get_ticket(session, number, now).status


def acts_on(actor: str, kind: str) -> bool:
    return actor == "admin" or kind in ORDER_KINDS.get(actor, set())


# --- validation (SPEC §4.1) -----------------------------------------------------------------------

TICKET_NAMES = ("new", "confirmed", "active", "done", "cancelled", "validated")


def test_validation_and_its_reset_happen_exactly_when_the_rules_allow(db, world, actors, staff_ids):
    windows = itertools.count()
    admin_id = staff_ids["admin@parkdesk.local"]

    @DESK
    @given(
        reset=st.booleans(),
        actor=mostly(st.sampled_from(sorted(RENTAL_DESK)), st.sampled_from(STAFF)),
        target=mostly(real_number(("confirmed", "active", "validated")), number_arg(TICKET_NAMES)),
    )
    def run(reset, actor, target):
        desk = build_desk(db, world, admin_id, next(windows), tickets=True)
        number, name = resolve(target, desk.tickets)
        with db.read() as session:
            status = status_of_ticket(session, desk.tickets[name], desk.now) if name else None
        validated = name == "validated"
        allowed = (
            actor in RENTAL_DESK
            and name is not None
            and (validated if reset else status in ("confirmed", "active") and not validated)
        )

        def call(s):
            action = reset_validation if reset else validate
            return action(s, actors[actor], number, desk.now)

        def check(s, view):
            assert view.number == desk.tickets[name]
            if reset:
                assert (view.validated_at, view.validated_by) == (None, None)
            else:
                assert view.validated_at == desk.now
                assert view.validated_by == actors[actor].name

        run_action(
            db, call, allowed, check, "ticket.reset_validation" if reset else "ticket.validate"
        )

    OUTCOMES.clear()
    run()
    assert_both_outcomes_were_seen()


# --- the visitor (SPEC §4.2) ----------------------------------------------------------------------

# Typed values and whether they are acceptable (after dropping control characters).
NAMES = [
    ("Иванова", True),
    ("  Ли   Сяо ", True),
    ("", False),
    ("   ", False),
    ("\x00", False),
    ("a\x00b", True),
    ("Ж" * 200, True),
    ("Ж" * 201, False),
    ("\ud800", False),
    ("<script>alert(1)</script>", True),
    ("Zoë 🙂", True),
    ("'; DROP TABLE persons; --", True),
]
PHONES = [
    ("+7 916 123-45-67", True),
    ("8 (495) 123-45-67", True),
    ("", False),
    ("123", False),
    ("+7 916 ABC-45-67", False),
    ("1" * 16, False),
    ("\x00+7 916 123-45-67", False),
    ("<script>", False),
]
EMAILS = [
    (None, True),
    ("", True),
    ("a@b.ru", True),
    ("Ivan@Example.COM", True),
    ("not-an-email", False),
    ("a@b", False),
    ("x" * 250 + "@b.ru", False),
    ("a\x00@b.ru", True),
    ("\ud800", True),
]


@dataclass(frozen=True)
class Typed:
    last: tuple[str, bool]
    first: tuple[str, bool]
    phone: tuple[str, bool]
    email: tuple[str | None, bool]

    @property
    def valid(self) -> bool:
        return all(ok for _value, ok in (self.last, self.first, self.phone, self.email))

    def person(self) -> NewPerson:
        return NewPerson(self.last[0], self.first[0], self.phone[0], self.email[0])


TYPED_PEOPLE = st.builds(Typed, usual(NAMES), usual(NAMES), usual(PHONES), usual(EMAILS))
# (registered person: an index into world.people or a junk id, a new person typed): one,
# the other, both or neither.
CUSTOMERS = st.one_of(
    st.tuples(mostly(st.sampled_from([1, 2]), st.sampled_from([0, 1, 2])), st.none()),
    st.tuples(st.none(), TYPED_PEOPLE),
    st.tuples(JUNK_IDS, st.none()),
    st.tuples(st.sampled_from([0, 1, 2]), TYPED_PEOPLE),
    st.tuples(st.none(), st.none()),
)


def test_the_visitor_changes_exactly_when_the_rules_allow(db, world, actors, staff_ids):
    windows = itertools.count()
    admin_id = staff_ids["admin@parkdesk.local"]

    @DESK
    @given(
        actor=mostly(st.sampled_from(sorted(RENTAL_DESK)), st.sampled_from(STAFF)),
        target=mostly(real_number(("new", "confirmed")), number_arg(TICKET_NAMES)),
        customer=st.one_of(CUSTOMERS, CUSTOMERS),
    )
    def run(actor, target, customer):
        person, typed = customer
        desk = build_desk(db, world, admin_id, next(windows), tickets=True)
        number, name = resolve(target, desk.tickets)
        person_id = world.people[person] if person in (0, 1, 2) else person
        with db.read() as session:
            status = current = None
            if name:
                status = status_of_ticket(session, desk.tickets[name], desk.now)
                current = session.scalar(
                    sa.select(CoworkingTicket.visitor_id).where(
                        CoworkingTicket.number == desk.tickets[name]
                    )
                )
        chosen_ok = person_id in world.people and person_id != current
        allowed = (
            actor in RENTAL_DESK
            and status in ("new", "confirmed")
            and (person_id is None) != (typed is None)
            and (chosen_ok if typed is None else typed.valid)
        )

        def call(s):
            return change_visitor(
                s,
                actors[actor],
                number,
                desk.now,
                person_id=person_id,
                new_person=typed.person() if typed else None,
            )

        def check(s, view):
            visitor = s.get(Person, view.visitor_id)
            if typed is None:
                assert visitor.id == person_id
            else:
                assert visitor.id not in world.people
                assert visitor.last_name == " ".join(clean(typed.last[0]).split())
                assert visitor.first_name == " ".join(clean(typed.first[0]).split())

        run_action(db, call, allowed, check, "ticket.change_visitor")

    OUTCOMES.clear()
    run()
    assert_both_outcomes_were_seen()


# --- the executor (SPEC §4.6) ---------------------------------------------------------------------

ORDER_NAMES_DESK = (
    "simple_new",
    "simple_work",
    "simple_waiting",
    "simple_done",
    "simple_cancelled",
    "request",
    "goods",
    "hotel",
    "booking",
)
KIND_OF = {"request": "request", "goods": "goods", "hotel": "hotel", "booking": "booking"}


def _kind(name: str) -> str:
    return KIND_OF.get(name, "simple")


def test_the_executor_is_assigned_exactly_when_the_rules_allow(db, world, actors, staff_ids):
    windows = itertools.count()
    admin_id = staff_ids["admin@parkdesk.local"]
    with db.write() as session:
        gone = create_user(
            session, email="gone@parkdesk.local", password="secret", role="service_manager"
        )
        session.get(StaffUser, gone.id).is_active = False
    staff = list(staff_ids.values())

    @DESK
    @given(
        actor=st.sampled_from(STAFF),
        target=number_arg(ORDER_NAMES_DESK),
        executor=st.one_of(st.none(), st.sampled_from(staff), st.just(gone.id), JUNK_IDS),
        twice=st.booleans(),
    )
    def run(actor, target, executor, twice):
        desk = build_desk(db, world, admin_id, next(windows), orders=True)
        number, name = resolve(target, desk.orders)
        if twice and name and executor in staff:  # the same executor again: nothing to do
            with db.write() as session:
                session.execute(
                    sa.update(Order)
                    .where(Order.number == desk.orders[name])
                    .values(executor_id=executor)
                )
        with db.read() as session:
            order = (
                session.scalar(sa.select(Order).where(Order.number == desk.orders[name]))
                if name
                else None
            )
            status, current = (order.status, order.executor_id) if order else (None, None)
        allowed = (
            name is not None
            and acts_on(actor, _kind(name))
            and actor in {"admin", "rental", "service"}
            and status not in CLOSED
            and (executor is None or executor in staff)
        )

        def check(s, state):
            assert state.executor_id == executor

        run_action(
            db,
            lambda s: assign_executor(s, actors[actor], number, executor, desk.now),
            allowed,
            check,
            None if executor == current else "order.assign_executor",
        )

    OUTCOMES.clear()
    run()
    assert_both_outcomes_were_seen()


# --- work statuses (SPEC §4.7) --------------------------------------------------------------------


def test_work_statuses_move_exactly_along_the_table(db, world, actors, staff_ids):
    windows = itertools.count()
    admin_id = staff_ids["admin@parkdesk.local"]

    @DESK
    @given(
        actor=mostly(st.sampled_from(["service", "admin"]), st.sampled_from(STAFF)),
        target=mostly(
            real_number(("simple_new", "simple_work", "simple_waiting", "request", "goods")),
            number_arg(ORDER_NAMES_DESK),
        ),
        action=mostly(
            st.sampled_from(["start_work", "finish_work", "complete", "return_to_work"]),
            st.one_of(st.sampled_from(list(OrderAction)), st.sampled_from(["x", ""])),
        ),
    )
    def run(actor, target, action):
        desk = build_desk(db, world, admin_id, next(windows), orders=True)
        number, name = resolve(target, desk.orders)
        with db.read() as session:
            status = (
                session.scalar(sa.select(Order.status).where(Order.number == desk.orders[name]))
                if name
                else None
            )
        work = {"start_work", "finish_work", "complete", "return_to_work"}
        transition = (
            TABLE.get((OrderStatus(status), OrderAction(action)))
            if status and action in work
            else None
        )
        allowed = (
            transition is not None
            and Party.MANAGER in transition.parties
            and actor in {"admin", "service"}
            and _kind(name) in WORK_KINDS
        )

        def check(s, state):
            assert state.status == transition.target

        run_action(
            db,
            lambda s: change_work_status(s, actors[actor], number, action, desk.now),
            allowed,
            check,
            f"order.{action}",
        )

    OUTCOMES.clear()
    run()
    assert_both_outcomes_were_seen()


# --- chat (SPEC §4.8) -----------------------------------------------------------------------------


def test_a_message_is_written_exactly_when_the_rules_allow_and_stored_as_typed(
    db, world, actors, staff_ids
):
    windows = itertools.count()
    admin_id = staff_ids["admin@parkdesk.local"]

    @DESK
    @given(
        actor=st.sampled_from(STAFF),
        target=number_arg(ORDER_NAMES_DESK),
        text=HOSTILE_TEXT,
        internal=st.booleans(),
    )
    def run(actor, target, text, internal):
        desk = build_desk(db, world, admin_id, next(windows), orders=True)
        number, name = resolve(target, desk.orders)
        stored = clean(text).strip()
        allowed = (
            name is not None
            and actor in {"admin", "rental", "service"}
            and acts_on(actor, _kind(name))
            and 0 < len(stored) <= 4000
        )

        def check(s, message_id):
            message = s.get(Message, message_id)
            assert (message.text, message.visibility) == (
                stored,
                "internal" if internal else "public",
            )

        run_action(
            db,
            lambda s: post_message(s, actors[actor], number, text, internal=internal, now=desk.now),
            allowed,
            check,
            "order.message",
        )

    OUTCOMES.clear()
    run()
    assert_both_outcomes_were_seen()


# --- a new coworking order (SPEC §4.9) ------------------------------------------------------------


@dataclass(frozen=True)
class OrderForm:
    service: str  # "coworking", "simple" or junk
    tariff: str  # "hour", "day", "month" or junk
    start_hours: float  # from the example's now
    quantity: int
    seat: int  # index into the world's seats (main room, then quiet room), else junk
    method: str
    customer: int | None  # index into world.people, or junk id, or None
    typed: Typed | None
    phone: tuple[str | None, bool]  # for this order only
    email: tuple[str | None, bool]
    variant: str
    modifiers: tuple[str, ...]  # names in world.tariffs (the piece ones), or junk
    amount: str  # "whole", "share" (the prepayment share), "below", "over", "left" or junk


def likely(good, anything):
    """``good`` five times in six: a form has many fields, each may spoil it."""
    return _weighted(good, anything, 5)


@st.composite
def order_forms(draw) -> OrderForm:
    customer, typed = draw(likely(st.tuples(st.sampled_from([1, 2]), st.none()), CUSTOMERS))
    return OrderForm(
        service=draw(likely(st.just("coworking"), st.sampled_from(["simple", "junk"]))),
        tariff=draw(likely(st.sampled_from(["hour", "day", "month"]), st.just("junk"))),
        start_hours=draw(
            likely(st.sampled_from([72.0, 27.0, -1.0, 2.0]), st.sampled_from([-13.0, 1.0, 1e6]))
        ),
        quantity=draw(likely(st.sampled_from([1, 2]), st.sampled_from([12, 13, 31, 32, 0, -1]))),
        seat=draw(likely(st.integers(0, 5), st.integers(0, 7))),
        method=draw(
            likely(
                st.just("cash"), st.sampled_from(["online_gateway", "bank_transfer", "crypto", ""])
            )
        ),
        customer=customer,
        typed=typed,
        phone=draw(mostly(st.sampled_from([(None, True), PHONES[0]]), st.sampled_from(PHONES))),
        email=draw(mostly(st.just((None, True)), st.sampled_from(EMAILS))),
        variant=draw(likely(st.sampled_from(["hot_desk", "fixed_seat"]), st.just("Резидент"))),
        modifiers=draw(
            likely(
                st.sampled_from([(), ("locker",), ("printer", "locker")]),
                st.sampled_from([("locker", "locker"), ("day",), ("junk",)]),
            )
        ),
        amount=draw(
            likely(
                st.sampled_from(["whole", "share"]), st.sampled_from(["below", "over", "left", "x"])
            )
        ),
    )


ORDER_FORMS = order_forms()
PRICES = {"hour": 30_000, "day": 150_000, "month": 1_500_000, "locker": 10_000, "printer": 20_000}
PREPAYMENT_PERCENT, MIN_REMAINING = 30, 5_000  # the factories' coworking service
UNITS = {
    "hour": (timedelta(hours=1), 12),
    "day": (timedelta(days=1), 31),
    "month": (timedelta(days=30), 12),
}


def test_a_coworking_order_is_created_exactly_when_the_rules_allow(db, world, actors, staff_ids):
    windows = itertools.count()
    admin_id = staff_ids["admin@parkdesk.local"]
    seats = [*world.seats, *world.other_room_seats]

    @DESK
    @given(
        actor=mostly(st.sampled_from(sorted(RENTAL_DESK)), st.sampled_from(STAFF)), form=ORDER_FORMS
    )
    def run(actor, form):
        # A year and more between examples: a booking of twelve months stays in its own.
        desk = build_desk(
            db, world, admin_id, next(windows), tickets=True, spacing=timedelta(days=400)
        )
        start = desk.now + timedelta(hours=form.start_hours)
        service_id = world.services.get(form.service, 999_999)
        tariff_id = world.tariffs.get(form.tariff, 2**31)
        seat_id = seats[form.seat] if form.seat < len(seats) else 2**40
        customer_id = world.people[form.customer] if form.customer in (0, 1, 2) else form.customer
        unit = UNITS.get(form.tariff)
        end = start + unit[0] * form.quantity if unit and 0 < form.quantity <= unit[1] else None
        with db.read() as session:
            person = session.get(Person, customer_id) if customer_id in world.people else None
            phone_of, email_of = (person.phone, person.email) if person else (None, None)
            # (2**40 is no seat: PostgreSQL would not even compare it with an INTEGER id)
            taken = (
                end is not None
                and seat_id in seats
                and session.scalar(
                    sa.select(sa.func.count())
                    .select_from(CoworkingTicket)
                    .join(Order, Order.id == CoworkingTicket.order_id)
                    .where(
                        CoworkingTicket.seat_id == seat_id,
                        CoworkingTicket.period_start < end,
                        CoworkingTicket.period_end > start,
                        Order.status.not_in(CANCELLED),
                    )
                )
            )
        if form.typed is not None:
            phone_ok = form.phone[1] if form.phone[0] else form.typed.phone[1]
            email_value, email_ok = form.email if form.email[0] else form.typed.email
        else:
            phone_ok = form.phone[1] if form.phone[0] else bool(phone_of)
            email_value, email_ok = form.email if form.email[0] else (email_of, True)
        if form.method == "online_gateway" and not clean(email_value or "").strip():
            email_ok = False
        modifiers_ok = len(set(form.modifiers)) == len(form.modifiers) and all(
            m in ("locker", "printer") for m in form.modifiers
        )
        total = PRICES.get(form.tariff, 0) * form.quantity + sum(
            PRICES.get(m, 0) for m in form.modifiers
        )
        share = -(-total * PREPAYMENT_PERCENT // 100)
        kopecks = {
            "whole": total,
            "share": share,
            "below": share - 1,
            "over": total + 1,
            "left": total - MIN_REMAINING + 1,
        }.get(form.amount)
        amount_ok = kopecks is not None and (
            kopecks == total or share <= kopecks <= total - MIN_REMAINING
        )
        allowed = (
            actor in RENTAL_DESK
            and form.method in {m.value for m in DESK_METHODS}
            and form.variant in ("hot_desk", "fixed_seat")
            and modifiers_ok
            and amount_ok
            and -12 <= form.start_hours <= BOOKING_HORIZON.total_seconds() / 3600
            and form.service == "coworking"
            and end is not None
            and (customer_id is None) != (form.typed is None)
            and (form.typed.valid if form.typed else person is not None)
            and phone_ok
            and email_ok
            and seat_id in seats
            and not taken
        )
        request = CoworkingOrderRequest(
            service_id=service_id,
            tariff_id=tariff_id,
            start=start,
            quantity=form.quantity,
            seat_id=seat_id,
            payment_method=form.method,
            customer_id=customer_id,
            new_customer=form.typed.person() if form.typed else None,
            phone=form.phone[0],
            email=form.email[0],
            variant=form.variant,
            modifier_ids=tuple(world.tariffs.get(m, 2**31) for m in form.modifiers),
        )
        amount = "junk" if kopecks is None else f"{kopecks // 100}.{kopecks % 100:02d}"

        def check(s, sale):
            order = s.scalar(sa.select(Order).where(Order.number == sale.order_number))
            ticket = s.scalar(
                sa.select(CoworkingTicket).where(CoworkingTicket.number == sale.ticket_number)
            )
            assert ticket.order_id == order.id
            assert (ticket.seat_id, ticket.period_start, ticket.period_end) == (seat_id, start, end)
            assert (ticket.variant, len(ticket.modifiers)) == (form.variant, len(form.modifiers))
            assert (order.total_kopecks, order.paid_kopecks) == (total, kopecks)
            assert order.status == ("confirmed" if kopecks == total else "confirmed_balance_due")

        run_action(
            db,
            lambda s: sell_coworking(s, actors[actor], request, amount, uuid.uuid4().hex, desk.now),
            allowed,
            check,
            ("order.create_coworking", "order.record_payment"),
        )

    OUTCOMES.clear()
    run()
    assert_both_outcomes_were_seen()


# --- event check-in (SPEC §4.10) ------------------------------------------------------------------

EVENT_TICKET_NAMES = ("expected", "checked_in", "cancelled", "unpaid", "other_event")


def test_event_check_in_and_its_revert_happen_exactly_when_the_rules_allow(
    db, world, actors, staff_ids
):
    windows = itertools.count()
    admin_id = staff_ids["admin@parkdesk.local"]

    @DESK
    @given(
        revert=st.booleans(),
        # Weighted towards what may succeed, so that 200 examples see it done often enough.
        actor=st.sampled_from(["events", "events", "events", "admin", "rental", "accounting"]),
        event_name=st.sampled_from(["event"] * 5 + ["other", "other", 0, -1, 2**31, 2**40]),
        ticket=st.sampled_from(EVENT_TICKET_NAMES),
        by=st.sampled_from(["number", "token", "padded", "junk"]),
        junk=st.one_of(HOSTILE_TEXT, st.sampled_from(["0", "1" * 19, "9" * 18, "²"])),
        junk_number=st.sampled_from([0, -1, 10**18, 999_999]),
    )
    def run(revert, actor, event_name, ticket, by, junk, junk_number):
        desk = build_desk(db, world, admin_id, next(windows), events=True)
        event_id = desk.events.get(event_name, event_name)
        number = desk.event_tickets[ticket]
        code = {
            "number": str(number),
            "token": desk.tokens[ticket],
            "padded": f"  {number}\n",
            "junk": junk,
        }[by]
        real = by != "junk"
        if revert:
            number_arg = number if real else junk_number
            allowed = actor in EVENT_DESK and real and ticket == "checked_in"
        else:
            at_its_event = {"expected": "event", "other_event": "other"}.get(ticket)
            allowed = actor in EVENT_DESK and real and event_name == at_its_event

        def call(s):
            if revert:
                return revert_check_in(s, actors[actor], number_arg, desk.now)
            return check_in(s, actors[actor], event_id, code, desk.now)

        def check(s, result):
            assert result.ticket_number == number
            made = s.scalar(sa.select(EventTicket).where(EventTicket.number == number))
            if revert:
                assert made.checked_in_at is None and made.checked_in_by_id is None
            else:
                assert made.checked_in_at == desk.now
                assert made.checked_in_by_id == actors[actor].id

        run_action(
            db,
            call,
            allowed,
            check,
            "event_ticket.revert_check_in" if revert else "event_ticket.check_in",
        )

    OUTCOMES.clear()
    run()
    assert_both_outcomes_were_seen()
