"""The outside probe's requests (issue #15), sent again through a real HTTP server on a
socket: what a client that keeps dots in paths or puts CR/LF into ``next`` gets back."""

from __future__ import annotations

import base64
import http.client
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import requests
import sqlalchemy as sa

from dashboard import create_app, ids
from models import Order, Payment
from services import staff
from tests.dash_http import callback_body, callback_keys, grid_rows_key
from tests.servers import serving

DEMO = "demo"


@pytest.fixture
def server(config, staff_ids) -> Iterator[str]:
    app = create_app(config)
    try:
        with serving(app.server) as base:
            yield base
    finally:
        app.server.extensions["parkdesk_db"].dispose()


def log_in(base: str, email: str, password: str = DEMO, next_: str | None = None):
    """The login form as a browser sends it; returns (session, response)."""
    http = requests.Session()
    url = f"{base}/login" + (f"?next={quote(next_, safe='')}" if next_ is not None else "")
    page = http.get(url, timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = http.post(
        url,
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    return http, response


class Desk:
    """A logged-in browser as seen from the server: the login form, the CSRF cookie the
    pages set, and callback POSTs in the renderer's own shape."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        self.http, response = log_in(base, email)
        assert response.status_code == 302
        self.http.get(f"{base}/", timeout=10)  # sets the CSRF cookie
        deps = self.http.get(f"{base}/_dash-dependencies", timeout=10).json()
        self.callbacks = callback_keys(deps)

    def post(self, key: str, values: dict, changed: str | None = None) -> requests.Response:
        return self.http.post(
            f"{self.base}/_dash-update-component",
            json=callback_body(self.callbacks[key], values, changed),
            headers={"X-CSRFToken": self.http.cookies["_csrf_token"]},
            timeout=30,
        )

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.base}{path}", allow_redirects=False, timeout=30)


def raw_get(base: str, path: str) -> int:
    """A GET with the path exactly as given (no client tidies ``..`` away)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


# Point 5 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["/orders\r\nSet-Cookie: x=1", "/orders\nLocation: //evil.example", "/\x00", "/\x7f"]
)
def test_control_characters_in_next_send_the_user_home_after_login(server, target):
    http, response = log_in(server, "rental@parkdesk.local", next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/today"  # the rental manager's landing page
    assert "x" not in http.cookies
    assert http.get(f"{server}/tickets", allow_redirects=False, timeout=10).status_code == 200


def test_a_plain_next_still_comes_back(server):
    _http, response = log_in(server, "rental@parkdesk.local", next_="/tickets?status=active")
    assert response.headers["Location"] == "/tickets?status=active"


# Point 8 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/assets/parkdesk.css/../grid.js",
        "/assets/parkdesk.css/../events.css",
        "/assets/parkdesk.cssx",
        "/assets/parkdesk.css/",
    ],
)
def test_only_the_exact_public_stylesheet_is_served_without_a_login(server, path):
    assert raw_get(server, path) in (302, 401)


def test_the_login_page_and_its_files_still_open_without_a_login(server):
    for path in ("/login", "/assets/parkdesk.css", "/bootstrap/static/css/bootstrap.min.css"):
        assert raw_get(server, path) == 200, path


# Point 10 --------------------------------------------------------------------------


def test_one_address_spraying_one_password_over_many_e_mails_is_stopped(server):
    throttle = staff.LoginThrottle()
    for n in range(throttle.per_address):
        _http, response = log_in(server, f"nobody{n}@example.org", "Winter2026!")
        assert response.status_code == 401, n
    # A right password from that address, on an account it never tried, waits too,
    # and hears the same words as every throttled try.
    _http, blocked = log_in(server, "exec@parkdesk.local")
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text
    assert "Wrong e-mail or password" not in blocked.text


def test_the_delay_grows_with_each_failure_and_stops_at_fifteen_minutes(db, staff_ids):
    throttle = staff.LoginThrottle()
    start = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    now, waits = start, []
    with db.write() as session:
        for _ in range(throttle.per_account + 6):
            until = staff.login_blocked_until(session, "a@b.c", "192.0.2.5", now, throttle)
            if until is not None:
                waits.append(until - now)
                now = until  # waits it out, then fails once more
            staff.record_login_attempt(session, "a@b.c", "192.0.2.5", now, False)
            session.flush()
            now += timedelta(seconds=1)
    minutes = [round(wait.total_seconds() / 60) for wait in waits]
    assert minutes == [1, 2, 4, 8, 15, 15]


