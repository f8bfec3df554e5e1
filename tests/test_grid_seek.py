"""Deep blocks of the registers: a block asked for with the previous block's last sort
key (a seek) holds the same rows as the same block found by OFFSET, for every sort;
a key that does not fit is ignored; a grid that knows the count is not sent it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import demo
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


def _walk(fetch, sort: list[dict], seek: bool) -> tuple[list[int], list[int | None]]:
    """Every row, block after block as the grid asks for them; with ``seek`` each
    request carries the key of the row before it, as dashboard/assets/grid.js sends."""
    numbers: list[int] = []
    counts: list[int | None] = []
    last_key = None
    start = 0
    while True:
        request = {"startRow": start, "endRow": start + BLOCK, "sortModel": sort}
        if seek and start:
            request["context"] = {"after": {str(start): last_key}, "counted": True}
        rows, count = fetch(request)
        numbers += [row.number for row in rows]
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
