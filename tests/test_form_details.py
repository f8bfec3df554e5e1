"""Readable service details (SPEC §9.1): the customer's form as typed fields in a fixed
order, with labels in both languages, through the real order view on the database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from dashboard.i18n import format_datetime, label
from models import StaffUser
from models.form_fields import FORM_FIELD_LABELS, FormField
from services.form_details import MAX_NAME_LENGTH, form_details, humanise
from services.order_view import get_order
from tests.conftest import login
from tests.dash_http import find_callback, post_callback

CLEANING = {
    "parking_spot": "B-12",
    "bring": ["Тряпка", "Ведро", "Пылесос"],
    "wanted_at": "2026-12-07T11:00:00+00:00",
    "description": "Генеральная уборка и вывоз мусора",
    "office": "312",
    "building": "Корпус А",
}


def _order_with_form(db, world, form: dict, service_type: str = "request") -> int:
    with db.write() as session:
        world.session = session
        return world.order(service_type, "new", total=0, form_fields=form).number


def test_known_fields_come_first_in_their_order_then_the_others(db, world, actors):
    number = _order_with_form(db, world, CLEANING)
    with db.read() as session:
        details = get_order(session, actors["service"], number).form_fields

    assert [(d.field, d.name) for d in details] == [
        (FormField.BUILDING, "building"),
        (FormField.OFFICE, "office"),
        (FormField.DESCRIPTION, "description"),
        (FormField.WANTED_AT, "wanted_at"),
        (FormField.BRING, "bring"),
        (None, "Parking spot"),
    ]
    values = {d.name: d.value for d in details}
    assert values["wanted_at"] == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
    assert values["bring"] == ("Тряпка", "Ведро", "Пылесос")


def test_known_fields_are_labelled_in_english_and_in_russian():
    codes = [FormField.BUILDING, FormField.WANTED_AT, FormField.BRING, FormField.READY_AT]
    assert [label(FORM_FIELD_LABELS, code, "en") for code in codes] == [
        "Building",
        "Wanted date and time",
        "What to bring",
        "Ready time",
    ]
    assert [label(FORM_FIELD_LABELS, code, "ru") for code in codes] == [
        "Здание",
        "Желаемые дата и время",
        "Что взять с собой",
        "Время готовности",
    ]


def test_a_wanted_time_reads_in_the_operators_zone_and_the_users_language():
    (wanted,) = form_details({"wanted_at": "2026-12-07T11:00:00+00:00"})
    assert format_datetime(wanted.value, "ru") == "7 декабря 2026\u202fг., 14:00"
    assert format_datetime(wanted.value, "en") == "December 7, 2026, 14:00"


def test_a_moment_without_an_offset_is_taken_as_utc_and_a_date_stays_a_date():
    ready, other = form_details({"ready_at": "2026-12-07T09:30", "visit_day": "2026-12-08"})
    assert ready.value == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert (other.name, other.value) == ("Visit day", date(2026, 12, 8))


def test_yes_no_numbers_and_empty_values():
    details = form_details({"takeaway": False, "persons": 3, "note": "", "extras": [], "x": None})
    assert [(d.field, d.name, d.value) for d in details] == [
        (FormField.TAKEAWAY, "takeaway", False),
        (None, "Persons", 3),
    ]


def test_an_unknown_key_never_shows_raw():
    assert humanise("parking_spot") == "Parking spot"
    assert humanise("parkingSpotNumber") == "Parking spot number"
    assert humanise("wifi-password") == "Wifi password"
    assert humanise("___") == "—"
    assert len(humanise("very_" * 40)) == MAX_NAME_LENGTH


def test_hostile_values_stay_text(db, world, actors):
    long_text = "Очень длинное описание " * 500
    number = _order_with_form(
        db,
        world,
        {
            "description": long_text,
            "<b>key</b>": "<script>alert(1)</script>",
            "ready_at": "not a time",
            "wanted_at": "2026-13-45T99:99",
        },
        service_type="simple",
    )
    with db.read() as session:
        details = get_order(session, actors["service"], number).form_fields

    values = {d.name: d.value for d in details}
    assert values["description"] == long_text.strip()
    assert values["ready_at"] == "not a time"
    assert values["wanted_at"] == "2026-13-45T99:99"
    assert values["<b>key</b>"] == "<script>alert(1)</script>"


def _component(tree: object, element_id: str) -> dict:
    """The rendered component with that id, from a callback's JSON response."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == element_id:
            return tree
        children = tree.values()
    elif isinstance(tree, list):
        children = tree
    else:
        children = []
    for child in children:
        found = _component(child, element_id)
        if found:
            return found
    return {}


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        (
            "en",
            [
                "Building",
                "Office",
                "Description of the work",
                "Wanted date and time",
                "December 7, 2026, 14:00",
                "What to bring",
                "Тряпка, Ведро, Пылесос",
                "Parking spot",
            ],
        ),
        (
            "ru",
            [
                "Здание",
                "Офис",
                "Описание требуемых работ",
                "Желаемые дата и время",
                "7 декабря 2026\u202fг., 14:00",
                "Что взять с собой",
                "Тряпка, Ведро, Пылесос",
                "Parking spot",
            ],
        ),
    ],
)
def test_the_order_page_of_a_request_reads_its_form_in_the_users_language(
    db, world, client, staff_ids, locale, shown
):
    number = _order_with_form(db, world, CLEANING)
    with db.write() as session:
        session.get(StaffUser, staff_ids["service@parkdesk.local"]).locale = locale
    login(client, "service@parkdesk.local")
    client.get(f"/orders/{number}")
    dep = find_callback(client, "order-number", "data")
    response = post_callback(
        client, dep, {"order-number.data": str(number), "order-version.data": 0}
    )
    assert response.status_code == 200
    body = json.dumps(response.get_json(), ensure_ascii=False)
    details = json.dumps(_component(response.get_json(), "order-details"), ensure_ascii=False)
    positions = [details.find(f'"{text}"') for text in shown]
    assert -1 not in positions, dict(zip(shown, positions, strict=True))
    assert positions == sorted(positions)
    for raw in ("wanted_at", "parking_spot", "Wanted at", "Bring"):
        assert raw not in body


def test_markup_in_the_form_reaches_the_page_as_text(db, world, client):
    hostile = '<img src=x onerror="alert(1)">'
    number = _order_with_form(db, world, {"description": hostile, "<b>note</b>": hostile})
    login(client, "service@parkdesk.local")
    client.get(f"/orders/{number}")
    dep = find_callback(client, "order-number", "data")
    response = post_callback(
        client, dep, {"order-number.data": str(number), "order-version.data": 0}
    )
    details = _component(response.get_json(), "order-details")
    spans = [
        child["props"]["children"][1]["props"]["children"] for child in details["props"]["children"]
    ]
    assert [span["type"] for span in spans] == ["Span", "Span"]
    assert [span["props"]["children"] for span in spans] == [hostile, hostile]
    assert "dangerously_allow_html" not in json.dumps(details)
