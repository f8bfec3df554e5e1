"""Staff accounts, their server-side sessions and login attempts."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Name, Timestamp, intpk, utcnow
from models.statuses import Role, check_in


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint(check_in("role", Role), name="role"),
        CheckConstraint("locale IS NULL OR locale IN ('en', 'ru')", name="locale"),
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[Name]
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class StaffSession(Base):
    """A login. The cookie holds a random token; the row holds only its hash.

    Kept in the database so that every worker and host sees the same logins,
    and so that logging out really ends the session.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[intpk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    expires_at: Mapped[Timestamp]
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class LoginAttempt(Base):
    """One try at the login form; the throttle counts the recent failures."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_address_at", "email", "address", "attempted_at"),
        Index("ix_login_attempts_address_at", "address", "attempted_at"),
    )

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[Timestamp]
    succeeded: Mapped[bool]
