"""Deep blocks of the registers and the payments journal: a block asked for with the
previous block's last sort key (a seek) holds the same rows as the same block found by
OFFSET, for every sort; a key that does not fit is ignored; a grid that knows the count
is not sent it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

import demo
from models import Payment
from services.balances import JOURNAL_SORTABLE, JournalFilters, list_journal
from services.order_list import SORTABLE as ORDER_SORTABLE
from services.order_list import OrderFilters, list_orders
from services.ticket_list import SORTABLE as TICKET_SORTABLE
from services.ticket_list import TicketFilters, list_tickets
from tests.conftest import demo_today
from tests.factories import READER

ZONE = "Europe/Moscow"
NOW = datetime.now(UTC)
BLOCK = 37


@pytest.fixture
def seeded(db):
    demo.seed(db.engine, orders=600, seed=11, today=demo_today())
    return db


def _walk(
    fetch, sort: list[dict], seek: bool, ident=lambda row: row.number
) -> tuple[list[int], list[int | None]]:
    """Every row (by ``ident``), block after block as the grid asks for them; with
    ``seek`` each request carries the key of the row before it, as
    dashboard/assets/grid.js sends."""
    numbers: list[int] = []
    counts: list[int | None] = []
    last_key = None
    start = 0
    while True:
        request = {"startRow": start, "endRow": start + BLOCK, "sortModel": sort}
        if seek and start:
            request["context"] = {"after": {str(start): last_key}, "counted": True}
        rows, count = fetch(request)
        numbers += [ident(row) for row in rows]
        counts.append(count)
        if len(rows) < BLOCK:
            return numbers, counts
        last_key = rows[-1].sort_key
        start += BLOCK


def _orders(db, filters: dict):
    def fetch(request):
        with db.read() as session:
            rows, count, _due = list_orders(
                session, READER, OrderFilters.parse(filters), request, ZONE
            )
        return rows, count

    return fetch


def _tickets(db, filters: dict):
    def fetch(request):
        with db.read() as session:
            return list_tickets(session, TicketFilters.parse(filters), request, NOW, ZONE)

    return fetch


def _journal(db, filters: dict):
    def fetch(request):
        with db.read() as session:
            found = list_journal(session, JournalFilters.parse(filters), request, ZONE)
        return found.rows, found.count

    return fetch


def _payment_id(row) -> int:
    return row.id


SORTS = [None, "asc", "desc"]


@pytest.mark.parametrize("column", sorted(ORDER_SORTABLE))
def test_seeking_through_the_orders_gives_the_rows_that_offsets_give(seeded, column):
    for direction in ("asc", "desc"):
        sort = [{"colId": column, "sort": direction}]
        by_offset, counts = _walk(_orders(seeded, {}), sort, seek=False)
        by_seek, seek_counts = _walk(_orders(seeded, {}), sort, seek=True)
        assert by_seek == by_offset
        assert len(set(by_offset)) == len(by_offset) == counts[0] == 600
        assert seek_counts[1:] == [None] * (len(seek_counts) - 1)


@pytest.mark.parametrize("column", [*sorted(TICKET_SORTABLE), "status"])
def test_seeking_through_the_tickets_gives_the_rows_that_offsets_give(seeded, column):
    for direction in ("asc", "desc"):
        sort = [{"colId": column, "sort": direction}]
        by_offset, counts = _walk(_tickets(seeded, {}), sort, seek=False)
        by_seek, _counts = _walk(_tickets(seeded, {}), sort, seek=True)
        assert by_seek == by_offset
        assert len(set(by_offset)) == len(by_offset) == counts[0] > BLOCK


def test_the_default_orders_are_newest_number_first_seeking_or_not(seeded):
    by_offset, _ = _walk(_orders(seeded, {}), [], seek=False)
    by_seek, _ = _walk(_orders(seeded, {}), [], seek=True)
    assert by_offset == by_seek == sorted(by_offset, reverse=True)


def test_seeking_under_a_filter_stays_inside_it(seeded):
    filters = {"status": ["confirmed", "done"], "customer": "ов"}
    by_offset, counts = _walk(_orders(seeded, filters), [{"colId": "total", "sort": "desc"}], False)
    by_seek, _ = _walk(_orders(seeded, filters), [{"colId": "total", "sort": "desc"}], True)
    assert by_seek == by_offset
    assert len(by_offset) == counts[0] > BLOCK
    tickets = {"status": ["done", "cancelled"]}
    assert (
        _walk(_tickets(seeded, tickets), [], seek=True)[0]
        == _walk(_tickets(seeded, tickets), [], seek=False)[0]
    )


@pytest.mark.parametrize(
    "key",
    [
        ["not a number"],
        [1, 2, 3],
        [None],
        [True],
        ["2026-01-01T00:00:00"],  # a time without its zone, for a number
        "text",
        [],
    ],
)
def test_a_key_that_does_not_fit_the_sort_is_ignored_and_the_block_found_by_offset(seeded, key):
    fetch = _orders(seeded, {})
    plain, _ = fetch({"startRow": BLOCK, "endRow": 2 * BLOCK})
    odd, _ = fetch(
        {"startRow": BLOCK, "endRow": 2 * BLOCK, "context": {"after": {str(BLOCK): key}}}
    )
    assert [r.number for r in odd] == [r.number for r in plain]


def test_a_first_block_is_always_counted_whatever_the_grid_says(seeded):
    rows, count = _orders(seeded, {})({"startRow": 0, "endRow": 10, "context": {"counted": True}})
    assert len(rows) == 10
    assert count == 600


def _payments(db, *conditions) -> list[sa.Row]:
    """(id, paid_at) of the ledger rows that meet ``conditions``."""
    with db.read() as session:
        return session.execute(sa.select(Payment.id, Payment.paid_at).where(*conditions)).all()


@pytest.mark.parametrize("column", sorted(JOURNAL_SORTABLE))
def test_seeking_through_the_journal_gives_the_rows_that_offsets_give(seeded, column):
    payments = len(_payments(seeded))
    for direction in ("asc", "desc"):
        sort = [{"colId": column, "sort": direction}]
        by_offset, counts = _walk(_journal(seeded, {}), sort, False, _payment_id)
        by_seek, seek_counts = _walk(_journal(seeded, {}), sort, True, _payment_id)
        assert by_seek == by_offset
        assert len(set(by_offset)) == len(by_offset) == counts[0] == payments > 10 * BLOCK
        assert seek_counts[1:] == [None] * (len(seek_counts) - 1)


def test_the_journal_is_newest_first_then_by_id_seeking_or_not(seeded):
    by_offset, _ = _walk(_journal(seeded, {}), [], False, _payment_id)
    by_seek, _ = _walk(_journal(seeded, {}), [], True, _payment_id)
    paid_at = {p.id: p.paid_at for p in _payments(seeded)}
    assert by_offset == by_seek == sorted(paid_at, key=lambda i: (paid_at[i], i), reverse=True)


def test_rows_paid_at_one_moment_page_by_id_without_gaps_or_repeats(seeded):
    """A key names one row even where many share its time: ties are broken by id."""
    ids = sorted(p.id for p in _payments(seeded))[::3]
    with seeded.write() as session:
        moment = session.scalar(sa.select(Payment.paid_at).where(Payment.id == ids[0]))
        session.execute(sa.update(Payment).where(Payment.id.in_(ids)).values(paid_at=moment))
    for sort in ([], [{"colId": "paid_at", "sort": "asc"}], [{"colId": "method", "sort": "desc"}]):
        by_offset, _ = _walk(_journal(seeded, {}), sort, False, _payment_id)
        by_seek, _ = _walk(_journal(seeded, {}), sort, True, _payment_id)
        assert by_seek == by_offset
        assert len(set(by_seek)) == len(by_seek) == len(_payments(seeded))


@pytest.mark.parametrize("column", ["paid_at", "order", "method", "amount"])
def test_seeking_through_the_filtered_journal_stays_inside_the_filter(seeded, column):
    cash = _payments(seeded, Payment.method.in_(["cash", "bank_card"]))
    days = sorted(p.paid_at.date() for p in cash)
    first, last = days[len(days) // 4], days[3 * len(days) // 4]
    filters = {"method": ["cash", "bank_card"], "from": first.isoformat(), "to": last.isoformat()}
    sort = [{"colId": column, "sort": "desc"}]
    by_offset, counts = _walk(_journal(seeded, filters), sort, False, _payment_id)
    by_seek, _ = _walk(_journal(seeded, filters), sort, True, _payment_id)
    assert by_seek == by_offset
    assert len(set(by_seek)) == len(by_seek) == counts[0] > 2 * BLOCK
    inside = {p.id for p in cash if first <= p.paid_at.astimezone(ZoneInfo(ZONE)).date() <= last}
    assert set(by_seek) == inside


@pytest.mark.parametrize("key", [["not a time", 1], [1, 2, 3], [None, None], "text", []])
def test_a_journal_key_that_does_not_fit_is_ignored_and_the_block_found_by_offset(seeded, key):
    fetch = _journal(seeded, {})
    plain, _ = fetch({"startRow": BLOCK, "endRow": 2 * BLOCK})
    odd, _ = fetch(
        {"startRow": BLOCK, "endRow": 2 * BLOCK, "context": {"after": {str(BLOCK): key}}}
    )
    assert [r.id for r in odd] == [r.id for r in plain]


@pytest.mark.parametrize("column", sorted(set(JOURNAL_SORTABLE) - {"recorded_by"}))
def test_a_deep_journal_block_after_a_key_is_a_seek_without_the_count(seeded, column):
    """The key really is used: the block is one SELECT from the key on, not found by
    OFFSET over the keys' subquery. Only the recorder's name, which may be NULL, is not
    seekable."""
    sort = [{"colId": column, "sort": "asc"}]
    before, _ = _journal(seeded, {})({"startRow": 0, "endRow": BLOCK, "sortModel": sort})
    request = {
        "startRow": BLOCK,
        "endRow": 2 * BLOCK,
        "sortModel": sort,
        "context": {"after": {str(BLOCK): before[-1].sort_key}, "counted": True},
    }
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement.upper())

    sa.event.listen(seeded.engine, "before_cursor_execute", record)
    try:
        rows, count = _journal(seeded, {})(request)
    finally:
        sa.event.remove(seeded.engine, "before_cursor_execute", record)
    selects = [sql for sql in sent if sql.lstrip().startswith("SELECT")]
    assert len(selects) == 1
    assert "IN (SELECT" not in selects[0]
    assert count is None
    assert len(rows) == BLOCK
