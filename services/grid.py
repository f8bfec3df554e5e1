"""AG Grid's infinite row model → SQL, through one allowlist.

The browser sends ``startRow``, ``endRow`` and ``sortModel`` (column ids and
directions). Nothing it sends is used as a name: a column id is looked up in
the grid's table of sortable columns, an unknown one is ignored.

Deep blocks stay cheap. ``dashboard/assets/grid.js`` adds a ``context`` to each
request: the sort key of the row just before the block, when the grid holds that
row (it does whenever the user scrolls on from the block before), and whether the
grid already knows the row count. With the key, the block is a seek
(``WHERE key < last key ORDER BY … LIMIT n``: as fast at row 500,000 as at row 0);
without it, the block's numbers are found by OFFSET on the narrowest query that can
sort them (no joins it does not need, so an index answers it), and only those rows
are joined. A grid that knows its row count is not sent it again. A sort on a column
of a small table the rows point to (a service's name) is read group by group on the
(foreign key, number) index (``Grouped``) instead of sorting every row.

Which engine a list uses. There are two: the seek engine (``ordering``,
``block_query``, ``split_keys``, ``grouped_block``, with the grid sending keys back) and
plain paging (``apply_sort``: ORDER BY … OFFSET over the joined rows, counted with every
block). The rule is the list's bound:

- A list that grows with the business's history, one row per order, ticket or ledger
  row with no bound but time, seeks: the orders register, the coworking tickets list
  and the payments journal. OFFSET reads and drops every row before the block, so its
  deepest block costs what the whole list costs, and the count is sent once.
- A list bounded by something other than time pages by OFFSET, which costs no more
  than that bound: the balances register (orders with a balance due, under one in a
  hundred, read on their partial index) and an event's tickets (the hall's capacity).
- A new list seeks unless it names its bound; a list that loses its bound moves to the
  seek engine. A seeking list has an index for each sort it reads in order: the sort's
  columns, then its tie-breakers down to the unique one (dashboard/migrations).

Inside the seek engine a sort on an expression that may be NULL (the orders' executor,
the journal's recorder) is found by OFFSET unless it is ``Grouped``: databases disagree
on where NULLs sort, so the key of a row cannot say which rows come after it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    TypeDecorator,
    and_,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

MAX_BLOCK = 500
MAX_START = 2**31 - 1  # deeper than any register; keeps OFFSET within every integer type
MAX_KEY = 8  # sort keys longer than this are not ours


@dataclass(frozen=True)
class Block:
    """Which rows the grid asks for, already checked."""

    start: int
    size: int
    sort: tuple[tuple[str, bool], ...]  # (column id, descending)
    # The sort key of row ``start - 1`` as the grid holds it (JSON values), if sent.
    after: tuple[Any, ...] | None = None
    # The grid already knows how many rows match: do not count them again.
    counted: bool = False


def parse_request(request: Mapping[str, Any] | None, sortable: Mapping[str, object]) -> Block:
    if not isinstance(request, Mapping):  # what a browser never sends: the first block
        request = {}
    try:
        start = min(max(int(request.get("startRow") or 0), 0), MAX_START)
        end = int(request.get("endRow") or start + 100)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        start, end = 0, 100
    size = min(max(end - start, 1), MAX_BLOCK)
    sort = []
    models = request.get("sortModel")
    for item in models if isinstance(models, list) else []:
        if not isinstance(item, Mapping):
            continue
        column = item.get("colId")
        if isinstance(column, str) and column in sortable:
            sort.append((column, item.get("sort") == "desc"))
    after, counted = None, False
    context = request.get("context")
    if isinstance(context, Mapping) and start > 0:
        keys = context.get("after")
        key = keys.get(str(start)) if isinstance(keys, Mapping) else None
        if isinstance(key, list) and 0 < len(key) <= MAX_KEY:
            after = tuple(key)
        counted = context.get("counted") is True
    return Block(start, size, tuple(sort), after, counted)


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


Ordering = list[tuple[ColumnElement, bool]]  # (expression, descending), most significant first


def ordering(
    block: Block,
    sortable: Mapping[str, Sequence[ColumnElement]],
    default: Sequence[tuple[ColumnElement, bool]],
) -> Ordering:
    """The requested columns, then ``default`` — which must end in a unique column, so
    that the order is total (pages never overlap or skip rows, and a key names one row).
    Under a requested sort, ``default`` breaks ties in that sort's direction."""
    chosen = [(e, descending) for column, descending in block.sort for e in sortable[column]]
    if not chosen:
        return list(default)
    # Ties go the sort's way: (x, number) is then one index read in one direction.
    last = chosen[-1][1]
    ties = [
        (e, last)
        for e, _ in default
        if not any(e.expression.compare(c.expression) for c, _ in chosen)
    ]
    return chosen + ties


