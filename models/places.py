"""People, the buildings with their rooms and seats, and the service catalogue."""

from __future__ import annotations

from datetime import time

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Kopecks, Name, Timestamp, intpk, utcnow
from models.statuses import RoomKind, ServiceType, Unit, check_in


def person_search_text(*parts: str | None) -> str:
    """What name searches match against: case-folded in Python, because
    SQLite's lower() folds only ASCII and the names are Cyrillic."""
    return " ".join(part.strip() for part in parts if part and part.strip()).casefold()


def phone_key(phone: str | None) -> str | None:
    """The digits that identify a phone, however it is written: "+7 (916) 123-45-67",
    "8 916 123 45 67" and "9161234567" are one number (a Russian number's leading 8, or
    its missing 7). What people are matched by on import."""
    digits = "".join(c for c in phone or "" if c.isascii() and c.isdigit())
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return digits[:20] or None


def _phone_key_default(context) -> str | None:
    return phone_key(context.get_current_parameters().get("phone"))


def full_name(last: str | None, first: str | None, middle: str | None = None) -> str:
    """A person's name as every page and file writes it: last, first, middle."""
    return " ".join(part for part in (last, first, middle) if part)


def seat_name(label: str | None, number: int) -> str:
    """A seat as every page writes it: its label, or its number."""
    return label or f"№{number}"


class Person(Base):
    """A customer or visitor (not a staff account)."""

    __tablename__ = "persons"

    id: Mapped[intpk]
    last_name: Mapped[Name]
    first_name: Mapped[Name]
    middle_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    company: Mapped[str | None] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(String(620))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    # phone_key(phone), kept by whoever writes the phone (set from it on insert).
    phone_key: Mapped[str | None] = mapped_column(
        String(20), default=_phone_key_default, index=True
    )

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)


class Building(Base):
    __tablename__ = "buildings"

    id: Mapped[intpk]
    name: Mapped[Name] = mapped_column(unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (
        CheckConstraint(check_in("kind", RoomKind), name="kind"),
        CheckConstraint("capacity >= 0", name="capacity"),
        UniqueConstraint("building_id", "name"),
    )

    id: Mapped[intpk]
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    name: Mapped[Name]
    kind: Mapped[str] = mapped_column(String(20))
    capacity: Mapped[int]
    # Open from … to … every day; None: round the clock.
    opens_at: Mapped[time | None] = mapped_column(Time())
    closes_at: Mapped[time | None] = mapped_column(Time())
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    building: Mapped[Building] = relationship()


class Seat(Base):
    """A numbered workplace of a coworking room ("РМ №1")."""

    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("room_id", "number"),
        CheckConstraint("number > 0", name="number"),
        CheckConstraint("x >= 0 AND y >= 0", name="position"),
    )

    id: Mapped[intpk]
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    number: Mapped[int]
    label: Mapped[str | None] = mapped_column(String(40))  # shown instead of "Seat 7"
    # The seat's place on the room's plan (grid cells); None until the admin places it.
    x: Mapped[int | None]
    y: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    room: Mapped[Room] = relationship()


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint(check_in("type", ServiceType), name="type"),
        CheckConstraint("prepayment_percent BETWEEN 0 AND 100", name="prepayment_percent"),
        CheckConstraint("min_remaining_kopecks >= 0", name="min_remaining"),
    )

    id: Mapped[intpk]
    name: Mapped[Name]
    type: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    allows_partial_payment: Mapped[bool] = mapped_column(default=False)
    prepayment_percent: Mapped[int] = mapped_column(default=100)
    allows_cancellation: Mapped[bool] = mapped_column(default=True)
    min_remaining_kopecks: Mapped[Kopecks] = mapped_column(default=5000)
    is_active: Mapped[bool] = mapped_column(default=True)

    tariffs: Mapped[list[Tariff]] = relationship(back_populates="service")


class Tariff(Base):
    """A priced variant of a service ("Day pass", "Month, fixed seat")."""

    __tablename__ = "tariffs"
    __table_args__ = (
        CheckConstraint(check_in("unit", Unit), name="unit"),
        CheckConstraint("price_kopecks >= 0", name="price"),
    )

    id: Mapped[intpk]
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    name: Mapped[Name]
    unit: Mapped[str] = mapped_column(String(10))
    price_kopecks: Mapped[Kopecks]
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())

    service: Mapped[Service] = relationship(back_populates="tariffs")


Index("ix_persons_last_first", Person.last_name, Person.first_name)
Index("ix_persons_email", Person.email)
# Name searches match anywhere in the name (LIKE '%…%'): on PostgreSQL a trigram index
# answers them (pg_trgm, migration 0003); SQLite scans this narrower index instead of
# the table.
Index(
    "ix_persons_search_text",
    Person.search_text,
    postgresql_using="gin",
    postgresql_ops={"search_text": "gin_trgm_ops"},
)