def test_a_right_password_during_the_delay_is_refused_and_after_it_works(db, staff_ids):
    throttle = staff.LoginThrottle()
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    with db.write() as session:
        for second in range(throttle.per_account):
            staff.record_login_attempt(
                session,
                "rental@parkdesk.local",
                "192.0.2.6",
                now + timedelta(seconds=second),
                False,
            )
        session.flush()
        last = now + timedelta(seconds=throttle.per_account - 1)
        assert (
            staff.login_blocked_until(
                session,
                "rental@parkdesk.local",
                "192.0.2.6",
                last + timedelta(seconds=59),
                throttle,
            )
            == last + throttle.first_delay
        )
        assert (
            staff.login_blocked_until(
                session, "rental@parkdesk.local", "192.0.2.6", last + throttle.first_delay, throttle
            )
            is None
        )
        # Another address is not held back by this one's failures.
        assert (
            staff.login_blocked_until(session, "rental@parkdesk.local", "192.0.2.7", last, throttle)
            is None
        )


# Point 1 ---------------------------------------------------------------------------

FAR_DATES = [
    {"to": "9999-12-31"},
    {"from": "0001-01-01"},
    {"from": "0001-01-01", "to": "9999-12-31"},
]


@pytest.mark.parametrize("period", FAR_DATES)
def test_dates_beyond_any_year_in_grid_filters_are_ignored_not_a_500(server, world, period):
    rental, accountant = (
        Desk(server, "rental@parkdesk.local"),
        Desk(server, "accounting@parkdesk.local"),
    )
    block = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    for desk, key, grid, store in [
        (
            rental,
            grid_rows_key("orders-grid"),
            ids.ORDERS_GRID,
            ids.ORDERS_FILTERS,
        ),
        (
            rental,
            grid_rows_key("tickets-grid"),
            ids.TICKETS_GRID,
            ids.TICKETS_FILTERS,
        ),
        (
            accountant,
            grid_rows_key("payments-grid"),
            ids.PAYMENTS_GRID,
            ids.PAYMENTS_FILTERS,
        ),
    ]:
        response = desk.post(key, {f"{grid}.getRowsRequest": block, f"{store}.data": period})
        assert response.status_code == 200, (key, response.text[:300])
    charts = accountant.post(
        "..payments-revenue.children...payments-charts.children..",
        {f"{ids.PAYMENTS_CHARTS_FOR}.data": period},
    )
    assert charts.status_code == 200


@pytest.mark.parametrize("period", FAR_DATES)
def test_a_custom_occupancy_period_beyond_any_year_falls_back_to_this_month(server, world, period):
    executive = Desk(server, "exec@parkdesk.local")
    key = next(k for k in executive.callbacks if k.startswith("..occupancy-figures.children"))
    response = executive.post(
        key,
        {
            f"{ids.OCCUPANCY_PRESET}.value": "custom",
            f"{ids.OCCUPANCY_FROM}.value": period.get("from", "2026-01-01"),
            f"{ids.OCCUPANCY_TO}.value": period.get("to", "2026-01-31"),
        },
    )
    assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize("export", ["orders", "payments", "balances"])
@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01"])
def test_an_export_for_dates_beyond_any_year_is_refused_in_words(server, world, export, query):
    response = Desk(server, "accounting@parkdesk.local").get(f"/exports/{export}.csv?{query}")
    assert response.status_code == 400
    assert "must be a date from 1900-01-01 to 2999-12-31" in response.text


def test_a_shared_payments_address_with_a_far_date_opens(server, world):
    response = Desk(server, "accounting@parkdesk.local").get("/payments?to=9999-12-31")
    assert response.status_code == 200


# Points 6 and 7 --------------------------------------------------------------------


def _order_form(world, day: str) -> dict:
    return {
        f"{ids.ORDER_NEW_SERVICE}.value": str(world.services["coworking"]),
        f"{ids.ORDER_NEW_TARIFF}.value": str(world.tariffs["day"]),
        f"{ids.ORDER_NEW_DATE}.value": day,
        f"{ids.ORDER_NEW_TIME}.value": "10:00",
        f"{ids.ORDER_NEW_QUANTITY}.value": 1,
    }


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_price_quote_for_a_date_beyond_any_year_asks_for_a_date(server, world, day):
    rental = Desk(server, "rental@parkdesk.local")
    key = next(k for k in rental.callbacks if k.startswith("..order-new-quote.children"))
    response = rental.post(key, _order_form(world, day))
    assert response.status_code == 200
    assert "Enter the start date and time." in response.text


