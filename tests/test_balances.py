"""Ageing buckets, the payments journal, revenue and balances at a date, on a world
whose every figure is computed by hand below (operator's zone: Moscow, UTC+3).

Today is 10 March 2026 (NOW = 12:00 UTC = 15:00 in Moscow).

order  created (UTC)        local day  age  total   ledger (UTC, method)                  balance
A      07.03 12:00          07.03      3    10 000  +4 000 07.03 12:00 card                6 000
B      28.02 12:00 (hotel)  28.02      10    5 000  —                                     5 000
C      24.01 12:00 Петрова  24.01      45   20 000  +10 000 24.01 12:00 card,
                                                    +5 000 08.03 21:30 cash (09.03 local)  5 000
D      10.12.25 12:00       10.12      90    3 000  +3 000 10.12 card, −1 000 refund
                                                    09.03 10:00 card                      1 000
E      05.03 (cancelled)    05.03      5     7 000  —                                     (none)
F      09.03 12:00          09.03      1     2 500  +2 500 09.03 12:00 online             0
G      02.03 22:30          03.03      7     1 000  —                                     1 000
H      02.03 20:30          02.03      8     3 000  +500 09.03 21:00 cash (10.03 00:00)   2 500

G and H are created on either side of midnight in Moscow: by UTC dates both would
be 8 days old. The cash payment of C is on 9 March in Moscow but 8 March in UTC,
and H's is exactly at the local midnight that starts 10 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import Order, Payment
from services import balances
from services.balances import BalanceFilters, JournalFilters
from tests.conftest import login
from tests.dash_http import find_callback, post_callback
from tests.factories import NOW

ZONE = "Europe/Moscow"
RUB = 100


def _pay(session, order: Order, rubles: int, method: str, at: datetime, kind: str = "payment"):
    session.add(
        Payment(
            order_id=order.id,
            kind=kind,
            amount_kopecks=rubles * RUB,
            method=method,
            paid_at=at,
        )
    )
    order.paid_kopecks += (-rubles if kind == "refund" else rubles) * RUB
    session.flush()


@pytest.fixture
def book(db, world) -> dict[str, int]:
    """The orders of the table above; returns their numbers by letter."""
    with db.write() as session:
        world.session = session
        petrova = world.person("Петрова", "Анна", "+7 916 000-00-01")

        def order(kind: str, status: str, rubles: int, created: datetime) -> Order:
            return world.order(kind, status, total=rubles * RUB, created_at=created)

        a = order("simple", "new", 10_000, NOW - timedelta(days=3))
        _pay(session, a, 4_000, "bank_card", NOW - timedelta(days=3))
        b = order("hotel", "new", 5_000, NOW - timedelta(days=10))
        c = order("booking", "confirmed_balance_due", 20_000, NOW - timedelta(days=45))
        c.customer_id = petrova
        _pay(session, c, 10_000, "bank_card", NOW - timedelta(days=45))
        _pay(session, c, 5_000, "cash", datetime(2026, 3, 8, 21, 30, tzinfo=UTC))
        d = order("simple", "in_progress", 3_000, NOW - timedelta(days=90))
        _pay(session, d, 3_000, "bank_card", NOW - timedelta(days=90))
        _pay(session, d, 1_000, "bank_card", datetime(2026, 3, 9, 10, 0, tzinfo=UTC), "refund")
        e = order("simple", "cancelled", 7_000, NOW - timedelta(days=5))
        f = order("goods", "confirmed", 2_500, NOW - timedelta(days=1))
        _pay(session, f, 2_500, "online_gateway", NOW - timedelta(days=1))
        g = order("simple", "new", 1_000, datetime(2026, 3, 2, 22, 30, tzinfo=UTC))
        h = order("simple", "new", 3_000, datetime(2026, 3, 2, 20, 30, tzinfo=UTC))
        _pay(session, h, 500, "cash", datetime(2026, 3, 9, 21, 0, tzinfo=UTC))
        return {key: o.number for key, o in zip("ABCDEFGH", (a, b, c, d, e, f, g, h), strict=True)}


def _balances(db, filters: dict | None = None, request: dict | None = None):
    with db.read() as session:
        return balances.list_balances(session, BalanceFilters.parse(filters), request, NOW, ZONE)


def _totals(db, filters: dict | None = None) -> dict[str, tuple[int, int]]:
    with db.read() as session:
        found = balances.bucket_totals(session, BalanceFilters.parse(filters), NOW, ZONE)
    return {t.code: (t.orders, t.kopecks // RUB) for t in found}


def test_outstanding_orders_with_their_age_and_bucket_in_the_operators_time_zone(db, book):
    found = _balances(db, request={"startRow": 0, "endRow": 100})
    by_number = {row.number: row for row in found.rows}
    expected = {
        "A": (3, "0-7", 6_000),
        "B": (10, "8-30", 5_000),
        "C": (45, "31-60", 5_000),
        "D": (90, "over-60", 1_000),
        "G": (7, "0-7", 1_000),
        "H": (8, "8-30", 2_500),
    }
    assert {
        key: (
            by_number[book[key]].age_days,
            by_number[book[key]].bucket,
            by_number[book[key]].balance_kopecks // RUB,
        )
        for key in expected
    } == expected
    assert set(by_number) == {book[key] for key in expected}  # not E (cancelled), not F (paid)
    assert (found.count, found.kopecks) == (6, 20_500 * RUB)
    # Oldest first by default.
    assert [row.number for row in found.rows] == [book[k] for k in "DCBHGA"]


def test_bucket_totals_equal_the_hand_computed_ones(db, book):
    assert _totals(db) == {
        "0-7": (2, 7_000),
        "8-30": (2, 7_500),
        "31-60": (1, 5_000),
        "over-60": (1, 1_000),
    }


def test_bucket_totals_follow_the_customer_and_type_filters_but_not_the_bucket(db, book):
    assert _totals(db, {"customer": "петров", "bucket": "0-7"}) == {
        "0-7": (0, 0),
        "8-30": (0, 0),
        "31-60": (1, 5_000),
        "over-60": (0, 0),
    }
    assert _totals(db, {"type": "hotel"})["8-30"] == (1, 5_000)


@pytest.mark.parametrize(
    ("filters", "letters", "rubles"),
    [
        ({"bucket": "8-30"}, "BH", 7_500),
        ({"bucket": "0-7,over-60"}, "AGD", 8_000),
        ({"customer": "петров"}, "C", 5_000),
        ({"type": ["hotel"]}, "B", 5_000),
        ({"bucket": "nonsense"}, "ABCDGH", 20_500),
    ],
)
def test_the_grid_filters_count_and_sum(db, book, filters, letters, rubles):
    found = _balances(db, filters, {"startRow": 0, "endRow": 100})
    assert {row.number for row in found.rows} == {book[k] for k in letters}
    assert (found.count, found.kopecks) == (len(letters), rubles * RUB)


def test_the_grid_sorts_through_the_allowlist_and_pages(db, book):
    request = {"startRow": 0, "endRow": 2, "sortModel": [{"colId": "balance", "sort": "desc"}]}
    first = _balances(db, request=request)
    # 6 000, then the two of 5 000 oldest first (C before B), then 2 500.
    assert [row.number for row in first.rows] == [book["A"], book["C"]]
    request = {**request, "startRow": 2, "endRow": 4}
    assert [row.number for row in _balances(db, request=request).rows] == [book["B"], book["H"]]
    unknown = {"startRow": 0, "endRow": 1, "sortModel": [{"colId": "id; DROP TABLE orders"}]}
    assert [row.number for row in _balances(db, request=unknown).rows] == [book["D"]]


def _journal(db, filters: dict | None = None, request: dict | None = None):
    with db.read() as session:
        return balances.list_journal(session, JournalFilters.parse(filters), request, ZONE)


def test_the_journal_filters_by_local_day_and_method_with_refunds_negative(db, book):
    day = _journal(db, {"from": "2026-03-09", "to": "2026-03-09"}, {"startRow": 0, "endRow": 50})
    assert sorted((row.order_number, row.amount_kopecks // RUB) for row in day.rows) == sorted(
        [(book["C"], 5_000), (book["F"], 2_500), (book["D"], -1_000)]
    )
    assert (day.count, day.kopecks) == (3, 6_500 * RUB)
    cash = _journal(db, {"method": "cash"})
    assert (cash.count, cash.kopecks) == (2, 5_500 * RUB)
    everything = _journal(db)
    assert (everything.count, everything.kopecks) == (7, 24_000 * RUB)
    by_amount = _journal(db, None, {"sortModel": [{"colId": "amount", "sort": "asc"}]})
    assert (by_amount.rows[0].amount_kopecks, by_amount.rows[0].kind) == (-1_000 * RUB, "refund")
    newest = _journal(db, None, {"startRow": 0, "endRow": 1})
    assert newest.rows[0].order_number == book["H"]  # 09.03 21:00 UTC, the latest


def test_revenue_by_local_day_and_by_method(db, book):
    with db.read() as session:
        found = balances.revenue(session, date(2026, 3, 1), date(2026, 3, 10), ZONE)
    by_day = dict(zip(found.days, (k // RUB for k in found.by_day), strict=True))
    assert by_day == {
        date(2026, 3, day): amount
        for day, amount in {
            1: 0,
            2: 0,
            3: 0,
            4: 0,
            5: 0,
            6: 0,
            7: 4_000,  # A
            8: 0,  # C's cash is 8 March in UTC only
            9: 5_000 + 2_500 - 1_000,  # C cash, F online, D refund
            10: 500,  # H at the local midnight
        }.items()
    }
    assert [(m, k // RUB) for m, k in found.by_method] == [
        ("cash", 5_500),
        ("bank_card", 3_000),
        ("online_gateway", 2_500),
    ]
    assert found.total == 11_000 * RUB


def test_revenue_of_a_period_without_payments_is_zero_every_day(db, book):
    with db.read() as session:
        found = balances.revenue(session, date(2026, 2, 1), date(2026, 2, 3), ZONE)
    assert (found.by_day, found.by_method, found.total) == ([0, 0, 0], [], 0)


def _balances_at(db, day: date) -> dict[int, tuple[int, int, int]]:
    query = balances.balances_export_query(day, ZONE)
    with db.read() as session:
        rows = session.execute(query).all()
    return {
        row.order_number: (row.total // RUB, row.paid // RUB, row.balance // RUB) for row in rows
    }


def test_balances_at_the_end_of_a_past_day(db, book):
    # By 8 March 24:00 in Moscow (21:00 UTC): C's cash and D's refund came later, F and
    # its payment did not exist yet, H's 500 came an hour later.
    assert _balances_at(db, date(2026, 3, 8)) == {
        book["A"]: (10_000, 4_000, 6_000),
        book["B"]: (5_000, 0, 5_000),
        book["C"]: (20_000, 10_000, 10_000),
        book["G"]: (1_000, 0, 1_000),
        book["H"]: (3_000, 0, 3_000),
    }


def test_balances_at_today_equal_the_outstanding_balances(db, book):
    today = _balances_at(db, date(2026, 3, 10))
    assert sum(balance for _total, _paid, balance in today.values()) == 20_500
    assert set(today) == {book[k] for k in "ABCDGH"}


def test_the_export_signs_amounts_as_the_ledger_does(db, book):
    query = balances.journal_export_query(None, None, ZONE)
    with db.read() as session:
        exported = [row.amount for row in session.execute(query)]
        ledger = session.scalars(
            select(balances.SIGNED).order_by(Payment.paid_at, Payment.id)
        ).all()
    assert exported == ledger
    assert sum(exported) == 24_000 * RUB


@pytest.mark.parametrize(
    ("email", "sees"),
    [
        ("accounting@parkdesk.local", True),
        ("exec@parkdesk.local", True),
        ("rental@parkdesk.local", False),
        ("service@parkdesk.local", False),
    ],
)
def test_the_grids_answer_only_the_roles_that_may_read_payments(client, book, email, sees):
    """The callbacks check the role themselves: a replayed request gets no rows."""
    login(client, email)
    client.get("/")
    for grid, store in (
        ("balances-grid", "balances-filters"),
        ("payments-grid", "payments-filters"),
    ):
        dep = find_callback(client, grid, "getRowsRequest")
        response = post_callback(
            client,
            dep,
            {f"{grid}.getRowsRequest": {"startRow": 0, "endRow": 100}, f"{store}.data": {}},
        )
        if sees:
            rows = response.get_json()["response"][grid]["getRowsResponse"]["rowData"]
            assert len(rows) == {"balances-grid": 6, "payments-grid": 7}[grid]
        else:
            assert response.status_code == 200
            assert response.get_json()["response"] == {}  # nothing updated, nothing sent


def test_the_journal_grid_scrolled_on_gets_rows_after_the_key_and_keeps_its_count(client, book):
    """The grid sends back the last row's sort key and that it knows the count: the next
    block follows that row, and the count and sum are neither counted nor sent again."""
    login(client, "accounting@parkdesk.local")
    client.get("/")
    dep = find_callback(client, "payments-grid", "getRowsRequest")

    def block(request: dict) -> dict:
        values = {"payments-grid.getRowsRequest": request, "payments-filters.data": {}}
        return post_callback(client, dep, values).get_json()["response"]

    first = block({"startRow": 0, "endRow": 4, "sortModel": []})
    assert first["payments-grid"]["getRowsResponse"]["rowCount"] == 7
    assert "payments-count" in first
    rows = first["payments-grid"]["getRowsResponse"]["rowData"]
    after = {"4": rows[-1]["sort_key"]}
    then = block({"startRow": 4, "endRow": 8, "context": {"after": after, "counted": True}})
    assert "payments-count" not in then  # the summary stays as it is
    answer = then["payments-grid"]["getRowsResponse"]
    assert "rowCount" not in answer
    ids = [row["row_id"] for row in rows + answer["rowData"]]
    assert len(ids) == len(set(ids)) == 7
