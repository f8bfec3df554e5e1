"""A year of occupancy: the page's callback over HTTP, the computation alone (floor),
and the obvious way — every ticket walked hour by hour in Python (naive)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench.harness import StaffClient, Timing, live_app, measure
from dashboard.db import Database
from models import CoworkingTicket, Order
from services.occupancy import SOLD_EXCLUDED, Period, occupancy

YEAR = {
    "occupancy-preset.value": "year",
    "occupancy-building.value": "all",
    "occupancy-room.value": "all",
}


def naive_year(database: Database, period: Period) -> Counter:
    """Seat-hours sold per (day, hour), one Python step per ticket hour."""
    sold: Counter = Counter()
    with database.read() as session:
        rows = session.execute(
            select(CoworkingTicket.period_start, CoworkingTicket.period_end)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(
                CoworkingTicket.period_start < period.end,
                CoworkingTicket.period_end > period.start,
                Order.status.not_in(SOLD_EXCLUDED),
            )
        ).all()
    for start, end in rows:
        hour = (
            max(start, period.start)
            .astimezone(period.zone)
            .replace(minute=0, second=0, microsecond=0)
        )
        while hour < min(end, period.end):
            if period.opening[0] <= hour.hour < period.opening[1]:
                sold[(hour.date(), hour.hour)] += 1
            hour += timedelta(hours=1)
    return sold


def occupancy_year(url: str, runs: int) -> dict[str, Timing]:
    with live_app(url) as base:
        client = StaffClient(base, "exec@parkdesk.local")
        dep = client.callback("occupancy-preset", "value")
        answer = client.post(dep, YEAR)
        assert answer["response"]["occupancy-daily"]["figure"]["data"], answer
        http = measure(
            "occupancy: a year, all charts, over HTTP", lambda: client.post(dep, YEAR), runs
        )
    database = Database(url)
    now = datetime.now(UTC)
    today = now.astimezone(Period(now.date(), now.date(), "Europe/Moscow").zone).date()
    period = Period(today - timedelta(days=364), today, "Europe/Moscow")

    def compute() -> None:
        with database.read() as session:
            occupancy(session, period, now)

    floor = measure("occupancy: the computation alone", compute, runs)
    naive = measure(
        "occupancy: naive Python walk (seat-hours only)",
        lambda: naive_year(database, period),
        runs=max(2, runs // 10),
        warmup=0,
    )
    database.dispose()
    return {"http": http, "floor": floor, "naive": naive}
