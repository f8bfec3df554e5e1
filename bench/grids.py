"""The registers' row requests: through HTTP as the browser sends them, against the
bare SQL underneath (the floor) and the tutorial way with pandas (the naive baseline)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import text

from bench.harness import StaffClient, Timing, captured_sql, live_app, measure, run_raw
from dashboard.db import Database
from services.balances import JournalFilters, list_journal
from services.context import Actor
from services.order_list import OrderFilters, list_orders
from services.ticket_list import TicketFilters, list_tickets

# The register as an executive reads it: every kind of order.
READER = Actor(0, "Bench", "executive")

TICKET_FILTERS = {"status": ["confirmed", "active"], "visitor": "иван"}
FIRST_BLOCK = {"startRow": 0, "endRow": 100, "sortModel": []}

NAIVE_TICKETS_SQL = """
SELECT t.number, t.period_start, t.period_end, p.last_name, p.first_name, p.middle_name,
       o.status AS order_status, s.number AS seat, r.name AS room
FROM coworking_tickets t
JOIN orders o ON o.id = t.order_id
JOIN persons p ON p.id = t.visitor_id
JOIN seats s ON s.id = t.seat_id
JOIN rooms r ON r.id = s.room_id
"""


def naive_tickets(engine, filters: dict, now: datetime) -> list[dict]:
    """Load every ticket into a DataFrame, then filter, sort and slice in memory."""
    frame = pd.read_sql(NAIVE_TICKETS_SQL, engine)
    start = pd.to_datetime(frame["period_start"], utc=True)
    end = pd.to_datetime(frame["period_end"], utc=True)
    status = np.select(
        [
            frame["order_status"].str.startswith("cancelled"),
            frame["order_status"].isin(
                ["new", "new_payment_pending", "new_awaiting_invoice", "invoice_issued"]
            ),
            (frame["order_status"] == "done") | (end <= now),
            start <= now,
        ],
        ["cancelled", "new", "done", "active"],
        default="confirmed",
    )
    frame["status"] = status
    frame["visitor"] = (
        frame["last_name"] + " " + frame["first_name"] + " " + frame["middle_name"].fillna("")
    ).str.strip()
    mask = frame["status"].isin(filters["status"])
    mask &= frame["visitor"].str.casefold().str.contains(filters["visitor"].casefold(), regex=False)
    chosen = frame[mask].sort_values("number", ascending=False)
    return [*chosen.head(100).to_dict("records"), {"count": int(mask.sum())}]


def tickets_grid(url: str, runs: int) -> dict[str, Timing]:
    values = {"tickets-grid.getRowsRequest": FIRST_BLOCK, "tickets-filters.data": TICKET_FILTERS}
    with live_app(url) as base:
        client = StaffClient(base, "rental@parkdesk.local")
        dep = client.callback("tickets-grid", "getRowsRequest")
        answer = client.post(dep, values)
        assert answer["response"]["tickets-grid"]["getRowsResponse"]["rowData"], answer
        http = measure(
            "tickets: grid row request over HTTP", lambda: client.post(dep, values), runs
        )
    database = Database(url)
    now = datetime.now(UTC)
    with captured_sql(database.engine) as statements, database.read() as session:
        list_tickets(
            session, TicketFilters.parse(TICKET_FILTERS), FIRST_BLOCK, now, "Europe/Moscow"
        )
    floor = measure(
        "tickets: bare SQL (rows + count)", lambda: run_raw(database.engine, statements), runs
    )
    naive = measure(
        "tickets: naive pandas",
        lambda: naive_tickets(database.engine, TICKET_FILTERS, now),
        runs=max(3, runs // 10),
        warmup=1,
    )
    database.dispose()
    return {"http": http, "floor": floor, "naive": naive}


ORDER_FILTERS = {"status": ["new", "confirmed_balance_due", "in_progress"], "customer": "иван"}
ORDER_BLOCK = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "balance", "sort": "desc"}]}

NAIVE_ORDERS_SQL = """
SELECT o.number, o.created_at, s.name AS service, s.type, p.last_name, p.first_name,
       p.middle_name, o.status, o.total_kopecks, o.paid_kopecks, e.name AS executor
