"""The ledger's sums by UTC quarter-hour (``payment_quarters``, kept by triggers) and the
figures read from them: the journal's count and sum, revenue by day, the overview's
revenue — each equal to the same figure counted from the ledger rows themselves."""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC, date, datetime, timedelta

import plotly.graph_objects as go
import pytest
import sqlalchemy as sa
from plotly.io.json import to_json_plotly

from dashboard import create_app
from models import Payment, PaymentQuarter
from pages import payments as payments_page
from services import balances, integrity
from services.balances import JournalFilters
from services.context import Actor
from services.overview import overview
from services.payments import signed_amount

RUB = 100
START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
METHODS = ("cash", "bank_card", "online_gateway")


def _ledger(session, start=None, end=None, methods=()) -> tuple[int, int]:
    conditions = []
    if start is not None:
        conditions.append(Payment.paid_at >= start)
    if end is not None:
        conditions.append(Payment.paid_at < end)
    if methods:
        conditions.append(Payment.method.in_(methods))
    count, kopecks = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(signed_amount()), 0)).where(
            *conditions
        )
    ).one()
    return int(count), int(kopecks)


def _findings(db) -> list:
    with db.read() as session:
        return [f for f in integrity.check(session) if f.check.startswith("payments by quarter")]


@pytest.fixture
def ledger(db, world) -> list[int]:
    """300 ledger rows over ten days, at any second (some on a quarter's first instant,
    some with fractions of a second), payments and refunds of three methods."""
    chance = random.Random(18)
    with db.write() as session:
        world.session = session
        order = world.order("simple", "confirmed", total=10_000_000 * RUB)
        for i in range(300):
            moment = START + timedelta(seconds=chance.randrange(10 * 86_400))
            if i % 10 == 0:
                moment = moment.replace(minute=moment.minute // 15 * 15, second=0)
            if i % 7 == 0:
                moment += timedelta(microseconds=chance.randrange(1, 1_000_000))
            session.add(
                Payment(
                    order_id=order.id,
                    kind="refund" if i % 9 == 0 else "payment",
                    amount_kopecks=chance.randrange(1, 50_000) * RUB,
                    method=METHODS[i % 3],
                    paid_at=moment,
                )
            )
        session.flush()
        return list(session.scalars(sa.select(Payment.id).order_by(Payment.id)))


def test_the_quarters_equal_a_recount_after_inserts_updates_and_deletes(db, ledger):
    assert _findings(db) == []
    with db.read() as session:
        assert _ledger(session) == (
            int(session.scalar(sa.select(sa.func.sum(PaymentQuarter.entries)))),
            int(session.scalar(sa.select(sa.func.sum(PaymentQuarter.kopecks)))),
        )
    with db.write() as session:
        session.execute(
            sa.update(Payment)
            .where(Payment.id.in_(ledger[:20]))
            .values(paid_at=START + timedelta(days=20, seconds=7), method="cash")
        )
        session.execute(
            sa.update(Payment).where(Payment.id.in_(ledger[20:30])).values(kind="refund")
        )
        session.execute(sa.delete(Payment).where(Payment.id.in_(ledger[30:60])))
    assert _findings(db) == []


def test_check_reports_quarters_that_drift_from_the_ledger(db, ledger):
    with db.write() as session:
        session.execute(
            sa.update(PaymentQuarter)
            .where(
                PaymentQuarter.quarter
                == sa.select(sa.func.min(PaymentQuarter.quarter)).scalar_subquery()
            )
            .values(kopecks=PaymentQuarter.kopecks + 1)
        )
    assert len(_findings(db)) == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (START, START + timedelta(days=10)),  # whole quarters
        (None, None),  # every row
        (START + timedelta(days=3), None),
        (None, START + timedelta(days=4, hours=5)),
        # Ends inside quarters: the parts are read from the ledger.
        (START + timedelta(hours=7, minutes=3), START + timedelta(days=6, seconds=1)),
        (START + timedelta(hours=7, seconds=1), START + timedelta(hours=7, minutes=14)),
        (START + timedelta(hours=7, minutes=14), START + timedelta(hours=7, minutes=16)),
        (START + timedelta(microseconds=1), START + timedelta(days=9, microseconds=1)),
    ],
)
@pytest.mark.parametrize("methods", [(), ("cash",), ("bank_card", "online_gateway")])
def test_ledger_totals_equal_the_rows_of_any_period(db, ledger, start, end, methods):
    with db.read() as session:
        assert balances.ledger_totals(session, start, end, methods) == _ledger(
            session, start, end, methods
        )


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Kathmandu", "America/St_Johns", "UTC"])
def test_the_journal_count_and_sum_of_local_days_equal_the_rows(db, ledger, zone):
    filters = JournalFilters(date(2026, 3, 2), date(2026, 3, 5), ("cash", "bank_card"))
    with db.read() as session:
        found = balances.list_journal(session, filters, {"startRow": 0, "endRow": 10}, zone)
        start = balances.day_start(date(2026, 3, 2), balances.ZoneInfo(zone))
        end = balances.day_start(date(2026, 3, 6), balances.ZoneInfo(zone))
        assert (found.count, found.kopecks) == _ledger(session, start, end, filters.methods)


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Kathmandu", "America/St_Johns"])
def test_revenue_by_day_from_the_quarters_equals_the_rows_of_each_local_day(db, ledger, zone):
    first, last = date(2026, 2, 28), date(2026, 3, 11)
    local = balances.ZoneInfo(zone)
    with db.read() as session:
        found = balances.revenue(session, first, last, zone)
        expected = [
            _ledger(
                session,
                balances.day_start(day, local),
                balances.day_start(day + timedelta(days=1), local),
            )[1]
            for day in found.days
        ]
        by_method = {
            method: _ledger(
                session,
                balances.day_start(first, local),
                balances.day_start(last + timedelta(days=1), local),
                (method,),
            )
            for method in METHODS
        }
    assert found.by_day == expected
    assert dict(found.by_method) == {m: k for m, (n, k) in by_method.items() if n}
    assert found.total == sum(expected)


