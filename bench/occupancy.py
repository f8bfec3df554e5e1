"""A year of occupancy: the page's callback over HTTP, the computation alone (floor),
the obvious way — every ticket walked hour by hour in Python (naive) — and another
user's small request, alone and while years are being computed back to back (#8:
long work must not hold up the others)."""

from __future__ import annotations

import threading
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


def _meanwhile(base: str, runs: int) -> tuple[Timing, Timing]:
    """Another user's small request (the building and room lists), alone and while a
    third user has years of occupancy computed back to back."""
    other = StaffClient(base, "rental@parkdesk.local")
    places = next(d for d in other.dependencies if "occupancy-room.options" in d["output"])
    small = {"occupancy-building.value": "all"}
    alone = measure(
        "occupancy: another user's small request, alone", lambda: other.post(places, small), runs
    )
    busy = StaffClient(base, "exec@parkdesk.local")
    year = busy.callback("occupancy-preset", "value")
    stop = threading.Event()

    def years() -> None:
        while not stop.is_set():
            busy.post(year, YEAR)

    worker = threading.Thread(target=years, daemon=True)
    worker.start()
    try:
        meanwhile = measure(
            "occupancy: the same while a year is computed, again and again",
            lambda: other.post(places, small),
            runs,
            warmup=1,
        )
    finally:
        stop.set()
        worker.join()
    return alone, meanwhile


def occupancy_year(url: str, runs: int) -> dict[str, Timing]:
    with live_app(url) as base:
        client = StaffClient(base, "exec@parkdesk.local")
        dep = client.callback("occupancy-preset", "value")
        answer = client.post(dep, YEAR)
        assert answer["response"]["occupancy-daily"]["figure"]["data"], answer
        http = measure(
            "occupancy: a year, all charts, over HTTP", lambda: client.post(dep, YEAR), runs
        )
        alone, meanwhile = _meanwhile(base, runs)
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
    return {
        "http": http,
        "floor": floor,
        "naive": naive,
        "small_alone": alone,
        "small_meanwhile": meanwhile,
    }
