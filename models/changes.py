"""The change log that open pages poll (SPEC §9.3 "Live").

Every write to a domain table appends one row per changed record, in the same
transaction as the write (a rollback leaves none): which table, which row, and the
order it belongs to (the scope a page showing one order or ticket listens to). Rows
are appended, never updated: writers never wait for one another here, as they would
for a single counter row.

The rows are recorded by a session event over every flush (``record``), so a table
added later is picked up by its name; writes through core ``INSERT``/``UPDATE``
statements call ``services.live.touch`` themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, Timestamp, utcnow

# Tables whose writes no page shows, or that are derived from rows already recorded:
# the trail, logins, counters and the kept sums (their order's own rows say it changed).
NOT_RECORDED = frozenset(
    {
        "changes",
        "audit_entries",
        "login_attempts",
        "staff_sessions",
        "counters",
        "order_tallies",
        "payment_quarters",
    }
)
# Tables whose rows belong to one staff member, not to the order they name: a change of
# them (a notification read) is recorded without the order, so that it does not make
# every open page of that order read itself again.
UNSCOPED = frozenset({"notifications"})
# Set on a session (``session.info[GUARD]``) by ``services.live.unless_stale``: checked
# once, before the first flush of the action's writes.
GUARD = "parkdesk_live_guard"


class Change(Base):
    __tablename__ = "changes"
    __table_args__ = (
        # A page of one order asks for its order's latest change; the poll reads the
        # primary key only.
        Index("ix_changes_order", "order_id", "id"),
    )

    # BigInteger on PostgreSQL (a sequence), INTEGER PRIMARY KEY (the rowid) on SQLite.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[Timestamp] = mapped_column(default=utcnow)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    order_id: Mapped[int | None] = mapped_column(BigInteger)


def change_row(entity: str, entity_id: int | None, order_id: int | None) -> dict[str, Any]:
    return {"at": utcnow(), "entity": entity, "entity_id": entity_id, "order_id": order_id}


def _key(instance: object) -> tuple[str, int | None, int | None] | None:
    mapper = inspect(instance).mapper
    table = mapper.persist_selectable
    name = getattr(table, "name", None)
    if name is None or name in NOT_RECORDED:
        return None
    identity = mapper.primary_key_from_instance(instance)
    entity_id = identity[0] if len(identity) == 1 else None
    if not isinstance(entity_id, int):
        entity_id = None
    order_id = entity_id if name == "orders" else getattr(instance, "order_id", None)
    if name in UNSCOPED:
        order_id = None
    return name, entity_id, order_id if isinstance(order_id, int) else None


@event.listens_for(Session, "before_flush")
def _check_guard(session: Session, _context, _instances) -> None:
    guard = session.info.get(GUARD)
    if guard is not None:
        guard()


@event.listens_for(Session, "after_flush")
def record(session: Session, _context) -> None:
    """Append a change row for each record of a domain table this flush wrote."""
    keys: set[tuple[str, int | None, int | None]] = set()
    for instance in session.new:
        key = _key(instance)
        if key:
            keys.add(key)
    for instance in session.dirty:
        if session.is_modified(instance, include_collections=False):
            key = _key(instance)
            if key:
                keys.add(key)
    for instance in session.deleted:
        key = _key(instance)
        if key:
            keys.add(key)
    if keys:
        session.connection().execute(
            insert(Change.__table__), [change_row(*key) for key in sorted(keys, key=str)]
        )
