"""PostgreSQL's statistics on a coworking ticket's length (issue 18).

The tickets around a moment are read in three sets by length (services.occupancy
``tickets_overlapping``), each from its own index; the set of tickets longer than a
month comes from the partial index ``ix_coworking_tickets_long``. PostgreSQL keeps no
statistics on ``period_end - period_start``, so it guessed that a third of all tickets
were that long — the demo has none, a real house a few year-long passes — and joined
that set to the orders by reading the whole orders table: 370 ms for Today, the
overview's seats taken and the floor at full size as soon as three such tickets ran.
With statistics on the expression it knows they are few and looks each one's order up
by its key (0.06 ms).

SQLite plans by the partial index's predicate alone: nothing to do there.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE STATISTICS coworking_tickets_length "
            "ON ((period_end - period_start)) FROM coworking_tickets"
        )
        op.execute("ANALYZE coworking_tickets")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS coworking_tickets_length")
