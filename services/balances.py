"""Payments & balances (SPEC §5): outstanding balances by age, the payments journal,
revenue by day and by method, and the accounting exports built on them.

How each figure is defined (the page says the same in words):
- Outstanding: an order that is not cancelled (any ``cancelled*`` status) and whose
  total is above what is paid; its balance is total − paid.
- Age: the operator's today minus the order's creation date, both dates in the
  operator's time zone. Buckets 0–7, 8–30, 31–60 and over 60 days.
- Journal: every ledger row (payments and refunds); a refund counts negative.
- Revenue: the signed sum of ledger rows by the local day they were paid and by
  method.
- Balances at a date D: every order created on or before D and not cancelled now,
  with what had been paid by the end of D (the signed sum of its ledger rows up to
  then) and the balance left then; only orders whose balance then was above zero.
  An order cancelled later drops out of past dates too: the status is today's.

Everything is filtered, sorted, paged, counted and summed in SQL. Revenue by day is
grouped by quarter-hour of UTC time (every time zone's offset is a whole number of
quarter-hours) and the quarters are put into local days with numpy, so days are right
in any time zone on SQLite and PostgreSQL alike. The ledger's sums per quarter-hour and
method are kept by triggers in ``payment_quarters`` (models.PaymentQuarter): the
journal's count and sum, the revenue charts and the overview's revenue read those, a
few thousand rows a month, not the 150,000 ledger rows of a month at full size.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from models import Order, Payment, PaymentQuarter, Person, Service, StaffUser
from models.statuses import PaymentKind, PaymentMethod, ServiceType
from services import grid, tallies
from services.filter_values import a_date, chosen_codes, search_words
from services.order_list import BALANCE, OPEN, OrderFilters
from services.order_list import _where as order_conditions
from services.payments import signed_amount

QUARTER_HOUR = 900  # seconds; every UTC offset in use is a whole number of these
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Bucket:
    """An age bucket: orders ``low`` to ``high`` days old (``high`` None: no limit)."""

    code: str
    low: int
    high: int | None


BUCKETS = (
    Bucket("0-7", 0, 7),
    Bucket("8-30", 8, 30),
    Bucket("31-60", 31, 60),
    Bucket("over-60", 61, None),
)
BUCKET_CODES = tuple(b.code for b in BUCKETS)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of a local day."""
    return datetime.combine(day, time(0), zone)


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def age_in_days(created_at: datetime, today: date, timezone: str) -> int:
    return (today - created_at.astimezone(ZoneInfo(timezone)).date()).days


def bucket_of(age: int) -> str:
    for bucket in BUCKETS:
        if bucket.high is None or age <= bucket.high:
            return bucket.code
    return BUCKETS[-1].code


def _bucket_condition(bucket: Bucket, today: date, zone: ZoneInfo) -> ColumnElement[bool]:
    """``low ≤ age ≤ high`` as a range on ``created_at`` (the index helps).

    age ≥ low ⇔ created before the start of day today − low + 1;
    age ≤ high ⇔ created on or after the start of day today − high. A bucket
    starting at 0 has no upper limit, so a clock slightly ahead changes nothing."""
    conditions = []
    if bucket.low > 0:
        conditions.append(Order.created_at < day_start(today - timedelta(bucket.low - 1), zone))
    if bucket.high is not None:
        conditions.append(Order.created_at >= day_start(today - timedelta(bucket.high), zone))
    return and_(*conditions)


# Balances ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceFilters:
    buckets: tuple[str, ...] = ()
    customer: str = ""
    types: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> BalanceFilters:
        """From a URL query or the filter controls; anything malformed is dropped."""
        raw = raw if isinstance(raw, Mapping) else {}

        def codes(key: str, valid: tuple[str, ...]) -> tuple[str, ...]:
            """The valid codes among the given ones, in the order of ``valid``."""
            chosen = chosen_codes(raw.get(key), valid)
            return tuple(code for code in valid if code in chosen)

        return cls(
            buckets=codes("bucket", BUCKET_CODES),
            customer=search_words(raw.get("customer")),
            types=codes("type", tuple(sorted(t.value for t in ServiceType))),
        )


