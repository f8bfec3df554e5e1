"""Customers and visitors: search by part of the name, and registering a new one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Person, person_search_text
from services.errors import DomainError, NotFound
from services.ids import is_row_id
from services.text import clean

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_RESULTS = 20


@dataclass(frozen=True)
class PersonRow:
    id: int
    full_name: str
    phone: str | None
    email: str | None
    company: str | None


def _row(person: Person) -> PersonRow:
    return PersonRow(person.id, person.full_name, person.phone, person.email, person.company)


def get_person(session: Session, person_id: int) -> PersonRow:
    person = session.get(Person, person_id) if is_row_id(person_id) else None
    if person is None:
        raise NotFound("There is no such person.")
    return _row(person)


def search(session: Session, text: str, limit: int = MAX_RESULTS) -> list[PersonRow]:
    """People whose first, last or middle name contains ``text`` (any case, Cyrillic too)."""
    needle = " ".join(clean(text if isinstance(text, str) else "").split()).casefold()
    if len(needle) < 2:
        return []
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    people = session.scalars(
        select(Person)
        .where(Person.search_text.like(pattern, escape="\\"))
        .order_by(Person.last_name, Person.first_name, Person.id)
        .limit(limit)
    )
    return [_row(p) for p in people]


def normalize_phone(phone: str | None) -> str:
    """A phone number people can call: "+7 916 123-45-67" style input, 10–15 digits."""
    text = (phone or "").strip()
    digits = re.sub(r"\D", "", text)
    if not text or not 10 <= len(digits) <= 15 or re.search(r"[^\d\s()+\-.]", text):
        raise DomainError("Enter a phone number, e.g. +7 916 123-45-67.")
    return text[:32]


def normalize_email(email: str | None, *, required: bool = False) -> str | None:
    text = clean(email or "").strip().lower()
    if not text:
        if required:
            raise DomainError("An e-mail is required for payment through the online gateway.")
        return None
    if len(text) > 254 or not _EMAIL.match(text):
        raise DomainError("“%(email)s” is not an e-mail address.", email=text[:60])
    return text


@dataclass(frozen=True)
class NewPerson:
    last_name: str
    first_name: str
    phone: str
    email: str | None = None
    middle_name: str | None = None
    company: str | None = None


def check_name(value: str | None, *, required: bool) -> str | None:
    """A name (or company) as stored: spaces folded, control characters out, at most 200."""
    text = " ".join(clean(value or "").split())
    if required and not text:
        raise DomainError("Enter the first and the last name.")
    if len(text) > 200:
        raise DomainError("A name is at most 200 characters.")
    return text or None


def create(session: Session, new: NewPerson) -> int:
    """Register a customer or visitor; name and phone are required."""
    last = check_name(new.last_name, required=True)
    first = check_name(new.first_name, required=True)
    middle = check_name(new.middle_name, required=False)
    person = Person(
        last_name=last,
        first_name=first,
        middle_name=middle,
        phone=normalize_phone(new.phone),
        email=normalize_email(new.email),
        company=check_name(new.company, required=False),
        search_text=person_search_text(last, first, middle),
    )
    session.add(person)
    session.flush()
    return person.id
