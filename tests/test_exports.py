"""The accounting CSV files through the Flask test client: re-read with pandas and with
Python's csv module they give the database's rows and totals; Excel-safe format;
roles; bad parameters."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import select

from models import Order, Payment, Person
from models.statuses import CANCELLED_STATUSES
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
    assert midnight["Paid at"] == "01.03.2026 00:30"  # Moscow time, DD.MM.YYYY
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
