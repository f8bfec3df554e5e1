"""The demo data generator: deterministic, consistent with the rules, and never
written over existing data."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased

import demo
from dashboard import schema
from dashboard.__main__ import main as cli
from dashboard.db import Database
from demo.generator import SeedSummary
from demo.staff import DEMO_PASSWORD
from models import (
    Base,
    CoworkingTicket,
    Event,
    EventTicket,
    Order,
    OrderItem,
    Payment,
    Person,
    Service,
    StaffUser,
)
from models.statuses import (
    OrderStatus,
    PaymentKind,
    Role,
    ServiceType,
    TicketStatus,
    ticket_status_expression,
)
from services import staff
from services.errors import DomainError
from tests.conftest import demo_today

ORDERS = 3000
DAY = date(2025, 6, 18)
# The whole seeded database (``_digest`` of ``_snapshot``) for ORDERS orders, seed 3,
# the year ending on DAY. Taken from services/demo.py at a1c79ed, before the move to
# demo/; a change to the generator that is meant to change its rows must update it.
# Updated for the invoices (0008): every order row has an invoice number and time, set
# on the orders whose invoice is issued. Updated for the ends of orders (issue 16): past
# booked orders done (a few owing), some refunds pending with a first part paid back;
# for the people's phone key (0009), which the schema derives from the phone; for
# readable service details (SPEC §9.1): forms of simple services and requests may carry
# the wanted date and time and what to bring; goods orders their ready time; for the
# desk sale: coworking modifiers sold as piece tariffs, tickets with variant codes; and
# for the catalog (0010): buildings, rooms, seats and tariffs in use, seats not yet
# placed, rooms open round the clock; and the running totals of 0011 (order_tallies);
# and the ledger's sums by quarter-hour of 0012 (payment_quarters); each order's last
# ticket end (0013, orders.tickets_end); and the notifications table (0016), which the
# demo leaves empty: its name alone is new in the digest, every row is as before; and
# each event's tickets sold and checked in (0018): without those two columns the digest
# is still a1c0f4c0…; and whether each coworking ticket is sold (0020): without that
# column it is still 83d9f0d0….
GOLDEN_DIGEST = "8ed2b573c7857c73472e2e2435f11be4c1c25b73817e8dfd297e29193671a293"


@pytest.fixture
def seeded(db: Database) -> Database:
    """The test database with a small demo year ending today."""
    demo.seed(db.engine, orders=ORDERS, seed=3, today=demo_today())
    return db


def _snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key; password hashes left out
    because argon2 salts them at random, and the change log (models/changes.py): it
    says what was written when, for open pages, and is no data of the house."""
    engine = sa.create_engine(url)
    snapshot = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name == "changes":
                continue
            columns = [c for c in table.columns if c.name != "password_hash"]
            query = sa.select(*columns).order_by(*table.primary_key.columns)
            snapshot[table.name] = [tuple(row) for row in connection.execute(query)]
    engine.dispose()
    return snapshot


def _canonical(value: object) -> object:
    """Times as UTC ISO text and JSON with sorted keys: the same rows give the same
    text on SQLite and PostgreSQL."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _digest(snapshot: dict[str, list[tuple]]) -> str:
    """sha256 of the snapshot as text: tables by name, each row's ``repr`` on a line."""
    digest = hashlib.sha256()
    for table in sorted(snapshot):
        digest.update(f"{table}\n".encode())
        for row in snapshot[table]:
            digest.update(f"{tuple(_canonical(v) for v in row)!r}\n".encode())
    return digest.hexdigest()


def _seeded_file(path: Path, seed: int) -> str:
    url = f"sqlite:///{path}"
    schema.upgrade(url)
    engine = sa.create_engine(url)
    demo.seed(engine, orders=2000, seed=seed, today=DAY)
    engine.dispose()
    return url


def _row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def test_same_seed_and_day_give_the_same_rows(tmp_path: Path) -> None:
    first = _snapshot(_seeded_file(tmp_path / "a.sqlite3", seed=7))
    second = _snapshot(_seeded_file(tmp_path / "b.sqlite3", seed=7))
    other = _snapshot(_seeded_file(tmp_path / "c.sqlite3", seed=8))

    assert first == second
    assert len(first["orders"]) == 2000
    assert all(
        first[table]
        for table in (
            "persons",
            "payments",
            "messages",
            "event_tickets",
            "coworking_tickets",
            "hotel_bookings",
            "room_bookings",
        )
    )
    assert first["orders"] != other["orders"]
    assert first["persons"] != other["persons"]


