"""CSV for accounting (SPEC §5 "Exports"): opens right in Excel and LibreOffice with
Cyrillic text, safe against formula injection, streamed row by row.

UTF-8 with BOM, CRLF, ``;`` and a decimal comma by default (Russian Excel), or ``,``
and a decimal point on request; dates ``DD.MM.YYYY`` for Russian and ISO
``YYYY-MM-DD`` for English, times in the operator's time zone to the minute. Money
columns are numbers (rubles, two decimals), never text, never through a float.

The database writes the file. An export is a list of columns (title, kind, the SQL
expression shown) over a query that gives the rows (its FROM, WHERE and ORDER BY; its
own columns are replaced). On SQLite one ``printf`` per row makes the finished CSV line
and hands it over as a BLOB (UTF-8 bytes Python only joins); on PostgreSQL
``COPY (SELECT …) TO STDOUT (FORMAT csv)`` quotes cells formatted by ``to_char``. So
Python touches no cell: a million rows cost seconds of database time and flat memory.
Text cells are always quoted, on both databases, so both write the same bytes (SQLite
reckons times in milliseconds: one within half a millisecond of the next minute shows
that minute). SQLite's printf stops at a NUL character inside a text.

``cell`` and ``stream_csv`` are the same format written in Python: the way for any
other database, and the reference the tests hold the SQL to.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Select,
    and_,
    case,
    cast,
    func,
    literal_column,
    or_,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from models.places import full_name

BOM = "\ufeff"
CRLF = "\r\n"
# OWASP: a cell starting (after spaces) with one of these is run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")
SEPARATORS = (";", ",")
KINDS = ("text", "name", "label", "money", "int", "date", "datetime")
TEXT_KINDS = ("text", "name", "label")
CHUNK_BYTES = 64 * 1024
SQLITE_ROWS = 512  # finished lines per fetch: about 64 KB
PYTHON_ROWS = 5_000
# Code points of FORMULA_STARTS but NUL (only SQLite text can hold one), and of a space.
_DANGER = (61, 43, 45, 64, 9, 13)
_SPACE = 32
_QUOTE = "'"
_MULTIPLY, _ADD = 8, 7  # SQLAlchemy's precedence of * and +


@dataclass(frozen=True)
class Layout:
    """How a file is written: ``;`` with a decimal comma or ``,`` with a decimal
    point; day-first dates (Russian) or ISO ones; the time zone of its times."""

    separator: str = ";"
    day_first: bool = False
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.separator not in SEPARATORS:
            raise ValueError(f"separator {self.separator!r}")
        ZoneInfo(self.timezone)  # an unknown zone fails here, not in the middle of a file

    @property
    def decimal(self) -> str:
        return "," if self.separator == ";" else "."

    @property
    def date_format(self) -> str:
        return "%d.%m.%Y" if self.day_first else "%Y-%m-%d"

    @property
    def datetime_format(self) -> str:
        return self.date_format + " %H:%M"


@dataclass(frozen=True)
class Column:
    """A column of a file: its title, what it holds and the SQL expression shown.

    Kinds: ``text``; ``name`` (``sql`` is a tuple of parts, shown joined by single
    spaces, empty ones left out); ``label`` (a code shown as ``labels[code]``, an
    unknown code as itself); ``money`` (integer kopecks as rubles with two
    decimals); ``int``; ``date``; ``datetime`` (a UTC time shown in the layout's
    zone). Text, names and labels are neutralised against formulas; NULL is empty.

    ``nullable=False`` promises a money or int column is never NULL: SQLite then
    writes it with less work (a NULL would come out as 0,00 or 0)."""

    title: str
    kind: str
    sql: Any = None
    labels: Mapping[str, str] | None = None
    nullable: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column kind {self.kind!r}")

    @property
    def parts(self) -> tuple[Any, ...]:
        return tuple(self.sql) if self.kind == "name" else (self.sql,)


@dataclass(frozen=True)
class Export:
    """The columns of a file and the query whose FROM, WHERE and ORDER BY give its
    rows (whatever that query selects is replaced by the columns)."""

    columns: Sequence[Column]
    rows: Select

    def raw_select(self) -> Select:
        """The columns' values as the database holds them (a name's parts apart)."""
        return self._select(part for column in self.columns for part in column.parts)

    def _select(self, columns: Iterable[Any]) -> Select:
        return self.rows.with_only_columns(*columns, maintain_column_froms=True)


# The format, in Python -----------------------------------------------------------------


def neutralize(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading quote (OWASP)."""
    return _QUOTE + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def money(kopecks: int, decimal: str = ",") -> str:
    sign = "-" if kopecks < 0 else ""
    rubles, rest = divmod(abs(int(kopecks)), 100)
    return f"{sign}{rubles}{decimal}{rest:02d}"


