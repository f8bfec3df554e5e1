"""The running totals (models.tallies, migration 0011) and each event's tickets sold and
checked in (migration 0018) stay exact: after any writes at all — inserts, updates and
deletes of orders, coworking tickets and event tickets in any order — and under real
concurrent payments, cancellations, status changes, assignments and check-ins, on both
databases. The reads built on them answer what a count over the orders answers."""

from __future__ import annotations

from datetime import timedelta

import hypothesis.strategies as st
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

import demo
from dashboard.__main__ import main as cli
from models import (
    CoworkingTicket,
    Event,
    EventTicket,
    Order,
    OrderItem,
    OrderTally,
    Payment,
    Service,
)
from models.statuses import OrderStatus, TicketStatus
from services import events, integrity, tallies
from services.errors import DomainError
from services.orders import assign_executor, cancel_order, change_work_status
from services.payments import record_payment
from services.workflow import OrderAction
from tests.conftest import demo_today
from tests.factories import NOW, actor
from tests.test_concurrency import all_at_once

STATUSES = [s.value for s in OrderStatus]
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# One write: (what, which row, a status, a service type, an executor, kopecks)
writes = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "order",
                "status",
                "pay",
                "total",
                "executor",
                "ticket",
                "untick",
                "move",
                "period",
                "drop",
                "event ticket",
                "check in",
                "event move",
                "event drop",
            ]
        ),
        st.integers(0, 50),
        st.sampled_from(STATUSES),
        st.sampled_from(["coworking", "simple", "request", "hotel"]),
        st.sampled_from([None, "admin", "service"]),
        st.integers(0, 300_000),
    ),
    min_size=1,
    max_size=25,
)


def _counted(session, where) -> tuple[int, int]:
    """What the register counted before the tallies: over the orders."""
    from services.order_list import DUE

    count, due = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(DUE), 0))
        .select_from(Order)
        .join(Service, Service.id == Order.service_id)
        .where(*where)
    ).one()
    return int(count), int(due)


