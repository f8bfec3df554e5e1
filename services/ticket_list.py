"""The coworking tickets list (SPEC §5): filters, sorting, paging and counting in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from models import CoworkingTicket, Order, Person, Room, Seat
from models.places import full_name
from models.statuses import TicketStatus, ticket_status_condition
from services import grid, tallies
from services.filter_values import a_date, chosen_codes, digits, search_words
from services.tickets import status_sql

MAX_NUMBER_DIGITS = 12


@dataclass(frozen=True)
class TicketFilters:
    number: str = ""
    visitor: str = ""
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> TicketFilters:
        """From a URL query or the filter controls; anything malformed is dropped."""
        raw = raw if isinstance(raw, Mapping) else {}
        statuses = chosen_codes(raw.get("status"), {s.value for s in TicketStatus})
        return cls(
            digits(raw.get("number"))[:MAX_NUMBER_DIGITS],
            search_words(raw.get("visitor")),
            tuple(sorted(statuses)),
            a_date(raw.get("from")),
            a_date(raw.get("to")),
        )

    def query(self) -> dict[str, str]:
        """The URL query that brings this filter back."""
        pairs = {
            "number": self.number,
            "visitor": self.visitor,
            "status": ",".join(self.statuses),
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in pairs.items() if value}


def number_prefix(column: ColumnElement, digits: str) -> ColumnElement[bool]:
    """Numbers that start with ``digits``, as index-friendly ranges (50012 → 50012,
    500120–500129, 5001200–5001299, …)."""
    prefix = int(digits)
    ranges = [column == prefix]
    for extra in range(1, MAX_NUMBER_DIGITS - len(digits) + 1):
        low = prefix * 10**extra
        ranges.append(and_(column >= low, column < low + 10**extra))
    return or_(*ranges)


def _where(filters: TicketFilters, now: datetime, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.number:
        conditions.append(number_prefix(CoworkingTicket.number, filters.number))
    if filters.visitor:
        needle = filters.visitor.casefold()
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # Matching people first, then their tickets through the visitor index.
        conditions.append(
            CoworkingTicket.visitor_id.in_(
                select(Person.id)
                .where(Person.search_text.like(f"%{escaped}%", escape="\\"))
                .scalar_subquery()
            )
        )
    if filters.statuses:
        conditions.append(
            ticket_status_condition(
                filters.statuses,
                Order.status,
                CoworkingTicket.period_start,
                CoworkingTicket.period_end,
                now,
            )
        )
    if filters.date_from:
        since = datetime.combine(filters.date_from, time(0), zone)
        conditions.append(CoworkingTicket.period_end > since)
    if filters.date_to:
        until = datetime.combine(filters.date_to + timedelta(days=1), time(0), zone)
        conditions.append(CoworkingTicket.period_start < until)
    return conditions


SORTABLE = {
    "number": [CoworkingTicket.number],
    "period": [CoworkingTicket.period_start],
    "visitor": [Person.last_name, Person.first_name],
    "seat": [Room.name, Seat.number],
    "room": [Room.name],
}
DEFAULT_ORDER = [(CoworkingTicket.number, True)]
# Sorts on the seat: read seat by seat (room by room) on the seat's index.
_SEATS = select(Seat.id).join(Room, Room.id == Seat.room_id)
GROUPED = {
    "seat": grid.Grouped(CoworkingTicket.seat_id, _SEATS.add_columns(Room.name, Seat.number)),
    "room": grid.Grouped(CoworkingTicket.seat_id, _SEATS.add_columns(Room.name)),
}


@dataclass(frozen=True)
class TicketRow:
    number: int
    period_start: datetime
    period_end: datetime
    visitor: str
    status: str
    seat: int
    room: str
    sort_key: list[Any]  # the grid sends it back to ask for the rows after this one


def _keys_query(block: grid.Block, filters: TicketFilters, conditions: list) -> Select:
    """Ticket numbers under the filters, with only the joins the filters and the sort
    need: a deep block is found by OFFSET here, on an index where the sort allows."""
    sorted_on = {column for column, _ in block.sort}
    query = select(CoworkingTicket.number).select_from(CoworkingTicket)
    if filters.statuses or "status" in sorted_on:
        query = query.join(Order, Order.id == CoworkingTicket.order_id)
    if "visitor" in sorted_on:
        query = query.join(Person, Person.id == CoworkingTicket.visitor_id)
    if sorted_on & {"seat", "room"}:
        query = query.join(Seat, Seat.id == CoworkingTicket.seat_id).join(
            Room, Room.id == Seat.room_id
        )
    return query.where(*conditions)


def list_tickets(
    session: Session,
    filters: TicketFilters,
    request: Mapping[str, Any] | None,
    now: datetime,
    timezone: str,
) -> tuple[list[TicketRow], int | None]:
    """One block of the list and the number of tickets the filters match (None when
    the grid said it knows it already)."""
    zone = ZoneInfo(timezone)
    conditions = _where(filters, now, zone)
    status = status_sql(now)
    sortable = {**SORTABLE, "status": [status]}
    block = grid.parse_request(request, sortable)
    order = grid.ordering(block, sortable, DEFAULT_ORDER)
    rows_query = (
        select(
            CoworkingTicket.number,
            CoworkingTicket.period_start,
            CoworkingTicket.period_end,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            status,
            Seat.number,
            Room.name,
        )
        .join(Order, Order.id == CoworkingTicket.order_id)
        .join(Person, Person.id == CoworkingTicket.visitor_id)
        .join(Seat, Seat.id == CoworkingTicket.seat_id)
        .join(Room, Room.id == Seat.room_id)
        .where(*conditions)
    )
    group = grid.grouped_sort(block, GROUPED)
    found = None
    if group:
        keys = _keys_query(grid.Block(0, 0, ()), filters, conditions)
        found = grid.grouped_block(session, rows_query, keys, order, block, group)
    if found is None:
        found = session.execute(
            grid.block_query(
                rows_query,
                _keys_query(block, filters, conditions),
                CoworkingTicket.number,
                order,
                block,
            )
        ).all()
    count = None if block.counted else _count(session, filters, conditions, now)
    return [
        TicketRow(
            number,
            start,
            end,
            full_name(last, first, middle),
            st,
            seat,
            room,
            key,
        )
        for (number, start, end, last, first, middle, st, seat, room), key in grid.split_keys(
            found, order
        )
    ], count


def _count(session: Session, filters: TicketFilters, conditions: list, now: datetime) -> int:
    if not (filters.number or filters.visitor or filters.date_from or filters.date_to):
        return tallies.ticket_count(session, filters.statuses, now)  # no scan
    # The order is joined only when the status filter reads it (every ticket has one).
    query = select(func.count()).select_from(CoworkingTicket)
    if filters.statuses:
        query = query.join(Order, Order.id == CoworkingTicket.order_id)
    return session.scalar(query.where(*conditions)) or 0