def _balance_conditions(
    filters: BalanceFilters, today: date, zone: ZoneInfo, *, with_buckets: bool = True
) -> list[ColumnElement[bool]]:
    """Outstanding orders matching the customer and type (and the buckets)."""
    conditions = order_conditions(
        OrderFilters(customer=filters.customer, types=filters.types, balance_due=True), zone
    )
    if with_buckets and filters.buckets:
        conditions.append(
            or_(*(_bucket_condition(b, today, zone) for b in BUCKETS if b.code in filters.buckets))
        )
    return conditions


BALANCE_SORTABLE: dict[str, list[ColumnElement]] = {
    "number": [Order.number],
    "created": [Order.created_at],
    "customer": [Person.last_name, Person.first_name],
    "service": [Service.name],
    "type": [Service.type],
    "status": [Order.status],
    "total": [Order.total_kopecks],
    "paid": [Order.paid_kopecks],
    "balance": [BALANCE],
}


@dataclass(frozen=True)
class BalanceRow:
    number: int
    created_at: datetime
    age_days: int
    bucket: str
    customer: str
    service: str
    type: str
    status: str
    total_kopecks: int
    paid_kopecks: int

    @property
    def balance_kopecks(self) -> int:
        return self.total_kopecks - self.paid_kopecks


@dataclass(frozen=True)
class BucketTotal:
    code: str
    orders: int
    kopecks: int


@dataclass(frozen=True)
class Balances:
    rows: list[BalanceRow]
    count: int  # orders the filters match
    kopecks: int  # their balances


def _full_name(last: str, first: str, middle: str | None) -> str:
    return " ".join(p for p in (last, first, middle) if p)


def list_balances(
    session: Session,
    filters: BalanceFilters,
    request: Mapping[str, Any] | None,
    now: datetime,
    timezone: str,
) -> Balances:
    """One block of outstanding orders, and the count and sum of all that match."""
    zone = ZoneInfo(timezone)
    today = local_today(now, timezone)
    conditions = _balance_conditions(filters, today, zone)
    block = grid.parse_request(request, BALANCE_SORTABLE)
    query = (
        select(
            Order.number,
            Order.created_at,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Service.name,
            Service.type,
            Order.status,
            Order.total_kopecks,
            Order.paid_kopecks,
        )
        .join(Service, Service.id == Order.service_id)
        .join(Person, Person.id == Order.customer_id)
        .where(*conditions)
    )
    found = session.execute(
        grid.apply_sort(
            query, block, BALANCE_SORTABLE, default=[Order.created_at.asc(), Order.number.asc()]
        )
    ).all()
    rows = []
    for number, created, last, first, middle, service, kind, status, total, paid in found:
        age = age_in_days(created, today, timezone)
        rows.append(
            BalanceRow(
                number,
                created,
                age,
                bucket_of(age),
                _full_name(last, first, middle),
                service,
                kind,
                status,
                total,
                paid,
            )
        )
    if not filters.customer and not filters.buckets:
        # Every outstanding order, or those of some types: the running totals know the
        # count and the sum (services.tallies), a few dozen rows instead of 10,000 orders.
        totals = tallies.order_totals(session, types=filters.types or None, owing_only=True)
        return Balances(rows, totals.orders, totals.balance_due_kopecks)
    count, kopecks = session.execute(
        select(func.count(), func.coalesce(func.sum(BALANCE), 0))
        .select_from(Order)
        .where(*conditions)
    ).one()
    return Balances(rows, int(count), int(kopecks))


def bucket_totals(
    session: Session, filters: BalanceFilters, now: datetime, timezone: str
) -> list[BucketTotal]:
    """Orders and balances per age bucket, for the customer and type filters (not the
    bucket filter: every bucket's total stays visible). One row of sums in SQL."""
    zone = ZoneInfo(timezone)
    today = local_today(now, timezone)
    columns = []
    for bucket in BUCKETS:
        inside = _bucket_condition(bucket, today, zone)
        columns += [
            func.coalesce(func.sum(case((inside, 1), else_=0)), 0),
            func.coalesce(func.sum(case((inside, BALANCE), else_=0)), 0),
        ]
    sums = session.execute(
        select(*columns)
        .select_from(Order)
        .where(*_balance_conditions(filters, today, zone, with_buckets=False))
    ).one()
    return [
        BucketTotal(bucket.code, int(sums[2 * i]), int(sums[2 * i + 1]))
        for i, bucket in enumerate(BUCKETS)
    ]