@EXAMPLES
@given(steps=writes, data=st.data())
def test_the_tallies_stay_exact_whatever_is_written(db, world, staff_ids, steps, data):
    executors = {None: None, "admin": staff_ids["admin@parkdesk.local"]}
    executors["service"] = staff_ids["service@parkdesk.local"]
    with db.write() as session:
        world.session = session
        orders = session.scalars(sa.select(Order).order_by(Order.id)).all()
        tickets = session.scalars(sa.select(CoworkingTicket).order_by(CoworkingTicket.id)).all()
        event_ids = [world.event(NOW), world.event(NOW + timedelta(days=1))]
        passes = session.scalars(sa.select(EventTicket).order_by(EventTicket.id)).all()
        for what, which, status, kind, who, kopecks in steps:
            order = orders[which % len(orders)] if orders else None
            if what == "order" or order is None:
                total = kopecks
                orders.append(
                    world.order(
                        kind,
                        status,
                        total=total,
                        paid=min(total, kopecks // 2),
                        executor_id=executors[who],
                    )
                )
            elif what == "status":
                order.status = status
            elif what == "pay":
                order.paid_kopecks = min(order.total_kopecks, kopecks)
            elif what == "total":
                order.total_kopecks = max(order.paid_kopecks, kopecks)
            elif what == "executor":
                order.executor_id = executors[who]
            elif what == "ticket":
                start = NOW + timedelta(hours=which)
                tickets.append(_ticket(session, world, order, start))
            elif what == "untick" and tickets:
                session.delete(tickets.pop(which % len(tickets)))
            elif what == "move" and tickets:
                tickets[which % len(tickets)].order_id = order.id
            elif what == "period" and tickets:  # a ticket's period changes
                ticket = tickets[which % len(tickets)]
                ticket.period_end = ticket.period_start + timedelta(minutes=30 + kopecks % 600)
            elif what == "event ticket":
                passes.append(_event_ticket(session, world, order, event_ids[which % 2]))
            elif what == "check in" and passes:
                ticket = passes[which % len(passes)]
                checked = ticket.checked_in_at is None
                ticket.checked_in_at = NOW if checked else None
                ticket.checked_in_by_id = executors["admin"] if checked else None
            elif what == "event move" and passes:  # to another order, or another event
                ticket = passes[which % len(passes)]
                if kopecks % 2:
                    ticket.order_id = order.id
                else:
                    first, second = event_ids
                    ticket.event_id = second if ticket.event_id == first else first
            elif what == "event drop" and passes:
                session.delete(passes.pop(which % len(passes)))
            elif what == "drop" and not any(t.order_id == order.id for t in [*tickets, *passes]):
                for part in (Payment, OrderItem):
                    session.execute(sa.delete(part).where(part.order_id == order.id))
                session.delete(order)
                orders.remove(order)
            session.flush()
    with db.read() as session:
        assert tallies.recount(session) == []
        assert tallies.tickets_end_drift(session) == []
        assert tallies.event_tally_drift(session) == []
        assert tallies.sold_drift(session) == []
        statuses = data.draw(st.none() | st.sets(st.sampled_from(STATUSES), min_size=1))
        types = data.draw(st.none() | st.sets(st.sampled_from(["coworking", "simple"]), min_size=1))
        who = data.draw(st.sampled_from([None, "nobody", "admin"]))
        owing = data.draw(st.booleans())
        where = []
        if statuses is not None:
            where.append(Order.status.in_(statuses))
        if types is not None:
            where.append(Service.type.in_(types))
        if who == "nobody":
            where.append(Order.executor_id.is_(None))
        elif who == "admin":
            where.append(Order.executor_id == executors["admin"])
        if owing:
            from services.order_list import OUTSTANDING

            where.append(OUTSTANDING)
        totals = tallies.order_totals(
            session,
            statuses=statuses,
            types=types,
            executor={None: None, "nobody": 0, "admin": executors["admin"]}[who],
            owing_only=owing,
        )
        assert (totals.orders, totals.balance_due_kopecks) == _counted(session, where)


def _ticket(session, world, order, start) -> CoworkingTicket:
    ticket = CoworkingTicket(
        number=next(world._numbers),
        order_id=order.id,
        visitor_id=world.people[0],
        seat_id=world.seats[0],
        tariff_id=world.tariffs["hour"],
        period_start=start,
        period_end=start + timedelta(hours=1),
    )
    session.add(ticket)
    return ticket


def _event_ticket(session, world, order, event_id) -> EventTicket:
    ticket = EventTicket(
        number=next(world._numbers) + 800_000,
        order_id=order.id,
        event_id=event_id,
        attendee_id=world.people[0],
        qr_token=events.new_qr_token(),
    )
    session.add(ticket)
    return ticket


ACTIONS = ["pay", "cancel", "start", "finish", "complete", "assign", "unassign"]
# What each manager does at the same instant, and to which of eight orders.
moves_at_once = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 7)), min_size=4, max_size=8
)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    moves=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 7)), min_size=4, max_size=8)
)
def test_the_tallies_stay_exact_under_concurrent_work(db, moves):
    """Managers paying, cancelling, moving work on and assigning the same few orders at
    the same instant: whoever wins, the totals are what a recount finds."""
    if not _seeded(db):
        demo.seed(db.engine, orders=300, seed=5, today=demo_today())
    with db.read() as session:
        numbers = session.scalars(
            sa.select(Order.number)
            .where(Order.status.not_in(["done", "cancelled", "cancelled_refunded"]))
            .order_by(Order.number)
            .limit(8)
        ).all()
        admin = actor(session, "admin@parkdesk.local")
        executor = actor(session, "service@parkdesk.local").id

    def act(session, i: int) -> object:
        what, which = moves[i]
        number = numbers[which % len(numbers)]
        if what == "pay":
            order = session.scalar(sa.select(Order).where(Order.number == number))
            due = order.total_kopecks - order.paid_kopecks
            amount = f"{due // 100}.{due % 100:02d}"
            return record_payment(session, admin, number, amount, "cash", f"t-{i}-{number}", NOW)
        if what == "cancel":
            return cancel_order(session, admin, number, NOW)
        if what in ("assign", "unassign"):
            return assign_executor(
                session, admin, number, executor if what == "assign" else None, NOW
            )
        action = {
            "start": OrderAction.START_WORK,
            "finish": OrderAction.FINISH_WORK,
            "complete": OrderAction.COMPLETE,
        }[what]
        return change_work_status(session, admin, number, action, NOW)

    _all_at_once(db, len(moves), act)
    with db.read() as session:
        assert tallies.recount(session) == []
        assert tallies.sold_drift(session) == []


