"""What a staff user is told in the navbar (SPEC §9.3): one row per reader and event,
kept until read and after."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamp, intpk, utcnow
from models.statuses import check_in


class NotificationKind(StrEnum):
    MESSAGE = "message"  # the customer wrote on an order the reader serves
    ASSIGNED = "assigned"  # an order was assigned to the reader
    RETURNED = "returned"  # the customer returned the work to work
    PAYMENT = "payment"  # a payment came through the online gateway


# The navbar counts a user's unread notifications on every page and every live tick: the
# partial index holds only the unread rows, so the count reads a few index entries (and
# nothing else: with read_at in it, SQLite need not visit the rows to check the predicate).
UNREAD_SQL = "read_at IS NULL"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(check_in("kind", NotificationKind), name="kind"),
        Index(
            "ix_notifications_unread",
            "user_id",
            "read_at",
            postgresql_where=text(UNREAD_SQL),
            sqlite_where=text(UNREAD_SQL),
        ),
        # The list: a user's newest first, read from the index in order.
        Index("ix_notifications_user_created", "user_id", "created_at", "id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # The record the event wrote, where there is one (the customer's message, the payment).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    # Typed values of the text (services.messages.encode): each reader sees their language.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    read_at: Mapped[Timestamp | None]