def cell(value: Any, column: Column, layout: Layout) -> str:
    """One cell as the file shows it (before CSV quoting)."""
    if column.kind == "name":
        return neutralize(full_name(*value))
    if value is None:
        return ""
    if column.kind == "money":
        return money(int(value), layout.decimal)
    if column.kind == "int":
        return str(int(value))
    if column.kind == "datetime" and isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(ZoneInfo(layout.timezone)).strftime(layout.datetime_format)
    if column.kind == "date" and isinstance(value, date):
        return value.strftime(layout.date_format)
    if column.kind == "label":
        value = (column.labels or {}).get(value, value)
    return neutralize(str(value))


def header(columns: Sequence[Column], layout: Layout) -> bytes:
    """The BOM and the line of titles."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.separator, lineterminator=CRLF)
    writer.writerow([neutralize(column.title) for column in columns])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _grouped(columns: Sequence[Column], row: Sequence[Any]) -> Iterator[Any]:
    """A raw row's values a column each (a name's parts as one tuple)."""
    position = 0
    for column in columns:
        if column.kind == "name":
            yield tuple(row[position : position + len(column.parts)])
            position += len(column.parts)
        else:
            yield row[position]
            position += 1


def stream_csv(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], layout: Layout
) -> Iterator[bytes]:
    """The file, formatted in Python from raw rows (see ``Export.raw_select``), quoted
    as the databases quote it: text cells always, numbers and dates never (they hold
    neither separator nor quote)."""
    yield header(columns, layout)
    lines: list[str] = []
    for row in rows:
        cells = []
        for column, value in zip(columns, _grouped(columns, row), strict=True):
            shown = cell(value, column, layout)
            if column.kind in TEXT_KINDS:
                shown = '"' + shown.replace('"', '""') + '"'
            cells.append(shown)
        lines.append(layout.separator.join(cells) + CRLF)
        if len(lines) == PYTHON_ROWS:
            yield "".join(lines).encode("utf-8")
            lines.clear()
    if lines:
        yield "".join(lines).encode("utf-8")


# The stream -----------------------------------------------------------------------------


def stream(connection: Connection, export: Export, layout: Layout) -> Iterator[bytes]:
    """The file in chunks of about 64 KB: BOM and titles at once, then the rows as the
    database writes them. ``connection`` is in a transaction the caller closes."""
    yield header(export.columns, layout)
    name = connection.dialect.name
    if name == "sqlite":
        yield from _sqlite_chunks(connection, export, layout)
    elif name == "postgresql":
        yield from _postgres_chunks(connection, export, layout)
    else:
        yield from _python_chunks(connection, export, layout)


def driver_statement(query: Select, dialect: Dialect) -> tuple[str, Any]:
    """The statement as the driver takes it, with its parameters (bound, processed)."""
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    processors = compiled._bind_processors  # what SQLAlchemy itself applies (UTC times)
    params = {
        key: processors[key](value) if key in processors else value for key, value in params.items()
    }
    if compiled.positional:
        return str(compiled), [params[key] for key in compiled.positiontup or ()]
    return str(compiled), params


def _python_chunks(connection: Connection, export: Export, layout: Layout) -> Iterator[bytes]:
    result = connection.execution_options(yield_per=PYTHON_ROWS).execute(export.raw_select())
    rows = (tuple(row) for partition in result.partitions() for row in partition)
    chunks = stream_csv(export.columns, rows, layout)
    next(chunks)  # the header is out already
    yield from chunks


# SQLite: one printf per row -------------------------------------------------------------


def _sqlite_chunks(connection: Connection, export: Export, layout: Layout) -> Iterator[bytes]:
    statement, params = driver_statement(sqlite_lines(export, layout), connection.dialect)
    cursor = connection.connection.cursor()  # the DBAPI cursor: rows as plain tuples
    try:
        cursor.execute(statement, params)
        first = itemgetter(0)
        while rows := cursor.fetchmany(SQLITE_ROWS):
            yield b"".join(map(first, rows))
    finally:
        cursor.close()


def sqlite_lines(export: Export, layout: Layout) -> Select:
    """One column: each row's finished CSV line, CRLF included, as UTF-8 bytes."""
    formats: list[str] = []
    args: list[Any] = []
    for column in export.columns:
        format_, values = _sqlite_cell(column, layout)
        formats.append(format_)
        args.extend(values)
    line = func.printf(_text(layout.separator.join(formats) + CRLF), *args)
    return export._select([cast(line, LargeBinary)])


