"""What changed since a page last looked (SPEC §9.3 "Live"): the revision open pages
poll, the changes since a revision, and the refusal of an action taken on a page
that went stale.

The change log (models/changes.py) is appended to in each writer's own transaction.
On PostgreSQL its ids come from a sequence, so they are not committed in order: A
takes id 10, B id 11, B commits first. A revision that were only the largest id
(11) would never show A's 10. So a revision is the largest id *and* how many ids
the last ``WINDOW`` below it hold: A's late commit changes the count. Both are read
from the primary key alone (a range of at most ``WINDOW`` index entries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from models import CoworkingTicket, Order
from models.changes import GUARD, NOT_RECORDED, Change, change_row
from services.errors import N_, DomainError

WINDOW = 1000  # how far below the last id a commit may land late and still be seen
KEYS_LIMIT = 200  # more changes than this since a page's revision: "everything"
KEEP = timedelta(days=1)

T = TypeVar("T")


class StaleError(DomainError):
    """The page an action came from no longer shows what is stored."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "Someone changed this record after the page showed it. The page now "
                "shows it as it is: check it and try again."
            )
        )


@dataclass(frozen=True)
class Revision:
    last: int  # the largest change id
    recent: int  # how many change ids lie in (last - WINDOW, last]

    @property
    def token(self) -> str:
        return f"{self.last}.{self.recent}"

    @classmethod
    def parse(cls, token: object) -> Revision | None:
        """A token a client sent back, or None when it is not one."""
        if not isinstance(token, str) or len(token) > 40:
            return None
        last, dot, recent = token.strip().strip('"').partition(".")
        if not dot or not last.isdigit() or not recent.isdigit():
            return None
        return cls(int(last), int(recent))


@dataclass(frozen=True)
class Delta:
    """The revision now and what changed since the client's: ``keys`` are (table, row
    id, order id, change id) in the order of the change ids; None means "too much, or
    unknown: everything"."""

    token: str
    keys: list[tuple[str, int | None, int | None, int]] | None

    @property
    def everything(self) -> bool:
        return self.keys is None

    def scopes(self) -> list[tuple[str, int | None, int]]:
        """(table, order id, its last change id) of each table and order that changed:
        a page of one order skips the changes it has already seen (its own action's)."""
        last: dict[tuple[str, int | None], int] = {}
        for entity, _row, order_id, change_id in self.keys or ():
            last[entity, order_id] = change_id
        return sorted(((e, o, i) for (e, o), i in last.items()), key=str)


def _count(session: Session, *where) -> int:
    return session.scalar(select(func.count()).select_from(Change).where(*where)) or 0


def revision(session: Session) -> Revision:
    last = session.scalar(select(func.max(Change.id))) or 0
    return Revision(last, _count(session, Change.id > last - WINDOW, Change.id <= last))


def changes_since(session: Session, token: object) -> Delta:
    """What changed since the client's revision ``token`` (unchanged: no keys)."""
    now = revision(session)
    seen = Revision.parse(token)
    if seen == now:
        return Delta(now.token, [])
    if (
        seen is None
        or seen.last > now.last
        or _count(session, Change.id > seen.last - WINDOW, Change.id <= seen.last) != seen.recent
    ):
        # An unknown revision, or changes committed late below the client's last id.
        return Delta(now.token, None)
    rows = session.execute(
        select(Change.entity, Change.entity_id, Change.order_id, Change.id)
        .where(Change.id > seen.last, Change.id <= now.last)
        .order_by(Change.id)
        .limit(KEYS_LIMIT + 1)
    ).all()
    if len(rows) > KEYS_LIMIT:
        return Delta(now.token, None)
    return Delta(now.token, [tuple(row) for row in rows])


def touch(
    session: Session, entity: str, entity_id: int | None = None, order_id: int | None = None
) -> None:
    """Record a change written with a core statement (the session event sees ORM
    flushes only); ``entity_id`` None means many rows of that table."""
    if entity in NOT_RECORDED:
        return
    guard = session.info.get(GUARD)
    if guard is not None:
        guard()
    session.connection().execute(
        insert(Change.__table__), [change_row(entity, entity_id, order_id)]
    )


def prune(session: Session, now: datetime, keep: timedelta = KEEP) -> int:
    """Forget changes older than ``keep`` (the sweep runs it). The last ``WINDOW`` ids
    stay whatever their age: the revision counts them."""
    last = session.scalar(select(func.max(Change.id))) or 0
    return session.execute(
        delete(Change).where(Change.id <= last - WINDOW, Change.at < now - keep)
    ).rowcount


def mark(session: Session, order_id: int) -> str:
    """What a page of this order (or of one of its tickets) has seen: the order's last
    change id and how many changes it had up to it."""
    last = session.scalar(select(func.max(Change.id)).where(Change.order_id == order_id)) or 0
    return Revision(last, _count(session, Change.order_id == order_id, Change.id <= last)).token


def seen_order(session: Session, number: int) -> dict[str, object] | None:
    """What a page showing order ``number`` remembers: {"order": id, "mark": …}."""
    order_id = session.scalar(select(Order.id).where(Order.number == number))
    return None if order_id is None else {"order": order_id, "mark": mark(session, order_id)}


def seen_ticket(session: Session, number: int) -> dict[str, object] | None:
    """What a page showing ticket ``number`` remembers: its order's id and mark (the
    ticket page shows the order's status and balance too)."""
    order_id = session.scalar(
        select(CoworkingTicket.order_id).where(CoworkingTicket.number == number)
    )
    return None if order_id is None else {"order": order_id, "mark": mark(session, order_id)}


def parse_seen(seen: object) -> tuple[int | None, str | None]:
    """The order id and mark of a page's seen store, as the browser sent it back
    (anything else: nothing to check)."""
    if not isinstance(seen, dict):
        return None, None
    order_id, seen_mark = seen.get("order"), seen.get("mark")
    if not isinstance(order_id, int) or isinstance(order_id, bool) or order_id <= 0:
        return None, None
    if Revision.parse(seen_mark) is None:
        return None, None
    return order_id, seen_mark


def is_stale(session: Session, order_id: int, seen_mark: str) -> bool:
    """Whether the order changed since a page took ``seen_mark``: a later change, or one
    committed late below it. (Pruning only removes changes: never counted stale.)"""
    seen = Revision.parse(seen_mark)
    if seen is None:
        return True
    connection = session.connection()
    later = connection.scalar(
        select(Change.id).where(Change.order_id == order_id, Change.id > seen.last).limit(1)
    )
    if later is not None:
        return True
    count = connection.scalar(
        select(func.count())
        .select_from(Change)
        .where(Change.order_id == order_id, Change.id <= seen.last)
    )
    return (count or 0) > seen.recent


def unless_stale(
    session: Session, order_id: int | None, seen_mark: str | None, action: Callable[[Session], T]
) -> T:
    """Run ``action`` (a service call), refused with ``StaleError`` when the order
    changed since the page took ``seen_mark``.

    The check runs once, before the action's first write is flushed — after the
    service has locked its row the way it always does, so a writer that got there
    first is seen — or at the end when the action wrote nothing through the session.
    """
    if order_id is None or seen_mark is None:
        return action(session)
    checked = False

    def guard() -> None:
        nonlocal checked
        if not checked:
            checked = True
            if is_stale(session, order_id, seen_mark):
                raise StaleError()

    session.info[GUARD] = guard
    try:
        result = action(session)
        guard()
    finally:
        session.info.pop(GUARD, None)
    return result
