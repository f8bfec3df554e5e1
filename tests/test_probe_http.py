"""The outside probe's requests (issue #15), sent again through a real HTTP server on a
socket: what a client that keeps dots in paths or puts CR/LF into ``next`` gets back."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import requests
from werkzeug.serving import make_server

from dashboard import create_app
from services import staff

DEMO = "demo"


@pytest.fixture
def server(config, staff_ids) -> Iterator[str]:
    app = create_app(config)
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
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
    assert response.headers["Location"] == "/"
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
