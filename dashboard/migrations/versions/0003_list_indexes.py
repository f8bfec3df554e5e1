"""indexes for the registers' sorts, deep pages and name search

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-24

Each sortable column of the registers gets a (column, number) index: a block is then
read from the index in order, and a deep block is a seek from the previous block's last
row (services/grid.py). The single-column indexes they start with go. On PostgreSQL,
name searches (LIKE '%…%') get a trigram index (pg_trgm).
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BALANCE = sa.text("(total_kopecks - paid_kopecks)")


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_balance")
        batch_op.drop_index(batch_op.f("ix_orders_status"))
        batch_op.drop_index(batch_op.f("ix_orders_service_id"))
        batch_op.drop_index(batch_op.f("ix_orders_executor_id"))
        batch_op.create_index("ix_orders_balance_number", [BALANCE, "number"], unique=False)
        batch_op.create_index("ix_orders_status_number", ["status", "number"], unique=False)
        batch_op.create_index("ix_orders_total_number", ["total_kopecks", "number"], unique=False)
        batch_op.create_index("ix_orders_paid_number", ["paid_kopecks", "number"], unique=False)
        batch_op.create_index("ix_orders_service_number", ["service_id", "number"], unique=False)
        batch_op.create_index(
            "ix_orders_executor_number", ["executor_id", "number"], unique=False
        )
    with op.batch_alter_table("coworking_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coworking_tickets_period_start"))
        batch_op.create_index(
            "ix_coworking_tickets_start_number", ["period_start", "number"], unique=False
        )
        batch_op.create_index(
            "ix_coworking_tickets_seat_number", ["seat_id", "number"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.drop_index("ix_persons_search_text", table_name="persons")
        op.create_index(
            "ix_persons_search_text",
            "persons",
            ["search_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_persons_search_text", table_name="persons")
        op.create_index("ix_persons_search_text", "persons", ["search_text"], unique=False)
    with op.batch_alter_table("coworking_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_coworking_tickets_seat_number")
        batch_op.drop_index("ix_coworking_tickets_start_number")
        batch_op.create_index(
            batch_op.f("ix_coworking_tickets_period_start"), ["period_start"], unique=False
        )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_executor_number")
        batch_op.drop_index("ix_orders_service_number")
        batch_op.drop_index("ix_orders_paid_number")
        batch_op.drop_index("ix_orders_total_number")
        batch_op.drop_index("ix_orders_status_number")
        batch_op.drop_index("ix_orders_balance_number")
        batch_op.create_index(batch_op.f("ix_orders_executor_id"), ["executor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_status"), ["status"], unique=False)
        batch_op.create_index("ix_orders_balance", [BALANCE], unique=False)
