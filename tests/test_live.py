"""The change log and the revision open pages poll (SPEC §9.3 "Live"), on SQLite and
PostgreSQL: writes record their changes in their own transaction, the revision moves
with every commit (also one committed out of id order on PostgreSQL), old changes
are pruned, and an action from a stale page is refused in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import Change, CoworkingTicket, Order
from services import live, tickets
from services.errors import DomainError
from services.payments import record_payment
from tests.factories import NOW


def changes(db) -> list[tuple[str, int | None, int | None]]:
    with db.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                sa.select(Change.entity, Change.entity_id, Change.order_id).order_by(Change.id)
            )
        ]


def token(db) -> str:
    with db.read() as session:
        return live.revision(session).token


def coworking(db, world) -> tuple[int, int]:
    """A confirmed coworking order with its ticket: (ticket number, order id)."""
    with db.write() as session:
        world.session = session
        number = world.coworking(
            "confirmed_balance_due", start=NOW - timedelta(hours=1), paid=50_000
        )
        order_id = session.scalar(
            sa.select(CoworkingTicket.order_id).where(CoworkingTicket.number == number)
        )
    return number, order_id


def test_a_write_records_its_changes_in_its_own_transaction(db, world, actors):
    number, order_id = coworking(db, world)
    before = changes(db)
    with db.write() as session:
        tickets.validate(session, actors["rental"], number, NOW)
    with db.read() as session:
        ticket_id = session.scalar(
            sa.select(CoworkingTicket.id).where(CoworkingTicket.number == number)
        )
    assert changes(db)[len(before) :] == [("coworking_tickets", ticket_id, order_id)]


def test_a_rolled_back_write_leaves_no_change(db, world, actors):
    number, _order_id = coworking(db, world)
    before, revision = changes(db), token(db)
    with pytest.raises(RuntimeError), db.write() as session:
        tickets.validate(session, actors["rental"], number, NOW)
        session.flush()
        raise RuntimeError("the request fails after the write")
    assert changes(db) == before
    assert token(db) == revision


def test_audit_entries_and_logins_record_no_change(db, world, actors):
    coworking(db, world)
    recorded = {entity for entity, _id, _order in changes(db)}
    assert "audit_entries" not in recorded and "login_attempts" not in recorded
    assert {"orders", "coworking_tickets", "seats", "persons"} <= recorded


def test_the_revision_moves_with_each_commit_and_lists_what_changed(db, world, actors):
    _number, order_id = coworking(db, world)
    first = token(db)
    with db.read() as session:
        assert live.changes_since(session, first).keys == []
    with db.write() as session:
        result = record_payment(
            session, actors["rental"], _order_number(session, order_id), "100", "cash", "k1", NOW
        )
    assert result.payment_id
    second = token(db)
    assert second != first
    with db.read() as session:
        delta = live.changes_since(session, first)
    assert delta.token == second
    keys = [key[:3] for key in delta.keys]
    assert ("orders", order_id, order_id) in keys
    assert ("payments", result.payment_id, order_id) in keys
    last = int(second.split(".")[0])
    assert ("orders", order_id, last) in delta.scopes() or ("payments", order_id, last) in (
        delta.scopes()
    )
    assert all(change_id <= last for _table, _order, change_id in delta.scopes())


def _order_number(session, order_id: int) -> int:
    return session.scalar(sa.select(Order.number).where(Order.id == order_id))


def test_an_unknown_revision_means_everything(db, world):
    coworking(db, world)
    with db.read() as session:
        assert live.changes_since(session, "garbage").everything
        assert live.changes_since(session, None).everything
        assert live.changes_since(session, "999999.1").everything


def test_more_changes_than_a_page_can_take_mean_everything(db):
    with db.read() as session:
        start = live.revision(session).token
    with db.write() as session:
        for n in range(live.KEYS_LIMIT + 1):
            live.touch(session, "persons", n + 1)
    with db.read() as session:
        assert live.changes_since(session, start).everything


def test_a_core_write_is_recorded_by_touch(db):
    with db.write() as session:
        live.touch(session, "persons")
        live.touch(session, "audit_entries")
    assert changes(db)[-1] == ("persons", None, None)


def test_pruning_forgets_old_changes_but_keeps_the_window_the_revision_counts(db):
    with db.write() as session:
        session.execute(
            sa.insert(Change),
            [
                {"at": NOW - timedelta(days=3), "entity": "persons", "entity_id": n}
                for n in range(live.WINDOW + 50)
            ],
        )
        session.execute(sa.insert(Change), [{"at": NOW, "entity": "persons", "entity_id": 1}])
    revision = token(db)
    with db.write() as session:
        assert live.prune(session, NOW) == 51
    assert token(db) == revision
    with db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Change)) == live.WINDOW
        assert live.changes_since(session, revision).keys == []


def test_an_action_on_a_page_that_went_stale_is_refused_in_words(db, world, actors):
    number, order_id = coworking(db, world)
    with db.read() as session:
        seen = live.mark(session, order_id)
    with db.write() as session:  # another manager pays meanwhile
        record_payment(
            session, actors["rental"], _order_number(session, order_id), "100", "cash", "k", NOW
        )
    with pytest.raises(live.StaleError) as refused, db.write() as session:
        live.unless_stale(
            session, order_id, seen, lambda s: tickets.validate(s, actors["rental"], number, NOW)
        )
    assert "Someone changed this record" in str(refused.value)
    assert isinstance(refused.value, DomainError)
    with db.read() as session:
        assert tickets.get_ticket(session, number, NOW).validated_at is None
        fresh = live.mark(session, order_id)
    with db.write() as session:  # the refreshed page's action goes through
        live.unless_stale(
            session, order_id, fresh, lambda s: tickets.validate(s, actors["rental"], number, NOW)
        )
    with db.read() as session:
        assert tickets.get_ticket(session, number, NOW).validated_at == NOW
        assert not live.is_stale(session, order_id, live.mark(session, order_id))


def test_an_action_on_a_current_page_is_not_refused_by_its_own_writes(db, world, actors):
    number, order_id = coworking(db, world)
    with db.read() as session:
        seen = live.mark(session, order_id)
    with db.write() as session:
        live.unless_stale(
            session, order_id, seen, lambda s: tickets.validate(s, actors["rental"], number, NOW)
        )
        session.flush()  # a second flush after the action: the guard is gone
    with db.read() as session:
        assert live.is_stale(session, order_id, seen)


@pytest.mark.postgres
def test_a_change_committed_out_of_id_order_on_postgres_moves_the_revision(db, world):
    """Transaction A takes change id n, B takes n+1 and commits first; a poller that
    saw B must still see A's later commit."""
    with db.engine.connect() as a, db.engine.connect() as b:
        ta = a.begin()
        a.execute(sa.insert(Change), [{"at": NOW, "entity": "orders", "entity_id": 1}])
        tb = b.begin()
        b.execute(sa.insert(Change), [{"at": NOW, "entity": "orders", "entity_id": 2}])
        tb.commit()
        with db.read() as session:
            after_b = live.revision(session)
            assert live.changes_since(session, after_b.token).keys == []
        ids = sorted(a.execute(sa.select(Change.id).where(Change.entity == "orders")).scalars())
        assert ids[0] < after_b.last  # A's id is below the one the poller saw
        ta.commit()
    with db.read() as session:
        after_a = live.revision(session)
        assert after_a.token != after_b.token
        assert after_a.last == after_b.last
        assert live.changes_since(session, after_b.token).everything