def test_the_generator_writes_exactly_the_golden_rows(db: Database) -> None:
    """Every row of every table, on SQLite and PostgreSQL alike, is what the generator
    wrote before it moved out of services/ (see GOLDEN_DIGEST)."""
    demo.seed(db.engine, orders=ORDERS, seed=3, today=DAY)

    assert _digest(_snapshot(db.url)) == GOLDEN_DIGEST


def test_no_two_tickets_ever_hold_a_seat_at_the_same_time(seeded: Database) -> None:
    other = aliased(CoworkingTicket)
    overlapping = (
        sa.select(CoworkingTicket.number, other.number)
        .join(
            other, sa.and_(other.seat_id == CoworkingTicket.seat_id, other.id > CoworkingTicket.id)
        )
        .where(
            CoworkingTicket.period_start < other.period_end,
            other.period_start < CoworkingTicket.period_end,
        )
    )
    with seeded.read() as session:
        assert session.execute(overlapping).all() == []
        assert session.scalar(sa.select(sa.func.count()).select_from(CoworkingTicket)) > 0


def test_paid_is_the_ledger_sum_and_never_exceeds_the_total(seeded: Database) -> None:
    signed = sa.case(
        (Payment.kind == PaymentKind.REFUND.value, -Payment.amount_kopecks),
        else_=Payment.amount_kopecks,
    )
    ledger = (
        sa.select(Payment.order_id, sa.func.sum(signed).label("paid"))
        .group_by(Payment.order_id)
        .subquery()
    )
    items = (
        sa.select(OrderItem.order_id, sa.func.sum(OrderItem.amount_kopecks).label("total"))
        .group_by(OrderItem.order_id)
        .subquery()
    )
    with seeded.read() as session:
        orders = session.execute(
            sa.select(
                Order.number,
                Order.status,
                Order.total_kopecks,
                Order.paid_kopecks,
                sa.func.coalesce(ledger.c.paid, 0),
                items.c.total,
                Service.min_remaining_kopecks,
            )
            .join(Service, Service.id == Order.service_id)
            .outerjoin(ledger, ledger.c.order_id == Order.id)
            .outerjoin(items, items.c.order_id == Order.id)
        ).all()
        bad_items = session.scalar(
            sa.select(sa.func.count())
            .select_from(OrderItem)
            .where(OrderItem.amount_kopecks != OrderItem.quantity * OrderItem.unit_price_kopecks)
        )
        refund = aliased(Payment)
        stray_refunds = session.scalar(
            sa.select(sa.func.count())
            .select_from(refund)
            .outerjoin(Payment, Payment.id == refund.refund_of_id)
            .where(
                refund.kind == PaymentKind.REFUND.value,
                sa.or_(Payment.id.is_(None), Payment.order_id != refund.order_id),
            )
        )

    assert len(orders) == ORDERS
    assert bad_items == 0
    assert stray_refunds == 0
    for number, status, total, paid, ledger_sum, items_total, min_remaining in orders:
        assert paid == ledger_sum, number
        assert 0 <= paid <= total, number
        assert items_total == total, number
        if status == OrderStatus.CONFIRMED_BALANCE_DUE:
            assert paid > 0 and total - paid >= min_remaining, number
        elif status in (OrderStatus.CONFIRMED, OrderStatus.DONE):
            assert paid == total, number
        elif status not in (
            OrderStatus.CANCELLED_REFUND_PENDING,
            OrderStatus.IN_PROGRESS,
            OrderStatus.DONE_AWAITING_CONFIRMATION,
        ):
            assert paid == 0, number


def test_every_status_and_service_type_occurs(seeded: Database) -> None:
    now = datetime.now(UTC)
    ticket_status = ticket_status_expression(
        Order.status, CoworkingTicket.period_start, CoworkingTicket.period_end, now
    )
    with seeded.read() as session:
        statuses = set(session.scalars(sa.select(Order.status).distinct()))
        types = set(
            session.scalars(
                sa.select(Service.type).join(Order, Order.service_id == Service.id).distinct()
            )
        )
        ticket_statuses = set(
            session.scalars(
                sa.select(ticket_status)
                .select_from(CoworkingTicket)
                .join(Order, Order.id == CoworkingTicket.order_id)
                .distinct()
            )
        )
        future_events = session.scalar(
            sa.select(sa.func.count()).select_from(Event).where(Event.starts_at > now)
        )

    assert statuses == {s.value for s in OrderStatus}
    assert types == {t.value for t in ServiceType}
    assert ticket_statuses == {s.value for s in TicketStatus}
    assert future_events > 0


