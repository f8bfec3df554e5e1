"""When a coworking order's last ticket ends (``orders.tickets_end``), kept by triggers.

The overdue figure (services.overdue) asks, for every order that owes, whether its
period is over; for the coworking orders — nine in ten of those that owe — that is now
``tickets_end <= now``, a range of a small partial index of the owing orders, instead of
a look at each owing order's tickets on every request.

Triggers on ``coworking_tickets`` set it in the same transaction as every ticket insert,
delete, or change of period or order; the migration fills it from the tickets as they
stand. As with 0011's: a later migration that rebuilds ``coworking_tickets`` in SQLite's
batch mode must create these triggers again.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTSTANDING = (  # models.orders.OUTSTANDING_SQL as of this revision
    "total_kopecks > paid_kopecks AND status NOT IN ('cancelled', 'cancelled_payment_failed', "
    "'cancelled_refund_pending', 'cancelled_refunded')"
)
LAST_END = "(SELECT max(period_end) FROM coworking_tickets WHERE order_id = {order})"
SET_END = "UPDATE orders SET tickets_end = " + LAST_END + " WHERE id = {order};"
SQLITE = [
    # A new ticket can only move the end later.
    "CREATE TRIGGER orders_tickets_end_insert AFTER INSERT ON coworking_tickets BEGIN "
    "UPDATE orders SET tickets_end = NEW.period_end WHERE id = NEW.order_id "
    "AND (tickets_end IS NULL OR tickets_end < NEW.period_end); END",
    "CREATE TRIGGER orders_tickets_end_update AFTER UPDATE OF period_end, order_id "
    "ON coworking_tickets BEGIN "
    + SET_END.format(order="OLD.order_id")
    + " "
    + SET_END.format(order="NEW.order_id")
    + " END",
    "CREATE TRIGGER orders_tickets_end_delete AFTER DELETE ON coworking_tickets BEGIN "
    + SET_END.format(order="OLD.order_id")
    + " END",
]
POSTGRESQL = [
    f"""
CREATE FUNCTION orders_tickets_end() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {SET_END.format(order="OLD.order_id")}
    END IF;
    IF TG_OP = 'INSERT' THEN  -- a new ticket can only move the end later
        UPDATE orders SET tickets_end = NEW.period_end WHERE id = NEW.order_id
            AND (tickets_end IS NULL OR tickets_end < NEW.period_end);
    ELSIF TG_OP = 'UPDATE' AND OLD.order_id IS DISTINCT FROM NEW.order_id
            OR TG_OP = 'UPDATE' AND OLD.period_end IS DISTINCT FROM NEW.period_end THEN
        {SET_END.format(order="NEW.order_id")}
    END IF;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER orders_tickets_end AFTER INSERT OR UPDATE OF period_end, order_id "
    "OR DELETE ON coworking_tickets FOR EACH ROW EXECUTE FUNCTION orders_tickets_end()",
]
FILL = (
    "UPDATE orders SET tickets_end = "
    + LAST_END.format(order="orders.id")
    + " WHERE id IN (SELECT order_id FROM coworking_tickets)"
)


def upgrade() -> None:
    op.add_column("orders", sa.Column("tickets_end", sa.DateTime(timezone=True), nullable=True))
    op.execute(FILL)
    op.create_index(
        "ix_orders_outstanding_tickets_end",
        "orders",
        ["tickets_end"],
        postgresql_where=sa.text(OUTSTANDING),
        sqlite_where=sa.text(OUTSTANDING),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgres else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER orders_tickets_end ON coworking_tickets")
        op.execute("DROP FUNCTION orders_tickets_end()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER orders_tickets_end_{name}")
    op.drop_index("ix_orders_outstanding_tickets_end", table_name="orders")
    # Not in batch mode: rebuilding orders would drop 0011's triggers on SQLite.
    op.drop_column("orders", "tickets_end")