def test_revenue_where_days_do_not_start_on_a_quarter_is_read_from_the_rows(db, world):
    """Monrovia was 44 min 30 s behind UTC until 1972: no quarter starts its days, so
    the days are grouped from the ledger (as before the quarters were kept)."""
    with db.write() as session:
        world.session = session
        order = world.order("simple", "confirmed", total=100_000 * RUB)
        for moment, rubles in [
            (datetime(1971, 6, 1, 0, 40, tzinfo=UTC), 100),  # 31 May, 23:55:30 local
            (datetime(1971, 6, 1, 0, 50, tzinfo=UTC), 200),  # 1 June, 00:05:30 local
        ]:
            session.add(
                Payment(
                    order_id=order.id,
                    kind="payment",
                    amount_kopecks=rubles * RUB,
                    method="cash",
                    paid_at=moment,
                )
            )
    with db.read() as session:
        found = balances.revenue(session, date(1971, 5, 31), date(1971, 6, 1), "Africa/Monrovia")
    assert [k // RUB for k in found.by_day] == [100, 200]


@pytest.mark.parametrize("role", ["accountant", "executive", "admin"])
def test_the_overviews_revenue_equals_the_rows_of_the_months(db, world, role):
    now = datetime(2026, 3, 10, 12, 7, 30, tzinfo=UTC)  # inside a quarter
    with db.write() as session:
        world.session = session
        order = world.order("simple", "confirmed", total=100_000_000 * RUB)
        for minutes in (-3, -1, 0, 1, 20, 60 * 24 * 5, 60 * 24 * 20, 60 * 24 * 40):
            session.add(
                Payment(
                    order_id=order.id,
                    kind="payment",
                    amount_kopecks=(minutes % 97 + 1) * RUB,
                    method="cash",
                    paid_at=now - timedelta(minutes=minutes),
                )
            )
    zone = "Europe/Moscow"
    with db.read() as session:
        figures = overview(session, Actor(0, "x", role), now, zone)
        local = balances.ZoneInfo(zone)
        this_month = balances.day_start(date(2026, 3, 1), local)
        last_month = balances.day_start(date(2026, 2, 1), local)
        assert (
            figures.revenue_this_month_kopecks
            == _ledger(session, this_month, now + timedelta(seconds=1))[1]
        )
        assert figures.revenue_last_month_kopecks == _ledger(session, last_month, this_month)[1]


@pytest.mark.parametrize("role", ["rental_manager", "service_manager", "event_manager"])
def test_the_overview_sums_no_revenue_for_a_role_that_does_not_see_it(db, role):
    with db.read() as session:
        figures = overview(session, Actor(0, "x", role), START, "UTC")
    assert figures.revenue_this_month_kopecks is None
    assert figures.revenue_last_month_kopecks is None


@pytest.mark.postgres
def test_concurrent_payments_of_one_quarter_add_up(db, world):
    """Eight sessions record payments of one quarter and method at once: the upsert's
    row lock makes each add to the sum, none overwrites another's."""
    with db.write() as session:
        world.session = session
        orders = [world.order("simple", "confirmed", total=10_000 * RUB).id for _ in range(8)]
    moment = START + timedelta(minutes=3)
    barrier = threading.Barrier(len(orders))
    errors: list[BaseException] = []

    def pay(order_id: int) -> None:
        try:
            for i in range(10):
                with db.write() as session:
                    if i == 0:
                        barrier.wait()
                    session.add(
                        Payment(
                            order_id=order_id,
                            kind="payment",
                            amount_kopecks=(i + 1) * RUB,
                            method="cash",
                            paid_at=moment + timedelta(seconds=i),
                        )
                    )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=pay, args=(o,)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read() as session:
        row = session.execute(
            sa.select(PaymentQuarter.entries, PaymentQuarter.kopecks).where(
                PaymentQuarter.method == "cash"
            )
        ).one()
    assert tuple(row) == (80, 8 * 55 * RUB)
    assert _findings(db) == []


def test_the_revenue_charts_are_what_a_validated_figure_would_send(config):
    """The charts are plain dicts (a Figure validates every property on every request):
    plotly accepts them as they are and sends the same JSON for them as for the Figure."""
    data = balances.Revenue(
        [date(2026, 3, d) for d in range(1, 4)],
        [100, -5, 123_456_789],
        [("cash", 500), ("bank_card", -3)],
        123_457_384,
    )
    app = create_app(config)
    with app.server.test_request_context("/"):
        for figure in (payments_page.daily_figure(data), payments_page.methods_figure(data)):
            assert json.loads(to_json_plotly(go.Figure(figure))) == json.loads(
                to_json_plotly(figure)
            )
    app.server.extensions["parkdesk_db"].dispose()
