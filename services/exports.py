"""CSV for accounting (SPEC §5 "Exports"): opens right in Excel and LibreOffice with
Cyrillic text, safe against formula injection, streamed row by row.

UTF-8 with BOM, CRLF, ``;`` and a decimal comma by default (Russian Excel), or
``,`` and a decimal point on request. Money columns are numbers, never text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy.orm import Session

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")
BATCH = 5_000


@dataclass(frozen=True)
class Dialect:
    separator: str = ";"

    @property
    def decimal(self) -> str:
        return "," if self.separator == ";" else "."

    @classmethod
    def parse(cls, sep: str | None) -> Dialect:
        return cls("," if sep == "," else ";")


def neutralize(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading quote (OWASP)."""
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def money(kopecks: int, dialect: Dialect) -> str:
    sign = "-" if kopecks < 0 else ""
    rubles, rest = divmod(abs(int(kopecks)), 100)
    return f"{sign}{rubles}{dialect.decimal}{rest:02d}"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # "text", "money", "int", "date", "datetime"


def cell(value: object, kind: str, dialect: Dialect, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if kind == "money":
        return money(int(value), dialect)
    if kind == "int":
        return str(int(value))
    if kind == "datetime" and isinstance(value, datetime):
        return value.astimezone(zone).strftime("%d.%m.%Y %H:%M")
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return neutralize(str(value))


def stream_csv(
    columns: list[Column], rows: Iterable[tuple], dialect: Dialect, timezone: str
) -> Iterator[bytes]:
    """The file as UTF-8 chunks: BOM and header first, then a chunk per batch of rows."""
    zone = ZoneInfo(timezone)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=dialect.separator, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow([neutralize(c.title) for c in columns])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    kinds = [c.kind for c in columns]
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(v, k, dialect, zone) for v, k in zip(row, kinds, strict=True)])
        if count % BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def stream_query(session_factory: Callable[[], Session], query: Select) -> Iterator[tuple]:
    """Rows of a query fetched in batches on a server-side cursor: memory stays flat."""
    with session_factory() as session:
        result = session.execute(query.execution_options(yield_per=BATCH))
        for partition in result.partitions():
            yield from (tuple(row) for row in partition)
