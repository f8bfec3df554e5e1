"""The CSV format as the database writes it (services/exports.py: SQLite's printf,
PostgreSQL's COPY) against the same format written in Python, byte for byte, over
values chosen to break it: NULLs, empty text, every formula sign with and without
leading spaces, quotes, separators and line breaks in text, Cyrillic, money from
-0,05 to the largest bigint, times around time-zone changes, names with empty parts.
Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import BigInteger, Date, Integer, MetaData, String, Table, insert, select
from sqlalchemy import Column as SqlColumn

from models.base import UTCDateTime
from services import exports
from services.exports import Column, Export, Layout

TEXTS = [
    None, "", "plain", '=HYPERLINK("x")', "+1", "-2", "@a", "\tx", "\rx", "  =x", "   @x",
    " x", " ", "-", "=", "a;b", "a,b", 'say "hi"', '"', "a\nb", "a\r\nb", "line\n", "\n",
    "Иванов Пётр", "'quoted", "1234", "<x", ".5", "€uro", "A", "@", "  ", "ё;\"\n",
]  # fmt: skip
NAMES = [
    ("Иванов", "Пётр", None), ("Иванов", "Пётр", "Сергеевич"), ('=HYPERLINK("x")', "", None),
    ("", "=x", None), ("", "", "-m"), (" ", "x", None), ("", "", None), (None, "Пётр", ""),
    ("a", None, "c"), ("  +7", "x", None), ("Д'Артаньян", 'Шарль "Ш"', "a;b\nc"), ("-", "", ""),
    ("@", None, None), (None, None, None), ("x", " ", "=y"), ("", " ", "=y"),
]  # fmt: skip
CODES = [None, "bank_card", "cash", "unknown", "=evil", " -x", "manager"]
LABELS = {"bank_card": "Bank card", "cash": '=Cash "now"', "manager": "Наличные; менеджер"}
AMOUNTS = [
    None, 0, 5, -5, 99, -99, 100, -100, 101, -101, 12345, -12345678901,
    9_223_372_036_854_775_807, -9_223_372_036_854_775_807,
]  # fmt: skip
NUMBERS = [None, 0, -1, 7, 12_345_678_901]
TIMES = [
    None,
    datetime(2026, 2, 28, 21, 30, tzinfo=UTC),  # 1 March 00:30 in Moscow
    datetime(2026, 2, 28, 20, 59, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # Berlin: summer time from 01:00 UTC
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 3, 8, 6, 59, tzinfo=UTC),  # New York: from 07:00 UTC
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(1990, 6, 15, 12, 0, tzinfo=UTC),  # Moscow summer time (+4) then
    datetime(2011, 3, 26, 22, 59, tzinfo=UTC),  # Moscow: +4 from 23:00 UTC, kept till 2014
    datetime(2011, 3, 26, 23, 0, tzinfo=UTC),
    datetime(2014, 10, 25, 21, 59, tzinfo=UTC),  # Moscow: +3 from 22:00 UTC
    datetime(2014, 10, 25, 22, 0, tzinfo=UTC),
    datetime(2000, 2, 29, 23, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 21, 0, tzinfo=UTC),  # the new year in Moscow
    datetime(2026, 5, 5, 5, 5, 5, 123456, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(2099, 12, 31, 23, 59, tzinfo=UTC),
]
DAYS = [None, date(2026, 3, 1), date(1999, 12, 31)]
LAYOUTS = [
    Layout(";", day_first=True, timezone="Europe/Moscow"),
    Layout(",", day_first=False, timezone="Europe/Moscow"),
    Layout(";", day_first=False, timezone="Europe/Berlin"),
    Layout(",", day_first=True, timezone="America/New_York"),
    Layout(";", day_first=False, timezone="UTC"),
]

SAMPLES = Table(
    "export_samples",
    MetaData(),
    SqlColumn("id", Integer, primary_key=True),
    SqlColumn("at", UTCDateTime()),
    SqlColumn("number", BigInteger),
    SqlColumn("whole", BigInteger, nullable=False),
    SqlColumn("last", String(200)),
    SqlColumn("first", String(200)),
    SqlColumn("middle", String(200)),
    SqlColumn("text", String(200)),
    SqlColumn("code", String(20)),
    SqlColumn("amount", BigInteger),
    SqlColumn("sure", BigInteger, nullable=False),
    SqlColumn("day", Date),
    prefixes=["TEMPORARY"],
)


def _values() -> list[dict]:
    count = max(len(TEXTS), len(NAMES), len(AMOUNTS), len(TIMES))
    cycle = [itertools.cycle(values) for values in (TIMES, NUMBERS, NAMES, TEXTS, CODES, AMOUNTS)]
    rows = []
    for index in range(count):
        at, number, (last, first, middle), text, code, amount = (next(c) for c in cycle)
        rows.append(
            {
                "id": index,
                "at": at,
                "number": number,
                "whole": number if number is not None else index,
                "last": last,
                "first": first,
                "middle": middle,
                "text": text,
                "code": code,
                "amount": amount,
                "sure": amount if amount is not None else -index,
                "day": DAYS[index % len(DAYS)],
            }
        )
    return rows


ROWS = _values()
C = SAMPLES.c
COLUMNS = [
    Column("Paid at", "datetime", C.at),
    Column("Number", "int", C.number),
    Column("Whole", "int", C.whole, nullable=False),
    Column("=Customer", "name", (C.last, C.first, C.middle)),
    Column("Text", "text", C.text),
    Column("Method", "label", C.code, LABELS),
    Column("Code", "label", C.code),
    Column("Amount", "money", C.amount),
    Column("Sure", "money", C.sure, nullable=False),
    Column("Day", "date", C.day),
    # Expressions, as a balance is (total - paid): formatting must keep them whole.
    Column("Twice", "money", C.whole + C.whole, nullable=False),
    Column("Twice or none", "money", C.number + C.number),
    Column("Sum", "int", C.whole + C.whole, nullable=False),
]
EXPORT = Export(COLUMNS, select(C.id).order_by(C.id))
RAW = [
    (r["at"], r["number"], r["whole"], r["last"], r["first"], r["middle"], r["text"], r["code"],
     r["code"], r["amount"], r["sure"], r["day"], 2 * r["whole"],
     None if r["number"] is None else 2 * r["number"], 2 * r["whole"])
    for r in ROWS
]  # fmt: skip


@pytest.fixture
def samples(db):
    """A connection (in its transaction) with the samples in a temporary table."""
    with db.engine.connect() as connection:
        SAMPLES.create(connection)
        connection.execute(insert(SAMPLES), ROWS)
        yield connection
        connection.rollback()


def _database_file(connection, layout: Layout) -> bytes:
    return b"".join(exports.stream(connection, EXPORT, layout))


def _python_file(layout: Layout) -> bytes:
    return b"".join(exports.stream_csv(COLUMNS, RAW, layout))


@pytest.mark.parametrize(
    "layout", LAYOUTS, ids=lambda layout: f"{layout.separator}{layout.timezone}"
)
def test_the_database_writes_the_same_bytes_as_the_python_reference(samples, layout):
    written = _database_file(samples, layout)
    expected = _python_file(layout)
    assert written.splitlines(keepends=True) == expected.splitlines(keepends=True)
    assert written == expected


def test_every_value_reads_back_with_the_csv_module_and_pandas(samples):
    layout = LAYOUTS[0]
    text = _database_file(samples, layout).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["Paid at", "Number", "Whole", "'=Customer", "Text", "Method", "Code",
                       "Amount", "Sure", "Day", "Twice", "Twice or none", "Sum"]  # fmt: skip
    assert len(rows) == len(ROWS) + 1
    for row, source in zip(rows[1:], ROWS, strict=True):
        name = " ".join(p for p in (source["last"], source["first"], source["middle"]) if p)
        assert row[3] == exports.neutralize(name)
        assert row[4] == exports.neutralize(source["text"] or "")
        method = LABELS.get(source["code"], source["code"])
        assert row[5] == exports.neutralize(method or "")
        assert row[6] == exports.neutralize(source["code"] or "")
        amount = source["amount"]
        assert row[7] == ("" if amount is None else exports.money(amount, ","))
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"Amount": str, "Sure": str})
    assert len(frame) == len(ROWS)
    sure = [source["sure"] for source in ROWS]
    assert [int(value.replace(",", "")) for value in frame["Sure"]] == sure


def test_formula_signs_are_neutralised_and_nothing_else(samples):
    text = _database_file(samples, LAYOUTS[1]).decode("utf-8-sig")
    cells = {row[4] for row in csv.reader(io.StringIO(text, newline=""), delimiter=",")}
    for sign in ("=", "+", "-", "@", "\t", "\r"):
        assert not any(cell.lstrip(" ").startswith(sign) for cell in cells), sign
    assert {'\'=HYPERLINK("x")', "'+1", "'-2", "'@a", "'\tx", "'\rx", "'  =x", "'   @x"} <= cells
    assert {"plain", " x", "1234", "<x", ".5", "A", "'quoted", "Иванов Пётр"} <= cells


def test_money_in_rubles_with_two_decimals(samples):
    text = _database_file(samples, LAYOUTS[0]).decode("utf-8-sig")
    amounts = [row[7] for row in csv.reader(io.StringIO(text, newline=""), delimiter=";")][1:]
    assert amounts[: len(AMOUNTS)] == [
        "", "0,00", "0,05", "-0,05", "0,99", "-0,99", "1,00", "-1,00", "1,01", "-1,01",
        "123,45", "-123456789,01", "92233720368547758,07", "-92233720368547758,07",
    ]  # fmt: skip
    comma = _database_file(samples, LAYOUTS[1]).decode("utf-8-sig")
    points = [row[7] for row in csv.reader(io.StringIO(comma, newline=""), delimiter=",")][1:]
    assert points[2:4] == ["0.05", "-0.05"]


def test_local_times_follow_the_zone_through_its_changes(samples):
    def times(layout: Layout) -> list[str]:
        text = _database_file(samples, layout).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=layout.separator))
        return [row[0] for row in rows[1 : len(TIMES) + 1]]

    moscow = times(LAYOUTS[0])
    assert moscow[1] == "01.03.2026 00:30"
    assert moscow[9] == "15.06.1990 16:00"  # summer time, +4
    assert moscow[10:14] == ["27.03.2011 01:59", "27.03.2011 03:00", "26.10.2014 01:59",
                             "26.10.2014 01:00"]  # fmt: skip
    assert moscow[15] == "01.01.2027 00:00"
    berlin = times(LAYOUTS[2])
    assert berlin[3:5] == ["2026-03-29 01:59", "2026-03-29 03:00"]
    assert berlin[7:9] == ["2026-10-25 02:59", "2026-10-25 02:00"]
    new_york = times(LAYOUTS[3])
    assert new_york[5:7] == ["08.03.2026 01:59", "08.03.2026 03:00"]


def test_the_zone_changes_are_found_to_the_second():
    moscow = exports.utc_offsets("Europe/Moscow")
    assert moscow[0] == ("2014-10-25 22:00:00", 3 * 3600)
    assert moscow[1] == ("2011-03-26 23:00:00", 4 * 3600)
    assert moscow[-1][0] == ""
    assert exports.utc_offsets("UTC") == (("", 0),)
    berlin = dict(exports.utc_offsets("Europe/Berlin"))
    assert berlin["2026-03-29 01:00:00"] == 7200 and berlin["2026-10-25 01:00:00"] == 3600


def test_a_line_break_in_a_quoted_cell_stays_as_it_is_when_copy_rows_get_crlf():
    rows = b'1;"a\nb";x\n2;"say ""hi""";y\n3;plain;z\n'
    assert exports._crlf(rows, 3) == b'1;"a\nb";x\r\n2;"say ""hi""";y\r\n3;plain;z\r\n'
    assert exports._crlf(b"1;x\n2;y\n", 2) == b"1;x\r\n2;y\r\n"


def test_a_layout_takes_only_the_two_separators():
    with pytest.raises(ValueError):
        Layout("|")
    with pytest.raises(ValueError):
        Column("x", "float")
    assert Layout(",").decimal == "." and Layout(";").decimal == ","


def test_the_python_way_for_other_databases_reads_the_raw_columns_alike(samples):
    layout = LAYOUTS[0]
    rows = b"".join(exports._python_chunks(samples, EXPORT, layout))
    assert exports.header(COLUMNS, layout) + rows == _python_file(layout)
