"""Failed logins by address across e-mails.

The login throttle counts an address's recent failures on one e-mail (the existing
(email, address, attempted_at) index) and, against password spraying, on any e-mail:
(address, attempted_at) reads just that address's last hour.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_login_attempts_address_at", "login_attempts", ["address", "attempted_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_login_attempts_address_at", table_name="login_attempts")