# Ledger sums by quarter-hour -------------------------------------------------------


def quarter_of(moment: datetime) -> tuple[int, bool]:
    """The UTC quarter-hour a moment falls in (counted from 1970, as ``payment_quarters``
    counts them) and whether the moment is that quarter's very start."""
    micros = (moment - EPOCH) // timedelta(microseconds=1)
    quarter, rest = divmod(micros, QUARTER_HOUR * 1_000_000)
    return quarter, rest == 0


def _quarter_start(quarter: int) -> datetime:
    return EPOCH + timedelta(seconds=quarter * QUARTER_HOUR)


def count_quarters(connection: Connection) -> None:
    """``payment_quarters`` counted again from the ledger (rows of zeros dropped)."""
    quarter = quarter_hour(Payment.paid_at, connection.dialect.name)
    connection.execute(delete(PaymentQuarter))
    connection.execute(
        insert(PaymentQuarter).from_select(
            ["quarter", "method", "entries", "kopecks"],
            select(quarter, Payment.method, func.count(), func.sum(SIGNED)).group_by(
                quarter, Payment.method
            ),
        )
    )


@contextmanager
def bulk_ledger(connection: Connection) -> Iterator[None]:
    """Around a ledger written in bulk in one transaction (the demo): the quarters are
    counted once at the end, not by the trigger row by row. On PostgreSQL the trigger is
    off for this transaction only (ALTER TABLE holds the table's exclusive lock until the
    commit: nobody else's payment slips by uncounted); SQLite's trigger stays on."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql("ALTER TABLE payments DISABLE TRIGGER tr_payments_quarters")
    yield
    if postgres:
        connection.exec_driver_sql("ALTER TABLE payments ENABLE TRIGGER tr_payments_quarters")
        count_quarters(connection)


def _ledger_rows(
    session: Session, start: datetime, end: datetime, methods: tuple[str, ...]
) -> tuple[int, int]:
    """Count and signed sum of the ledger rows paid in [start, end), from the rows."""
    conditions = [Payment.paid_at >= start, Payment.paid_at < end]
    if methods:
        conditions.append(Payment.method.in_(methods))
    count, kopecks = session.execute(
        select(func.count(), func.coalesce(func.sum(SIGNED), 0)).where(*conditions)
    ).one()
    return int(count), int(kopecks)


def ledger_totals(
    session: Session,
    start: datetime | None,
    end: datetime | None,
    methods: tuple[str, ...] = (),
) -> tuple[int, int]:
    """How many ledger rows were paid in [start, end) (either end may be open) by these
    methods (every method if none) and their signed sum: the whole quarter-hours from
    ``payment_quarters``, and the part of a quarter at either end, if an end falls
    inside one, from the ledger itself (through its index on the time). A local day's
    or month's ends are quarters' starts: the ledger is not read at all then."""
    first = last = None  # the whole quarters inside: first ≤ quarter < last
    if start is not None:
        first, aligned = quarter_of(start)
        first += 0 if aligned else 1
    if end is not None:
        last, _aligned = quarter_of(end)
    if start is not None and end is not None and first >= last:
        return _ledger_rows(session, start, end, methods)  # not one whole quarter
    conditions = []
    if first is not None:
        conditions.append(PaymentQuarter.quarter >= first)
    if last is not None:
        conditions.append(PaymentQuarter.quarter < last)
    if methods:
        conditions.append(PaymentQuarter.method.in_(methods))
    count, kopecks = session.execute(
        select(
            func.coalesce(func.sum(PaymentQuarter.entries), 0),
            func.coalesce(func.sum(PaymentQuarter.kopecks), 0),
        ).where(*conditions)
    ).one()
    count, kopecks = int(count), int(kopecks)
    edges = []
    if start is not None and _quarter_start(first) != start:
        edges.append((start, _quarter_start(first)))
    if end is not None and _quarter_start(last) != end:
        edges.append((_quarter_start(last), end))
    for edge in edges:
        more, more_kopecks = _ledger_rows(session, *edge, methods)
        count, kopecks = count + more, kopecks + more_kopecks
    return count, kopecks


# The payments journal -------------------------------------------------------------


@dataclass(frozen=True)
class JournalFilters:
    date_from: date | None = None
    date_to: date | None = None
    methods: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> JournalFilters:
        raw = raw if isinstance(raw, Mapping) else {}
        methods = chosen_codes(raw.get("method"), {m.value for m in PaymentMethod})
        return cls(a_date(raw.get("from")), a_date(raw.get("to")), tuple(sorted(methods)))


def paid_between(
    date_from: date | None, date_to: date | None, zone: ZoneInfo
) -> list[ColumnElement[bool]]:
    """Ledger rows paid on the local days from–to (both included; either may be open)."""
    conditions: list[ColumnElement[bool]] = []
    if date_from:
        conditions.append(Payment.paid_at >= day_start(date_from, zone))
    if date_to:
        conditions.append(Payment.paid_at < day_start(date_to + timedelta(days=1), zone))
    return conditions


def _journal_conditions(filters: JournalFilters, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    conditions = paid_between(filters.date_from, filters.date_to, zone)
    if filters.methods:
        conditions.append(Payment.method.in_(filters.methods))
    return conditions


SIGNED = signed_amount()
Recorder = aliased(StaffUser)
JOURNAL_SORTABLE: dict[str, list[ColumnElement]] = {
    "paid_at": [Payment.paid_at],
    "order": [Order.number],
    "customer": [Person.last_name, Person.first_name],
    "method": [Payment.method],
    "amount": [SIGNED],
    "recorded_by": [Recorder.name],
}
# Newest first; ties (one moment, several rows) by id, so that a key names one row.
JOURNAL_ORDER = [(Payment.paid_at, True), (Payment.id, True)]
# A row recorded by nobody (a gateway's) has no recorder's name, and databases disagree
# on where NULLs sort: that sort pages by OFFSET only (services/grid.py).
JOURNAL_NULLABLE_SORTS = {"recorded_by"}


@dataclass(frozen=True)
class JournalRow:
    id: int
    paid_at: datetime
    order_number: int
    customer: str
    method: str
    kind: str
    amount_kopecks: int  # negative for a refund
    recorded_by: str | None
    sort_key: list[Any] = field(default_factory=list)  # the grid sends it back for the next block


@dataclass(frozen=True)
class Journal:
    rows: list[JournalRow]
    # How many rows the filters match and their signed sum; None when the grid said it
    # knows them already.
    count: int | None
    kopecks: int | None


def _journal_keys(block: grid.Block, conditions: list[ColumnElement[bool]]) -> Select:
    """Ledger row ids under the filters, joined only to what the sort reads: a deep
    block without a key is found by OFFSET here, on an index of payments where the
    sort allows."""
    sorted_on = {column for column, _ in block.sort}
    query = select(Payment.id).select_from(Payment)
    if sorted_on & {"order", "customer"}:
        query = query.join(Order, Order.id == Payment.order_id)
    if "customer" in sorted_on:
        query = query.join(Person, Person.id == Order.customer_id)
    if "recorded_by" in sorted_on:
        query = query.outerjoin(Recorder, Recorder.id == Payment.recorded_by_id)
    return query.where(*conditions)


def list_journal(
    session: Session,
    filters: JournalFilters,
    request: Mapping[str, Any] | None,
    timezone: str,
) -> Journal:
    """One block of the payments journal, newest first unless sorted otherwise, and the
    number and signed sum of the rows the filters match (None when the grid knows them).
    Deep blocks are seeks from the key of the row before (services/grid.py)."""
    conditions = _journal_conditions(filters, ZoneInfo(timezone))
    block = grid.parse_request(request, JOURNAL_SORTABLE)
    order = grid.ordering(block, JOURNAL_SORTABLE, JOURNAL_ORDER)
    rows = (
        select(
            Payment.id,
            Payment.paid_at,
            Order.number,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Payment.method,
            Payment.kind,
            SIGNED,
            Recorder.name,
        )
        .join(Order, Order.id == Payment.order_id)
        .join(Person, Person.id == Order.customer_id)
        .outerjoin(Recorder, Recorder.id == Payment.recorded_by_id)
        .where(*conditions)
    )
    found = session.execute(
        grid.block_query(
            rows,
            _journal_keys(block, conditions),
            Payment.id,
            order,
            block,
            unseekable=grid.unseekable_sort(block, JOURNAL_NULLABLE_SORTS),
        )
    ).all()
    count = kopecks = None
    if not block.counted:
        zone = ZoneInfo(timezone)
        count, kopecks = ledger_totals(
            session,
            day_start(filters.date_from, zone) if filters.date_from else None,
            day_start(filters.date_to + timedelta(days=1), zone) if filters.date_to else None,
            filters.methods,
        )
    return Journal(
        [
            JournalRow(
                pid,
                paid_at,
                number,
                _full_name(last, first, middle),
                method,
                kind,
                int(amount),
                recorder,
                key,
            )
            for (
                pid,
                paid_at,
                number,
                last,
                first,
                middle,
                method,
                kind,
                amount,
                recorder,
            ), key in grid.split_keys(found, order)
        ],
        None if count is None else int(count),
        None if kopecks is None else int(kopecks),
    )


# Revenue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Revenue:
    days: list[date]
    by_day: list[int]  # kopecks per day, aligned with ``days``
    by_method: list[tuple[str, int]]  # (method, kopecks), largest first
    total: int


def quarter_hour(column: ColumnElement, dialect: str) -> ColumnElement[int]:
    """The UTC quarter-hour of a stored time, counted from 1970 (floor, in SQL)."""
    if dialect == "sqlite":
        # strftime('%s') drops fractions of a second: it is the floor already.
        seconds = cast(func.strftime("%s", column), BigInteger)
    else:
        seconds = cast(func.floor(func.extract("epoch", column)), BigInteger)
    return seconds // QUARTER_HOUR


def _by_quarter(
    session: Session, date_from: date, date_to: date, zone: ZoneInfo
) -> list[tuple[int, str, int]]:
    """(quarter, method, signed sum) of the ledger rows paid on the local days from–to:
    the rows of ``payment_quarters`` when every one of those days starts on a quarter
    (any time zone of today), else grouped from the ledger itself."""
    starts = [
        quarter_of(day_start(date_from + timedelta(days=i), zone))
        for i in range((date_to - date_from).days + 2)
    ]
    if all(aligned for _quarter, aligned in starts):
        return [
            (int(quarter), method, int(kopecks))
            for quarter, method, kopecks in session.execute(
                select(PaymentQuarter.quarter, PaymentQuarter.method, PaymentQuarter.kopecks).where(
                    PaymentQuarter.quarter >= starts[0][0],
                    PaymentQuarter.quarter < starts[-1][0],
                    PaymentQuarter.entries > 0,
                )
            )
        ]
    dialect = session.get_bind().dialect.name
    rows = (
        select(
            quarter_hour(Payment.paid_at, dialect).label("quarter"),
            Payment.method.label("method"),
            SIGNED.label("amount"),
        )
        .where(*paid_between(date_from, date_to, zone))
        .subquery()
    )
    return [
        (int(quarter), method, int(kopecks))
        for quarter, method, kopecks in session.execute(
            select(rows.c.quarter, rows.c.method, func.sum(rows.c.amount)).group_by(
                rows.c.quarter, rows.c.method
            )
        )
    ]


def revenue(session: Session, date_from: date, date_to: date, timezone: str) -> Revenue:
    """Revenue on each local day from–to (both included) and per method."""
    zone = ZoneInfo(timezone)
    days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    grouped = _by_quarter(session, date_from, date_to, zone)
    if not grouped or not days:
        return Revenue(days, [0] * len(days), [], 0)
    quarters = np.fromiter((q for q, _m, _a in grouped), dtype=np.int64, count=len(grouped))
    amounts = np.fromiter((a for _q, _m, a in grouped), dtype=np.int64, count=len(grouped))
    methods = np.array([m for _q, m, _a in grouped], dtype=object)
    # Where each local day starts, in seconds since 1970 (one entry per day, not per
    # payment); a quarter belongs to the last day that starts at or before it.
    starts = np.array([day_start(d, zone).timestamp() for d in days], dtype=np.int64)
    index = np.searchsorted(starts, quarters * QUARTER_HOUR, side="right") - 1
    # Sums in integer kopecks (np.add.at), never through floats.
    by_day = np.zeros(len(days), dtype=np.int64)
    np.add.at(by_day, index, amounts)
    names, inverse = np.unique(methods.astype(str), return_inverse=True)
    per_method = np.zeros(len(names), dtype=np.int64)
    np.add.at(per_method, inverse, amounts)
    by_method = sorted(
        ((str(n), int(k)) for n, k in zip(names, per_method, strict=True)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return Revenue(days, [int(k) for k in by_day], by_method, int(amounts.sum()))


# Exports ----------------------------------------------------------------------------


def _customer(person: Any) -> tuple[ColumnElement[str], ...]:
    """The customer's name as the files show it: its parts, joined by the export."""
    return (
        person.last_name.label("customer_last_name"),
        person.first_name.label("customer_first_name"),
        person.middle_name.label("customer_middle_name"),
    )


