"""Notifications in the navbar (SPEC §9.3): a new customer message on an order the
user serves, an order assigned to them, work returned by a customer, a payment received
through the gateway.

Written by the services that make those events, in the same transaction as the write
that causes them; never to the user who did the action. Like system messages, a
notification keeps an English message id (by its kind) and typed values, so that each
reader sees it in their own language.

Who serves an order: its executor, when it has one who may read it; otherwise the
managers of its department (the roles whose kinds of order include it,
``services.permissions``); an order nobody of those may read goes to the
administrators, so that someone always hears.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from models import Notification, NotificationKind, Order, StaffUser
from models.statuses import Role
from services import live
from services.context import Actor
from services.errors import N_, NotFound
from services.ids import is_row_id
from services.messages import decode, encode
from services.permissions import SERVICE_TYPES_BY_ROLE, may_read_order

# The navbar lists this many, newest first; older ones stay in the table.
LIST_LIMIT = 20
# The roles that serve orders of their department (not the readers: executives and
# accountants read every order and serve none).
MANAGER_ROLES = (Role.RENTAL_MANAGER, Role.SERVICE_MANAGER, Role.EVENT_MANAGER)

TEXTS: dict[NotificationKind, str] = {
    NotificationKind.MESSAGE: N_("The customer wrote on order №%(number)s."),
    NotificationKind.ASSIGNED: N_("%(by)s assigned order №%(number)s to you."),
    NotificationKind.RETURNED: N_("The customer returned order №%(number)s to work."),
    NotificationKind.PAYMENT: N_("%(amount)s paid online for order №%(number)s."),
}


def servers(session: Session, order: Order, service_type: str) -> list[int]:
    """The ids of the staff who serve ``order`` (see the module's note), in id order."""
    if order.executor_id is not None:
        executor = session.get(StaffUser, order.executor_id)
        if executor is not None and executor.is_active and may_read_order(executor, service_type):
            return [executor.id]
    department = sorted(
        role.value for role in MANAGER_ROLES if service_type in SERVICE_TYPES_BY_ROLE[role]
    )
    for roles in (department, [Role.ADMIN.value]):
        found = [
            user_id
            for user_id, role in session.execute(
                select(StaffUser.id, StaffUser.role)
                .where(StaffUser.role.in_(roles), StaffUser.is_active)
                .order_by(StaffUser.id)
            )
            if may_read_order(_Reader(user_id, role), service_type)
        ]
        if found:
            return found
    return []


@dataclass(frozen=True)
class _Reader:
    id: int
    role: str


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: NotificationKind,
    order: Order,
    now: datetime,
    *,
    actor_id: int | None = None,
    message_id: int | None = None,
    payment_id: int | None = None,
    **params: Any,
) -> list[int]:
    """One notification for each of ``user_ids`` but the actor. Returns whom it told."""
    told = sorted({user_id for user_id in user_ids if user_id != actor_id})
    if told:
        session.execute(
            insert(Notification),
            [
                {
                    "user_id": user_id,
                    "kind": kind.value,
                    "order_id": order.id,
                    "message_id": message_id,
                    "payment_id": payment_id,
                    "params": encode(params) or None,
                    "created_at": now,
                }
                for user_id in told
            ],
        )
        for user_id in told:  # a core insert: the change log's session event misses it
            live.touch(session, Notification.__tablename__, user_id)
    return told


def notify_servers(
    session: Session, kind: NotificationKind, order: Order, service_type: str, now: datetime, **kw
) -> list[int]:
    """Tell whoever serves ``order`` (``servers``)."""
    return notify(session, servers(session, order, service_type), kind, order, now, **kw)


def unread_count(session: Session, user_id: int) -> int:
    """The navbar's number: read from the partial index of the unread rows alone."""
    return session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    text: str  # an English message id; ``params`` hold its values
    params: dict[str, Any]
    order_number: int
    created_at: datetime
    read: bool


def recent(session: Session, user_id: int, limit: int = LIST_LIMIT) -> list[NotificationRow]:
    """The user's newest notifications, newest first, at most ``limit``."""
    rows = session.execute(
        select(Notification, Order.number)
        .join(Order, Order.id == Notification.order_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return [
        NotificationRow(
            n.id,
            n.kind,
            TEXTS[NotificationKind(n.kind)],
            {**decode(n.params), "number": number},
            number,
            n.created_at,
            n.read_at is not None,
        )
        for n, number in rows
    ]


def open_notification(
    session: Session, actor: Actor, notification_id: object, now: datetime
) -> int:
    """Mark one of the actor's own notifications read; returns the number of its order.

    Another user's notification is refused exactly as one that does not exist."""
    if not is_row_id(notification_id):
        raise NotFound("There is no such notification.")
    found = session.execute(
        select(Notification.id, Notification.read_at, Order.number)
        .join(Order, Order.id == Notification.order_id)
        .where(Notification.id == notification_id, Notification.user_id == actor.id)
    ).first()
    if found is None:
        raise NotFound("There is no such notification.")
    if found.read_at is None:
        session.execute(
            update(Notification)
            .where(Notification.id == found.id, Notification.read_at.is_(None))
            .values(read_at=now)
        )
        live.touch(session, Notification.__tablename__, actor.id)
    return found.number


def mark_all_read(session: Session, actor: Actor, now: datetime) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    marked = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=now)
    ).rowcount
    if marked:
        live.touch(session, Notification.__tablename__, actor.id)
    return marked
