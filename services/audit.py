"""The audit trail: one row per successful action, written in the action's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, StaffUser
from services.context import Actor


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
    operation_key: str | None = None,
) -> None:
    """One audit row. ``actor`` None is Parkdesk itself or the customer app (role "system")."""
    session.add(
        AuditEntry(
            at=now,
            user_id=actor.id if actor else None,
            role=actor.role if actor else "system",
            address=actor.address if actor else None,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
            operation_key=operation_key,
        )
    )


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    user_name: str | None
    role: str | None
    address: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def trail(session: Session, entity: str, entity_id: object, limit: int = 200) -> list[AuditRow]:
    """The audit trail of one record, newest first."""
    rows = session.execute(
        select(AuditEntry, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == AuditEntry.user_id)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()
    return [
        AuditRow(e.at, name, e.role, e.address, e.action, e.before, e.after) for e, name in rows
    ]
