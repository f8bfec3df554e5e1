"""Bringing the operator's customer list in from CSV (SPEC §9.2, §8 ``import people``).

One line a person: name ("Last First Middle", as Russian lists write it), phone, e-mail,
company. A line is matched to a person already known by the phone (its digits) or the
e-mail, so the same file imported twice changes nothing; otherwise it is a new person.
Each line ends as new, updated, unchanged or refused (with its number and the reason in
words). The file is read as a stream and written in chunks: memory stays flat however
long the file; a dry run goes through exactly the same steps and writes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from models import Person, person_search_text, phone_key
from models.places import full_name
from services import audit, live, people
from services.context import Actor
from services.errors import DomainError
from services.permissions import Action, require
from services.text import clean

CHUNK = 2_000  # lines written at once
MAX_LINE = 4_000  # characters of one line; longer is refused, not read into a record
COLUMNS = {
    # Header names that mean each column (compared case-folded, without spaces).
    "name": ("name", "fullname", "фио", "имя"),
    "phone": ("phone", "телефон", "тел."),
    "email": ("email", "e-mail", "mail", "почта", "эл.почта", "электроннаяпочта"),
    "company": ("company", "компания", "организация"),
}
NEW, UPDATED, UNCHANGED, REFUSED = "new", "updated", "unchanged", "refused"


@dataclass(frozen=True)
class RefusedLine:
    number: int  # the line of the file, the header being line 1
    reason: DomainError


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[RefusedLine] = field(default_factory=list)
    dry_run: bool = False
    # Each line's outcome in file order, for a preview: (line, outcome, name).
    preview: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return self.new + self.updated + self.unchanged + len(self.refused)

    @property
    def all_taken(self) -> bool:
        return not self.refused


@dataclass(frozen=True)
class _Line:
    number: int
    values: dict[str, str]


# --- reading the file ---------------------------------------------------------------------------


def read_csv(stream: IO[bytes]) -> Iterator[_Line]:
    """The lines of a CSV file (UTF-8, with or without BOM; ``;`` or ``,``; a header row),
    decoded one by one so that a line in another encoding is refused alone."""
    lines = _physical_lines(stream)
    first = next(lines, None)
    if first is None:
        raise DomainError("The file is empty.")
    header_text = first[1]
    if header_text is None:
        raise DomainError("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")
    header_text = header_text.removeprefix("\ufeff")
    separator = ";" if header_text.count(";") >= header_text.count(",") else ","
    header = next(csv.reader([header_text], delimiter=separator))
    where = _columns(header)
    for number, text in lines:
        if text is None:
            yield _Line(number, {"_error": "encoding"})
            continue
        if not text.strip():
            continue
        if len(text) > MAX_LINE:
            yield _Line(number, {"_error": "length"})
            continue
        cells = next(csv.reader([text], delimiter=separator), [])
        yield _Line(
            number,
            {name: cells[i].strip() if i < len(cells) else "" for name, i in where.items()},
        )


def _physical_lines(stream: IO[bytes]) -> Iterator[tuple[int, str | None]]:
    """(number, text or None where the bytes are not UTF-8), line by line."""
    decoder = codecs.getincrementaldecoder("utf-8")
    for number, raw in enumerate(stream, start=1):
        try:
            text = decoder().decode(raw, final=True)
        except UnicodeDecodeError:
            yield number, None
            continue
        yield number, text.rstrip("\r\n")


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = "".join(title.removeprefix("\ufeff").split()).casefold()
        for name, titles in COLUMNS.items():
            if key in titles and name not in found:
                found[name] = index
    if "name" not in found or not {"phone", "email"} & found.keys():
        raise DomainError(
            "The first line must name the columns: name, phone, e-mail, company "
            "(name and a phone or an e-mail at least)."
        )
    return found


# --- deciding each line -------------------------------------------------------------------------


class _Someone:
    """A person a line is about: in the database (``id``), or new in this file and not
    written yet (``id`` None until its chunk is written; always None in a dry run)."""

    __slots__ = ("id", "row")

    def __init__(self, person_id: int | None, row: dict[str, str | None]) -> None:
        self.id = person_id
        self.row = row


@dataclass
class _Index:
    """People by phone digits and by e-mail."""

    by_phone: dict[str, _Someone] = field(default_factory=dict)
    by_email: dict[str, _Someone] = field(default_factory=dict)

    def remember(self, someone: _Someone) -> None:
        key = phone_key(someone.row["phone"])
        if key:
            self.by_phone.setdefault(key, someone)
        if someone.row["email"]:
            self.by_email.setdefault(someone.row["email"], someone)

    def find(self, wanted: dict[str, str | None]) -> tuple[_Someone | None, _Someone | None]:
        return (
            self.by_phone.get(phone_key(wanted["phone"]) or ""),
            self.by_email.get(wanted["email"] or ""),
        )


def _in_database(session: Session, wanted: list[dict[str, str | None]]) -> _Index:
    """The people of the database that a chunk's lines may be about, through the
    phone-key and e-mail indexes (never the whole table)."""
    keys = {k for w in wanted if (k := phone_key(w["phone"]))}
    emails = {w["email"] for w in wanted if w["email"]}
    index = _Index()
    if not keys and not emails:
        return index
    rows = session.execute(
        select(
            Person.id,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Person.phone,
            Person.email,
            Person.company,
        )
        .where(Person.phone_key.in_(keys) | Person.email.in_(emails))
        .order_by(Person.id)
    )
    for row in rows:
        index.remember(_Someone(row.id, _fields(row)))
    return index


def _fields(row) -> dict[str, str | None]:
    return {
        "last_name": row.last_name,
        "first_name": row.first_name,
        "middle_name": row.middle_name,
        "phone": row.phone,
        "email": row.email,
        "company": row.company,
    }


def _person(values: dict[str, str]) -> dict[str, str | None]:
    """The person a line describes, checked; refused in words."""
    if values.get("_error") == "encoding":
        raise DomainError("The line is not UTF-8 text.")
    if values.get("_error") == "length":
        raise DomainError("The line is longer than %(limit)d characters.", limit=MAX_LINE)
    words = " ".join(clean(values.get("name", "")).split()).split(" ")
    words = [w for w in words if w]
    if len(words) < 2:
        raise DomainError("Enter the first and the last name.")
    last, first, middle = words[0], words[1], " ".join(words[2:]) or None
    phone_text, email_text = values.get("phone", ""), values.get("email", "")
    if not phone_text and not email_text:
        raise DomainError("A phone or an e-mail is needed to tell people apart.")
    return {
        "last_name": people.check_name(last, required=True),
        "first_name": people.check_name(first, required=True),
        "middle_name": people.check_name(middle, required=False),
        "phone": people.normalize_phone(phone_text) if phone_text else None,
        "email": people.normalize_email(email_text),
        "company": people.check_name(values.get("company"), required=False),
    }


def _decide(
    match: tuple[_Someone | None, _Someone | None], wanted: dict[str, str | None]
) -> tuple[str, _Someone | None, dict]:
    """(outcome, the person the line is about if known, the fields to change)."""
    by_phone, by_email = match
    if by_phone and by_email and by_phone is not by_email:
        raise DomainError(
            "The phone belongs to one person and the e-mail to another; "
            "correct the line or the people first."
        )
    someone = by_phone or by_email
    if someone is None:
        return NEW, None, wanted
    changes = {}
    for name, value in wanted.items():
        if value is None:
            continue  # an empty cell leaves what is known
        if name == "phone" and phone_key(value) == phone_key(someone.row["phone"]):
            continue  # the same number written another way
        if value != someone.row[name]:
            changes[name] = value
    return (UPDATED if changes else UNCHANGED), someone, changes


# --- the import ---------------------------------------------------------------------------------


def import_people(
    session: Session,
    actor: Actor | None,
    lines: Iterable[_Line],
    now: datetime,
    *,
    dry_run: bool = False,
    preview_limit: int = 0,
    source: str = "",
) -> ImportReport:
    """Take every line that can be taken; ``actor`` None is the command line. Lines are
    decided in file order, a chunk at a time: the chunk's people are looked up in the
    database, then its new and changed people are written. A dry run decides each line
    the same way and writes nothing (it remembers what it would have written instead)."""
    if actor is not None:
        require(actor, Action.IMPORT_PEOPLE)
    report = ImportReport(dry_run=dry_run)
    unwritten = _Index()  # a dry run's people of earlier chunks, as they would be now
    chunk: list[_Line] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == CHUNK:
            _take_chunk(session, chunk, now, report, unwritten, preview_limit)
            chunk = []
    _take_chunk(session, chunk, now, report, unwritten, preview_limit)
    if not dry_run and (report.new or report.updated):
        audit.record(
            session,
            actor=actor,
            action="people.import",
            entity="people",
            entity_id=source[:100] or "-",
            before=None,
            after={
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "refused": len(report.refused),
            },
            now=now,
        )
    return report


def _take_chunk(
    session: Session,
    chunk: list[_Line],
    now: datetime,
    report: ImportReport,
    unwritten: _Index,
    preview_limit: int,
) -> None:
    checked: list[tuple[_Line, dict | None]] = []
    refused: list[RefusedLine] = []
    for line in chunk:
        try:
            checked.append((line, _person(line.values)))
        except DomainError as refusal:
            checked.append((line, None))
            refused.append(RefusedLine(line.number, refusal))
    stored = _in_database(session, [wanted for _, wanted in checked if wanted])
    here = _Index()  # the people of this chunk's earlier lines
    new: list[_Someone] = []
    changed: dict[int, _Someone] = {}
    touched: list[_Someone] = []
    for line, wanted in checked:
        if wanted is None:
            _preview(report, preview_limit, line.number, REFUSED, line.values.get("name", ""))
            continue
        name = full_name(wanted["last_name"], wanted["first_name"], wanted["middle_name"])
        found = [index.find(wanted) for index in (here, unwritten, stored)]
        match = (
            next((f[0] for f in found if f[0]), None),
            next((f[1] for f in found if f[1]), None),
        )
        try:
            outcome, someone, changes = _decide(match, wanted)
        except DomainError as refusal:
            refused.append(RefusedLine(line.number, refusal))
            _preview(
                report,
                preview_limit,
                line.number,
                REFUSED,
                name,
            )
            continue
        if outcome == NEW:
            someone = _Someone(None, dict(wanted))
            new.append(someone)
            report.new += 1
        elif outcome == UPDATED:
            someone.row.update(changes)
            if someone.id is not None:  # one of this file not written yet goes as it is
                changed[someone.id] = someone
            report.updated += 1
        else:
            report.unchanged += 1
        here.remember(someone)
        if outcome != UNCHANGED:
            touched.append(someone)
        _preview(
            report,
            preview_limit,
            line.number,
            outcome,
            name,
        )
    report.refused += sorted(refused, key=lambda line: line.number)
    if report.dry_run:
        for someone in touched:  # what later chunks would find in the database
            unwritten.remember(someone)
        return
    if new:
        session.execute(insert(Person), [{**_stored(s.row), "created_at": now} for s in new])
    if changed:
        session.execute(update(Person), [{"id": i, **_stored(s.row)} for i, s in changed.items()])
    if new or changed:  # bulk statements: no flush for the change log's session event
        live.touch(session, Person.__tablename__)


def _stored(row: dict) -> dict:
    """A person's row as written, with what is derived from it."""
    return {
        **row,
        "search_text": person_search_text(row["last_name"], row["first_name"], row["middle_name"]),
        "phone_key": phone_key(row["phone"]),
    }


def _preview(report: ImportReport, limit: int, number: int, outcome: str, name: str) -> None:
    if len(report.preview) < limit:
        report.preview.append((number, outcome, name[:200]))


def read_bytes(data: bytes) -> Iterator[_Line]:
    """The lines of an uploaded file."""
    return read_csv(io.BytesIO(data))