def _clauses(order: Ordering) -> list[ColumnElement]:
    return [e.desc() if descending else e.asc() for e, descending in order]


def key_of(values: Sequence[Any]) -> list[Any]:
    """A row's sort key as JSON for the grid to send back: times as ISO text."""
    return [v.isoformat() if isinstance(v, datetime) else v for v in values]


def _from_json(expression: ColumnElement, value: Any) -> Any:
    """The key value as the expression's Python type, or ValueError."""
    sql_type = expression.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    try:
        kind = sql_type.python_type
    except NotImplementedError as error:
        raise ValueError("no seeking on this expression") from error
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError("not a time")
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a time without its zone")
        try:  # stored in UTC: a moment near year 1 or 9999 may not be one there
            moment.astimezone(UTC)
        except OverflowError as error:
            raise ValueError("a time beyond the years a database holds") from error
        return moment
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        if not -(2**63) <= value < 2**63:
            raise ValueError("beyond a 64-bit integer")
        return value
    if kind is str and isinstance(value, str):
        return value
    raise ValueError(f"not a {kind.__name__}")


def seek_condition(order: Ordering, key: Sequence[Any] | None) -> ColumnElement[bool] | None:
    """The rows that come after ``key`` in ``order``; None when the key does not fit
    this order (another sort, a NULL, a wrong type): the block is then found by OFFSET.

    For (a desc, b asc) after (x, y): ``a <= x AND (a < x OR (a = x AND b > y))``.
    The first bound alone is redundant, but it is what lets an index on ``a`` start
    at the key instead of reading (and filtering) every row before it.
    """
    if key is None or len(key) != len(order):
        return None
    try:
        values = [_from_json(e, value) for (e, _), value in zip(order, key, strict=True)]
    except ValueError:
        return None
    branches = []
    for i, ((expression, descending), value) in enumerate(zip(order, values, strict=True)):
        ties = [e == v for (e, _), v in zip(order[:i], values[:i], strict=True)]
        beyond = expression < value if descending else expression > value
        branches.append(and_(*ties, beyond))
    first, descending = order[0]
    bound = first <= values[0] if descending else first >= values[0]
    return and_(bound, or_(*branches))


def block_query(
    rows: Select,
    keys: Select,
    unique: ColumnElement,
    order: Ordering,
    block: Block,
    unseekable: bool = False,
) -> Select:
    """One block of ``rows``, each row followed by its sort key (``len(order)`` columns).

    ``rows`` has the list's columns, joins and filters; ``keys`` selects ``unique`` with
    the same filters and only the joins that ``order`` needs; ``unseekable`` when an
    expression of ``order`` may be NULL (NULLs sort differently per database)."""
    keyed = rows.add_columns(*(e.label(f"sort_key_{i}") for i, (e, _) in enumerate(order)))
    seek = None if unseekable else seek_condition(order, block.after)
    if seek is not None:
        return keyed.where(seek).order_by(*_clauses(order)).limit(block.size)
    if block.start == 0:
        return keyed.order_by(*_clauses(order)).limit(block.size)
    chosen = keys.order_by(*_clauses(order)).offset(block.start).limit(block.size)
    return keyed.where(unique.in_(chosen)).order_by(*_clauses(order))


def split_keys(rows: Sequence[Any], order: Ordering) -> list[tuple[tuple[Any, ...], list[Any]]]:
    """Each row of a ``block_query`` as (its columns, its sort key for the grid)."""
    width = len(order)
    return [(tuple(row[:-width]), key_of(row[-width:])) for row in rows]


def unseekable_sort(block: Block, nullable: Collection[str]) -> bool:
    return any(column in nullable for column, _ in block.sort)


@dataclass(frozen=True)
class Grouped:
    """A sort on a column of a small table that the rows point to (a service's name, an
    executor's name, a seat's room): ORDER BY it reads and sorts every row, but each row
    of the small table is a group of rows already in order on a (foreign key, number)
    index. The database ranks the small table (``ranked``: its id, then the sort
    values, in the order of ``order``'s leading expressions); a block is then read group
    after group, each by its index, until it is full."""

    foreign_key: ColumnElement
    ranked: Select
    # The sort values of rows that point nowhere (an unassigned executor), if they may;
    # they must sort after every group's (the list sorts by "is NULL" first).
    nowhere: tuple[Any, ...] | None = None


