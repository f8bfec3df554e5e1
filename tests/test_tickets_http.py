"""The ticket callbacks through the real server: the role is checked there, not in the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import AuditEntry, CoworkingTicket, StaffUser
from tests.conftest import login
from tests.dash_http import find_callback, outputs_of, post_callback


def _confirmed_ticket(db, world) -> int:
    with db.write() as session:
        world.session = session
        return world.coworking("confirmed", start=datetime.now(UTC) + timedelta(days=1))


def _validate(client, number: int):
    client.get(f"/tickets/{number}")
    dep = find_callback(client, "ticket-validate")
    return post_callback(
        client,
        dep,
        {
            "ticket-validate.n_clicks": 1,
            "ticket-number.data": str(number),
            "ticket-version.data": 0,
        },
    )


def _validated(db, number: int) -> tuple:
    with db.read() as session:
        ticket = session.scalar(select(CoworkingTicket).where(CoworkingTicket.number == number))
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
        return ticket.validated_at, ticket.validated_by_id, audits


def test_an_executive_replaying_the_validation_post_is_refused_and_nothing_is_written(
    db, world, client
):
    number = _confirmed_ticket(db, world)
    login(client, "exec@parkdesk.local")
    response = _validate(client, number)
    assert response.status_code == 200
    assert "Your role may not do this." in response.text
    assert _validated(db, number) == (None, None, 0)


def test_the_same_post_from_a_rental_manager_validates(db, world, client, staff_ids):
    number = _confirmed_ticket(db, world)
    login(client, "rental@parkdesk.local")
    response = _validate(client, number)
    assert response.status_code == 200
    assert "identity is checked" in response.text
    validated_at, validated_by, audits = _validated(db, number)
    assert validated_at is not None
    assert (validated_by, audits) == (staff_ids["rental@parkdesk.local"], 1)


def test_the_validation_post_without_csrf_token_is_refused(db, world, client):
    number = _confirmed_ticket(db, world)
    login(client, "rental@parkdesk.local")
    client.get(f"/tickets/{number}")
    dep = find_callback(client, "ticket-validate")
    response = post_callback(
        client, dep, {"ticket-validate.n_clicks": 1, "ticket-number.data": str(number)}, csrf=False
    )
    assert response.status_code == 400
    assert _validated(db, number)[:2] == (None, None)


def test_a_render_of_the_validate_button_alone_validates_nothing(db, world, client):
    """Dash calls a callback when its button first appears; that must not act."""
    number = _confirmed_ticket(db, world)
    login(client, "rental@parkdesk.local")
    client.get(f"/tickets/{number}")
    dep = find_callback(client, "ticket-validate")
    token = client.get_cookie("_csrf_token").value
    body = {
        "output": dep["output"],
        "outputs": outputs_of(dep["output"]),
        "changedPropIds": [],
        "inputs": [{**dep["inputs"][0], "value": None}],
        "state": [
            {**s, "value": str(number) if s["id"] == "ticket-number" else 0} for s in dep["state"]
        ],
    }
    response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 204
    assert _validated(db, number)[:2] == (None, None)


def test_the_tickets_grid_answers_rows_only_to_roles_that_may_see_them(db, world, client):
    _confirmed_ticket(db, world)
    login(client, "accounting@parkdesk.local")
    client.get("/")
    dep = find_callback(client, "tickets-grid", "getRowsRequest")
    response = post_callback(
        client, dep, {"tickets-grid.getRowsRequest": {"startRow": 0, "endRow": 100}}
    )
    assert response.status_code in (200, 204)
    assert "Иванов" not in response.text


def test_a_russian_desk_reads_the_seat_and_the_status_from_the_catalog(
    db, world, client, staff_ids
):
    number = _confirmed_ticket(db, world)
    with db.write() as session:
        session.get(StaffUser, staff_ids["rental@parkdesk.local"]).locale = "ru"
    login(client, "rental@parkdesk.local")
    client.get("/")
    dep = find_callback(client, "tickets-grid", "getRowsRequest")
    response = post_callback(
        client, dep, {"tickets-grid.getRowsRequest": {"startRow": 0, "endRow": 100}}
    )
    rows = response.json["response"]["tickets-grid"]["getRowsResponse"]["rowData"]
    row = next(r for r in rows if r["number"] == number)
    assert (row["seat"], row["status_label"]) == ("РМ №1", "Подтвержден")