DOOR_MOVES = ["check in", "undo", "cancel"]
# What each door or manager does at the same instant, and to which of four tickets.
door_rush = st.lists(
    st.tuples(st.sampled_from(DOOR_MOVES), st.integers(0, 3)), min_size=4, max_size=8
)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(moves=door_rush)
def test_each_events_counts_stay_exact_under_concurrent_check_ins_and_cancellations(
    db, world, staff_ids, moves
):
    """Doors checking in, undoing check-ins and managers cancelling the same four tickets'
    orders at the same instant: whoever wins, each event's sold and checked in are what
    a count of its tickets finds."""
    with db.write() as session:
        world.session = session
        event_id = world.event(NOW)
        numbers = [world.event_ticket(event_id).number for _ in range(4)]
        first_in = world.event_ticket(event_id)  # checked in before the rush
        first_in.checked_in_at, first_in.checked_in_by_id = NOW, staff_ids["admin@parkdesk.local"]
        admin = actor(session, "admin@parkdesk.local")

    def act(session, i: int) -> object:
        what, which = moves[i]
        number = numbers[which]
        if what == "check in":
            return events.check_in(session, admin, event_id, str(number), NOW)
        if what == "undo":
            return events.revert_check_in(session, admin, number, NOW)
        order_id = session.scalar(
            sa.select(EventTicket.order_id).where(EventTicket.number == number)
        )
        order_number = session.scalar(sa.select(Order.number).where(Order.id == order_id))
        return cancel_order(session, admin, order_number, NOW)

    _all_at_once(db, len(moves), act)
    with db.read() as session:
        assert tallies.event_tally_drift(session) == []
        kept = session.execute(
            sa.select(Event.tickets_checked_in, Event.tickets_sold).where(Event.id == event_id)
        ).one()
        live = (
            sa.select(EventTicket)
            .join(Order, Order.id == EventTicket.order_id)
            .where(EventTicket.event_id == event_id, Order.status.not_in(sorted(tallies.CANCELLED)))
        )
        tickets = session.scalars(live).all()
        assert tuple(kept) == (sum(t.checked_in_at is not None for t in tickets), len(tickets))
        assert tuple(kept) == events.attendance(session, event_id)


def _all_at_once(db, count: int, act) -> None:
    """``act`` in ``count`` threads released together: each wrote, or the rules refused
    it (a DomainError, returned) — no deadlock, no error of the database."""

    def allowed_to_refuse(session, i: int) -> object:
        try:
            return act(session, i)
        except DomainError as refusal:  # nothing written
            return refusal

    outcomes = all_at_once(db, count, allowed_to_refuse)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]


def _seeded(db) -> bool:
    with db.read() as session:
        return bool(session.scalar(sa.select(sa.func.count()).select_from(Order)))


def test_the_tickets_count_by_status_matches_the_clock(db):
    demo.seed(db.engine, orders=600, seed=3, today=demo_today())
    from datetime import UTC, datetime, time

    from models.statuses import ticket_status_expression

    now = datetime.combine(demo_today(), time(11), UTC)
    with db.read() as session:
        status = ticket_status_expression(
            Order.status, CoworkingTicket.period_start, CoworkingTicket.period_end, now
        )
        counted = dict(
            session.execute(
                sa.select(status, sa.func.count())
                .select_from(CoworkingTicket)
                .join(Order, Order.id == CoworkingTicket.order_id)
                .group_by(status)
            ).all()
        )
        assert counted.get(TicketStatus.ACTIVE.value), "no ticket running at 11:00"
        every = [s.value for s in TicketStatus]
        for chosen in [[s] for s in every] + [every, [], ["active", "confirmed"], ["new", "done"]]:
            expected = sum(counted.get(s, 0) for s in (chosen or every))
            assert tallies.ticket_count(session, chosen, now) == expected, chosen