def journal_export_query(date_from: date | None, date_to: date | None, timezone: str) -> Select:
    """Every ledger row paid from–to, oldest first: the columns of the payments file,
    in its order and by name — ``paid_at``, ``order_number``, the customer's
    ``customer_last_name``, ``customer_first_name``, ``customer_middle_name``,
    ``service``, ``method`` and ``kind`` (codes), ``amount`` (refunds negative),
    ``external_number``, ``recorded_by``.

    Written with the tables' Core columns, not the mapped classes: the ORM's per-row
    processing would be about a third of the fetching cost of a million rows. The
    amount is signed exactly as ``services.payments.signed_amount`` signs it (a test
    checks the two agree row by row)."""
    payment, order = Payment.__table__.c, Order.__table__.c
    person, service = Person.__table__.c, Service.__table__.c
    recorder = StaffUser.__table__.alias("recorder")
    signed = case(
        (payment.kind == PaymentKind.REFUND.value, -payment.amount_kopecks),
        else_=payment.amount_kopecks,
    )
    zone = ZoneInfo(timezone)
    conditions = []
    if date_from:
        conditions.append(payment.paid_at >= day_start(date_from, zone))
    if date_to:
        conditions.append(payment.paid_at < day_start(date_to + timedelta(days=1), zone))
    return (
        select(
            payment.paid_at.label("paid_at"),
            order.number.label("order_number"),
            *_customer(person),
            service.name.label("service"),
            payment.method.label("method"),
            payment.kind.label("kind"),
            signed.label("amount"),
            payment.external_number.label("external_number"),
            recorder.c.name.label("recorded_by"),
        )
        .select_from(
            Payment.__table__.join(Order.__table__, order.id == payment.order_id)
            .join(Person.__table__, person.id == order.customer_id)
            .join(Service.__table__, service.id == order.service_id)
            .outerjoin(recorder, recorder.c.id == payment.recorded_by_id)
        )
        .where(*conditions)
        .order_by(payment.paid_at, payment.id)
    )