def _sqlite_cell(column: Column, layout: Layout) -> tuple[str, list[Any]]:
    """A printf format for the cell and its arguments. ``%w`` doubles the double quotes;
    NULL prints as nothing through ``%s``. Constant strings are written into the SQL,
    not bound: SQLite copies a bound string each time a function reads it as text."""
    x = column.sql
    if column.kind in ("text", "name"):
        parts = column.parts
        format_ = '"%s%w' + "%s%w" * (len(parts) - 1) + '"'  # quote mark, part, space, part…
        args: list[Any] = [_prefix(parts, "sqlite"), func.coalesce(parts[0], _text(""))]
        for index, part in enumerate(parts[1:], start=1):
            args += [_name_space(parts, index), func.coalesce(part, _text(""))]
        return format_, args
    if column.kind == "label":
        finished = {
            _text(code): _text(_sqlite_quoted(text)) for code, text in (column.labels or {}).items()
        }
        quoted = func.printf(_text('"%s%w"'), _prefix((x,), "sqlite"), func.coalesce(x, _text("")))
        return "%s", [case(finished, value=x, else_=quoted) if finished else quoted]
    if column.kind == "money":
        # The rubles, the decimal mark, the two kopeck digits. Integer arithmetic: / and
        # % truncate towards zero, so -12345 is -123 and 45, and only -99 to -1 (0 rubles)
        # need their minus written apart: -5 kopecks are "-0,05".
        hundred = literal_column("100")
        sign = case((and_(x < literal_column("0"), x > -hundred), _text("-")), else_=_text(""))
        # SQLite's own / and % (SQLAlchemy's would cast to a decimal), with the
        # precedence of * so that a - b / 100 is written (a - b) / 100.
        rubles = x.op("/", precedence=_MULTIPLY)(hundred)
        kopecks = func.abs(x.op("%", precedence=_MULTIPLY)(hundred))
        if not column.nullable:
            return "%s%d" + layout.decimal + "%02d", [sign, rubles, kopecks]
        # NULL prints nothing: %s of NULL is empty, %.* prints the mark only for a value.
        digits = func.substr(kopecks.op("+", precedence=_ADD)(hundred), 2)
        return "%s%s%.*s%s", [sign, rubles, x.is_not(None), _text(layout.decimal), digits]
    if column.kind == "int":
        return ("%s" if column.nullable else "%d"), [x]
    if column.kind == "date":
        return "%s", [func.strftime(_text(layout.date_format), x)]
    local = _sqlite_local(x, layout.timezone)
    if layout.day_first:
        return "%s", [func.strftime(_text(layout.datetime_format), local)]
    return "%.16s", [func.datetime(local)]  # YYYY-MM-DD HH:MM:SS, to the minute


def _sqlite_quoted(text: str) -> str:
    return '"' + neutralize(text).replace('"', '""') + '"'


