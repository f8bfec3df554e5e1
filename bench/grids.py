"""The registers' row requests: through HTTP as the browser sends them, against the
bare SQL underneath (the floor) and the tutorial way with pandas (the naive baseline)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from bench.harness import StaffClient, Timing, captured_sql, live_app, measure, run_raw
from dashboard.db import Database
from services.order_list import OrderFilters, list_orders
from services.ticket_list import TicketFilters, list_tickets

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
        list_orders(session, OrderFilters.parse(ORDER_FILTERS), ORDER_BLOCK, "Europe/Moscow")
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