FROM orders o
JOIN services s ON s.id = o.service_id
JOIN persons p ON p.id = o.customer_id
LEFT JOIN staff_users e ON e.id = o.executor_id
"""


def naive_orders(engine, filters: dict) -> list[dict]:
    """Load every order into a DataFrame, then filter, sort and slice in memory."""
    frame = pd.read_sql(NAIVE_ORDERS_SQL, engine)
    frame["customer"] = (
        frame["last_name"] + " " + frame["first_name"] + " " + frame["middle_name"].fillna("")
    ).str.strip()
    frame["balance"] = frame["total_kopecks"] - frame["paid_kopecks"]
    mask = frame["status"].isin(filters["status"])
    mask &= (
        frame["customer"].str.casefold().str.contains(filters["customer"].casefold(), regex=False)
    )
    chosen = frame[mask].sort_values("balance", ascending=False)
    due = int(chosen.loc[~chosen["status"].str.startswith("cancelled"), "balance"].sum())
    return [*chosen.head(100).to_dict("records"), {"count": int(mask.sum()), "due": due}]


def orders_grid(url: str, runs: int) -> dict[str, Timing]:
    values = {"orders-grid.getRowsRequest": ORDER_BLOCK, "orders-filters.data": ORDER_FILTERS}
    with live_app(url) as base:
        client = StaffClient(base, "rental@parkdesk.local")
        dep = client.callback("orders-grid", "getRowsRequest")
        answer = client.post(dep, values)
        assert answer["response"]["orders-grid"]["getRowsResponse"]["rowData"], answer
        http = measure("orders: grid row request over HTTP", lambda: client.post(dep, values), runs)
    database = Database(url)
    with captured_sql(database.engine) as statements, database.read() as session:
        list_orders(
            session, READER, OrderFilters.parse(ORDER_FILTERS), ORDER_BLOCK, "Europe/Moscow"
        )
    floor = measure(
        "orders: bare SQL (rows + count + balance)",
        lambda: run_raw(database.engine, statements),
        runs,
    )
    naive = measure(
        "orders: naive pandas",
        lambda: naive_orders(database.engine, ORDER_FILTERS),
        runs=max(3, runs // 10),
        warmup=1,
    )
    database.dispose()
    return {"http": http, "floor": floor, "naive": naive}


# The previous version's deep block: OFFSET over the joined rows, and the count (with the
# balance due, for orders, and the signed sum, for the journal) sent again with every block.
JOURNAL_SIGNED = "CASE WHEN p.kind = 'refund' THEN -p.amount_kopecks ELSE p.amount_kopecks END"
BEFORE = {
    "orders": (
        NAIVE_ORDERS_SQL + " ORDER BY o.number DESC LIMIT 100 OFFSET :offset",
        "SELECT count(*), coalesce(sum(CASE WHEN o.status NOT LIKE 'cancelled%' "
        "THEN o.total_kopecks - o.paid_kopecks ELSE 0 END), 0) FROM orders o",
    ),
    "tickets": (
        NAIVE_TICKETS_SQL + " ORDER BY t.number DESC LIMIT 100 OFFSET :offset",
        "SELECT count(*) FROM coworking_tickets t JOIN orders o ON o.id = t.order_id",
    ),
    "journal": (
        f"""
SELECT p.id, p.paid_at, o.number, pe.last_name, pe.first_name, pe.middle_name, p.method,
       p.kind, {JOURNAL_SIGNED}, r.name