def test_check_finds_a_tally_that_drifted(database_url, db, monkeypatch, capsys):
    demo.seed(db.engine, orders=300, seed=2, today=demo_today())
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli(["check"]) == 0
    with db.write() as session:
        session.execute(
            sa.update(OrderTally)
            .where(OrderTally.status == OrderStatus.DONE.value)
            .values(orders=OrderTally.orders + 1)
        )
    with db.read() as session:
        assert any(
            f.check == "the running totals match a recount" for f in integrity.check(session)
        )
    assert cli(["check"]) == 1
    assert "the running totals match a recount" in capsys.readouterr().err


def test_check_finds_an_events_count_that_drifted(database_url, db, world, monkeypatch, capsys):
    with db.write() as session:
        world.session = session
        event_id = world.event(NOW)
        world.event_ticket(event_id)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli(["check"]) == 0
    with db.write() as session:
        session.execute(
            sa.update(Event)
            .where(Event.id == event_id)
            .values(tickets_checked_in=Event.tickets_checked_in + 1)
        )
    with db.read() as session:
        assert tallies.event_tally_drift(session) == [(event_id, (1, 1), (1, 0))]
    assert cli(["check"]) == 1
    assert "each event's tickets match a recount" in capsys.readouterr().err


def test_a_tickets_sold_follows_its_order_and_check_finds_one_that_drifted(
    database_url, db, world, monkeypatch, capsys
):
    """A new order's ticket is not sold; paid, it is; cancelled, it is not again; and
    ``check`` finds a ticket whose kept answer someone changed by hand."""

    def sold(number: int) -> bool:
        with db.read() as session:
            return session.scalar(
                sa.select(CoworkingTicket.sold).where(CoworkingTicket.number == number)
            )

    with db.write() as session:
        world.session = session
        number = world.coworking("new")
        other = world.coworking("confirmed", start=NOW + timedelta(days=3))
    assert (sold(number), sold(other)) == (False, True)
    for status, expected in (("confirmed", True), ("cancelled", False), ("new", False)):
        with db.write() as session:
            order_id = session.scalar(
                sa.select(CoworkingTicket.order_id).where(CoworkingTicket.number == number)
            )
            session.execute(sa.update(Order).where(Order.id == order_id).values(status=status))
        assert sold(number) is expected, status
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli(["check"]) == 0
    with db.write() as session:
        session.execute(
            sa.update(CoworkingTicket).where(CoworkingTicket.number == other).values(sold=False)
        )
    with db.read() as session:
        assert tallies.sold_drift(session) == [other]
    assert cli(["check"]) == 1
    assert "each coworking ticket is sold as its order says" in capsys.readouterr().err


@pytest.mark.postgres
def test_a_bulk_write_with_the_triggers_off_leaves_what_they_would_have(db):
    """PostgreSQL's tally, tickets_end and event count triggers are off inside
    ``bulk_write``: on the way out it sets every tickets_end a writer left wrong and counts
    the tallies and the events' tickets again."""
    demo.seed(db.engine, orders=300, seed=6, today=demo_today())
    with db.engine.begin() as connection, tallies.bulk_write(connection):
        connection.execute(sa.update(Order).values(tickets_end=None))
        connection.execute(sa.delete(OrderTally))
        connection.execute(sa.update(Event).values(tickets_sold=0, tickets_checked_in=0))
        connection.execute(sa.update(CoworkingTicket).values(sold=False))
        connection.execute(  # with the triggers on, these would change the events' counts
            sa.update(Order).where(Order.status == "confirmed").values(status="cancelled")
        )
    with db.read() as session:
        assert tallies.tickets_end_drift(session) == []
        assert session.scalar(sa.select(sa.func.count()).where(Order.tickets_end.is_not(None)))
        assert tallies.recount(session) == []
        assert tallies.event_tally_drift(session) == []
        assert session.scalar(sa.select(sa.func.sum(Event.tickets_sold)))
        assert tallies.sold_drift(session) == []
        assert session.scalar(sa.select(sa.func.count()).where(CoworkingTicket.sold))
