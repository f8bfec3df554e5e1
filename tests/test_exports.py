"""The accounting CSV files through the Flask test client: re-read with pandas and with
Python's csv module they give the database's rows and totals; Excel-safe format;
roles; bad parameters."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import select

from models import Order, Payment, Person, StaffUser
from models.statuses import CANCELLED_STATUSES
from services import exports
from services.exports import neutralize
from services.payments import signed_amount
from tests.conftest import login
from tests.dash_http import find_callback, post_callback
from tests.factories import NOW

ZONE = ZoneInfo("Europe/Moscow")
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
FORMULA = '=HYPERLINK("x")'
PATHS = ["/exports/payments.csv", "/exports/balances.csv", "/exports/orders.csv"]
AMOUNTS = {  # the money columns of each file
    "/exports/payments.csv": ["Amount"],
    "/exports/balances.csv": ["Total", "Paid by the date", "Balance at the date"],
    "/exports/orders.csv": ["Total", "Paid", "Balance"],
}


def _pay(session, order: Order, kopecks: int, method: str, at: datetime, **extra) -> None:
    kind = extra.pop("kind", "payment")
    session.add(
        Payment(
            order_id=order.id,
            kind=kind,
            amount_kopecks=kopecks,
            method=method,
            paid_at=at,
            **extra,
        )
    )
    order.paid_kopecks += -kopecks if kind == "refund" else kopecks
    session.flush()


@pytest.fixture
def ledger(db, world, staff_ids) -> dict[str, int]:
    """Orders around March 2026 with payments, a refund, a payment at the local
    midnight that starts March, a cancelled order with a balance, and a customer whose
    name a spreadsheet would run as a formula."""
    with db.write() as session:
        world.session = session
        formula = Person(last_name=FORMULA, first_name="", search_text=FORMULA.casefold())
        session.add(formula)
        session.flush()
        rental = staff_ids["rental@parkdesk.local"]

        cleaning = world.order("simple", "new", total=1_000_000, created_at=NOW - timedelta(2))
        _pay(session, cleaning, 400_000, "bank_card", NOW - timedelta(days=2))

        hotel = world.order(
            "hotel", "confirmed_balance_due", total=2_000_050, created_at=NOW - timedelta(5)
        )
        hotel.customer_id = formula.id
        _pay(session, hotel, 600_025, "cash", NOW - timedelta(days=5), recorded_by_id=rental)
        _pay(session, hotel, 200_000, "manager", NOW - timedelta(days=1), recorded_by_id=rental)
        _pay(
            session,
            hotel,
            100_000,
            "manager",
            NOW - timedelta(hours=20),
            kind="refund",
            recorded_by_id=rental,
        )

        february = world.order(
            "coworking", "confirmed", total=150_000, created_at=datetime(2026, 2, 15, 9, tzinfo=UTC)
        )
        _pay(session, february, 150_000, "saved_card", datetime(2026, 2, 15, 9, 5, tzinfo=UTC))

        midnight = world.order(
            "goods", "confirmed", total=300_000, created_at=datetime(2026, 2, 28, 20, 0, tzinfo=UTC)
        )
        _pay(
            session,
            midnight,
            300_000,
            "online_gateway",
            datetime(2026, 2, 28, 21, 30, tzinfo=UTC),
            external_number="-42",
        )

        cancelled = world.order("simple", "cancelled", total=700_000, created_at=NOW - timedelta(3))
        return {
            "cleaning": cleaning.number,
            "hotel": hotel.number,
            "february": february.number,
            "midnight": midnight.number,
            "cancelled": cancelled.number,
        }


@pytest.fixture
def accountant(client, ledger):
    login(client, "accounting@parkdesk.local")
    return client


def _day_bounds(first: str, last: str) -> tuple[datetime, datetime]:
    return (
        datetime.combine(date.fromisoformat(first), time(0), ZONE),
        datetime.combine(date.fromisoformat(last) + timedelta(days=1), time(0), ZONE),
    )


def _kopecks(values) -> list[int]:
    return [int((Decimal(str(v)) * 100).to_integral_value()) for v in values]


def _csv_rows(body: bytes, sep: str = ";") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=sep))


def _python_kopecks(text: str, sep: str = ";") -> int:
    return int(Decimal(text.replace(",", ".") if sep == ";" else text) * 100)


def test_the_payments_journal_read_back_equals_the_ledger(db, accountant, ledger):
    response = accountant.get("/exports/payments.csv", query_string=MARCH)
    assert response.status_code == 200
    start, end = _day_bounds(MARCH["from"], MARCH["to"])
    with db.read() as session:
        expected = session.execute(
            select(Order.number, signed_amount())
            .join(Order, Order.id == Payment.order_id)
            .where(Payment.paid_at >= start, Payment.paid_at < end)
            .order_by(Payment.paid_at, Payment.id)
        ).all()
    assert len(expected) == 5  # not February's; the one at 00:30 on 1 March in Moscow, yes

    frame = pd.read_csv(
        io.BytesIO(response.data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Order": int}
    )
    assert list(frame["Order"]) == [number for number, _amount in expected]
    assert _kopecks(frame["Amount"]) == [amount for _number, amount in expected]
    assert sum(_kopecks(frame["Amount"])) == sum(a for _n, a in expected) == 1_400_025

    rows = _csv_rows(response.data)
    assert [(int(r["Order"]), _python_kopecks(r["Amount"])) for r in rows] == [
        tuple(row) for row in expected
    ]
    refund = next(r for r in rows if r["Kind"] == "Refund")
    assert (refund["Amount"], refund["Method"], refund["Recorded by"]) == (
        "-1000,00",
        "Recorded by a manager",
        "Анна Смирнова",
    )
    midnight = next(r for r in rows if int(r["Order"]) == ledger["midnight"])
    assert midnight["Paid at"] == "2026-03-01 00:30"  # Moscow time; ISO in English
    assert midnight["External number"] == "'-42"  # text, so neutralised
    assert "Иванов Пётр" in {r["Customer"] for r in rows}


def test_a_comma_separator_gives_decimal_points(accountant, ledger):
    for path in PATHS:
        response = accountant.get(path, query_string={**MARCH, "sep": ","})
        assert response.status_code == 200, path
        body = response.data  # a streamed response: read it before the next request
        semicolon = accountant.get(path, query_string=MARCH).data
        comma = pd.read_csv(io.BytesIO(body), sep=",", encoding="utf-8-sig")
        default = pd.read_csv(io.BytesIO(semicolon), sep=";", decimal=",", encoding="utf-8-sig")
        for column in AMOUNTS[path]:
            assert _kopecks(comma[column]) == _kopecks(default[column]), (path, column)
        rows = _csv_rows(body, ",")
        for column in AMOUNTS[path]:
            assert all("." in row[column] and "," not in row[column] for row in rows), path


@pytest.mark.parametrize("path", PATHS)
def test_a_formula_in_a_customer_name_comes_out_as_text(accountant, ledger, path):
    response = accountant.get(path, query_string=MARCH)
    frame = pd.read_csv(io.BytesIO(response.data), sep=";", decimal=",", encoding="utf-8-sig")
    customers = set(frame["Customer"])
    assert "'" + FORMULA in customers
    assert FORMULA not in customers


@pytest.mark.parametrize("path", PATHS)
def test_excel_ready_bom_crlf_cyrillic_and_a_utf8_file_name(accountant, ledger, path):
    response = accountant.get(path, query_string=MARCH)
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[-1] == "" and all("\n" not in line for line in lines)
    assert len(lines) > 2
    assert "Иванов Пётр" in text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition and ".csv" in disposition


@pytest.mark.parametrize("path", PATHS)
def test_a_file_shows_every_column_of_its_query_in_the_query_order(
    accountant, ledger, path, monkeypatch
):
    """The route reads its service query's columns by name and shows them all, in
    order: the file's raw SELECT is that query as the service builds it, which is what
    the benchmark's floor runs (bench/exports.py)."""
    streamed = []
    stream = exports.stream

    def spy(connection, export, layout):
        streamed.append(export)
        return stream(connection, export, layout)

    monkeypatch.setattr(exports, "stream", spy)
    assert accountant.get(path, query_string=MARCH).status_code == 200
    [export] = streamed

    raw = export.raw_select()
    assert list(raw.selected_columns.keys()) == list(export.rows.selected_columns.keys())
    assert str(raw) == str(export.rows)