def balances_export_query(at: date, timezone: str) -> Select:
    """Orders with a balance at the end of the local day ``at`` (see the module's
    definition), oldest first: the columns of the balances file, in its order and by
    name — ``order_number``, ``created_at``, the customer's ``customer_last_name``,
    ``customer_first_name``, ``customer_middle_name``, ``service``, ``type`` and
    ``status`` now (codes), ``total``, ``paid`` by then, ``balance`` then."""
    end = day_start(at + timedelta(days=1), ZoneInfo(timezone))
    paid_then = (
        select(func.coalesce(func.sum(SIGNED), 0))
        .where(Payment.order_id == Order.id, Payment.paid_at < end)
        .scalar_subquery()
    )
    inner = (
        select(
            Order.number.label("number"),
            Order.created_at.label("created_at"),
            Order.customer_id.label("customer_id"),
            Order.service_id.label("service_id"),
            Order.status.label("status"),
            Order.total_kopecks.label("total"),
            paid_then.label("paid"),
        )
        .where(Order.created_at < end, OPEN)
        .subquery()
    )
    return (
        select(
            inner.c.number.label("order_number"),
            inner.c.created_at,
            *_customer(Person),
            Service.name.label("service"),
            Service.type.label("type"),
            inner.c.status,
            inner.c.total,
            inner.c.paid,
            (inner.c.total - inner.c.paid).label("balance"),
        )
        .join(Person, Person.id == inner.c.customer_id)
        .join(Service, Service.id == inner.c.service_id)
        .where(inner.c.total - inner.c.paid > 0)
        .order_by(inner.c.created_at, inner.c.number)
    )