def test_a_booking_past_the_horizon_is_refused_in_words_and_nothing_is_written(server, world, db):
    rental = Desk(server, "rental@parkdesk.local")
    quote_key = next(k for k in rental.callbacks if k.startswith("..order-new-quote.children"))
    far = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    quoted = rental.post(quote_key, _order_form(world, far))
    assert "Periods can be booked at most 365 days ahead." in quoted.text
    save_key = next(k for k in rental.callbacks if k == "order-new-feedback.children")
    saved = rental.post(
        save_key,
        {
            f"{ids.ORDER_NEW_SAVE}.n_clicks": 1,
            f"{ids.ORDER_NEW_CUSTOMER_MODE}.value": "registered",
            f"{ids.ORDER_NEW_CHOICE}.value": str(world.people[0]),
            f"{ids.ORDER_NEW_SEAT}.value": str(world.seats[0]),
            f"{ids.ORDER_NEW_METHOD}.value": "cash",
            **_order_form(world, "9999-12-31"),
        },
    )
    assert saved.status_code == 200
    assert "Enter the start date and time." in saved.text
    with db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0


# Point 11 --------------------------------------------------------------------------


def test_a_payment_form_sent_again_with_another_amount_says_what_it_was_used_for(server, world, db):
    with db.write() as session:
        world.session = session
        order = world.order("simple", "new", total=200_000)
        number = order.number
    rental = Desk(server, "service@parkdesk.local")
    key = next(
        k
        for k in rental.callbacks
        if "payment-save.n_clicks" in k
        or (k.startswith("..order-feedback.children") and "payment" in k)
    )
    form = {
        f"{ids.PAYMENT_SAVE}.n_clicks": 1,
        f"{ids.PAYMENT_METHOD}.value": "cash",
        f"{ids.ORDER_PAYMENT_KEY}.data": "form-key-1",
        f"{ids.ORDER_NUMBER}.data": number,
        f"{ids.ORDER_VERSION}.data": 0,
    }
    first = rental.post(key, {**form, f"{ids.PAYMENT_AMOUNT}.value": "2000"})
    assert "The payment is recorded." in first.text
    again = rental.post(key, {**form, f"{ids.PAYMENT_AMOUNT}.value": "500"})
    assert "This form was already used for a payment of 2,000" in again.text
    with db.read() as session:
        assert session.scalar(sa.select(sa.func.sum(Payment.amount_kopecks))) == 200_000


