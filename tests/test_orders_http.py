"""The order callbacks through the real server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import demo
from models import AuditEntry, Order, Payment, Service
from models.statuses import ORDER_STATUS_COLOURS, OrderStatus, ServiceType
from tests.conftest import demo_today, login
from tests.dash_http import find_callback, post_callback

STYLESHEET = Path(__file__).resolve().parent.parent / "dashboard" / "assets" / "parkdesk.css"


@pytest.fixture
def hotel(db, world) -> int:
    with db.write() as session:
        world.session = session
        return world.order("hotel", "confirmed_balance_due", total=2_000_000, paid=600_000).number


def _pay(client, number: int, key: str = "form-1"):
    client.get(f"/orders/{number}")
    dep = find_callback(client, "payment-save")
    return post_callback(
        client,
        dep,
        {
            "payment-save.n_clicks": 1,
            "payment-amount.value": "1000",
            "payment-method.value": "cash",
            "order-payment-key.data": key,
            "order-number.data": str(number),
            "order-version.data": 0,
        },
    )


def _ledger(db) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Payment)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
        )


@pytest.mark.parametrize("email", ["accounting@parkdesk.local", "exec@parkdesk.local"])
def test_read_only_roles_replaying_the_payment_post_are_refused(db, client, hotel, email):
    login(client, email)
    response = _pay(client, hotel)
    assert response.status_code == 200
    assert "Your role may not do this." in response.text
    assert _ledger(db) == (1, 0)


def test_the_same_payment_post_twice_records_one_payment(db, client, hotel):
    login(client, "rental@parkdesk.local")
    assert "payment is recorded" in _pay(client, hotel).text
    assert "payment is recorded" in _pay(client, hotel).text
    assert _ledger(db) == (2, 1)


def _money_attributes(payload: str) -> dict[str, int]:
    """The data-kopecks of the money elements in a rendered order body."""
    found = {}
    for element_id in ("order-total", "order-paid", "order-balance"):
        match = re.search(
            r'"data-kopecks":\s*"(\d+)",\s*"id":\s*"' + element_id + '"', payload
        ) or re.search(r'"id":\s*"' + element_id + r'"[^{}]*?"data-kopecks":\s*"(\d+)"', payload)
        assert match, f"{element_id} has no data-kopecks"
        found[element_id] = int(match.group(1))
    return found


@pytest.fixture
def seeded_client(db, config):
    """An app over a small seeded demo year (which brings its own staff accounts)."""
    from dashboard import create_app

    demo.seed(db.engine, orders=1_000, seed=7, today=demo_today())
    app = create_app(config)
    yield app.server.test_client()
    app.server.extensions["parkdesk_db"].dispose()


def test_money_elements_carry_the_database_kopecks_for_every_order_type(db, seeded_client):
    login(seeded_client, "admin@parkdesk.local")
    seeded_client.get("/orders")
    dep = find_callback(seeded_client, "order-number", "data")
    with db.read() as session:
        sample = []
        for kind in ServiceType:
            sample += session.execute(
                select(Order.number, Order.total_kopecks, Order.paid_kopecks)
                .join(Service, Service.id == Order.service_id)
                .where(Service.type == kind.value)
                .order_by(Order.number)
                .limit(3)
            ).all()
    assert len(sample) == 3 * len(ServiceType)
    for number, total, paid in sample:
        response = post_callback(
            seeded_client, dep, {"order-number.data": str(number), "order-version.data": 0}
        )
        assert response.status_code == 200
        assert _money_attributes(json.dumps(response.get_json())) == {
            "order-total": total,
            "order-paid": paid,
            "order-balance": total - paid,
        }, number


def test_every_order_status_has_a_badge_the_stylesheet_draws():
    assert set(ORDER_STATUS_COLOURS) == set(OrderStatus)
    css = STYLESHEET.read_text()
    for colour in set(ORDER_STATUS_COLOURS.values()):
        assert f".status-{colour} {{" in css, colour


def test_the_order_page_badge_has_the_colour_of_its_status(db, client, hotel):
    login(client, "accounting@parkdesk.local")
    client.get(f"/orders/{hotel}")
    dep = find_callback(client, "order-number", "data")
    response = post_callback(
        client, dep, {"order-number.data": str(hotel), "order-version.data": 0}
    )
    assert "status-badge status-due " in response.text
