"""Running totals of the orders (``order_tallies``), kept by triggers.

One row per (status, service, executor): the number of orders, how many owe, their
balance Σ(total − paid) and their coworking tickets. Triggers on ``orders`` and
``coworking_tickets`` change the rows in the same transaction as every write, whoever
writes (the ORM, the sweep's bulk UPDATE, the demo's bulk inserts); the rows are filled
from the orders as they stand when the migration runs.

Lock order: a write that moves an order from one key to another touches the two rows in
key order, so two transactions moving orders in opposite directions wait for each other
instead of deadlocking.

Also the small partial index of the service orders whose deadline can still pass
(``ix_orders_unfinished_deadline``): the overdue ones are a range of it.

Note for later migrations: SQLite's batch mode rebuilds a table by copying it, which
drops its triggers; a batch migration of ``orders`` or ``coworking_tickets`` must create
these triggers again (``python -m dashboard check`` finds tallies that drifted).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "status, service_id, executor_key, orders, owing, balance_kopecks, tickets"
ADD = (
    "ON CONFLICT (status, service_id, executor_key) DO UPDATE SET "
    "orders = {t}orders + excluded.orders, owing = {t}owing + excluded.owing, "
    "balance_kopecks = {t}balance_kopecks + excluded.balance_kopecks, "
    "tickets = {t}tickets + excluded.tickets"
)
CHANGED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.service_id IS DISTINCT FROM NEW.service_id"
    " OR OLD.executor_id IS DISTINCT FROM NEW.executor_id"
    " OR OLD.total_kopecks IS DISTINCT FROM NEW.total_kopecks"
    " OR OLD.paid_kopecks IS DISTINCT FROM NEW.paid_kopecks"
)


def _order_row(row: str, sign: str, tickets: str) -> str:
    """The values one order adds to (sign "") or takes from (sign "-") its key's row."""
    return (
        f"{row}.status, {row}.service_id, COALESCE({row}.executor_id, 0), {sign}1, "
        f"{sign}(CASE WHEN {row}.total_kopecks > {row}.paid_kopecks THEN 1 ELSE 0 END), "
        f"{sign}({row}.total_kopecks - {row}.paid_kopecks), {sign}{tickets}"
    )


SQLITE_TICKETS_OF = "(SELECT count(*) FROM coworking_tickets WHERE order_id = {row}.id)"


def _sqlite() -> list[str]:
    add = ADD.format(t="")
    take_old = _order_row("OLD", "-", SQLITE_TICKETS_OF.format(row="OLD"))
    add_new = _order_row("NEW", "", SQLITE_TICKETS_OF.format(row="NEW"))
    upsert = f"INSERT INTO order_tallies ({COLUMNS}) SELECT {{values}} WHERE true {add};"
    # SQLite's IS NOT is its IS DISTINCT FROM.
    changed = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    ticket = (
        "INSERT INTO order_tallies ({columns}) SELECT o.status, o.service_id, "
        "COALESCE(o.executor_id, 0), 0, 0, 0, {sign}1 FROM orders AS o "
        "WHERE o.id = {row}.order_id {add};"
    )
    return [
        "CREATE TRIGGER order_tallies_insert AFTER INSERT ON orders BEGIN "
        + upsert.format(values=_order_row("NEW", "", "0"))
        + " END",
        # Old key first or new key first: whichever sorts first (the lock order).
        "CREATE TRIGGER order_tallies_update_down AFTER UPDATE ON orders "
        f"WHEN ({changed}) AND (OLD.status, OLD.service_id, COALESCE(OLD.executor_id, 0)) "
        "<= (NEW.status, NEW.service_id, COALESCE(NEW.executor_id, 0)) BEGIN "
        + upsert.format(values=take_old)
        + " "
        + upsert.format(values=add_new)
        + " END",
        "CREATE TRIGGER order_tallies_update_up AFTER UPDATE ON orders "
        f"WHEN ({changed}) AND (OLD.status, OLD.service_id, COALESCE(OLD.executor_id, 0)) "
        "> (NEW.status, NEW.service_id, COALESCE(NEW.executor_id, 0)) BEGIN "
        + upsert.format(values=add_new)
        + " "
        + upsert.format(values=take_old)
        + " END",
        "CREATE TRIGGER order_tallies_delete AFTER DELETE ON orders BEGIN "
        + upsert.format(values=take_old)
        + " END",
        "CREATE TRIGGER order_tallies_ticket_insert AFTER INSERT ON coworking_tickets BEGIN "
        + ticket.format(columns=COLUMNS, sign="", row="NEW", add=add)
        + " END",
        "CREATE TRIGGER order_tallies_ticket_delete AFTER DELETE ON coworking_tickets BEGIN "
        + ticket.format(columns=COLUMNS, sign="-", row="OLD", add=add)
        + " END",
        "CREATE TRIGGER order_tallies_ticket_move AFTER UPDATE OF order_id ON coworking_tickets "
        "WHEN OLD.order_id IS NOT NEW.order_id BEGIN "
        + ticket.format(columns=COLUMNS, sign="-", row="OLD", add=add)
        + " "
        + ticket.format(columns=COLUMNS, sign="", row="NEW", add=add)
        + " END",
    ]


