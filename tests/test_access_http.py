"""Access through the real Flask server: logins, the throttle, CSRF, cookies, logout.

What each role may reach — every route, page and callback, anonymous or not, with
the security headers — is walked from the app's own registries in
``tests/test_access_registry.py``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import csrf_from, login


def test_healthz_answers_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/tickets", "/orders/100001", "/payments?from=2024-01-01"])
def test_pages_redirect_to_the_login_and_come_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    logged_in = login(client, "admin@parkdesk.local", query_string={})
    assert logged_in.status_code == 302


def test_login_returns_to_the_page_asked_for(client):
    page = client.get("/login?next=/tickets")
    response = client.post(
        "/login?next=/tickets",
        data={
            "email": "rental@parkdesk.local",
            "password": "demo",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/tickets"
    assert client.get("/tickets").status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_pointing_elsewhere_is_not_followed(client, target):
    page = client.get("/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "email": "rental@parkdesk.local",
            "password": "demo",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302
    # Home: the rental manager's landing page.
    assert response.headers["Location"] == "/today"


def test_a_wrong_password_is_refused_with_a_generic_message(client):
    response = login(client, "rental@parkdesk.local", "wrong")
    assert response.status_code == 401
    assert 'id="login-error"' in response.text
    assert "Wrong e-mail or password" in response.text
    assert client.get("/tickets").status_code == 302


def test_an_unknown_email_gets_the_same_message(client):
    response = login(client, "nobody@parkdesk.local", "demo")
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.text


def test_a_login_post_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"email": "rental@parkdesk.local", "password": "demo"})
    assert response.status_code == 400
    assert client.get("/tickets").status_code == 302


def test_five_failures_lock_the_address_for_that_email(client):
    address = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(5):
        assert (
            login(client, "rental@parkdesk.local", "wrong", environ_base=address).status_code == 401
        )
    locked = login(client, "rental@parkdesk.local", "demo", environ_base=address)
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text
    assert client.get("/tickets", environ_base=address).status_code == 302

    other = login(
        client, "rental@parkdesk.local", "demo", environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other.status_code == 302
    assert client.get("/tickets").status_code == 200


def test_the_lock_is_per_email(client):
    address = {"REMOTE_ADDR": "203.0.113.8"}
    for _ in range(5):
        login(client, "rental@parkdesk.local", "wrong", environ_base=address)
    assert login(client, "exec@parkdesk.local", "demo", environ_base=address).status_code == 302


def test_behind_one_proxy_the_forwarded_address_is_the_client(config, staff_ids):
    from dashboard import create_app

    config.proxy_count = 1
    client = create_app(config).server.test_client()
    for _ in range(5):
        login(client, "rental@parkdesk.local", "wrong", headers={"X-Forwarded-For": "192.0.2.1"})
    refused = login(
        client, "rental@parkdesk.local", "demo", headers={"X-Forwarded-For": "192.0.2.1"}
    )
    assert refused.status_code == 429
    allowed = login(
        client, "rental@parkdesk.local", "demo", headers={"X-Forwarded-For": "192.0.2.2"}
    )
    assert allowed.status_code == 302


def test_session_cookie_is_httponly_and_samesite(client):
    response = login(client, "rental@parkdesk.local")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("parkdesk_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_behind_https_the_cookies_are_secure_and_last_a_working_day(config, staff_ids):
    from dashboard import create_app

    config.secure_cookies = True
    client = create_app(config).server.test_client()
    base = {"base_url": "https://parkdesk.example"}
    page = client.get("/login", **base)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    response = client.post(
        "/login",
        data={
            "email": "rental@parkdesk.local",
            "password": "demo",
            "csrf_token": csrf_from(page.text),
        },
        headers={"Referer": "https://parkdesk.example/login"},
        **base,
    )
    assert response.status_code == 302
    session_cookie = client.get_cookie("parkdesk_session", domain="parkdesk.example")
    assert session_cookie.secure and session_cookie.http_only
    assert session_cookie.same_site == "Lax"
    lifetime = session_cookie.expires - datetime.now(UTC)
    assert timedelta(hours=1) < lifetime <= timedelta(hours=12, minutes=1)
    client.get("/", **base)
    csrf_cookie = client.get_cookie("_csrf_token", domain="parkdesk.example")
    # Not HttpOnly: Dash's renderer reads it and sends it back as a header.
    assert csrf_cookie.secure and not csrf_cookie.http_only
    assert csrf_cookie.same_site == "Lax"


def test_over_plain_http_no_hsts_is_sent(client):
    # Development over http://localhost: a browser must not learn to insist on HTTPS.
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_login_gives_a_fresh_session(client):
    client.get("/login")
    before = client.get_cookie("parkdesk_session").value
    login(client, "rental@parkdesk.local")
    assert client.get_cookie("parkdesk_session").value != before


def _callback_post(client, headers=None):
    """The POST the browser sends when the language switch is clicked."""
    body = {
        "output": "shell-language.data",
        "outputs": {"id": "shell-language", "property": "data"},
        "inputs": [
            {"id": "nav-lang-en", "property": "n_clicks", "value": 1},
            {"id": "nav-lang-ru", "property": "n_clicks", "value": None},
        ],
        "changedPropIds": ["nav-lang-en.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body, headers=headers or {})


def test_a_callback_post_without_csrf_token_is_refused(client):
    login(client, "rental@parkdesk.local")
    client.get("/")
    assert _callback_post(client).status_code == 400


def test_a_callback_post_with_another_sessions_token_is_refused(app, client):
    other = app.server.test_client()
    login(other, "exec@parkdesk.local")
    other.get("/")
    foreign_token = other.get_cookie("_csrf_token").value
    login(client, "rental@parkdesk.local")
    client.get("/")
    assert _callback_post(client, {"X-CSRFToken": foreign_token}).status_code == 400


def test_a_callback_post_with_the_sessions_token_is_served(client):
    login(client, "rental@parkdesk.local")
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    response = _callback_post(client, {"X-CSRFToken": token})
    assert response.status_code == 200, response.text


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client):
    login(client, "rental@parkdesk.local")
    page = client.get("/")
    stolen = client.get_cookie("parkdesk_session").value
    token = client.get_cookie("_csrf_token").value
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/tickets").status_code == 302
    replay = app.server.test_client()
    replay.set_cookie("parkdesk_session", stolen)
    replay.set_cookie("_csrf_token", token)
    assert replay.get("/tickets").status_code == 302
    assert _callback_post(replay, {"X-CSRFToken": token}).status_code == 401
    assert page.status_code == 200


def test_a_deactivated_user_is_logged_out_on_the_next_request(db, client, staff_ids):
    from models import StaffUser

    login(client, "rental@parkdesk.local")
    assert client.get("/tickets").status_code == 200
    with db.write() as session:
        session.get(StaffUser, staff_ids["rental@parkdesk.local"]).is_active = False
    assert client.get("/tickets").status_code == 302
    assert client.get("/_dash-layout").status_code == 401


def test_an_unknown_address_answers_404(client):
    login(client, "rental@parkdesk.local")
    assert client.get("/no-such-page").status_code == 404


def test_a_page_the_role_may_not_open_answers_403_and_its_own_pages_200(client):
    login(client, "rental@parkdesk.local")
    assert client.get("/staff").status_code == 403
    assert client.get("/staff/").status_code == 403
    assert client.get("/tickets/").status_code == 200


def test_the_content_security_policy_allows_only_own_scripts_and_dash_inline_ones(app, client):
    login(client, "rental@parkdesk.local")
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    scripts = directives["script-src"].split()
    assert scripts[0] == "'self'"
    assert set(scripts[1:]) == set(app.csp_hashes())
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.mark.parametrize(
    ("email", "landing"),
    [
        ("rental@parkdesk.local", "/today"),
        ("service@parkdesk.local", "/today"),
        ("events@parkdesk.local", "/"),
        ("admin@parkdesk.local", "/"),
        ("exec@parkdesk.local", "/"),
        ("accounting@parkdesk.local", "/"),
    ],
)
def test_each_role_lands_on_its_page_after_logging_in_from_the_bare_address(client, email, landing):
    assert client.get("/").headers["Location"].startswith("/login?next=")
    page = client.get("/login?next=/")
    response = client.post(
        "/login?next=/",
        data={"email": email, "password": "demo", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert client.get(landing).status_code == 200


# --- notifications: one's own only -------------------------------------------------------------


def test_a_user_never_reads_or_marks_another_users_notifications(app, client, db, world, staff_ids):
    from services import notifications, orders
    from tests.dash_http import callback_keys, dependencies, post_callback
    from tests.factories import NOW

    rental, admin = staff_ids["rental@parkdesk.local"], staff_ids["admin@parkdesk.local"]
    with db.write() as session:
        world.session = session
        mine = world.order("hotel", "confirmed", total=100_000, paid=100_000)
        theirs = world.order("simple", "new")
        orders.customer_message(session, mine.number, "Поздний заезд", NOW)  # the rental desk
        # Two for the administrator, on an order the rental desk does not even read.
        for by in (rental, staff_ids["service@parkdesk.local"]):
            notifications.notify(
                session,
                [admin],
                notifications.NotificationKind.ASSIGNED,
                theirs,
                NOW,
                by=f"#{by}",
            )
        session.flush()
        [own] = notifications.recent(session, rental)
        admins = [row.id for row in notifications.recent(session, admin)]
    login(client, "rental@parkdesk.local")
    client.get("/")
    callbacks = callback_keys(dependencies(client))

    def post(key, values):
        return post_callback(client, callbacks[key], values)

    count = post(
        "..nav-notifications.children...nav-notifications.color..",
        {"notifications-version.data": 0},
    )
    assert count.get_json()["response"]["nav-notifications"]["children"] == "1"
    listed = post("notifications-list.children", {"nav-notifications.children": "1"}).text
    assert f"{mine.number}" in listed and f"{theirs.number}" not in listed

    # Another user's notification, by its id: refused without a word, nothing marked.
    opener = ".._pages_location.href...notifications-version.data.."
    for admin_id in admins:
        clicked = [({"type": "notifications-item", "id": admin_id}, 1)]
        assert post(opener, {"notifications-item.n_clicks": clicked}).status_code == 204
    assert (
        post("notifications-version.data", {"notifications-read-all.n_clicks": 1}).status_code
        == 200
    )
    with db.read() as session:
        assert notifications.unread_count(session, admin) == 2
        assert notifications.unread_count(session, rental) == 0

    # Her own opens its order.
    opened = post(
        opener, {"notifications-item.n_clicks": [({"type": "notifications-item", "id": own.id}, 1)]}
    )
    assert opened.get_json()["response"]["_pages_location"]["href"] == f"/orders/{mine.number}"
