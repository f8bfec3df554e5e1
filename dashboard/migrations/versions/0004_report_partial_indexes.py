"""Partial indexes for the reports' recurring sets of orders.

Outstanding orders (the balances register and the outstanding total), unassigned open
work (the overview) and orders that are not sold (occupancy): each a few per cent of a
million orders. The predicates are the ones in models/orders.py, which the queries use.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of models/orders.py's predicates as of this revision.
LIVE_SQL = (
    "status NOT IN ('cancelled', 'cancelled_payment_failed', 'cancelled_refund_pending', "
    "'cancelled_refunded')"
)
OUTSTANDING_SQL = f"total_kopecks > paid_kopecks AND {LIVE_SQL}"
UNASSIGNED_SQL = (
    "executor_id IS NULL AND status NOT IN ('cancelled', 'cancelled_payment_failed', "
    "'cancelled_refund_pending', 'cancelled_refunded', 'done')"
)
UNSOLD_SQL = (
    "status IN ('cancelled', 'cancelled_payment_failed', 'cancelled_refund_pending', "
    "'cancelled_refunded', 'invoice_issued', 'new', 'new_awaiting_invoice', "
    "'new_payment_pending')"
)


def _partial(name: str, columns: list[str], where: str) -> None:
    predicate = sa.text(where)
    op.create_index(name, "orders", columns, postgresql_where=predicate, sqlite_where=predicate)


def upgrade() -> None:
    _partial("ix_orders_outstanding_created", ["created_at", "number"], OUTSTANDING_SQL)
    _partial("ix_orders_unassigned", ["service_id"], UNASSIGNED_SQL)
    _partial("ix_orders_unsold", ["id"], UNSOLD_SQL)


def downgrade() -> None:
    op.drop_index("ix_orders_unsold", table_name="orders")
    op.drop_index("ix_orders_unassigned", table_name="orders")
    op.drop_index("ix_orders_outstanding_created", table_name="orders")
