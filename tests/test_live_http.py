"""The poll of open pages (GET /_live) and the stale-page refusal through the real
server: behind the login, 304 while nothing changed, the changes once something did;
an action from a page that went stale is refused in words and the page re-reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import CoworkingTicket, Order
from services import live
from services.payments import record_payment
from tests.conftest import login
from tests.dash_http import find_callback, post_callback
from tests.factories import actor


def _token_of_layout(client) -> str:
    layout = client.get("/_dash-layout").text
    match = re.search(r'"data-token":\s*"([0-9.]+)"', layout)
    assert match, "no revision in the shell"
    return match.group(1)


def _ticket(db, world) -> tuple[int, int, int]:
    """A coworking ticket of today, half paid: (ticket number, order number, order id)."""
    with db.write() as session:
        world.session = session
        number = world.coworking(
            "confirmed_balance_due", start=datetime.now(UTC) - timedelta(hours=1), paid=50_000
        )
        ticket = session.scalar(select(CoworkingTicket).where(CoworkingTicket.number == number))
        return number, ticket.order.number, ticket.order_id


def _pay(db, order_number: int, key: str) -> None:
    with db.write() as session:
        record_payment(
            session,
            actor(session, "admin@parkdesk.local"),
            order_number,
            "100",
            "cash",
            key,
            datetime.now(UTC),
        )


def test_the_poll_needs_a_login(client):
    response = client.get("/_live?since=0.0")
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}


def test_the_poll_answers_304_while_nothing_changed_and_the_changes_once_something_did(
    db, world, client
):
    _number, order_number, order_id = _ticket(db, world)
    login(client, "rental@parkdesk.local")
    token = _token_of_layout(client)
    unchanged = client.get(f"/_live?since={token}")
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert client.get("/_live", headers={"If-None-Match": f'"{token}"'}).status_code == 304

    _pay(db, order_number, "live-http-1")
    changed = client.get(f"/_live?since={token}")
    assert changed.status_code == 200
    answer = changed.get_json()
    assert answer["token"] != token
    scopes = {(table, order): change_id for table, order, change_id in answer["changes"]}
    assert ("orders", order_id) in scopes
    assert ("payments", order_id) in scopes
    # Each with its last change id: the newest of them is the revision's own.
    assert max(scopes.values()) == int(answer["token"].split(".")[0])
    assert client.get(f"/_live?since={answer['token']}").status_code == 304


def test_a_poll_from_an_unknown_revision_is_told_everything(db, world, client):
    login(client, "exec@parkdesk.local")
    answer = client.get("/_live?since=nonsense").get_json()
    assert answer["changes"] is None
    assert answer["token"]


def test_validating_from_a_ticket_page_that_went_stale_is_refused_and_the_page_rereads(
    db, world, client
):
    number, order_number, order_id = _ticket(db, world)
    login(client, "rental@parkdesk.local")
    client.get(f"/tickets/{number}")
    with db.read() as session:
        seen = live.seen_ticket(session, number)
    assert seen == {"order": order_id, "mark": seen["mark"]}
    _pay(db, order_number, "live-http-2")  # another user, meanwhile

    response = post_callback(
        client,
        find_callback(client, "ticket-validate"),
        {
            "ticket-validate.n_clicks": 1,
            "ticket-number.data": str(number),
            "ticket-version.data": 3,
            "ticket-seen.data": seen,
        },
    )
    assert response.status_code == 200
    assert "Someone changed this record after the page showed it." in response.text
    assert response.get_json()["response"]["ticket-version"]["data"] == 4
    with db.read() as session:
        assert live.seen_ticket(session, number) != seen
        ticket = session.scalar(select(CoworkingTicket).where(CoworkingTicket.number == number))
        assert ticket.validated_at is None


def test_validating_from_a_current_ticket_page_goes_through(db, world, client):
    number, _order_number, _order_id = _ticket(db, world)
    login(client, "rental@parkdesk.local")
    client.get(f"/tickets/{number}")
    with db.read() as session:
        seen = live.seen_ticket(session, number)
    response = post_callback(
        client,
        find_callback(client, "ticket-validate"),
        {
            "ticket-validate.n_clicks": 1,
            "ticket-number.data": str(number),
            "ticket-version.data": 0,
            "ticket-seen.data": seen,
        },
    )
    assert "identity is checked" in response.text
    with db.read() as session:
        ticket = session.scalar(select(CoworkingTicket).where(CoworkingTicket.number == number))
        assert ticket.validated_at is not None


def test_a_payment_from_an_order_page_that_went_stale_is_refused_and_nothing_is_paid(
    db, world, client
):
    _number, order_number, order_id = _ticket(db, world)
    login(client, "rental@parkdesk.local")
    client.get(f"/orders/{order_number}")
    with db.read() as session:
        seen = live.seen_order(session, order_number)
    _pay(db, order_number, "live-http-3")  # another user, meanwhile: 100 ₽

    response = post_callback(
        client,
        find_callback(client, "payment-save"),
        {
            "payment-save.n_clicks": 1,
            "payment-amount.value": "950",
            "payment-method.value": "cash",
            "order-payment-key.data": "live-http-4",
            "order-number.data": str(order_number),
            "order-version.data": 0,
            "order-seen.data": seen,
        },
    )
    assert "Someone changed this record after the page showed it." in response.text
    assert response.get_json()["response"]["order-version"]["data"] == 1
    with db.read() as session:
        assert live.seen_order(session, order_number)["mark"] != seen["mark"]
        paid = session.scalar(select(Order.paid_kopecks).where(Order.id == order_id))
    assert paid == 50_000 + 10_000  # the other user's payment only
