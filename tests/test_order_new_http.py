"""The new coworking order callbacks through the real server: only a role that may
create coworking orders gets one written, whatever the browser sends."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from dashboard import ids
from models import CoworkingTicket, Order
from tests.conftest import login
from tests.dash_http import find_callback, post_callback


def _counts(db) -> tuple[int, int]:
    with db.read() as session:
        orders = session.scalar(select(func.count()).select_from(Order))
        tickets = session.scalar(select(func.count()).select_from(CoworkingTicket))
    return orders, tickets


def _save(client, world, amount="1500", key="form-key-1"):
    """The save POST of a complete, valid form: Смирнова, a day on seat 1 the day after
    tomorrow with a locker, paid in cash."""
    client.get("/")
    dep = find_callback(client, "order-new-save")
    return post_callback(
        client,
        dep,
        {
            "order-new-save.n_clicks": 1,
            "order-new-customer-mode.value": "registered",
            "order-new-choice.value": world.people[1],
            "order-new-phone.value": "+7 916 444-55-66",
            "order-new-service.value": str(world.services["coworking"]),
            "order-new-tariff.value": str(world.tariffs["day"]),
            "order-new-date.value": (date.today() + timedelta(days=2)).isoformat(),
            "order-new-time.value": "09:00",
            "order-new-quantity.value": 1,
            "order-new-seat.value": str(world.seats[0]),
            "order-new-method.value": "cash",
            "order-new-variant.value": "fixed_seat",
            "order-new-modifiers.value": [str(world.tariffs["locker"])],
            "order-new-amount.value": amount,
            "order-new-number.value": "",
            "order-new-key.data": key,
        },
    )


@pytest.mark.parametrize("email", ["service@parkdesk.local", "exec@parkdesk.local"])
def test_a_role_that_may_not_create_orders_replaying_the_save_post_writes_nothing(
    db, world, client, email
):
    login(client, email)
    response = _save(client, world)
    assert response.status_code == 200
    assert "Your role may not do this." in response.text
    assert _counts(db) == (0, 0)


def test_the_same_post_from_a_rental_manager_sells_exactly_one_order(db, world, client):
    login(client, "rental@parkdesk.local")
    first = _save(client, world, amount="1600")
    again = _save(client, world, amount="1600")
    assert first.status_code == again.status_code == 200
    with db.read() as session:
        order = session.scalars(select(Order)).one()
        ticket = session.scalars(select(CoworkingTicket)).one()
        assert (order.customer_id, order.contact_phone) == (world.people[1], None)
        assert (order.status, order.total_kopecks, order.paid_kopecks) == (
            "confirmed",
            160_000,
            160_000,
        )
        assert (ticket.variant, ticket.modifiers) == ("fixed_seat", ["Шкафчик"])
        numbers = order.number, ticket.number
    for response in (first, again):
        answer = json.dumps(response.get_json(), ensure_ascii=False)
        assert f'"href": "/orders/{numbers[0]}"' in answer
        assert f'"href": "/tickets/{numbers[1]}"' in answer
    assert _counts(db) == (1, 1)


def test_a_part_below_the_prepayment_share_writes_nothing(db, world, client):
    login(client, "rental@parkdesk.local")
    response = _save(client, world, amount="100")
    assert response.status_code == 200
    assert "A part must reach the prepayment of 30%" in response.text
    assert _counts(db) == (0, 0)


def test_the_people_search_finds_nobody_for_a_role_that_may_not_create_orders(db, world, client):
    login(client, "service@parkdesk.local")
    client.get("/")
    dep = find_callback(client, "order-new-search", "value")
    response = post_callback(client, dep, {"order-new-search.value": "Иван"})
    assert response.status_code == 200
    assert response.get_json()["response"][ids.ORDER_NEW_CHOICE]["options"] == []


def test_an_executive_opening_the_form_gets_403(client, staff_ids):
    login(client, "exec@parkdesk.local")
    response = client.get("/orders/new")
    assert response.status_code == 403
