"""The deadline of a service order (issue 16, point 8): who sets it, what is refused in
both languages, the audit with before and after, and the overdue filter it feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import AuditEntry, Order
from services import deadlines
from services.errors import PermissionDenied
from services.order_list import OrderFilters, list_orders
from services.overview import overview
from tests.factories import NOW, READER
from tests.test_rules import make, refused

ZONE = "Europe/Moscow"


def _set(db, actor, number, value):
    with db.write() as session:
        return deadlines.set_deadline(session, actor, number, value, ZONE, NOW)


def test_the_service_manager_sets_changes_and_clears_a_deadline_audited(db, actors, world):
    number = make(db, world, lambda w: w.order("request", "in_progress"))
    assert _set(db, actors["service"], number, "2026-03-12T15:00") == datetime(
        2026, 3, 12, 12, 0, tzinfo=UTC
    )
    assert _set(db, actors["admin"], number, "2026-03-13T09:30") == datetime(
        2026, 3, 13, 6, 30, tzinfo=UTC
    )
    assert _set(db, actors["admin"], number, "") is None
    with db.read() as session:
        entries = session.execute(
            select(AuditEntry.before, AuditEntry.after)
            .where(AuditEntry.action == "order.deadline")
            .order_by(AuditEntry.id)
        ).all()
        deadline = session.scalar(select(Order.deadline).where(Order.number == number))
    assert deadline is None
    assert [(b["deadline"], a["deadline"]) for b, a in entries] == [
        (None, "2026-03-12T12:00:00+00:00"),
        ("2026-03-12T12:00:00+00:00", "2026-03-13T06:30:00+00:00"),
        ("2026-03-13T06:30:00+00:00", None),
    ]


def test_the_same_deadline_again_writes_no_audit(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "new"))
    _set(db, actors["service"], number, "2026-03-12T15:00")
    _set(db, actors["service"], number, "2026-03-12T15:00")
    with db.read() as session:
        ids = session.scalars(select(AuditEntry.id).where(AuditEntry.action == "order.deadline"))
        count = len(ids.all())
    assert count == 1


def test_a_deadline_that_is_no_moment_is_refused_in_both_languages(db, actors, world):
    number = make(db, world, lambda w: w.order("goods", "new"))
    for value in ("tomorrow", "2026-13-01T10:00", "0001-01-01T00:00", ["2026-03-12"], 12):
        refused(
            db,
            lambda s, v=value: deadlines.set_deadline(s, actors["service"], number, v, ZONE, NOW),
            en="Enter the deadline as a date and time.",
            ru="Укажите срок: дату и время.",
        )


def test_a_booked_order_has_no_deadline(db, actors, world):
    number = make(db, world, lambda w: w.order("coworking", "new"))
    refused(
        db,
        lambda s: deadlines.set_deadline(s, actors["admin"], number, "2026-03-12T10:00", ZONE, NOW),
        en="A deadline is for simple services, requests and goods orders.",
        ru="Срок задается только для заказов услуг, заявок и товаров.",
    )


def test_a_closed_order_keeps_its_deadline(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "done"))
    refused(
        db,
        lambda s: deadlines.set_deadline(
            s, actors["service"], number, "2026-03-12T10:00", ZONE, NOW
        ),
        en="A done or cancelled order keeps its deadline.",
        ru="У выполненного или отмененного заказа срок не меняется.",
    )


def test_only_the_service_manager_and_admin_set_a_deadline(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "new"))
    for role in ("rental", "events", "exec", "accounting"):
        refused(
            db,
            lambda s, who=actors[role]: deadlines.set_deadline(
                s, who, number, "2026-03-12T10:00", ZONE, NOW
            ),
            kind=PermissionDenied,
            en="Your role may not do this.",
        )


def test_service_orders_past_their_deadline_and_not_finished_are_overdue(db, world):
    past, future = NOW - timedelta(hours=1), NOW + timedelta(hours=1)

    def build(w):
        return {
            w.order("simple", "in_progress", deadline=past).number: True,
            w.order("request", "new", deadline=past).number: True,
            w.order("goods", "in_progress", deadline=future).number: False,
            w.order("simple", "done_awaiting_confirmation", deadline=past).number: False,
            w.order("simple", "done", deadline=past).number: False,
            w.order("simple", "cancelled", deadline=past).number: False,
            w.order("simple", "new").number: False,
        }

    expected = make(db, world, build)
    with db.read() as session:
        rows, count, _ = list_orders(
            session, READER, OrderFilters.parse({"overdue": "1"}), {}, ZONE, now=NOW
        )
        figures = overview(session, READER, NOW, ZONE)
    assert sorted(r.number for r in rows) == sorted(n for n, late in expected.items() if late)
    assert count == figures.overdue == 2
    assert {r.deadline for r in rows} == {past}
