"""The row shapes the generator works with: the catalogue as it sees it, an order
planned on a timeline, the demo's clock, and the rows waiting for a bulk write.

The generator calls them ``shapes.Service``, ``shapes.Plan`` and so on, which keeps
them apart from the models of the same names.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table

from demo.catalogue import AHEAD_DAYS, HISTORY_DAYS, HOUR, MINUTE, MOSCOW, WEEKEND_FACTOR
from models import (
    CoworkingTicket,
    EventTicket,
    HotelBooking,
    Message,
    Order,
    OrderItem,
    Payment,
    RoomBooking,
)
from models.statuses import OrderStatus as St
from models.statuses import ServiceType


@dataclass(slots=True)
class Tariff:
    id: int
    name: str
    unit: str
    price: int
    max_quantity: int = 1


@dataclass(slots=True)
class Service:
    id: int
    name: str
    type: ServiceType
    tariffs: list[Tariff]
    room_id: int | None = None
    partial: bool = False
    prepayment_percent: int = 100
    cancellable: bool = True
    min_remaining: int = 5_000
    descriptions: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass(slots=True)
class Event:
    id: int
    service: Service
    title: str
    start: int
    end: int
    capacity: int


@dataclass(slots=True)
class Plan:
    """An order whose place and time are fixed on a timeline before the year is written."""

    kind: ServiceType
    created: int
    start: int
    end: int
    service: Service
    tariff: Tariff
    place: int  # seat, room or event id
    quantity: int  # hours, nights or tickets
    day: int  # the day the period starts
    status: St = St.NEW  # dealt by the generator unless pinned
    pinned: bool = False


class Clock:
    """Moscow days as epoch seconds. Day 0 is the first day of the demo year,
    ``today`` is day ``HISTORY_DAYS``; "now" is the start of today."""

    def __init__(self, today: date) -> None:
        first = today - timedelta(days=HISTORY_DAYS)
        # Room for month passes and hotel stays that start on the last bookable day.
        self.dates = [first + timedelta(days=i) for i in range(HISTORY_DAYS + AHEAD_DAYS + 40)]
        self.starts = [int(datetime.combine(d, time(), MOSCOW).timestamp()) for d in self.dates]
        self.today = HISTORY_DAYS
        self.bookable_days = HISTORY_DAYS + AHEAD_DAYS + 1
        self.now = self.starts[self.today]
        self.first = self.starts[0]
        # Latest moment anything may have happened at: just before now.
        self.cap = self.now - MINUTE

    def at(self, day: int, hour: int, minute: int = 0) -> int:
        # Moscow keeps UTC+3 all year, so hours within a day are plain offsets.
        return self.starts[day] + hour * HOUR + minute * MINUTE

    def day_of(self, ts: int) -> int:
        return bisect_right(self.starts, ts) - 1

    def busyness(self, day: int) -> float:
        """How busy a day is: weekends are quieter, and the future is not yet booked up."""
        factor = WEEKEND_FACTOR if self.dates[day].weekday() >= 5 else 1.0
        if day > self.today:
            factor *= 1.0 - 0.85 * (day - self.today) / AHEAD_DAYS
        return factor


class Rows:
    """Rows waiting for the next bulk write, per table."""

    def __init__(self) -> None:
        # Orders with a form go in their own statement: a missing key is SQL NULL,
        # while None in a JSON column would be stored as the JSON value null.
        self.orders: list[dict[str, Any]] = []
        self.form_orders: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.tickets: list[dict[str, Any]] = []
        self.hotel: list[dict[str, Any]] = []
        self.rooms: list[dict[str, Any]] = []
        self.event_tickets: list[dict[str, Any]] = []

    def batches(self) -> list[tuple[Table, list[dict[str, Any]]]]:
        """Each table with its rows, parents before children."""
        return [
            (Order.__table__, self.orders),
            (Order.__table__, self.form_orders),
            (OrderItem.__table__, self.items),
            (Payment.__table__, self.payments),
            (Message.__table__, self.messages),
            (CoworkingTicket.__table__, self.tickets),
            (HotelBooking.__table__, self.hotel),
            (RoomBooking.__table__, self.rooms),
            (EventTicket.__table__, self.event_tickets),
        ]
