"""The schema: migrations, constraints and the derived ticket status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from dashboard import create_app, schema
from dashboard.__main__ import main as cli
from dashboard.config import Config
from models import (
    Base,
    Building,
    CoworkingTicket,
    Order,
    Payment,
    Person,
    Room,
    Seat,
    Service,
    Tariff,
    person_search_text,
)
from models.statuses import (
    CANCELLED_STATUSES,
    NEW_STATUSES,
    OrderStatus,
    TicketStatus,
    ticket_status_condition,
    ticket_status_expression,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_the_migration_matches_the_models(db):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_init_db_builds_the_schema_on_an_empty_database_and_twice_is_harmless(
    tmp_path, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli(["init-db"]) == 0
    assert cli(["init-db"]) == 0
    engine = sa.create_engine(url)
    assert set(Base.metadata.tables) <= set(sa.inspect(engine).get_table_names())
    assert schema.current_revision(engine) == schema.head_revision()


def test_the_app_refuses_a_database_without_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with pytest.raises(schema.SchemaBehind, match="python -m dashboard init-db"):
        create_app(Config(database_url=url, secret_key="k"))


def test_the_app_refuses_a_database_behind_the_code(database_url):
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    try:
        with pytest.raises(schema.SchemaBehind, match="revision 0000"):
            create_app(Config(database_url=database_url, secret_key="k"))
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                f"UPDATE alembic_version SET version_num = '{schema.head_revision()}'"
            )
        engine.dispose()


@pytest.fixture
def catalogue(db):
    """One coworking seat, a service with a tariff, and a customer."""
    with db.write() as session:
        building = Building(name="Корпус А")
        room = Room(building=building, name="Open Space", kind="coworking", capacity=2)
        seat = Seat(room=room, number=1)
        service = Service(name="Коворкинг", type="coworking")
        tariff = Tariff(service=service, name="День", unit="day", price_kopecks=150_000)
        person = Person(
            last_name="Иванов", first_name="Пётр", search_text=person_search_text("Иванов", "Пётр")
        )
        session.add_all([seat, tariff, person])
        session.flush()
        return {"seat": seat.id, "service": service.id, "tariff": tariff.id, "person": person.id}


def _order(catalogue, number: int = 1, status: str = "new", total: int = 100_000, **kw) -> Order:
    return Order(
        number=number,
        service_id=catalogue["service"],
        customer_id=catalogue["person"],
        status=status,
        total_kopecks=total,
        **kw,
    )


def _refused(db, *rows) -> None:
    with pytest.raises(IntegrityError), db.write() as session:
        session.add_all(rows)
        session.flush()


def test_a_negative_total_is_refused(db, catalogue):
    _refused(db, _order(catalogue, total=-1))


def test_paid_above_the_total_is_refused(db, catalogue):
    _refused(db, _order(catalogue, total=100, paid_kopecks=101))


def test_a_negative_payment_amount_is_refused(db, catalogue):
    with db.write() as session:
        order = _order(catalogue)
        session.add(order)
        session.flush()
        order_id = order.id
    _refused(db, Payment(order_id=order_id, amount_kopecks=-500, method="cash", paid_at=NOW))
    _refused(db, Payment(order_id=order_id, amount_kopecks=0, method="cash", paid_at=NOW))


def test_a_duplicate_order_number_is_refused(db, catalogue):
    with db.write() as session:
        session.add(_order(catalogue, number=7))
    _refused(db, _order(catalogue, number=7))


def test_an_unknown_status_is_refused(db, catalogue):
    _refused(db, _order(catalogue, status="shipped"))


def test_an_unknown_payment_method_is_refused(db, catalogue):
    with db.write() as session:
        order = _order(catalogue)
        session.add(order)
        session.flush()
        order_id = order.id
    _refused(db, Payment(order_id=order_id, amount_kopecks=100, method="bitcoin", paid_at=NOW))


def test_a_duplicate_ticket_number_and_an_empty_period_are_refused(db, catalogue):
    with db.write() as session:
        order = _order(catalogue)
        session.add(order)
        session.flush()
        base = dict(
            order_id=order.id,
            visitor_id=catalogue["person"],
            seat_id=catalogue["seat"],
            tariff_id=catalogue["tariff"],
        )
        session.add(
            CoworkingTicket(number=1, period_start=NOW, period_end=NOW + timedelta(hours=1), **base)
        )
    _refused(
        db,
        CoworkingTicket(
            number=1,
            period_start=NOW,
            period_end=NOW + timedelta(hours=2),
            order_id=base["order_id"],
            visitor_id=base["visitor_id"],
            seat_id=base["seat_id"],
            tariff_id=base["tariff_id"],
        ),
    )
    _refused(db, CoworkingTicket(number=2, period_start=NOW, period_end=NOW, **base))


def _expected(status: OrderStatus, when: str) -> TicketStatus:
    """SPEC §3 as seed 004 and §9.1 read it: done once the order is done."""
    if status in CANCELLED_STATUSES:
        return TicketStatus.CANCELLED
    if status in NEW_STATUSES:
        return TicketStatus.NEW
    if status == OrderStatus.DONE:
        return TicketStatus.DONE
    # Over but the order not done yet (seed 004: done = period over and order done).
    return {
        "before": TicketStatus.CONFIRMED,
        "inside": TicketStatus.ACTIVE,
        "after": TicketStatus.CONFIRMED,
    }[when]


PERIODS = {
    "before": (NOW + timedelta(days=1), NOW + timedelta(days=2)),
    "inside": (NOW - timedelta(hours=1), NOW + timedelta(hours=1)),
    "after": (NOW - timedelta(days=2), NOW - timedelta(days=1)),
}


def test_the_derived_ticket_status_follows_spec_for_every_order_status_and_period(db, catalogue):
    cases = [(status, when) for status in OrderStatus for when in PERIODS]
    with db.write() as session:
        for number, (status, when) in enumerate(cases, start=1):
            order = _order(catalogue, number=number, status=status.value)
            session.add(order)
            session.flush()
            start, end = PERIODS[when]
            # Each on its own seat-free timeline: the rule under test ignores seats.
            session.add(
                CoworkingTicket(
                    number=number,
                    order_id=order.id,
                    visitor_id=catalogue["person"],
                    seat_id=catalogue["seat"],
                    tariff_id=catalogue["tariff"],
                    period_start=start,
                    period_end=end,
                )
            )
    status_sql = ticket_status_expression(
        Order.status, CoworkingTicket.period_start, CoworkingTicket.period_end, NOW
    )
    with db.read() as session:
        rows = session.execute(
            sa.select(CoworkingTicket.number, status_sql)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .order_by(CoworkingTicket.number)
        ).all()
        derived = {number: status for number, status in rows}
        confirmed_count = session.scalar(
            sa.select(sa.func.count())
            .select_from(CoworkingTicket)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(status_sql == TicketStatus.CONFIRMED.value)
        )
        grouped = dict(
            session.execute(
                sa.select(status_sql, sa.func.count())
                .select_from(CoworkingTicket)
                .join(Order, Order.id == CoworkingTicket.order_id)
                .group_by(status_sql)
            ).all()
        )
        # The sargable form used by the lists selects exactly the same tickets.
        for chosen in ([s.value] for s in TicketStatus):
            condition = ticket_status_condition(
                chosen, Order.status, CoworkingTicket.period_start, CoworkingTicket.period_end, NOW
            )
            selected = set(
                session.scalars(
                    sa.select(CoworkingTicket.number)
                    .join(Order, Order.id == CoworkingTicket.order_id)
                    .where(condition)
                )
            )
            assert selected == {n for n, s in derived.items() if s == chosen[0]}, chosen
    expected = {n: _expected(status, when).value for n, (status, when) in enumerate(cases, start=1)}
    assert derived == expected
    assert confirmed_count == sum(1 for v in expected.values() if v == "confirmed")
    assert sum(grouped.values()) == len(cases)
    assert set(grouped) == {s.value for s in TicketStatus}
