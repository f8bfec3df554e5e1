"""People matched on import: the digits of the phone (indexed) and the e-mail's index.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000


def phone_key(phone: str | None) -> str | None:
    """models.places.phone_key as of this revision (a migration keeps its own copy)."""
    digits = "".join(c for c in phone or "" if c.isascii() and c.isdigit())
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return digits[:20] or None


def upgrade() -> None:
    op.add_column("persons", sa.Column("phone_key", sa.String(20), nullable=True))
    connection = op.get_bind()
    persons = sa.table("persons", sa.column("id"), sa.column("phone"), sa.column("phone_key"))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(persons.c.id, persons.c.phone)
            .where(persons.c.id > last, persons.c.phone.is_not(None))
            .order_by(persons.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            persons.update()
            .where(persons.c.id == sa.bindparam("person"))
            .values(phone_key=sa.bindparam("key")),
            [{"person": row.id, "key": phone_key(row.phone)} for row in rows],
        )
        last = rows[-1].id
    op.create_index("ix_persons_phone_key", "persons", ["phone_key"])
    op.create_index("ix_persons_email", "persons", ["email"])


def downgrade() -> None:
    op.drop_index("ix_persons_email", table_name="persons")
    op.drop_index("ix_persons_phone_key", table_name="persons")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("phone_key")
