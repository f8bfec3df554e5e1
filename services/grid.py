"""AG Grid's infinite row model → SQL, through one allowlist.

The browser sends ``startRow``, ``endRow`` and ``sortModel`` (column ids and
directions). Nothing it sends is used as a name: a column id is looked up in
the grid's table of sortable columns, an unknown one is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select

MAX_BLOCK = 500


@dataclass(frozen=True)
class Block:
    """Which rows the grid asks for, already checked."""

    start: int
    size: int
    sort: tuple[tuple[str, bool], ...]  # (column id, descending)


def parse_request(request: Mapping[str, Any] | None, sortable: Mapping[str, object]) -> Block:
    request = request or {}
    try:
        start = max(int(request.get("startRow") or 0), 0)
        end = int(request.get("endRow") or start + 100)
    except (TypeError, ValueError):
        start, end = 0, 100
    size = min(max(end - start, 1), MAX_BLOCK)
    sort = []
    for item in request.get("sortModel") or []:
        if not isinstance(item, Mapping):
            continue
        column = item.get("colId")
        if isinstance(column, str) and column in sortable:
            sort.append((column, item.get("sort") == "desc"))
    return Block(start, size, tuple(sort))


def apply_sort(
    query: Select,
    block: Block,
    sortable: Mapping[str, Sequence[ColumnElement]],
    default: Sequence[ColumnElement],
) -> Select:
    """ORDER BY the requested columns (each may sort by several SQL expressions),
    then by ``default`` so that pages never overlap or skip rows."""
    order: list[ColumnElement] = []
    for column, descending in block.sort:
        for expression in sortable[column]:
            order.append(expression.desc() if descending else expression.asc())
    return query.order_by(*order, *default).offset(block.start).limit(block.size)
