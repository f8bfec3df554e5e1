"""The orders register filtered by a customer's name with other filters: the rows, the
count and the balance due are those of the orders that match, whichever way the name
is checked (the people first, or order by order when the running totals leave few
orders — PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import demo
from models import Order, Person, Service
from models.statuses import CANCELLED_STATUSES
from services import order_list
from services.context import Actor
from services.order_list import OrderFilters, count_orders, list_orders
from tests.conftest import demo_today

ZONE = "Europe/Moscow"
SERVICE_MANAGER = Actor(0, "Service", "service_manager")
EXECUTIVE = Actor(0, "Executive", "executive")
SERVICE_TYPES = {"simple", "request", "goods"}
CANCELLED = {s.value for s in CANCELLED_STATUSES}


@pytest.fixture
def seeded(db):
    demo.seed(db.engine, orders=600, seed=11, today=demo_today())
    return db


def _expected(db, statuses: set[str], types: set[str], name: str) -> tuple[list[int], int]:
    """Every order of these statuses and types whose customer's name holds ``name``
    (newest number first), and their balance due, read plainly."""
    with db.read() as session:
        rows = session.execute(
            select(Order.number, Order.status, Order.total_kopecks, Order.paid_kopecks)
            .join(Person, Person.id == Order.customer_id)
            .join(Service, Service.id == Order.service_id)
            .where(
                Order.status.in_(sorted(statuses)),
                Service.type.in_(sorted(types)),
                Person.search_text.contains(name.casefold()),
            )
            .order_by(Order.number.desc())
        ).all()
    due = sum(total - paid for _n, status, total, paid in rows if status not in CANCELLED)
    return [number for number, *_ in rows], due


@pytest.mark.parametrize("few_orders", [order_list.FEW_ORDERS, -1])
@pytest.mark.parametrize(
    ("reader", "filters", "types"),
    [
        (SERVICE_MANAGER, {"status": ["done", "in_progress", "new"]}, SERVICE_TYPES),
        (
            SERVICE_MANAGER,
            {"status": ["done", "cancelled"], "type": ["goods", "coworking"]},
            {"goods"},  # coworking is outside the service manager's scope
        ),
        (EXECUTIVE, {"status": ["done", "confirmed"]}, None),
        (EXECUTIVE, {"type": ["coworking", "simple"]}, {"coworking", "simple"}),
    ],
)
def test_a_name_with_other_filters_finds_the_orders_that_match(
    seeded, monkeypatch, few_orders, reader, filters, types
):
    monkeypatch.setattr(order_list, "FEW_ORDERS", few_orders)
    with seeded.read() as session:
        all_types = set(session.scalars(select(Service.type).distinct()))
        all_statuses = set(session.scalars(select(Order.status).distinct()))
    name = "ов"
    expected, due = _expected(
        seeded, set(filters.get("status") or all_statuses), types or all_types, name
    )
    assert len(expected) > 5  # the filter is not trivially empty
    chosen = OrderFilters.parse({**filters, "customer": name})
    with seeded.read() as session:
        rows, count, balance = list_orders(
            session, reader, chosen, {"startRow": 0, "endRow": 50}, ZONE
        )
        counted = count_orders(session, reader, chosen, ZONE)
    assert [row.number for row in rows] == expected[:50]
    assert (count, balance) == counted == (len(expected), due)
