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
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, aliased

from models import AuditEntry, CoworkingTicket, Message, Order, Payment, Seat, Service
from models.statuses import CANCELLED_STATUSES, OrderStatus, PaymentKind
from services.errors import DomainError
from services.money import MAX_KOPECKS, parse_amount
from services.orders import cancel_order
from services.payments import PaymentLimits, ledger_sum, record_payment, refund_payment
from services.tickets import change_seat
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
    """The same payment form sent again (a double click, a retry), maybe to another order."""

    key: int
    order: str
    amount: Amount


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
    st.builds(Resubmit, st.integers(0, 20), ORDERS, AMOUNTS),
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

    @property
    def balance(self) -> int:
        return self.total - self.paid


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
        and (left == 0 or left >= order.min_remaining)
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
    order it returns the first result and writes nothing; on another order, or when the
    key was a refund's, it is refused."""
    if not scene.keys:
        return None, None
    key = scene.keys[step.key % len(scene.keys)]
    first = session.execute(
        sa.select(Payment.id, Payment.order_id, Payment.amount_kopecks, Payment.kind).where(
            Payment.idempotency_key == key
        )
    ).one()
    order = order_now(session, scene.orders[step.order])
    text, _ = step.amount.resolve(order.balance, order.min_remaining)
    same_order = first.order_id == order.id and first.kind == "payment"
    allowed = same_order and order.service_type in MONEY_ROLES["admin"]

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
    balance=st.integers(0, 2_000_000),
    minimum=st.integers(0, 10_000),
    kopecks=st.integers(1, 2_100_000),
)
def test_the_payment_limits_allow_exactly_the_amounts_that_leave_zero_or_the_minimum(
    balance, minimum, kopecks
):
    limits = PaymentLimits(balance, minimum)
    left = balance - kopecks
    allowed = balance > 0 and left >= 0 and (left == 0 or left >= minimum)
    assert (limits.refusal(kopecks) is None) == allowed
    # What the form offers is allowed: the whole balance, and anything up to max_partial.
    if balance > 0:
        assert limits.refusal(balance) is None
    if limits.max_partial > 0:
        assert limits.refusal(limits.max_partial) is None
        # One kopeck more leaves less than the minimum (or, for a minimum of 1 kopeck, 0 ₽).
        assert (limits.refusal(limits.max_partial + 1) is None) == (minimum == 1)
