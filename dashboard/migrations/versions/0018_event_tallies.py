"""Each event's tickets sold and checked in (``events.tickets_sold``,
``events.tickets_checked_in``), kept by triggers (issue 18).

The events list, Today and the check-in desk show, for every event, its tickets of
orders not cancelled and how many of those are checked in. They were counted on every
request by looking up the order of each ticket: 5,000 lookups for the list's 61 events
at full size, 13 ms of the list's 47 on PostgreSQL. Now they are two columns of the
event, read with it.

Triggers keep them in the same transaction as every write that changes them:
- on ``event_tickets``: an insert adds the ticket to its event if its order is live, a
  delete takes it away, a change of event, order or check-in takes the old ticket away
  and adds the new one;
- on ``orders``: a change of status that cancels an order or brings it back takes its
  tickets away from their events or adds them again.
On PostgreSQL the ticket's trigger reads its order ``FOR SHARE``: a cancellation of the
order waits for the ticket's transaction (and the ticket's trigger for the
cancellation's), so that each counts what the other wrote. The events of one order are
updated in the order of their ids, as two cancellations at once would lock them.

As with 0011's and 0013's: a later migration that rebuilds ``event_tickets`` or
``orders`` in SQLite's batch mode must create these triggers again.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models.statuses.CANCELLED_STATUSES as of this revision.
CANCELLED = (
    "('cancelled', 'cancelled_payment_failed', 'cancelled_refund_pending', 'cancelled_refunded')"
)


def _sqlite_count(row: str, sign: str) -> str:
    """The ticket ``row`` (NEW or OLD) added to (+) or taken from (-) its event, if its
    order is live."""
    return (
        f"UPDATE events SET tickets_sold = tickets_sold {sign} 1, "
        f"tickets_checked_in = tickets_checked_in {sign} ({row}.checked_in_at IS NOT NULL) "
        f"WHERE id = {row}.event_id "
        f"AND (SELECT status FROM orders WHERE id = {row}.order_id) NOT IN {CANCELLED};"
    )


def _of_order(tickets: str) -> str:
    """An order's tickets, by event: ``tickets`` filters event_tickets to the order."""
    return f"SELECT count(*) FROM event_tickets WHERE {tickets} AND event_id = events.id"


# -1: the order was just cancelled, its tickets leave their events; 1: they come back.
SIGN = f"(CASE WHEN NEW.status IN {CANCELLED} THEN -1 ELSE 1 END)"
SQLITE = [
    "CREATE TRIGGER events_tally_insert AFTER INSERT ON event_tickets BEGIN "
    + _sqlite_count("NEW", "+")
    + " END",
    "CREATE TRIGGER events_tally_update AFTER UPDATE OF event_id, order_id, checked_in_at "
    "ON event_tickets BEGIN "
    + _sqlite_count("OLD", "-")
    + " "
    + _sqlite_count("NEW", "+")
    + " END",
    "CREATE TRIGGER events_tally_delete AFTER DELETE ON event_tickets BEGIN "
    + _sqlite_count("OLD", "-")
    + " END",
    # Cancelled, or back from cancelled: the order's tickets leave or rejoin their events.
    "CREATE TRIGGER events_tally_of_order AFTER UPDATE OF status ON orders "
    f"WHEN (OLD.status IN {CANCELLED}) <> (NEW.status IN {CANCELLED}) BEGIN "
    "UPDATE events SET "
    f"tickets_sold = tickets_sold + {SIGN} * ({_of_order('order_id = NEW.id')}), "
    f"tickets_checked_in = tickets_checked_in + {SIGN} "
    f"* ({_of_order('order_id = NEW.id AND checked_in_at IS NOT NULL')}) "
    "WHERE id IN (SELECT event_id FROM event_tickets WHERE order_id = NEW.id); END",
]
POSTGRESQL = [
    f"""
CREATE FUNCTION events_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    order_status text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT status INTO order_status FROM orders WHERE id = OLD.order_id FOR SHARE;
        IF order_status NOT IN {CANCELLED} THEN
            UPDATE events SET tickets_sold = tickets_sold - 1,
                tickets_checked_in = tickets_checked_in - (OLD.checked_in_at IS NOT NULL)::int
            WHERE id = OLD.event_id;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT status INTO order_status FROM orders WHERE id = NEW.order_id FOR SHARE;
        IF order_status NOT IN {CANCELLED} THEN
            UPDATE events SET tickets_sold = tickets_sold + 1,
                tickets_checked_in = tickets_checked_in + (NEW.checked_in_at IS NOT NULL)::int
            WHERE id = NEW.event_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER events_tally AFTER INSERT OR UPDATE OF event_id, order_id, checked_in_at "
    "OR DELETE ON event_tickets FOR EACH ROW EXECUTE FUNCTION events_tally()",
    f"""
CREATE FUNCTION events_tally_of_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign integer := {SIGN};
    counted record;
BEGIN
    FOR counted IN
        SELECT event_id, count(*) AS sold, count(checked_in_at) AS checked_in
        FROM event_tickets WHERE order_id = NEW.id GROUP BY event_id ORDER BY event_id
    LOOP
        UPDATE events SET tickets_sold = tickets_sold + sign * counted.sold,
            tickets_checked_in = tickets_checked_in + sign * counted.checked_in
        WHERE id = counted.event_id;
    END LOOP;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER events_tally_of_order AFTER UPDATE OF status ON orders FOR EACH ROW "
    f"WHEN ((OLD.status IN {CANCELLED}) IS DISTINCT FROM (NEW.status IN {CANCELLED})) "
    "EXECUTE FUNCTION events_tally_of_order()",
]
FILL = (
    "UPDATE events SET "
    "tickets_sold = (SELECT count(*) FROM event_tickets t JOIN orders o ON o.id = t.order_id "
    f"WHERE t.event_id = events.id AND o.status NOT IN {CANCELLED}), "
    "tickets_checked_in = (SELECT count(t.checked_in_at) FROM event_tickets t "
    "JOIN orders o ON o.id = t.order_id "
    f"WHERE t.event_id = events.id AND o.status NOT IN {CANCELLED})"
)


def upgrade() -> None:
    for name in ("tickets_sold", "tickets_checked_in"):
        op.add_column(
            "events", sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    op.execute(FILL)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgres else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_tally ON event_tickets")
        op.execute("DROP FUNCTION events_tally()")
        op.execute("DROP TRIGGER events_tally_of_order ON orders")
        op.execute("DROP FUNCTION events_tally_of_order()")
    else:
        for name in ("insert", "update", "delete", "of_order"):
            op.execute(f"DROP TRIGGER events_tally_{name}")
    # Not in batch mode: SQLite drops a column itself (3.35 and later).
    for name in ("tickets_checked_in", "tickets_sold"):
        op.drop_column("events", name)
