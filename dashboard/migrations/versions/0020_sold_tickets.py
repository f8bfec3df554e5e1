"""Whether a coworking ticket is sold (``coworking_tickets.sold``), kept by triggers
(issue 18).

Occupancy counts the seat-hours of sold tickets: those whose order is neither new nor
cancelled. It asked, for each ticket of the window, whether its order is unsold — a
look-up in the partial index of unsold orders per ticket: for "on the books" 18,700
look-ups for the next 90 days' 13,400 sold tickets, 15–20 ms of the page's 45 on
PostgreSQL at full size. Now the answer is a column of the ticket, and a column of the
period indexes that occupancy reads, so the tickets are counted from those indexes alone.

Triggers keep it in the same transaction as every write that changes it:
- on ``coworking_tickets``: a new ticket, or one moved to another order, takes its
  order's answer;
- on ``orders``: a change of status into or out of the unsold ones (new, cancelled)
  gives the order's tickets the new answer.
On PostgreSQL the ticket's trigger reads its order ``FOR SHARE``, as 0018's does: a
change of the order's status waits for the ticket's transaction, and the ticket's
trigger for the change, so that neither writes what the other has just made stale.

As with 0011's, 0013's and 0018's: a later migration that rebuilds ``coworking_tickets``
or ``orders`` in SQLite's batch mode must create these triggers again.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.statuses' CANCELLED_STATUSES | NEW_STATUSES as of this revision.
UNSOLD = (
    "('cancelled', 'cancelled_payment_failed', 'cancelled_refund_pending', "
    "'cancelled_refunded', 'invoice_issued', 'new', 'new_awaiting_invoice', "
    "'new_payment_pending')"
)
# Frozen copies of models/orders.py's as of this revision (0012's and 0017's).
LONG_TICKET_SQLITE = "julianday(period_end) - julianday(period_start) > 31"
LONG_TICKET_POSTGRES = "period_end - period_start > interval '31 days'"
MEDIUM_TICKET_SQLITE = (
    "julianday(period_end) - julianday(period_start) > 1 "
    "AND NOT (julianday(period_end) - julianday(period_start) > 31)"
)
MEDIUM_TICKET_POSTGRES = (
    "period_end - period_start > interval '1 days' "
    "AND NOT (period_end - period_start > interval '31 days')"
)
PERIOD_COLUMNS = ["period_start", "period_end", "created_at", "seat_id", "order_id"]
BEFORE = [*PERIOD_COLUMNS, "validated_at"]
AFTER = [*BEFORE, "sold"]
INDEXES = {  # name: (SQLite's predicate, PostgreSQL's)
    "ix_coworking_tickets_periods": (None, None),
    "ix_coworking_tickets_long": (LONG_TICKET_SQLITE, LONG_TICKET_POSTGRES),
    "ix_coworking_tickets_medium": (MEDIUM_TICKET_SQLITE, MEDIUM_TICKET_POSTGRES),
}


def _order_sold(order: str) -> str:
    """Whether the order with the id ``order`` has sold its tickets."""
    return f"((SELECT status FROM orders WHERE id = {order}) NOT IN {UNSOLD})"


SQLITE = [
    # SQLite's triggers cannot change the row being written: it is updated after.
    "CREATE TRIGGER coworking_tickets_sold_insert AFTER INSERT ON coworking_tickets BEGIN "
    f"UPDATE coworking_tickets SET sold = {_order_sold('NEW.order_id')} WHERE id = NEW.id; "
    "END",
    "CREATE TRIGGER coworking_tickets_sold_move AFTER UPDATE OF order_id ON coworking_tickets "
    f"BEGIN UPDATE coworking_tickets SET sold = {_order_sold('NEW.order_id')} "
    "WHERE id = NEW.id; END",
    "CREATE TRIGGER coworking_tickets_sold_of_order AFTER UPDATE OF status ON orders "
    f"WHEN (OLD.status IN {UNSOLD}) <> (NEW.status IN {UNSOLD}) BEGIN "
    f"UPDATE coworking_tickets SET sold = (NEW.status NOT IN {UNSOLD}) "
    "WHERE order_id = NEW.id; END",
]
POSTGRESQL = [
    f"""
CREATE FUNCTION coworking_tickets_sold() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    order_status text;
BEGIN
    SELECT status INTO order_status FROM orders WHERE id = NEW.order_id FOR SHARE;
    NEW.sold := order_status NOT IN {UNSOLD};
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER coworking_tickets_sold BEFORE INSERT OR UPDATE OF order_id "
    "ON coworking_tickets FOR EACH ROW EXECUTE FUNCTION coworking_tickets_sold()",
    f"""
CREATE FUNCTION coworking_tickets_sold_of_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE coworking_tickets SET sold = NEW.status NOT IN {UNSOLD} WHERE order_id = NEW.id;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER coworking_tickets_sold_of_order AFTER UPDATE OF status ON orders "
    f"FOR EACH ROW WHEN ((OLD.status IN {UNSOLD}) IS DISTINCT FROM (NEW.status IN {UNSOLD})) "
    "EXECUTE FUNCTION coworking_tickets_sold_of_order()",
]


def _indexes(columns: list[str]) -> None:
    for name, (sqlite_where, postgresql_where) in INDEXES.items():
        op.drop_index(name, table_name="coworking_tickets")
        op.create_index(
            name,
            "coworking_tickets",
            columns,
            sqlite_where=sa.text(sqlite_where) if sqlite_where else None,
            postgresql_where=sa.text(postgresql_where) if postgresql_where else None,
        )


def upgrade() -> None:
    op.add_column(
        "coworking_tickets",
        sa.Column("sold", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(f"UPDATE coworking_tickets SET sold = {_order_sold('coworking_tickets.order_id')}")
    _indexes(AFTER)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgres else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER coworking_tickets_sold ON coworking_tickets")
        op.execute("DROP FUNCTION coworking_tickets_sold()")
        op.execute("DROP TRIGGER coworking_tickets_sold_of_order ON orders")
        op.execute("DROP FUNCTION coworking_tickets_sold_of_order()")
    else:
        for name in ("insert", "move", "of_order"):
            op.execute(f"DROP TRIGGER coworking_tickets_sold_{name}")
    _indexes(BEFORE)
    # Not in batch mode: SQLite drops a column itself (3.35 and later).
    op.drop_column("coworking_tickets", "sold")
