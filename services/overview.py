"""Today's figures for the overview page (SPEC §5 "Overview"), each one SQL aggregate."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models import CoworkingTicket, Event, Order, Payment, Room, Seat, Service
from models.statuses import (
    CLOSED_STATUSES,
    NEW_STATUSES,
    OrderStatus,
    RoomKind,
    TicketStatus,
    ticket_status_condition,
)
from models.tallies import UNASSIGNED_KEY
from services import tallies
from services.balances import ledger_totals
from services.context import Actor
from services.occupancy import seats_taken
from services.order_list import OPEN, of_types
from services.overdue import count_overdue
from services.payments import signed_amount
from services.permissions import Action, can, order_scope

WORK_TYPES = ("simple", "request", "goods")


@dataclass(frozen=True)
class Overview:
    seats: int
    seats_taken_now: int
    tickets_starting_today: int
    new_orders: int
    awaiting_confirmation: int
    unassigned: int
    outstanding_kopecks: int
    # None for a reader who may not see payments (nothing is summed for them).
    revenue_this_month_kopecks: int | None
    revenue_last_month_kopecks: int | None
    events_next_7_days: int
    today: str  # ISO date in the operator's time zone
    # Booked orders owing after their period, service orders past their deadline.
    overdue: int = 0
    # Nothing on sale yet: a new house, set up from the catalog (SPEC §9.2).
    house_empty: bool = False

    @property
    def occupancy_percent(self) -> float:
        return 100.0 * self.seats_taken_now / self.seats if self.seats else 0.0


def month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def overview(
    session: Session,
    reader: Actor,
    now: datetime,
    timezone: str,
    shown: Collection[str] | None = None,
) -> Overview:
    """The figures as ``reader`` may read them: orders, balances and revenue of the kinds
    of order its role reads (a service manager's overview counts simple services,
    requests and goods only).

    ``shown``: the groups of figures wanted, by the action that reads them (tickets,
    orders, payments, events; None: all of them); the others are not counted and left at
    0 (the revenue at None): the page shows each role only the groups it may read."""

    def wanted(group: Action) -> bool:
        return shown is None or group in shown

    scope = of_types(order_scope(reader))
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    day_start = datetime.combine(local.date(), time(0), zone)
    this_month = month_start(local)
    last_month = month_start(this_month - timedelta(days=1))
    types = order_scope(reader)

    seats = taken = starting = 0
    if wanted(Action.VIEW_TICKETS):
        seats = (
            session.scalar(
                select(func.count())
                .select_from(Seat)
                .join(Room)
                .where(Room.kind == RoomKind.COWORKING.value)
            )
            or 0
        )
        active = ticket_status_condition(
            [TicketStatus.ACTIVE],
            Order.status,
            CoworkingTicket.period_start,
            CoworkingTicket.period_end,
            now,
        )
        taken = seats_taken(session, now, active)
        starting = (
            session.scalar(
                select(func.count())
                .select_from(CoworkingTicket)
                .join(Order, Order.id == CoworkingTicket.order_id)
                .where(
                    CoworkingTicket.period_start >= day_start,
                    CoworkingTicket.period_start < day_start + timedelta(days=1),
                    OPEN,
                )
            )
            or 0
        )

    # The orders waiting for someone, and what is owed: from the running totals, in one
    # statement.
    asks: dict[str, tallies.Ask] = {}
    if wanted(Action.VIEW_ORDERS):
        asks["new"] = tallies.Ask(statuses=[s.value for s in NEW_STATUSES], types=types)
        asks["awaiting"] = tallies.Ask(
            statuses=[OrderStatus.DONE_AWAITING_CONFIRMATION.value], types=types
        )
        asks["unassigned"] = tallies.Ask(
            statuses=[s.value for s in OrderStatus if s not in CLOSED_STATUSES],  # UNASSIGNED_SQL
            types=set(WORK_TYPES) if types is None else set(WORK_TYPES) & types,
            executor=UNASSIGNED_KEY,
        )
    if wanted(Action.VIEW_PAYMENTS):
        asks["outstanding"] = tallies.Ask(types=types, owing_only=True)
    totals = dict(zip(asks, tallies.order_totals_of(session, list(asks.values())), strict=True))
    none = tallies.Totals(0, 0)
    new_orders = totals.get("new", none).orders
    awaiting = totals.get("awaiting", none).orders
    unassigned = totals.get("unassigned", none).orders
    outstanding = totals.get("outstanding", none).balance_due_kopecks
    late = count_overdue(session, now, local.date(), types) if wanted(Action.VIEW_ORDERS) else 0

    def revenue(start: datetime, end: datetime) -> int | None:
        """The signed sum of the ledger rows paid in [start, end), for a reader who may
        see it (SPEC §1: only roles that read every kind of order do): the quarter-hour
        sums, not the month's ledger rows (services.balances.ledger_totals)."""
        if not can(reader, Action.VIEW_PAYMENTS) or not wanted(Action.VIEW_PAYMENTS):
            return None
        if not scope:
            return ledger_totals(session, start, end)[1]
        return int(
            session.scalar(
                select(func.coalesce(func.sum(signed_amount()), 0)).where(
                    and_(Payment.paid_at >= start, Payment.paid_at < end),
                    Payment.order_id.in_(select(Order.id).where(*scope).scalar_subquery()),
                )
            )
            or 0
        )

    events = 0
    if wanted(Action.VIEW_EVENTS):
        events = (
            session.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.starts_at >= now, Event.starts_at < now + timedelta(days=7))
            )
            or 0
        )
    return Overview(
        seats,
        taken,
        starting,
        new_orders,
        awaiting,
        unassigned,
        int(outstanding),
        revenue(this_month, now + timedelta(seconds=1)),
        revenue(last_month, this_month),
        events,
        local.date().isoformat(),
        late,
        house_empty=session.scalar(select(Service.id).where(Service.is_active).limit(1)) is None,
    )