def test_the_file_name_carries_the_period(accountant, ledger):
    response = accountant.get("/exports/payments.csv", query_string=MARCH)
    assert (
        "filename*=UTF-8''payments_2026-03-01_2026-03-31.csv"
        in (response.headers["Content-Disposition"])
    )


def test_balances_at_a_date_equal_the_ledger_up_to_the_end_of_that_day(db, accountant, ledger):
    day = "2026-03-08"
    response = accountant.get("/exports/balances.csv", query_string={"to": day})
    assert response.status_code == 200
    _start, end = _day_bounds(day, day)
    expected = {}
    with db.read() as session:
        for order in session.scalars(select(Order)):
            if order.status in {s.value for s in CANCELLED_STATUSES} or order.created_at >= end:
                continue
            paid = sum(
                -p.amount_kopecks if p.kind == "refund" else p.amount_kopecks
                for p in session.scalars(select(Payment).where(Payment.order_id == order.id))
                if p.paid_at < end
            )
            if order.total_kopecks - paid > 0:
                expected[order.number] = (order.total_kopecks, paid, order.total_kopecks - paid)
    # The hotel's 2 000 ₽ and its refund came on 9 March: not in the balance of the 8th.
    assert expected == {
        ledger["cleaning"]: (1_000_000, 400_000, 600_000),
        ledger["hotel"]: (2_000_050, 600_025, 1_400_025),
    }
    frame = pd.read_csv(
        io.BytesIO(response.data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Order": int}
    )
    found = dict(
        zip(
            frame["Order"],
            zip(
                _kopecks(frame["Total"]),
                _kopecks(frame["Paid by the date"]),
                _kopecks(frame["Balance at the date"]),
                strict=True,
            ),
            strict=True,
        )
    )
    assert found == expected
    rows = _csv_rows(response.data)
    assert {int(r["Order"]): _python_kopecks(r["Balance at the date"]) for r in rows} == {
        number: balance for number, (_t, _p, balance) in expected.items()
    }
    assert f"balances_{day}.csv" in response.headers["Content-Disposition"]


def test_balances_default_to_today(accountant, ledger):
    response = accountant.get("/exports/balances.csv")
    assert response.status_code == 200
    today = datetime.now(ZONE).date().isoformat()
    assert f"balances_{today}.csv" in response.headers["Content-Disposition"]
    numbers = {int(r["Order"]) for r in _csv_rows(response.data)}
    assert numbers == {ledger["cleaning"], ledger["hotel"]}  # not the cancelled, not paid ones


def test_the_orders_register_read_back_equals_the_orders(db, accountant, ledger):
    response = accountant.get("/exports/orders.csv", query_string=MARCH)
    assert response.status_code == 200
    start, end = _day_bounds(MARCH["from"], MARCH["to"])
    with db.read() as session:
        expected = {
            o.number: (o.total_kopecks, o.paid_kopecks, o.total_kopecks - o.paid_kopecks)
            for o in session.scalars(
                select(Order).where(Order.created_at >= start, Order.created_at < end)
            )
        }
    assert set(expected) == {ledger[k] for k in ("cleaning", "hotel", "cancelled")}
    frame = pd.read_csv(
        io.BytesIO(response.data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Number": int}
    )
    found = dict(
        zip(
            frame["Number"],
            zip(
                _kopecks(frame["Total"]),
                _kopecks(frame["Paid"]),
                _kopecks(frame["Balance"]),
                strict=True,
            ),
            strict=True,
        )
    )
    assert found == expected
    rows = _csv_rows(response.data)
    assert sum(_python_kopecks(r["Balance"]) for r in rows) == sum(
        b for _t, _p, b in expected.values()
    )


@pytest.mark.parametrize("email", ["rental@parkdesk.local", "service@parkdesk.local"])
@pytest.mark.parametrize("path", PATHS)
def test_roles_without_exports_are_refused(client, ledger, email, path):
    login(client, email)
    assert client.get(path, query_string=MARCH).status_code == 403


@pytest.mark.parametrize("path", PATHS)
def test_an_anonymous_request_gets_401(client, ledger, path):
    assert client.get(path, query_string=MARCH).status_code == 401


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-01"},
        {"from": "yesterday"},
        {"from": "01.03.2026"},
        {"to": "2026-02-30"},
        {"from": "2026-03-31", "to": "2026-03-01"},
    ],
)
def test_a_bad_date_is_refused_in_words(accountant, path, query):
    response = accountant.get(path, query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert len(response.text) < 120
    assert "Traceback" not in response.text
    assert "date" in response.text or "period" in response.text


@pytest.mark.parametrize(
    ("email", "allowed"), [("accounting@parkdesk.local", True), ("rental@parkdesk.local", False)]
)
def test_the_exports_page_builds_links_only_for_roles_that_may_export(client, email, allowed):
    login(client, email)
    client.get("/")
    dep = find_callback(client, "exports-payments-from", "value")
    response = post_callback(
        client,
        dep,
        {
            "exports-payments-from.value": "2026-03-01",
            "exports-payments-to.value": "2026-03-31",
            "exports-payments-sep.value": ",",
        },
    )
    link = response.get_json()["response"]["exports-payments-link"]
    if allowed:
        assert link == {
            "href": "/exports/payments.csv?from=2026-03-01&to=2026-03-31&sep=%2C",
            "disabled": False,
        }
    else:
        assert link == {"href": "", "disabled": True}


ODD_NAMES = [
    ('Смит "Кузнец"', "Анна; Мария", None),
    ("Line\nBreak", "Двойная\r\nстрока", None),
    ("+7 916", "", None),
    ("  @home", "", None),
    ("-минус", "", "отчество"),
    ("\tTab", "x", None),
    ("\rCR", "", None),
    ("O'Brien", "Шон", "Патрик"),
    ("", "=1+1", None),
    ("Comma, Inc.", "", None),
]


@pytest.fixture
def odd_ledger(db, ledger, world):
    """Customers whose names carry quotes, separators, line breaks and formula signs,
    each paying 10 kopecks in March and getting 5 back: -0,05."""
    with db.write() as session:
        world.session = session
        numbers = {}
        for index, (last, first, middle) in enumerate(ODD_NAMES):
            person = Person(
                last_name=last, first_name=first, middle_name=middle, search_text=last.casefold()
            )
            session.add(person)
            session.flush()
            order = world.order("simple", "confirmed", total=1_000, created_at=NOW)
            order.customer_id = person.id
            at = datetime(2026, 3, 20, 9, index, tzinfo=UTC)
            _pay(session, order, 10, "cash", at)
            _pay(session, order, 5, "cash", at + timedelta(seconds=30), kind="refund")
            numbers[order.number] = " ".join(p for p in (last, first, middle) if p)
        return numbers


def test_odd_names_and_kopecks_survive_the_round_trip(accountant, odd_ledger):
    for sep in (";", ","):
        response = accountant.get("/exports/payments.csv", query_string={**MARCH, "sep": sep})
        assert response.status_code == 200
        body = response.data
        rows = [r for r in _csv_rows(body, sep) if int(r["Order"]) in odd_ledger]
        assert len(rows) == 2 * len(ODD_NAMES)
        for row in rows:
            assert row["Customer"] == neutralize(odd_ledger[int(row["Order"])])
        refunds = [r["Amount"] for r in rows if r["Kind"] == "Refund"]
        assert refunds == ["-0" + ("," if sep == ";" else ".") + "05"] * len(ODD_NAMES)
        frame = pd.read_csv(
            io.BytesIO(body),
            sep=sep,
            decimal="," if sep == ";" else ".",
            encoding="utf-8-sig",
            dtype={"Order": int},
            keep_default_na=False,
        )
        odd = frame[frame["Order"].isin(list(odd_ledger))]
        assert sum(_kopecks(odd["Amount"])) == 5 * len(ODD_NAMES)
        assert set(odd["Customer"]) == {neutralize(name) for name in odd_ledger.values()}
        for name in ("'+7 916", "'  @home", "'-минус отчество", "'\tTab x", "'\rCR", "'=1+1"):
            assert name in set(odd["Customer"])
        lines = body.decode("utf-8-sig").split("\r\n")
        assert lines[-1] == ""  # every row ends with CRLF, the last one too


@pytest.fixture
def russian_accountant(db, client, ledger, staff_ids):
    with db.write() as session:
        session.get(StaffUser, staff_ids["accounting@parkdesk.local"]).locale = "ru"
    login(client, "accounting@parkdesk.local")
    return client


def test_russian_files_have_day_first_dates_and_russian_words(russian_accountant, ledger):
    response = russian_accountant.get("/exports/payments.csv", query_string=MARCH)
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    assert text.split("\r\n")[0].startswith("Дата оплаты;")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]
    midnight = next(r for r in rows if int(r[1]) == ledger["midnight"])
    assert midnight[0] == "01.03.2026 00:30"
    assert "Возврат" in {r[5] for r in rows} and "Проведено менеджером" in {r[4] for r in rows}
    for path in ("/exports/orders.csv", "/exports/balances.csv"):
        answer = russian_accountant.get(path, query_string=MARCH)
        created = [
            r[1] for r in csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";")
        ]
        assert all(len(c) == 16 and c[2] == "." and c[5] == "." for c in created[1:]), path


