"""Messages on orders: the chat of staff and customers, and the system messages
Parkdesk writes itself.

A system message keeps an English message id and typed values (money, a
status, a phrase) so that every reader sees it in their own language; refusals
(``DomainError``) carry the same typed values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Message, Person, StaffUser
from models.places import full_name
from models.statuses import (
    ORDER_STATUS_LABELS,
    TICKET_STATUS_LABELS,
    Label,
    OrderStatus,
    TicketStatus,
)
from services.money import Money

MAX_MESSAGE_LENGTH = 4000


@dataclass(frozen=True)
class StatusLabel:
    """A status inside a message: shown with its label in the reader's language."""

    code: str
    kind: str = "order"  # or "ticket"

    @property
    def label(self) -> Label:
        if self.kind == "ticket":
            return TICKET_STATUS_LABELS[TicketStatus(self.code)]
        return ORDER_STATUS_LABELS[OrderStatus(self.code)]

    def __str__(self) -> str:
        return self.label.message


@dataclass(frozen=True)
class Phrase:
    """A piece of text inside a message that is itself translated (marked with ``N_``)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Moment:
    """A point in time inside a message: shown in the operator's time zone and the
    reader's language."""

    at: datetime

    def __str__(self) -> str:
        return self.at.strftime("%Y-%m-%d %H:%M UTC")


def encode(params: dict[str, Any]) -> dict[str, Any]:
    """Typed values → JSON for ``messages.params``."""
    encoded: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Money):
            encoded[key] = {"money": value.kopecks}
        elif isinstance(value, StatusLabel):
            encoded[key] = {"status": value.code, "kind": value.kind}
        elif isinstance(value, Phrase):
            encoded[key] = {"phrase": value.text}
        elif isinstance(value, Moment):
            encoded[key] = {"moment": value.at.isoformat()}
        else:
            encoded[key] = value
    return encoded


def decode(params: dict[str, Any] | None) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if isinstance(value, dict) and "money" in value:
            decoded[key] = Money(int(value["money"]))
        elif isinstance(value, dict) and "status" in value:
            decoded[key] = StatusLabel(value["status"], value.get("kind", "order"))
        elif isinstance(value, dict) and "phrase" in value:
            decoded[key] = Phrase(value["phrase"])
        elif isinstance(value, dict) and "moment" in value:
            decoded[key] = Moment(datetime.fromisoformat(value["moment"]))
        else:
            decoded[key] = value
    return decoded


def add_system_message(
    session: Session,
    order_id: int,
    text: str,
    now: datetime,
    *,
    author_staff_id: int | None = None,
    **params: Any,
) -> None:
    session.add(
        Message(
            order_id=order_id,
            visibility="system",
            author_staff_id=author_staff_id,
            text=text,
            params=encode(params) or None,
            created_at=now,
        )
    )


@dataclass(frozen=True)
class ChatMessage:
    id: int
    visibility: str
    author: str | None
    text: str
    params: dict[str, Any]
    created_at: datetime


def thread(session: Session, order_id: int, *, include_internal: bool = True) -> list[ChatMessage]:
    """The order's messages, oldest first (the newest at the bottom, as in a chat)."""
    query = (
        select(Message, StaffUser.name, Person.last_name, Person.first_name)
        .outerjoin(StaffUser, StaffUser.id == Message.author_staff_id)
        .outerjoin(Person, Person.id == Message.author_person_id)
        .where(Message.order_id == order_id)
        .order_by(Message.created_at, Message.id)
    )
    if not include_internal:
        query = query.where(Message.visibility != "internal")
    return [
        ChatMessage(
            m.id,
            m.visibility,
            staff_name or (full_name(last, first) or None),
            m.text,
            decode(m.params),
            m.created_at,
        )
        for m, staff_name, last, first in session.execute(query)
    ]
