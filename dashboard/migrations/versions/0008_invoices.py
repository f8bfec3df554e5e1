"""Invoices for bank transfer: the invoice's own number and when it was issued.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("invoice_number", sa.String(20), nullable=True))
    op.add_column("orders", sa.Column("invoice_issued_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_orders_invoice_number", "orders", ["invoice_number"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_orders_invoice_number", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("invoice_issued_at")
        batch.drop_column("invoice_number")
