"""The tickets around a moment from a day of the period index, not a month (issue 18).

Nearly every coworking ticket lasts at most a day (hours, a day); a few last up to a
month. A ticket overlapping a window was looked for among every ticket starting up to
32 days before it: at full size 17,000 index entries for the 700 tickets of a day, read
by Today, the floor, the overview's seats taken, the new-order form's free seats and
occupancy's "on the books". Those of more than a day and at most 31 days now have a
partial index of their own, so the tickets of at most a day are read from a range of two
days before the window.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of models/orders.py's as of this revision.
MEDIUM_TICKET_SQLITE = (
    "julianday(period_end) - julianday(period_start) > 1 "
    "AND NOT (julianday(period_end) - julianday(period_start) > 31)"
)
MEDIUM_TICKET_POSTGRES = (
    "period_end - period_start > interval '1 days' "
    "AND NOT (period_end - period_start > interval '31 days')"
)
TICKET_PERIOD_COLUMNS = [
    "period_start",
    "period_end",
    "created_at",
    "seat_id",
    "order_id",
    "validated_at",
]


def upgrade() -> None:
    op.create_index(
        "ix_coworking_tickets_medium",
        "coworking_tickets",
        TICKET_PERIOD_COLUMNS,
        sqlite_where=sa.text(MEDIUM_TICKET_SQLITE),
        postgresql_where=sa.text(MEDIUM_TICKET_POSTGRES),
    )


def downgrade() -> None:
    op.drop_index("ix_coworking_tickets_medium", table_name="coworking_tickets")