def _postgresql() -> list[str]:
    add = ADD.format(t="t.")
    return [
        f"""
CREATE FUNCTION order_tallies_add(
    k_status varchar, k_service integer, k_executor integer,
    d_orders bigint, d_owing bigint, d_balance bigint, d_tickets bigint
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO order_tallies AS t ({COLUMNS})
    VALUES (k_status, k_service, COALESCE(k_executor, 0), d_orders, d_owing, d_balance, d_tickets)
    {add}
$$""",
        f"""
CREATE FUNCTION order_tallies_orders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tickets bigint := 0;
    old_first boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NOT ({CHANGED}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN  -- a new order has no tickets yet
        SELECT count(*) INTO tickets FROM coworking_tickets WHERE order_id = OLD.id;
    END IF;
    -- The two rows in key order (the lock order).
    old_first := TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND
        ROW(OLD.status, OLD.service_id, COALESCE(OLD.executor_id, 0))
        <= ROW(NEW.status, NEW.service_id, COALESCE(NEW.executor_id, 0)));
    IF old_first THEN
        PERFORM order_tallies_add(OLD.status, OLD.service_id, OLD.executor_id, -1,
            -(CASE WHEN OLD.total_kopecks > OLD.paid_kopecks THEN 1 ELSE 0 END),
            -(OLD.total_kopecks - OLD.paid_kopecks), -tickets);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM order_tallies_add(NEW.status, NEW.service_id, NEW.executor_id, 1,
            CASE WHEN NEW.total_kopecks > NEW.paid_kopecks THEN 1 ELSE 0 END,
            NEW.total_kopecks - NEW.paid_kopecks, tickets);
    END IF;
    IF TG_OP = 'UPDATE' AND NOT old_first THEN
        PERFORM order_tallies_add(OLD.status, OLD.service_id, OLD.executor_id, -1,
            -(CASE WHEN OLD.total_kopecks > OLD.paid_kopecks THEN 1 ELSE 0 END),
            -(OLD.total_kopecks - OLD.paid_kopecks), -tickets);
    END IF;
    RETURN NULL;
END
$$""",
        """
CREATE FUNCTION order_tallies_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.order_id IS NOT DISTINCT FROM NEW.order_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM order_tallies_add(o.status, o.service_id, o.executor_id, 0, 0, 0, -1)
        FROM orders AS o WHERE o.id = OLD.order_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM order_tallies_add(o.status, o.service_id, o.executor_id, 0, 0, 0, 1)
        FROM orders AS o WHERE o.id = NEW.order_id;
    END IF;
    RETURN NULL;
END
$$""",
        "CREATE TRIGGER order_tallies AFTER INSERT OR UPDATE OR DELETE ON orders "
        "FOR EACH ROW EXECUTE FUNCTION order_tallies_orders()",
        "CREATE TRIGGER order_tallies AFTER INSERT OR UPDATE OF order_id OR DELETE "
        "ON coworking_tickets FOR EACH ROW EXECUTE FUNCTION order_tallies_tickets()",
    ]


FILL = f"""
INSERT INTO order_tallies ({COLUMNS})
SELECT o.status, o.service_id, COALESCE(o.executor_id, 0), count(*),
       sum(CASE WHEN o.total_kopecks > o.paid_kopecks THEN 1 ELSE 0 END),
       sum(o.total_kopecks - o.paid_kopecks), COALESCE(sum(t.tickets), 0)
FROM orders AS o
LEFT JOIN (SELECT order_id, count(*) AS tickets FROM coworking_tickets GROUP BY order_id) AS t
       ON t.order_id = o.id
GROUP BY o.status, o.service_id, COALESCE(o.executor_id, 0)
"""


UNFINISHED = (  # models.orders.UNFINISHED_SQL as of this revision
    "deadline IS NOT NULL AND status NOT IN ('cancelled', 'cancelled_payment_failed', "
    "'cancelled_refund_pending', 'cancelled_refunded', 'done', 'done_awaiting_confirmation')"
)


def upgrade() -> None:
    op.create_index(
        "ix_orders_unfinished_deadline",
        "orders",
        ["deadline"],
        postgresql_where=sa.text(UNFINISHED),
        sqlite_where=sa.text(UNFINISHED),
    )
    op.create_table(
        "order_tallies",
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("executor_key", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("owing", sa.BigInteger(), nullable=False),
        sa.Column("balance_kopecks", sa.BigInteger(), nullable=False),
        sa.Column("tickets", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("status", "service_id", "executor_key", name="pk_order_tallies"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql() if postgres else _sqlite():
        op.execute(statement)
    op.execute(FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER order_tallies ON coworking_tickets")
        op.execute("DROP TRIGGER order_tallies ON orders")
        op.execute("DROP FUNCTION order_tallies_tickets()")
        op.execute("DROP FUNCTION order_tallies_orders()")
        op.execute(
            "DROP FUNCTION order_tallies_add(varchar, integer, integer, bigint, bigint, "
            "bigint, bigint)"
        )
    else:
        for name in (
            "insert",
            "update_down",
            "update_up",
            "delete",
            "ticket_insert",
            "ticket_delete",
            "ticket_move",
        ):
            op.execute(f"DROP TRIGGER order_tallies_{name}")
    op.drop_table("order_tallies")
    op.drop_index("ix_orders_unfinished_deadline", table_name="orders")