def test_check_ins_and_validations_only_where_they_could_have_happened(seeded: Database) -> None:
    cancelled = [
        s.value
        for s in (
            OrderStatus.CANCELLED,
            OrderStatus.CANCELLED_PAYMENT_FAILED,
            OrderStatus.CANCELLED_REFUND_PENDING,
            OrderStatus.CANCELLED_REFUNDED,
        )
    ]
    with seeded.read() as session:
        now = session.scalar(sa.select(sa.func.max(Order.created_at)))
        early_check_ins = session.scalar(
            sa.select(sa.func.count())
            .select_from(EventTicket)
            .join(Event, Event.id == EventTicket.event_id)
            .join(Order, Order.id == EventTicket.order_id)
            .where(
                EventTicket.checked_in_at.is_not(None),
                sa.or_(Event.starts_at > now, Order.status.in_(cancelled)),
            )
        )
        wrong_validations = session.scalar(
            sa.select(sa.func.count())
            .select_from(CoworkingTicket)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(
                CoworkingTicket.validated_at.is_not(None),
                sa.or_(CoworkingTicket.period_start > now, Order.status.in_(cancelled)),
            )
        )
        tokens = session.scalars(sa.select(EventTicket.qr_token)).all()
        oversold = session.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(Event.id)
                .join(EventTicket, EventTicket.event_id == Event.id)
                .group_by(Event.id, Event.capacity)
                .having(sa.func.count(EventTicket.id) > Event.capacity)
                .subquery()
            )
        )

    assert early_check_ins == 0
    assert wrong_validations == 0
    assert len(set(tokens)) == len(tokens) > 0
    assert min(len(token) for token in tokens) >= 22
    assert oversold == 0


def test_seeding_a_database_with_data_is_refused_and_writes_nothing(seeded: Database) -> None:
    before = _row_counts(seeded)

    with pytest.raises(DomainError, match="already has"):
        demo.seed(seeded.engine, orders=ORDERS, seed=4, today=DAY)

    assert _row_counts(seeded) == before


def test_a_database_with_staff_only_is_refused_too(db: Database, staff_ids: dict[str, int]) -> None:
    with pytest.raises(DomainError, match="staff accounts"):
        demo.seed(db.engine, orders=ORDERS, seed=3, today=DAY)

    counts = _row_counts(db)
    assert counts["staff_users"] == len(staff_ids)
    assert counts["orders"] == counts["persons"] == counts["services"] == 0


def test_demo_accounts_have_the_roles_of_the_spec(seeded: Database) -> None:
    expected = {
        "admin@parkdesk.local": Role.ADMIN,
        "rental@parkdesk.local": Role.RENTAL_MANAGER,
        "service@parkdesk.local": Role.SERVICE_MANAGER,
        "events@parkdesk.local": Role.EVENT_MANAGER,
        "exec@parkdesk.local": Role.EXECUTIVE,
        "accounting@parkdesk.local": Role.ACCOUNTANT,
    }
    with seeded.read() as session:
        for email, role in expected.items():
            member = staff.verify_credentials(session, email, DEMO_PASSWORD)
            assert member is not None and member.role == role.value, email
        executors = set(
            session.scalars(
                sa.select(StaffUser.role).join(Order, Order.executor_id == StaffUser.id).distinct()
            )
        )
    assert executors == {Role.SERVICE_MANAGER.value}


def test_the_app_can_add_rows_after_seeding(seeded: Database) -> None:
    """Seeded rows carry explicit ids; the database's own id generation must go on
    past them (PostgreSQL sequences do not notice explicit ids by themselves)."""
    with seeded.write() as session:
        person = Person(last_name="Новикова", first_name="Ирина", search_text="новикова ирина")
        session.add(person)
        session.flush()
        highest = session.scalar(sa.select(sa.func.max(Person.id)))
    assert person.id == highest


def test_seed_summary_describes_the_counts() -> None:
    summary = SeedSummary({"orders": 20_000, "coworking_tickets": 3_912})
    assert summary.describe() == "20,000 orders, 3,912 coworking tickets"


def test_too_small_a_demo_is_refused(db: Database) -> None:
    with pytest.raises(DomainError):
        demo.seed(db.engine, orders=10, seed=3, today=DAY)
    assert _row_counts(db)["staff_users"] == 0


def test_the_seed_command_fills_an_empty_database_once(
    database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert cli(["seed", "--orders", "200", "--seed", "2", "--quiet"]) == 0
    assert "Seeded 200 orders" in capsys.readouterr().out
    before = _row_counts(db)

    assert cli(["seed", "--orders", "200", "--quiet"]) == 1
    assert "Not seeded: The database already has orders" in capsys.readouterr().err
    assert _row_counts(db) == before


def test_progress_hears_of_every_order_written(db: Database) -> None:
    written: list[int] = []

    demo.seed(db.engine, orders=200, seed=2, today=DAY, progress=written.append)

    assert written and sum(written) == 200
