"""The audit trail: who did what to which record, when, from where."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamp, intpk, utcnow
from models.statuses import AuditOutcome, check_in


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        CheckConstraint(check_in("outcome", AuditOutcome), name="outcome"),
        Index("ix_audit_entries_entity", "entity", "entity_id", "at"),
    )

    id: Mapped[intpk]
    at: Mapped[Timestamp] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    operation_key: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10), default=AuditOutcome.OK.value)
