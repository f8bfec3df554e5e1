"""The orders register (SPEC §5 "Orders"): filters, sorting, paging, count and the sum
of balances of the filtered set — all in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from models import Order, Person, Service, StaffUser
from models.orders import status_literals
from models.places import full_name
from models.statuses import CANCELLED_STATUSES, OrderStatus, ServiceType
from models.tallies import UNASSIGNED_KEY
from services import grid, tallies
from services.context import Actor
from services.filter_values import a_date, chosen_codes, digits, search_words
from services.overdue import overdue
from services.permissions import Action, order_scope, require
from services.ticket_list import number_prefix

BALANCE = Order.total_kopecks - Order.paid_kopecks
# A cancelled order owes nothing, whatever its total: balances due count open orders only.
OPEN = Order.status.not_in(status_literals(CANCELLED_STATUSES))  # = LIVE_SQL
# = OUTSTANDING_SQL, the predicate of the partial index the balances register reads.
OUTSTANDING = and_(Order.total_kopecks > Order.paid_kopecks, OPEN)
DUE = case((OPEN, BALANCE), else_=0)
UNASSIGNED = "none"


@dataclass(frozen=True)
class OrderFilters:
    number: str = ""
    date_from: date | None = None
    date_to: date | None = None
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    customer: str = ""
    executor: str = ""  # a staff id, "none" for unassigned, "" for anyone
    balance_due: bool = False
    # Booked orders owing after their period, service orders past their deadline
    # (services.overdue).
    overdue: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> OrderFilters:
        raw = raw if isinstance(raw, Mapping) else {}

        def codes(key: str, valid: set[str]) -> tuple[str, ...]:
            return tuple(sorted(chosen_codes(raw.get(key), valid)))

        executor = str(raw.get("executor") or "")
        if executor != UNASSIGNED and not (
            executor.isascii() and executor.isdigit() and len(executor) < 10
        ):
            executor = ""
        balance = raw.get("balance")
        late = raw.get("overdue")
        return cls(
            number=digits(raw.get("number"))[:12],
            date_from=a_date(raw.get("from")),
            date_to=a_date(raw.get("to")),
            types=codes("type", {t.value for t in ServiceType}),
            statuses=codes("status", {s.value for s in OrderStatus}),
            customer=search_words(raw.get("customer")),
            executor=executor,
            balance_due=balance in (True, "1", "true", "on", ["1"], ["on"]),
            overdue=late in (True, "1", "true", "on", ["1"], ["on"]),
        )

    @property
    def tallied(self) -> bool:
        """The count and balance of these filters are read from the running totals
        (services.tallies) at once; other filters (a name, a number, dates, the clock's
        overdue) are counted over the orders."""
        return not (self.number or self.customer or self.date_from or self.date_to or self.overdue)

    def query(self) -> dict[str, str]:
        pairs = {
            "number": self.number,
            "customer": self.customer,
            "type": ",".join(self.types),
            "status": ",".join(self.statuses),
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "executor": self.executor,
            "balance": "1" if self.balance_due else "",
            "overdue": "1" if self.overdue else "",
        }
        return {key: value for key, value in pairs.items() if value}


def of_types(types: frozenset[str] | None) -> list[ColumnElement[bool]]:
    """The orders of these service types (None: of every type)."""
    if types is None:
        return []
    return [
        Order.service_id.in_(
            select(Service.id).where(Service.type.in_(sorted(types))).scalar_subquery()
        )
    ]


def _readable(reader: Actor) -> list[ColumnElement[bool]]:
    """The orders ``reader``'s role reads (SPEC §1; services.permissions)."""
    require(reader, Action.VIEW_ORDERS)
    return of_types(order_scope(reader))