def test_english_files_have_iso_dates(accountant, ledger):
    for path in PATHS:
        text = accountant.get(path, query_string=MARCH).data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        column = rows[0].index("Paid at" if "payments" in path else "Created")
        for row in rows[1:]:
            assert datetime.strptime(row[column], "%Y-%m-%d %H:%M"), path


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("sep", ["|", "tab", ";;", "semicolon"])
def test_a_separator_other_than_semicolon_or_comma_is_refused_in_words(accountant, path, sep):
    response = accountant.get(path, query_string={**MARCH, "sep": sep})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "\n" not in response.text and len(response.text) < 120
    assert "sep" in response.text


@pytest.mark.parametrize("path", PATHS)
def test_an_explicit_semicolon_or_an_empty_sep_is_the_default(accountant, ledger, path):
    default = accountant.get(path, query_string=MARCH).data
    for sep in (";", ""):
        assert accountant.get(path, query_string={**MARCH, "sep": sep}).data == default


def _readme_columns() -> dict[str, list[str]]:
    """The README's table of export columns: file → titles (notes in brackets dropped)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Exports", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        match = re.match(r"\| `(\w+\.csv)` \|[^|]*\| (.+) \|$", line)
        if match:
            titles = re.sub(r" \([^)]*\)", "", match.group(2))
            found["/exports/" + match.group(1)] = [t.strip() for t in titles.split(",")]
    return found


def test_the_readme_lists_the_columns_of_each_file_in_their_order(accountant, ledger):
    documented = _readme_columns()
    assert set(documented) == set(PATHS)
    for path in PATHS:
        text = accountant.get(path, query_string=MARCH).data.decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(text), delimiter=";")) == documented[path], path
