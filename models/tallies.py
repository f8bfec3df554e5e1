"""Running totals of the orders, kept by the database itself (migration 0011).

The register's count and balance due, the overview's counts and the tickets list's count
are read here instead of being counted over a million orders on every request. Triggers
on ``orders`` and ``coworking_tickets`` keep every row exact in the same transaction as
the write that changes it — an ORM flush, a bulk ``UPDATE`` of the sweep or the demo's
bulk inserts alike — so nothing can go stale and no code path has to remember them.
``python -m dashboard check`` recounts them (services.integrity).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# The executor key of an unassigned order: a primary key cannot hold NULL, and staff ids
# start at 1.
UNASSIGNED_KEY = 0


class OrderTally(Base):
    """The orders of one status, service and executor: how many, how many owe, what
    they owe, and how many coworking tickets they hold.

    ``balance_kopecks`` is Σ(total − paid) whatever the status; a cancelled order owes
    nothing, so readers add it up for the open statuses only (services.tallies).
    Rows are never deleted: a key whose orders all moved on keeps zeros.
    """

    __tablename__ = "order_tallies"

    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    service_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    executor_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    orders: Mapped[int] = mapped_column(BigInteger)
    owing: Mapped[int] = mapped_column(BigInteger)
    balance_kopecks: Mapped[int] = mapped_column(BigInteger)
    tickets: Mapped[int] = mapped_column(BigInteger)