def test_occupancy_chart_csv_neutralises_formula_starts(server, world):
    executive = Desk(server, "exec@parkdesk.local")
    key = next(k for k in executive.callbacks if k.startswith("occupancy-download.data"))
    response = executive.post(
        key,
        {
            "occupancy-csv.n_clicks": [
                ({"type": ids.OCCUPANCY_CSV, "chart": ids.OCCUPANCY_BY_ROOM}, 1)
            ],
            f"{ids.OCCUPANCY_DATA}.data": {
                "rooms": [['=HYPERLINK("http://x")', 50.0], ["@SUM(A1)", 1.5]]
            },
        },
        changed='{"chart":"occupancy-by-room","type":"occupancy-csv"}.n_clicks',
    )
    assert response.status_code == 200
    content = response.json()["response"]["occupancy-download"]["data"]["content"]
    text = base64.b64decode(content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "50,0" in text


# Points 2 and 3 --------------------------------------------------------------------

GRIDS = {
    # grid: (the role that reads it, its callback, the filters' store)
    "orders-grid": (
        "admin@parkdesk.local",
        grid_rows_key("orders-grid"),
    ),
    "tickets-grid": (
        "admin@parkdesk.local",
        grid_rows_key("tickets-grid"),
    ),
    "payments-grid": (
        "admin@parkdesk.local",
        grid_rows_key("payments-grid"),
    ),
    "balances-grid": (
        "admin@parkdesk.local",
        grid_rows_key("balances-grid"),
    ),
    "event-tickets-grid": (
        "admin@parkdesk.local",
        grid_rows_key("event-tickets-grid"),
    ),
}
BAD_BLOCKS = [
    {"startRow": 0, "endRow": 100, "sortModel": 5},
    {"startRow": 0, "endRow": 100, "sortModel": True},
    {"startRow": 0, "endRow": 100, "sortModel": "number"},
    {
        "startRow": 100,
        "endRow": 200,
        "sortModel": [],
        "context": {"after": {"100": [9223372036854775808]}},
    },
    {
        "startRow": 100,
        "endRow": 200,
        "sortModel": [],
        "context": {"after": {"100": [-(2**63) - 1]}},
    },
    {
        "startRow": 100,
        "endRow": 200,
        "sortModel": [],
        "context": {"after": {"100": [2**200, 2**200]}},
    },
    {
        "startRow": 100,
        "endRow": 200,
        "sortModel": [{"colId": "created", "sort": "desc"}],
        "context": {"after": {"100": ["0001-01-01T00:00:00+05:00", 1]}},
    },
    {
        "startRow": 100,
        "endRow": 200,
        "sortModel": [{"colId": "paid_at", "sort": "asc"}],
        "context": {"after": {"100": ["9999-12-31T23:59:59-05:00", 1]}},
    },
    {
        "startRow": 100,
        "endRow": 200,
        "sortModel": [{"colId": "service", "sort": "asc"}],
        "context": {"after": {"100": ["x", 1e30]}},
    },
    {
        "startRow": 100,
        "endRow": 200,
        "sortModel": [{"colId": "type", "sort": "desc"}],
        "context": {"after": {"100": [["x"], {"a": 1}]}},
    },
]


@pytest.mark.parametrize("block", BAD_BLOCKS, ids=range(len(BAD_BLOCKS)))
def test_grid_requests_of_any_shape_get_rows_not_a_500(server, world, db, block):
    with db.write() as session:
        world.session = session
        event_id = world.event()
    for grid, (email, key) in GRIDS.items():
        desk = Desk(server, email)
        response = desk.post(key, {f"{grid}.getRowsRequest": block, "event-id.data": str(event_id)})
        assert response.status_code == 200, (grid, response.status_code, response.text[:300])


def test_deeply_nested_json_is_a_bad_request_not_a_500(server, world):
    desk = Desk(server, "admin@parkdesk.local")
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        response = desk.http.post(
            f"{server}/_dash-update-component",
            data=body,
            headers={
                "X-CSRFToken": desk.http.cookies["_csrf_token"],
                "Content-Type": "application/json",
            },
            timeout=30,
        )
        assert response.status_code == 400


# Point 4 ---------------------------------------------------------------------------


@pytest.mark.parametrize("pathname", [None, 5, 1.5, True, [], {}, "x" * 10_000])
def test_the_page_router_answers_any_pathname_without_a_500(server, pathname):
    desk = Desk(server, "admin@parkdesk.local")
    response = desk.post(
        ".._pages_content.children..._pages_store.data..",
        {"_pages_location.pathname": pathname, "_pages_location.search": None},
    )
    assert response.status_code in (200, 204, 400), response.text[:300]


# Point 9 ---------------------------------------------------------------------------


def test_a_service_manager_reads_no_rental_order_nor_its_contacts(server, world, db):
    with db.write() as session:
        world.session = session
        hotel = world.order("hotel", "new").number
        cleaning = world.order("simple", "new").number
    desk = Desk(server, "service@parkdesk.local")
    block = {"startRow": 0, "endRow": 100, "sortModel": []}
    listed = desk.post(
        grid_rows_key("orders-grid"),
        {
            f"{ids.ORDERS_GRID}.getRowsRequest": block,
            f"{ids.ORDERS_FILTERS}.data": {"type": ["hotel", "coworking", "event"]},
        },
    ).json()["response"]
    assert listed["orders-grid"]["getRowsResponse"]["rowData"] == []
    page = desk.post(
        "..order-body.children...order-seen.data..", {f"{ids.ORDER_NUMBER}.data": str(hotel)}
    )
    assert "handled by another department" in page.text
    assert "+7 916 111-22-33" not in page.text
    own = desk.post(
        "..order-body.children...order-seen.data..", {f"{ids.ORDER_NUMBER}.data": str(cleaning)}
    )
    assert "+7 916 111-22-33" in own.text


def test_an_executive_reads_every_order_without_contacts(server, world, db):
    with db.write() as session:
        world.session = session
        hotel = world.order("hotel", "new").number
    page = Desk(server, "exec@parkdesk.local").post(
        "..order-body.children...order-seen.data..", {f"{ids.ORDER_NUMBER}.data": str(hotel)}
    )
    text = json.dumps(page.json(), ensure_ascii=False)
    assert "Иванов Пётр" in text
    assert "+7 916 111-22-33" not in text