GROUPS_PER_QUERY = 16  # rows of the small table read by one statement (whole groups)
MAX_BRANCHES_PER_GROUP = 200


def _whole_groups(ordered: list[int], ranks: Mapping[int, list[Any]]) -> Iterator[list[int]]:
    """The ranks in order, in batches of about GROUPS_PER_QUERY ids, never split."""
    batch: list[int] = []
    size = 0
    for rank in ordered:
        batch.append(rank)
        size += len(ranks[rank])
        if size >= GROUPS_PER_QUERY:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def grouped_sort(block: Block, grouped: Mapping[str, Grouped]) -> Grouped | None:
    """The grouped sort that answers this block, if its sort is one such column."""
    if len(block.sort) != 1 or block.sort[0][0] not in grouped:
        return None
    if block.start > 0 and block.after is None:
        return None  # a jump: found by OFFSET (``block_query``)
    return grouped[block.sort[0][0]]


def grouped_block(
    session: Session,
    rows: Select,
    keys: Select,
    order: Ordering,
    block: Block,
    group: Grouped,
) -> list[Any] | None:
    """Rows as ``block_query`` returns them (each followed by its sort key), for a block
    at the start or after a key, read group by group; None when the key names no group
    (the small table changed meanwhile): the caller finds the block by OFFSET.

    ``keys`` selects the unique column (the last of ``order``) under the filters with
    only the joins they need: the groups are read there, on the (foreign key, unique)
    index, and only the block's rows are then joined."""
    descending = order[0][1]
    unique = order[-1][0]
    width = len(order) - 1  # the sort values before ``unique``
    ranks: dict[Any, list[Any]] = {}  # rank → ids
    rank_of_values: dict[tuple[Any, ...], int] = {}
    ranked = group.ranked.add_columns(
        func.dense_rank().over(order_by=list(group.ranked.selected_columns)[1:]).label("rank")
    )
    for found in session.execute(ranked):
        ident, values, rank = found[0], tuple(found[1:-1]), found[-1]
        ranks.setdefault(rank, []).append(ident)
        rank_of_values[values] = rank
    if group.nowhere is not None:
        nowhere = max(ranks, default=0) + 1
        ranks[nowhere] = [None]
        rank_of_values[group.nowhere] = nowhere
    ordered = sorted(ranks, reverse=descending)
    bound = None
    if block.after is not None:
        values = tuple(block.after[:width])
        try:
            first = rank_of_values[values] if len(block.after) == width + 1 else None
            last_unique = _from_json(unique, block.after[-1])
        except (KeyError, TypeError, ValueError):  # unhashable, unknown or mistyped
            return None
        if first is None:
            return None
        ordered = [r for r in ordered if (r <= first if descending else r >= first)]
        bound = (first, unique < last_unique if descending else unique > last_unique)
    direction = (lambda c: c.desc()) if descending else (lambda c: c.asc())
    chosen: list[Any] = []  # the block's unique values, in order
    for batch in _whole_groups(ordered, ranks):
        # One branch per row of the small table, read on its (foreign key, unique) index;
        # a batch holds whole groups, so that merging it by (rank, unique) is the order.
        branches = []
        for rank in batch:
            ids = ranks[rank]
            # A very large group (SQLite allows 500 branches) is read as one.
            for ident in ids if len(ids) <= MAX_BRANCHES_PER_GROUP else [ids]:
                if ident is None:
                    condition = group.foreign_key.is_(None)
                elif isinstance(ident, list):
                    condition = group.foreign_key.in_(ident)
                else:
                    condition = group.foreign_key == ident
                branch = keys.where(condition).add_columns(literal(rank).label("group_rank"))
                if bound is not None and rank == bound[0]:
                    branch = branch.where(bound[1])
                wanted = block.size - len(chosen)
                branches.append(select(branch.order_by(direction(unique)).limit(wanted).subquery()))
        merged = union_all(*branches).subquery()
        first_column, rank_column = merged.c[0], merged.c.group_rank
        chosen += session.scalars(
            select(first_column)
            .order_by(direction(rank_column), direction(first_column))
            .limit(block.size - len(chosen))
        ).all()
        if len(chosen) >= block.size:
            break
    if not chosen:
        return []
    keyed = rows.add_columns(*(e.label(f"sort_key_{i}") for i, (e, _) in enumerate(order)))
    position = {value: index for index, value in enumerate(chosen)}
    return sorted(
        session.execute(keyed.where(unique.in_(chosen))), key=lambda row: position[row[-1]]
    )
