"""Several gunicorn workers (here: two servers, as on two hosts behind a balancer) share
logins, CSRF tokens and the login throttle through the database, nothing in memory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import requests

from tests.dash_http import callback_body
from tests.servers import gunicorn_serving


@pytest.fixture
def two_servers(database_url: str, staff_ids) -> Iterator[list[str]]:
    """A server of two workers, and a second host of one, on the same database."""
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn_serving(database_url, workers)) for workers in (2, 1)]


def _login(http: requests.Session, base: str, email: str, password: str = "demo"):
    page = http.get(f"{base}/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return http.post(
        f"{base}/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )


def test_a_login_on_one_server_works_on_the_other_with_its_csrf_token(two_servers):
    first, second = two_servers
    http = requests.Session()
    assert _login(http, first, "rental@parkdesk.local").status_code == 302
    assert http.get(f"{first}/tickets", timeout=10).status_code == 200
    page = http.get(f"{second}/tickets", allow_redirects=False, timeout=10)
    assert page.status_code == 200
    dependencies = http.get(f"{second}/_dash-dependencies", timeout=10).json()
    dep = next(
        d
        for d in dependencies
        if any(i["id"] == "tickets-grid" and i["property"] == "getRowsRequest" for i in d["inputs"])
    )
    answer = http.post(
        f"{second}/_dash-update-component",
        json=callback_body(dep, {"tickets-grid.getRowsRequest": {"startRow": 0, "endRow": 10}}),
        headers={"X-CSRFToken": http.cookies.get("_csrf_token")},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text[:200]
    assert (
        http.post(
            f"{second}/logout",
            data={"csrf_token": http.cookies.get("_csrf_token")},
            allow_redirects=False,
            timeout=10,
        ).status_code
        == 302
    )
    assert http.get(f"{first}/tickets", allow_redirects=False, timeout=10).status_code == 302


def test_the_login_throttle_is_shared_by_every_server(two_servers):
    first, second = two_servers
    for _ in range(5):
        refused = _login(requests.Session(), first, "exec@parkdesk.local", "wrong")
        assert refused.status_code == 401
    assert _login(requests.Session(), second, "exec@parkdesk.local").status_code == 429
