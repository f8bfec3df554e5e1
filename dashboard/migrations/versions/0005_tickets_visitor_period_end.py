"""A visitor's tickets by the end of their period.

The tickets list filtered by a visitor's name finds the matching people, then their
tickets; for the statuses a desk works with (active, confirmed) only tickets whose period
has not ended count, about a tenth of a year's. (visitor_id, period_end) finds exactly
those, where (visitor_id) read every ticket of every matching person and its order. It
replaces the index on visitor_id alone, which is its prefix.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_coworking_tickets_visitor_period_end",
        "coworking_tickets",
        ["visitor_id", "period_end"],
    )
    op.drop_index("ix_coworking_tickets_visitor_id", table_name="coworking_tickets")


def downgrade() -> None:
    op.create_index("ix_coworking_tickets_visitor_id", "coworking_tickets", ["visitor_id"])
    op.drop_index("ix_coworking_tickets_visitor_period_end", table_name="coworking_tickets")
