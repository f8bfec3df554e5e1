"""The catalog kept by the operator: what is retired, where seats stand, opening hours.

Buildings, rooms, seats and tariffs get ``is_active`` (retired things stay for the
orders that use them); seats a place on the room's plan (``x``, ``y``) and an optional
label; rooms their opening hours.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RETIRABLE = ("buildings", "rooms", "seats", "tariffs")


def upgrade() -> None:
    for table in RETIRABLE:
        op.add_column(
            table, sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.add_column("rooms", sa.Column("opens_at", sa.Time(), nullable=True))
    op.add_column("rooms", sa.Column("closes_at", sa.Time(), nullable=True))
    op.add_column("seats", sa.Column("label", sa.String(40), nullable=True))
    op.add_column("seats", sa.Column("x", sa.Integer(), nullable=True))
    op.add_column("seats", sa.Column("y", sa.Integer(), nullable=True))
    with op.batch_alter_table("seats") as batch:
        batch.create_check_constraint("position", "x >= 0 AND y >= 0")


def downgrade() -> None:
    with op.batch_alter_table("seats") as batch:
        batch.drop_constraint("ck_seats_position", type_="check")
        batch.drop_column("y")
        batch.drop_column("x")
        batch.drop_column("label")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("closes_at")
        batch.drop_column("opens_at")
    for table in RETIRABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("is_active")
