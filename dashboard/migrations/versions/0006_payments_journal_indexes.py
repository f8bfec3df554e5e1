"""The payments journal pages by seek.

The journal (every ledger row: two million at full size) sorts by time, newest first,
by method and by signed amount, ties by time and id. (paid_at, id), (method, paid_at,
id) and (signed amount, paid_at, id) let a block be read from an index in order, and a
deep block be a seek from the previous block's last row (services/grid.py), where
OFFSET read every row before it. (paid_at, id) replaces the index on paid_at alone,
which is its prefix; the reports' periods read it as before. The signed amount is the
expression of models/orders.py, which services.payments.signed_amount builds.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of models/orders.py's SIGNED_AMOUNT_SQL as of this revision.
SIGNED_AMOUNT_SQL = (
    "\nCASE\n    WHEN kind = 'refund' THEN -amount_kopecks\n    ELSE amount_kopecks\nEND"
)


def upgrade() -> None:
    op.create_index("ix_payments_paid_at_id", "payments", ["paid_at", "id"])
    op.create_index("ix_payments_method_paid_at_id", "payments", ["method", "paid_at", "id"])
    op.create_index(
        "ix_payments_signed_paid_at_id",
        "payments",
        [sa.text(f"({SIGNED_AMOUNT_SQL})"), "paid_at", "id"],
    )
    op.drop_index("ix_payments_paid_at", table_name="payments")


def downgrade() -> None:
    op.create_index("ix_payments_paid_at", "payments", ["paid_at"])
    op.drop_index("ix_payments_signed_paid_at_id", table_name="payments")
    op.drop_index("ix_payments_method_paid_at_id", table_name="payments")
    op.drop_index("ix_payments_paid_at_id", table_name="payments")
