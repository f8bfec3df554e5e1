"""Where people look first (issue 18): the ledger summed by UTC quarter-hour and method,
kept by triggers; and the coworking tickets by period in covering indexes.

The payments journal's count and sum for a period, the revenue charts and the overview's
revenue read ``payment_quarters`` (a few thousand rows a month) instead of every ledger
row of the period (150,000 a month at full size). Every UTC offset in use is a whole
number of quarter-hours, so a local day is a run of whole quarters in any time zone.

Triggers keep it in the same transaction as every insert, update or delete of a ledger
row, whoever writes it: an insert adds (1, signed amount) to its (quarter, method), a
delete takes it away, an update does both. The upsert's row lock makes concurrent
payments of one quarter and method add up, never overwrite each other. A quarter is
``floor(epoch seconds of paid_at) / 900`` with integer division, as
services.balances computes it.

Occupancy reads the tickets overlapping a window from two indexes that hold every column
it reads (so the tickets themselves are not visited): those of at most 31 days by start,
from 32 days before the window (a range as long as the window and a month, not every
ticket before its end), and the few longer ones from a partial index.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _signed(row: str) -> str:
    """models.orders.SIGNED_AMOUNT_SQL of the trigger's row, as of this revision."""
    return f"CASE WHEN {row}.kind = 'refund' THEN -{row}.amount_kopecks ELSE {row}.amount_kopecks END"


SQLITE_QUARTER = "CAST(strftime('%s', {row}.paid_at) AS INTEGER) / 900"
POSTGRES_QUARTER = "CAST(floor(extract(epoch FROM {row}.paid_at)) AS BIGINT) / 900"


def _add(quarter: str, row: str, sign: str, table_alias: str = "") -> str:
    """Add (or with sign "-", take away) one ledger row to its quarter's sums."""
    target = "payment_quarters" + (f" AS {table_alias}" if table_alias else "")
    prefix = f"{table_alias}." if table_alias else ""
    return (
        f"INSERT INTO {target} (quarter, method, entries, kopecks) "
        f"VALUES ({quarter.format(row=row)}, {row}.method, {sign}1, {sign}({_signed(row)})) "
        "ON CONFLICT (quarter, method) DO UPDATE SET "
        f"entries = {prefix}entries + excluded.entries, "
        f"kopecks = {prefix}kopecks + excluded.kopecks"
    )


# Frozen copies of models/orders.py's as of this revision.
LONG_TICKET_SQLITE = "julianday(period_end) - julianday(period_start) > 31"
LONG_TICKET_POSTGRES = "period_end - period_start > interval '31 days'"
TICKET_PERIOD_COLUMNS = [
    "period_start",
    "period_end",
    "created_at",
    "seat_id",
    "order_id",
    "validated_at",
]


def upgrade() -> None:
    op.create_index("ix_coworking_tickets_periods", "coworking_tickets", TICKET_PERIOD_COLUMNS)
    op.create_index(
        "ix_coworking_tickets_long",
        "coworking_tickets",
        TICKET_PERIOD_COLUMNS,
        sqlite_where=sa.text(LONG_TICKET_SQLITE),
        postgresql_where=sa.text(LONG_TICKET_POSTGRES),
    )
    op.create_table(
        "payment_quarters",
        sa.Column("quarter", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("kopecks", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("quarter", "method", name=op.f("pk_payment_quarters")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    quarter = (SQLITE_QUARTER if sqlite else POSTGRES_QUARTER).format(row="payments")
    op.execute(
        "INSERT INTO payment_quarters (quarter, method, entries, kopecks) "
        f"SELECT {quarter}, method, count(*), sum({_signed('payments')}) "
        f"FROM payments GROUP BY {quarter}, method"
    )
    if sqlite:
        op.execute(
            "CREATE TRIGGER tr_payments_quarters_insert AFTER INSERT ON payments BEGIN "
            f"{_add(SQLITE_QUARTER, 'NEW', '')}; END"
        )
        op.execute(
            "CREATE TRIGGER tr_payments_quarters_delete AFTER DELETE ON payments BEGIN "
            f"{_add(SQLITE_QUARTER, 'OLD', '-')}; END"
        )
        op.execute(
            "CREATE TRIGGER tr_payments_quarters_update AFTER UPDATE ON payments BEGIN "
            f"{_add(SQLITE_QUARTER, 'OLD', '-')}; {_add(SQLITE_QUARTER, 'NEW', '')}; END"
        )
        return
    op.execute(
        "CREATE FUNCTION payment_quarters_follow() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        f"{_add(POSTGRES_QUARTER, 'OLD', '-', 'q')}; "
        "END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
        f"{_add(POSTGRES_QUARTER, 'NEW', '', 'q')}; "
        "END IF; "
        "RETURN NULL; "
        "END $$"
    )
    op.execute(
        "CREATE TRIGGER tr_payments_quarters AFTER INSERT OR UPDATE OR DELETE ON payments "
        "FOR EACH ROW EXECUTE FUNCTION payment_quarters_follow()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER tr_payments_quarters_{name}")
    else:
        op.execute("DROP TRIGGER tr_payments_quarters ON payments")
        op.execute("DROP FUNCTION payment_quarters_follow()")
    op.drop_table("payment_quarters")
    op.drop_index("ix_coworking_tickets_long", table_name="coworking_tickets")
    op.drop_index("ix_coworking_tickets_periods", table_name="coworking_tickets")
