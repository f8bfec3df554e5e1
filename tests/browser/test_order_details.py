"""Readable service details (SPEC §9.1) in a real browser, in both languages."""

from __future__ import annotations

from tests.browser.conftest import log_in

FORM = {
    "building": "Корпус А",
    "office": "312",
    "description": "Генеральная уборка и вывоз мусора",
    "wanted_at": "2026-12-07T11:00:00+00:00",
    "bring": ["Тряпка", "Ведро"],
    "parking_spot": "B-12",
}


def test_a_request_reads_its_form_in_english_then_in_russian(parkdesk, db, world):
    with db.write() as session:
        world.session = session
        number = world.order("request", "new", total=0, form_fields=FORM).number
    log_in(parkdesk, "service@parkdesk.local")
    parkdesk.driver.get(f"{parkdesk.server.url}/orders/{number}")
    parkdesk.wait_for_contains_text("#order-details", "Wanted date and time")
    english = parkdesk.find_element("#order-details").text
    assert english.splitlines() == [
        "Building",
        "Корпус А",
        "Office",
        "312",
        "Description of the work",
        "Генеральная уборка и вывоз мусора",
        "Wanted date and time",
        "December 7, 2026, 14:00",
        "What to bring",
        "Тряпка, Ведро",
        "Parking spot",
        "B-12",
    ]

    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Заказы", timeout=10)
    parkdesk.driver.get(f"{parkdesk.server.url}/orders/{number}")
    parkdesk.wait_for_contains_text("#order-details", "Желаемые дата и время")
    russian = parkdesk.find_element("#order-details").text
    for text in ("Здание", "Офис", "Описание требуемых работ", "Что взять с собой"):
        assert text in russian
    assert "7 декабря 2026 г., 14:00" in russian.replace("\u202f", " ")
    for raw in ("wanted_at", "parking_spot", "Wanted at", "Bring"):
        assert raw not in english.splitlines() + russian.splitlines()
    assert "_" not in english + russian
    assert parkdesk.get_logs() == []