def _sqlite_local(x: Any, timezone: str) -> Any:
    """A stored UTC time as local time: as a julian day number plus the zone's offset
    at that moment (a CASE over the zone's changes, newest first), which SQLite turns
    back into a time exactly to the millisecond. Numbers: no modifier text to parse."""
    changes = utc_offsets(timezone)
    if len(changes) == 1 and changes[0][1] == 0:
        return x
    days = {seconds: literal_column(repr(seconds / 86_400)) for _start, seconds in changes}
    if len(changes) == 1:
        offset = days[changes[0][1]]
    else:
        # +x: compared as the text it is (the column's numeric affinity would try to
        # read each bound as a number first).
        plus = custom_op("+", precedence=100)  # binds tighter than anything: (+ (a || b))
        bare = UnaryExpression(x.self_group(against=plus), operator=plus)
        whens = [
            (bare >= literal_column(f"'{start}'"), days[seconds]) for start, seconds in changes[:-1]
        ]
        offset = case(*whens, else_=days[changes[-1][1]])
    return func.julianday(x).op("+", precedence=_ADD)(offset)


@lru_cache(maxsize=8)
def utc_offsets(timezone: str) -> tuple[tuple[str, int], ...]:
    """The zone's UTC offset in seconds from each change since 1970 until 2100, newest
    first, as (UTC start ``YYYY-MM-DD HH:MM:SS``, seconds); the oldest starts at ''.

    zoneinfo gives offsets, not its list of changes: scan day by day, then halve the
    day of a change down to its second (about 50 ms once per zone and process)."""
    zone = ZoneInfo(timezone)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    moment = datetime(1970, 1, 1, tzinfo=UTC)
    current = offset(moment)
    changes = [("", current)]
    day = timedelta(days=1)
    while moment.year < 2100:
        following = moment + day
        if offset(following) != current:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            current = offset(high)
            changes.append((high.strftime("%Y-%m-%d %H:%M:%S"), current))
        moment = following
    return tuple(reversed(changes))


# Both databases: the formula guard and the spaces of a name ------------------------------


def _prefix(parts: Sequence[Any], database: str) -> ColumnElement[str]:
    """``'`` when the cell (the parts joined) starts, after spaces, with a formula sign.

    The first character of the first part decides, and every formula sign is below
    ``A`` and none is a digit: most cells are settled by a comparison or two. Only a
    space there, or (in a name) an empty first part, makes the database look further:
    at all the parts run together without their leading spaces."""
    quote, nothing = _text(_QUOTE), _text("")
    first = parts[0]
    if database == "sqlite":
        # Compared as text (binary order: the first byte decides), without the copy a
        # function such as unicode() makes of its argument. Text may hold a NUL.
        code, danger = func.unicode, (*_DANGER, 0)
        safe = or_(first >= _text("A"), and_(first >= _text("."), first < _text("=")))
        joined = func.coalesce(first, nothing)
        for part in parts[1:]:
            joined = joined.op("||")(func.coalesce(part, nothing))
        empty = func.coalesce(first, nothing) == nothing
    else:
        # ascii('') is 0; PostgreSQL text holds no NUL.
        code, danger = func.ascii, _DANGER
        start = func.ascii(first)
        safe = or_(start > _number(64), and_(start > _number(45), start < _number(61)))
        joined = func.concat(*parts)
        empty = func.coalesce(start, 0) == _number(0)
    look_further = code(first) == _number(_SPACE)
    if len(parts) > 1:  # an empty first part: the name starts with the next one
        look_further = or_(look_further, empty)
    further = case(
        (code(func.ltrim(joined, _text(" "))).in_(_numbers(danger)), quote), else_=nothing
    )
    return case(
        (safe, nothing),
        (code(first).in_(_numbers(danger)), quote),
        (look_further, further),
        else_=nothing,
    )


def _text(value: str) -> ColumnElement[str]:
    """A constant string written into the SQL, quoted as SQLite and PostgreSQL both
    read it. (One holding ``%`` goes only into SQLite's statements: PostgreSQL's use
    psycopg's ``%s`` placeholders.)"""
    return literal_column("'" + value.replace("'", "''") + "'")


def _number(value: int) -> ColumnElement[int]:
    return literal_column(str(int(value)))


def _numbers(values: Iterable[int]) -> list[ColumnElement[int]]:
    return [_number(value) for value in values]