def _where(
    filters: OrderFilters,
    zone: ZoneInfo,
    now: datetime | None = None,
    customer_per_order: bool = False,
) -> list[ColumnElement[bool]]:
    """The filters as SQL; ``now`` (default: the clock) for the overdue filter;
    ``customer_per_order``: the customer's name looked up order by order (``_few``)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.number:
        conditions.append(number_prefix(Order.number, filters.number))
    if filters.date_from:
        conditions.append(Order.created_at >= datetime.combine(filters.date_from, time(0), zone))
    if filters.date_to:
        conditions.append(
            Order.created_at < datetime.combine(filters.date_to + timedelta(days=1), time(0), zone)
        )
    if filters.types:
        conditions.append(
            Order.service_id.in_(
                select(Service.id).where(Service.type.in_(filters.types)).scalar_subquery()
            )
        )
    if filters.statuses:
        conditions.append(Order.status.in_(filters.statuses))
    if filters.customer:
        escaped = (
            filters.customer.casefold()
            .replace("\\", "\\\\")
            .replace("%", "\\%")
            .replace("_", "\\_")
        )
        pattern = f"%{escaped}%"
        if customer_per_order:
            # A scalar subquery: the database cannot turn it into a join that starts
            # from the people, so it reads the orders the other filters leave and
            # looks each one's customer up by key.
            customer = aliased(Person)  # the rows' query joins the persons as well
            name = (
                select(customer.search_text)
                .where(customer.id == Order.customer_id)
                .correlate(Order)
                .scalar_subquery()
            )
            conditions.append(name.like(pattern, escape="\\"))
        else:
            conditions.append(
                Order.customer_id.in_(
                    select(Person.id)
                    .where(Person.search_text.like(pattern, escape="\\"))
                    .scalar_subquery()
                )
            )
    if filters.executor == UNASSIGNED:
        conditions.append(Order.executor_id.is_(None))
    elif filters.executor:
        conditions.append(Order.executor_id == int(filters.executor))
    if filters.balance_due:
        conditions.append(OUTSTANDING)
    if filters.overdue:
        at = now or datetime.now(UTC)
        conditions.append(overdue(at, at.astimezone(zone).date()))
    return conditions


Executor = aliased(StaffUser)
SORTABLE: dict[str, list[ColumnElement]] = {
    "number": [Order.number],
    "created": [Order.created_at],
    "service": [Service.name],
    "type": [Service.type],
    "customer": [Person.last_name, Person.first_name],
    "status": [Order.status],
    "total": [Order.total_kopecks],
    "paid": [Order.paid_kopecks],
    "balance": [BALANCE],
    "deadline": [Order.deadline],
    # The unassigned last (ascending), as on every database.
    "executor": [Executor.name.is_(None), Executor.name],
}
# Sorts on a column of a small table: read service by service (executor by executor) on
# the (service_id, number) and (executor_id, number) indexes.
GROUPED = {
    "service": grid.Grouped(Order.service_id, select(Service.id, Service.name)),
    "type": grid.Grouped(Order.service_id, select(Service.id, Service.type)),
    "executor": grid.Grouped(
        Order.executor_id,
        select(StaffUser.id, StaffUser.name.is_(None), StaffUser.name),
        nowhere=(True, None),
    ),
}


# The executor may be unassigned (NULL), and databases disagree on where NULLs sort:
# that sort pages by OFFSET only.
NULLABLE_SORTS = {"executor", "deadline"}
DEFAULT_ORDER = [(Order.number, True)]


@dataclass(frozen=True)
class OrderRow:
    number: int
    created_at: datetime
    service: str
    type: str
    customer: str
    status: str
    total_kopecks: int
    paid_kopecks: int
    executor: str | None
    deadline: datetime | None = None
    sort_key: list[Any] = field(default_factory=list)  # the grid sends it back for the next block

    @property
    def balance_kopecks(self) -> int:
        return self.total_kopecks - self.paid_kopecks


def _rows_query(conditions: list[ColumnElement[bool]]) -> Select:
    """The register's columns (the grid and the CSV read the same ones), named as the
    CSV reads them."""
    return (
        select(
            Order.number.label("number"),
            Order.created_at.label("created_at"),
            Service.name.label("service"),
            Service.type.label("type"),
            Person.last_name.label("customer_last_name"),
            Person.first_name.label("customer_first_name"),
            Person.middle_name.label("customer_middle_name"),
            Order.status.label("status"),
            Order.total_kopecks.label("total"),
            Order.paid_kopecks.label("paid"),
            BALANCE.label("balance"),
            Executor.name.label("executor"),
            Order.deadline.label("deadline"),
        )
        .join(Service, Service.id == Order.service_id)
        .join(Person, Person.id == Order.customer_id)
        .outerjoin(Executor, Executor.id == Order.executor_id)
        .where(*conditions)
    )


def _keys_query(block: grid.Block, conditions: list[ColumnElement[bool]]) -> Select:
    """Order numbers under the filters, joined only to what the sort reads: a deep
    block is found by OFFSET here, on an index of orders where the sort allows."""
    sorted_on = {column for column, _ in block.sort}
    query = select(Order.number).select_from(Order)
    if sorted_on & {"service", "type"}:
        query = query.join(Service, Service.id == Order.service_id)
    if "customer" in sorted_on:
        query = query.join(Person, Person.id == Order.customer_id)
    if "executor" in sorted_on:
        query = query.outerjoin(Executor, Executor.id == Order.executor_id)
    return query.where(*conditions)


def list_orders(
    session: Session,
    reader: Actor,
    filters: OrderFilters,
    request: Mapping[str, Any] | None,
    timezone: str,
    now: datetime | None = None,
    count_free_filters: bool = True,
) -> tuple[list[OrderRow], int | None, int | None]:
    """One block of the register as ``reader`` may read it, the number of orders matched
    and their balance due (both None when the grid said it knows them already, or when
    the filters are not ``tallied`` and ``count_free_filters`` is off: the page then
    shows the rows first and asks ``count_orders`` apart)."""
    conditions = _conditions(session, reader, filters, timezone, now)
    block = grid.parse_request(request, SORTABLE)
    order = grid.ordering(block, SORTABLE, DEFAULT_ORDER)
    rows = _rows_query(conditions)
    group = grid.grouped_sort(block, GROUPED)
    found = None
    if group:
        keys = _keys_query(grid.Block(0, 0, ()), conditions)
        found = grid.grouped_block(session, rows, keys, order, block, group)
    if found is None:
        found = session.execute(
            grid.block_query(
                rows,
                _keys_query(block, conditions),
                Order.number,
                order,
                block,
                unseekable=grid.unseekable_sort(block, NULLABLE_SORTS),
            )
        ).all()
    count = balance = None
    if not block.counted and (filters.tallied or count_free_filters):
        count, balance = _totals(session, reader, filters, conditions)
    return (
        [
            OrderRow(
                number,
                created,
                service,
                kind,
                full_name(last, first, middle),
                status,
                total,
                paid,
                executor,
                deadline,
                key,
            )
            for (
                number,
                created,
                service,
                kind,
                last,
                first,
                middle,
                status,
                total,
                paid,
                _balance,
                executor,
                deadline,
            ), key in grid.split_keys(found, order)
        ],
        None if count is None else int(count),
        None if balance is None else int(balance),
    )


# A customer's name is matched on the people first (the trigram index on PostgreSQL),
# then their orders are read by customer: right when the other filters leave many
# orders. When the filters of the running totals (status, type, executor, balance due)
# leave at most this many, those orders are read instead and each one's customer looked
# up by key: a service manager's open work (3,800 orders of a million) with "Иван" is
# 3,800 look-ups, not the 71,000 orders of the 9,000 people whose name holds it.
FEW_ORDERS = 20_000


def _tallied_totals(session: Session, reader: Actor, filters: OrderFilters) -> tallies.Totals:
    """The count and balance due of the filters the running totals answer (status,
    type, executor, balance due, the role's scope), whatever the other filters."""
    types = _types(reader, filters)
    executor = (
        None
        if not filters.executor
        else UNASSIGNED_KEY
        if filters.executor == UNASSIGNED
        else int(filters.executor)
    )
    return tallies.order_totals(
        session,
        statuses=filters.statuses or None,
        types=types,
        executor=executor,
        owing_only=filters.balance_due,
    )


def _few(session: Session, reader: Actor, filters: OrderFilters) -> bool:
    """A customer's name among the filters, and at most FEW_ORDERS orders left by the
    filters of the running totals (one small read of them), on PostgreSQL. (SQLite
    would walk the number index for the block's ORDER BY instead, looking up the
    customer of every order until a hundred match: there the people come first.)"""
    if session.get_bind().dialect.name != "postgresql":
        return False
    if not filters.customer or not (
        filters.statuses or filters.types or filters.executor or filters.balance_due
    ):
        return False
    return _tallied_totals(session, reader, filters).orders <= FEW_ORDERS


def _types(reader: Actor, filters: OrderFilters) -> set[str] | None:
    """The service types whose orders the filters show ``reader`` (None: every type)."""
    scope = order_scope(reader)
    types = set(filters.types) if filters.types else None
    if scope is not None:
        types = set(scope) if types is None else types & scope
    return types


def _conditions(
    session: Session,
    reader: Actor,
    filters: OrderFilters,
    timezone: str,
    now: datetime | None = None,
) -> list[ColumnElement[bool]]:
    """The orders ``reader`` may read that the filters match, as SQL for the register.

    The service types (the filter's, within the role's scope) go in as the ids of their
    services, read first from the small services table. Written as ``service_id IN
    (SELECT id FROM services WHERE type IN …)`` — twice for a service manager who
    filters by type, once for the scope and once for the filter — PostgreSQL joined the
    services to the orders and, service by service, ANDed the status index with the
    (service, number) index (77,000 entries a service): 320 ms for the first block of a
    service manager's open work on the full data set, 3 ms with the ids written out."""
    require(reader, Action.VIEW_ORDERS)
    types = _types(reader, filters)
    conditions = []
    if types is not None:
        ids = session.scalars(select(Service.id).where(Service.type.in_(sorted(types))))
        conditions.append(Order.service_id.in_(sorted(ids)))
    return conditions + _where(
        replace(filters, types=()),
        ZoneInfo(timezone),
        now,
        customer_per_order=_few(session, reader, filters),
    )


def _totals(
    session: Session,
    reader: Actor,
    filters: OrderFilters,
    conditions: list[ColumnElement[bool]],
) -> tuple[int, int]:
    """The number of orders matched and their balance due: from the running totals
    (services.tallies) when the filters are theirs — status, type, executor, balance
    due, the role's scope — and counted over the orders otherwise."""
    if filters.tallied:
        totals = _tallied_totals(session, reader, filters)
        return totals.orders, totals.balance_due_kopecks
    count, balance = session.execute(
        select(func.count(), func.coalesce(func.sum(DUE), 0)).select_from(Order).where(*conditions)
    ).one()
    return int(count), int(balance)


def count_orders(
    session: Session,
    reader: Actor,
    filters: OrderFilters,
    timezone: str,
    now: datetime | None = None,
) -> tuple[int, int]:
    """The number of orders ``reader`` may read that the filters match, and their
    balance due."""
    conditions = _conditions(session, reader, filters, timezone, now)
    return _totals(session, reader, filters, conditions)


def executor_choices(session: Session) -> list[tuple[int, str]]:
    """Active staff who can be an order's executor, by name."""
    return [
        (user.id, user.name)
        for user in session.scalars(
            select(StaffUser).where(StaffUser.is_active.is_(True)).order_by(StaffUser.name)
        )
    ]


def export_query(reader: Actor, filters: OrderFilters, timezone: str) -> Select:
    """Every order the filters match, newest first: the columns of the orders file, in
    its order and by name — ``number``, ``created_at``, ``service``, ``type`` (a code),
    ``customer_last_name``, ``customer_first_name``, ``customer_middle_name``,
    ``status`` (a code), ``total``, ``paid``, ``balance``, ``executor``, ``deadline``."""
    return _rows_query(_readable(reader) + _where(filters, ZoneInfo(timezone))).order_by(
        Order.number.desc()
    )
