"""Each role reads the orders of its own department (issue #15, point 9; SPEC §1): the
register, the order page, the exports and the overview's figures keep to one table,
written out here by hand so that a change of the rule is a change of this test."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard import create_app
from models.statuses import ServiceType
from services.errors import PermissionDenied
from services.order_list import OrderFilters, list_orders
from services.order_view import get_order
from services.overview import overview
from tests.conftest import login
from tests.factories import NOW

ALL = frozenset(t.value for t in ServiceType)
RENTAL = frozenset({"coworking", "booking", "hotel"})
SERVICE = frozenset({"simple", "request", "goods"})
# role: (kinds of order it reads, sees customers' phone and e-mail, may export)
SCOPE = {
    "admin": (ALL, True, True),
    "rental": (RENTAL, True, False),
    "service": (SERVICE, True, False),
    "exec": (ALL, False, False),
    "accounting": (ALL, True, True),
}
PHONE = "+7 916 111-22-33"  # the phone of world.people[0], every order's customer


@pytest.fixture
def orders_of_every_kind(db, world):
    with db.write() as session:
        world.session = session
        return {kind: world.order(kind, "new").number for kind in sorted(ALL)}


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_the_register_lists_only_the_kinds_a_role_reads(db, actors, orders_of_every_kind, role):
    kinds, _contacts, _export = SCOPE[role]
    block = {"startRow": 0, "endRow": 100, "sortModel": []}
    with db.read() as session:
        rows, count, _due = list_orders(session, actors[role], OrderFilters(), block, "UTC")
        asked_for_all = list_orders(
            session, actors[role], OrderFilters(types=tuple(sorted(ALL))), block, "UTC"
        )[0]
    assert {row.type for row in rows} == kinds
    assert count == len(kinds)
    assert {row.type for row in asked_for_all} == kinds  # a type filter cannot widen it


@pytest.mark.parametrize("role", sorted(SCOPE))
@pytest.mark.parametrize("kind", sorted(ALL))
def test_the_order_page_opens_only_the_kinds_a_role_reads(
    db, actors, orders_of_every_kind, role, kind
):
    kinds, contacts, _export = SCOPE[role]
    with db.read() as session:
        if kind not in kinds:
            with pytest.raises(PermissionDenied):
                get_order(session, actors[role], orders_of_every_kind[kind])
            return
        view = get_order(session, actors[role], orders_of_every_kind[kind])
    assert view.contacts_shown is contacts
    assert (view.customer.phone == PHONE) is contacts


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_the_overview_counts_only_the_kinds_a_role_reads(db, actors, orders_of_every_kind, role):
    kinds, _contacts, _export = SCOPE[role]
    with db.read() as session:
        figures = overview(session, actors[role], NOW, "UTC")
    assert figures.new_orders == len(kinds)
    assert figures.outstanding_kopecks == 200_000 * len(kinds)


EMAILS = {
    "admin": "admin@parkdesk.local",
    "rental": "rental@parkdesk.local",
    "service": "service@parkdesk.local",
    "exec": "exec@parkdesk.local",
    "accounting": "accounting@parkdesk.local",
}


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_the_orders_export_holds_only_the_kinds_a_role_reads(config, orders_of_every_kind, role):
    kinds, _contacts, may_export = SCOPE[role]
    app = create_app(config)
    client = app.server.test_client()
    assert login(client, EMAILS[role]).status_code == 302
    response = client.get("/exports/orders.csv")
    app.server.extensions["parkdesk_db"].dispose()
    if not may_export:
        assert response.status_code == 403
        return
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    numbers = {int(row[0]) for row in rows[1:]}
    assert numbers == {orders_of_every_kind[kind] for kind in kinds}