def _name_space(parts: Sequence[Any], index: int) -> ColumnElement[str]:
    """The space before part ``index``: only when it and some part before it are there
    (a missing middle name is settled by its own test)."""
    nothing = _text("")
    before = or_(*(part != nothing for part in parts[:index]))
    space = case((before, _text(" ")), else_=nothing)
    return case((parts[index] != nothing, space), else_=nothing)


# PostgreSQL: COPY … TO STDOUT ----------------------------------------------------------


def postgres_cells(export: Export, layout: Layout) -> Select:
    """The formatted cells, labelled c0, c1, …: COPY quotes them."""
    return export._select(
        _postgres_cell(column, layout).label(f"c{index}")
        for index, column in enumerate(export.columns)
    )


def _postgres_cell(column: Column, layout: Layout) -> ColumnElement[Any]:
    x = column.sql
    if column.kind in ("text", "name"):
        parts = column.parts
        shown = (
            func.coalesce(x, "")
            if column.kind == "text"
            else func.concat_ws(" ", *(func.nullif(part, "") for part in parts))
        )
        return func.concat(_prefix(parts, "postgresql"), shown)
    if column.kind == "label":
        finished = {code: neutralize(text) for code, text in (column.labels or {}).items()}
        own = func.concat(_prefix((x,), "postgresql"), func.coalesce(x, ""))
        return case(finished, value=x, else_=own) if finished else own
    if column.kind == "money":
        # to_char puts the digits of the integer right-aligned around the quoted mark:
        # 5 → 0,05, -12345 → -123,45. Exact for any bigint.
        return func.to_char(x, f'FM99999999999999999990"{layout.decimal}"00')
    if column.kind == "int":
        return x
    pattern = "DD.MM.YYYY" if layout.day_first else "YYYY-MM-DD"
    if column.kind == "date":
        return func.to_char(x, pattern)
    return func.to_char(func.timezone(layout.timezone, x), pattern + " HH24:MI")


def _postgres_chunks(connection: Connection, export: Export, layout: Layout) -> Iterator[bytes]:
    select = postgres_cells(export, layout)
    statement, params = driver_statement(select, connection.dialect)
    if not params:  # psycopg merges (and unescapes %%) only when given parameters
        statement = statement.replace("%%", "%")
    quoted = ", ".join(
        f"c{index}" for index, column in enumerate(export.columns) if column.kind in TEXT_KINDS
    )
    options = f"FORMAT csv, DELIMITER '{layout.separator}'"
    if quoted:
        options += f", FORCE_QUOTE ({quoted})"
    # The planner's estimate of a million rows switches on JIT with inlining and
    # optimisation: about a second of compiling per export, never paid back by a
    # stream that formats each row once. Off for this transaction only.
    connection.exec_driver_sql("SET LOCAL jit = off")
    driver = connection.connection.dbapi_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY ({statement}) TO STDOUT WITH ({options})", params or None) as copy,
    ):
        blocks: list[Any] = []
        size = 0
        for block in copy:  # a row each
            blocks.append(block)
            size += len(block)
            if size >= CHUNK_BYTES:
                yield _crlf(b"".join(blocks), len(blocks))
                blocks.clear()
                size = 0
        if blocks:
            yield _crlf(b"".join(blocks), len(blocks))


def _crlf(data: bytes, rows: int) -> bytes:
    """COPY ends rows with LF, the file wants CRLF; a line break inside a quoted cell
    stays as it is. Outside quotes are the even pieces between double quotes (a
    quoted cell holds an even number of them)."""
    if data.count(b"\n") == rows:
        return data.replace(b"\n", b"\r\n")
    pieces = data.split(b'"')
    pieces[::2] = [piece.replace(b"\n", b"\r\n") for piece in pieces[::2]]
    return b'"'.join(pieces)


def table_csv(headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A small table (a chart's data) as the exports write files: UTF-8 with BOM, ``;``,
    CRLF, a decimal comma; text cells neutralised like every other export's, since the
    rows may come back from the browser."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                str(value).replace(".", ",")
                if isinstance(value, float)
                else neutralize(value)
                if isinstance(value, str)
                else value
                for value in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