FROM payments p
JOIN orders o ON o.id = p.order_id
JOIN persons pe ON pe.id = o.customer_id
LEFT JOIN staff_users r ON r.id = p.recorded_by_id
ORDER BY p.paid_at DESC, p.id DESC LIMIT 100 OFFSET :offset""",
        f"SELECT count(*), coalesce(sum({JOURNAL_SIGNED}), 0) FROM payments p",
    ),
}
# The row each register's deep block starts at (tickets: the deepest block there is).
DEEP = {"orders": 500_000, "journal": 1_000_000}
TABLES = {"orders": "orders", "tickets": "coworking_tickets", "journal": "payments"}
# The index a jump (no key) finds the block's rows on, by OFFSET.
JUMP_INDEX = {
    "orders": "the number index",
    "tickets": "the number index",
    "journal": "the (paid_at, id) index",
}
# The default view's sort: the newest first.
DEFAULT_SORT = {
    "orders": [{"colId": "number", "sort": "desc"}],
    "tickets": [{"colId": "number", "sort": "desc"}],
    "journal": [{"colId": "paid_at", "sort": "desc"}],
}
GRIDS = {"orders": "orders", "tickets": "tickets", "journal": "payments"}  # ids' page prefix


def _list(kind: str, session, request: dict) -> list:
    if kind == "orders":
        return list_orders(session, READER, OrderFilters(), request, "Europe/Moscow")[0]
    if kind == "journal":
        return list_journal(session, JournalFilters(), request, "Europe/Moscow").rows
    return list_tickets(session, TicketFilters(), request, datetime.now(UTC), "Europe/Moscow")[0]


def _ident(kind: str, row) -> int:
    return row.id if kind == "journal" else row.number


def _deep_block(kind: str, url: str, client: StaffClient, runs: int) -> dict[str, Timing]:
    """Row ``start`` of the default view: before, jumped to (no key), scrolled to (key)."""
    database = Database(url)
    with database.read() as session:
        total = session.execute(text(f"SELECT count(*) FROM {TABLES[kind]}")).scalar()
    start = (min(DEEP[kind], total - 100) if kind in DEEP else total - 1) // 100 * 100
    sort = DEFAULT_SORT[kind]
    with database.read() as session:
        previous = _list(
            kind, session, {"startRow": start - 100, "endRow": start, "sortModel": sort}
        )
    key = previous[-1].sort_key
    jump = {
        "startRow": start,
        "endRow": start + 100,
        "sortModel": sort,
        "context": {"after": {}, "counted": True},
    }
    scroll = {**jump, "context": {"after": {str(start): key}, "counted": True}}
    rows_sql, count_sql = BEFORE[kind]

    def before() -> None:
        with database.engine.connect() as connection:
            rows = connection.execute(text(rows_sql), {"offset": start}).all()
            connection.execute(text(count_sql)).one()
        assert len(rows) == min(100, total - start)

    found = {}
    for name, request in (("jump", jump), ("seek", scroll)):
        with captured_sql(database.engine) as statements, database.read() as session:
            found[name] = [_ident(kind, row) for row in _list(kind, session, request)]
        found[f"{name}_sql"] = statements
    assert found["jump"] == found["seek"], "a seek and an OFFSET disagree"
    grid = f"{GRIDS[kind]}-grid"
    dep = client.callback(grid, "getRowsRequest")
    store = f"{GRIDS[kind]}-filters.data"

    def over_http(request: dict):
        return lambda: client.post(dep, {f"{grid}.getRowsRequest": request, store: {}})

    row = f"{kind} row {start:,} of {total:,}"
    result = {
        "before": measure(
            f"{row}, before: OFFSET over the joined rows + the count, bare SQL",
            before,
            runs=max(3, runs // 5),
            warmup=1,
        ),
        "jump_sql": measure(
            f"{row}, jumped to (no key): OFFSET on {JUMP_INDEX[kind]}, 100 rows joined — bare SQL",
            lambda: run_raw(database.engine, found["jump_sql"]),
            runs,
        ),
        "jump_http": measure(
            f"{row}, jumped to — grid row request over HTTP", over_http(jump), runs
        ),
        "seek_sql": measure(
            f"{row}, scrolled to (key of the row before): seek — bare SQL",
            lambda: run_raw(database.engine, found["seek_sql"]),
            runs,
        ),
        "seek_http": measure(
            f"{row}, scrolled to — grid row request over HTTP", over_http(scroll), runs
        ),
    }
    database.dispose()
    return result


def deep_pages(url: str, runs: int) -> dict[str, Timing]:
    """Deep blocks of the registers and the payments journal, before and after keyset
    paging."""
    result = {}
    with live_app(url) as base:
        client = StaffClient(base, "rental@parkdesk.local")
        for kind in ("orders", "tickets"):
            for key, timing in _deep_block(kind, url, client, runs).items():
                result[f"{kind}_{key}"] = timing
        # The journal is the accountant's (a rental manager may not read payments).
        accountant = StaffClient(base, "accounting@parkdesk.local")
        for key, timing in _deep_block("journal", url, accountant, runs).items():
            result[f"journal_{key}"] = timing
    return result


# The default views as a fresh page asks for them (the first block request of /orders and
# /tickets, as captured from Chromium by bench/pages.py), over gunicorn as in production.
FRESH_BLOCK = {
    "startRow": 0,
    "endRow": 100,
    "sortModel": [{"sort": "desc", "type": "default", "colId": "number"}],
    "filterModel": {},
    "context": {"after": {}, "counted": False},
}
FRESH_ORDER_FILTERS = {
    "number": "",
    "customer": "",
    "status": [],
    "type": [],
    "executor": "",
    "from": "",
    "to": "",
    "balance": "",
    "overdue": "",
}
FRESH_TICKET_FILTERS = {"number": "", "visitor": "", "status": [], "from": "", "to": ""}
BIGGEST_ORDER_STATUS = "done"
AT_ONCE = 4  # users asking for the default /orders block at the same time


def default_views(url: str, runs: int) -> dict[str, Timing]:
    """The registers' default (unfiltered) first blocks with their count (and balance
    due) over HTTP, as the administrator sees them (every order), single user and
    AT_ONCE users at once; and the orders' biggest status."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from bench.harness import production_app

    done_filters = {**FRESH_ORDER_FILTERS, "status": [BIGGEST_ORDER_STATUS]}
    with production_app(url) as base:
        client = StaffClient(base, "admin@parkdesk.local")
        orders = client.callback("orders-grid", "getRowsRequest")
        tickets = client.callback("tickets-grid", "getRowsRequest")

        def ask(who: StaffClient, dep: dict, grid: str, store: str, filters: dict):
            def call() -> dict:
                answer = who.post(dep, {f"{grid}.getRowsRequest": FRESH_BLOCK, store: filters})
                response = answer["response"][grid]["getRowsResponse"]
                assert response["rowData"] and "rowCount" in response, answer
                return answer

            return call

        fresh_orders = ask(
            client, orders, "orders-grid", "orders-filters.data", FRESH_ORDER_FILTERS
        )
        done = ask(client, orders, "orders-grid", "orders-filters.data", done_filters)
        fresh_tickets = ask(
            client, tickets, "tickets-grid", "tickets-filters.data", FRESH_TICKET_FILTERS
        )
        result = {
            "orders_default": measure(
                "orders, the default view (every order): first block with count and balance "
                "due, over HTTP",
                fresh_orders,
                runs,
            ),
            "orders_done": measure(
                f"orders, the biggest status ({BIGGEST_ORDER_STATUS}): first block with "
                "count and balance due, over HTTP",
                done,
                runs,
            ),
            "tickets_default": measure(
                "tickets, the default view: first block with count, over HTTP",
                fresh_tickets,
                runs,
            ),
        }
        users = [client] + [StaffClient(base, "admin@parkdesk.local") for _ in range(AT_ONCE - 1)]
        start = Barrier(AT_ONCE)

        def one_user(who: StaffClient) -> list[float]:
            call = ask(who, orders, "orders-grid", "orders-filters.data", FRESH_ORDER_FILTERS)
            call()  # warm-up
            start.wait()
            return measure("", call, runs, warmup=0).samples

        with ThreadPoolExecutor(AT_ONCE) as pool:
            samples = [s for found in pool.map(one_user, users) for s in found]
        result["orders_default_at_once"] = Timing(
            f"orders, the default view: the same request from {AT_ONCE} users at once "
            f"({runs} each)",
            samples,
        )
    return result
