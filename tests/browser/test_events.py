"""The check-in desk in a real browser (issue: events): a scanner types a token and
Enter; the desk answers at once, empties the field and keeps the focus on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import click, log_in
from tests.browser.pages import Grid


@pytest.fixture
def door(db, world):
    """An event on now: three paid tickets of three people and a cancelled one; another
    event next week with a ticket of its own."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with db.write() as session:
        world.session = session
        here = world.event(starts_at=now - timedelta(hours=1), title="Митап")
        there = world.event(starts_at=now + timedelta(days=7), title="Хакатон")
        paid = [world.event_ticket(here) for _ in range(3)]
        for ticket, person in zip(paid, world.people, strict=True):
            ticket.attendee_id = person
        cancelled = world.event_ticket(here, status="cancelled")
        foreign = world.event_ticket(there)
        session.flush()
        return {
            "here": here,
            "there": there,
            "paid": [(t.number, t.qr_token) for t in paid],
            "cancelled": (cancelled.number, cancelled.qr_token),
            "foreign": (foreign.number, foreign.qr_token),
        }


class Desk:
    """The check-in desk: scan, and read what it answered."""

    def __init__(self, duo, event_id: int) -> None:
        self.duo = duo
        duo.driver.get(f"{duo.server.url}/events/{event_id}")
        duo.wait_for_contains_text("#checkin-counter", "Checked in")
        self.wait_for_focus()

    def scan(self, code: str, expect: str) -> str:
        """Type the code and Enter as a scanner does; wait for the answer that names
        ``expect``; return the result's classes."""
        field = self.duo.find_element("#checkin-input")
        field.send_keys(code + Keys.ENTER)
        # The field empties when the answer arrives (the text may repeat the last one).
        WebDriverWait(self.duo.driver, 10).until(
            lambda _d: field.get_attribute("value") == "", "the field was not emptied"
        )
        self.duo.wait_for_contains_text("#checkin-result", expect, timeout=10)
        self.wait_for_focus()
        return self.duo.find_element("#checkin-result").get_attribute("class")

    def wait_for_focus(self) -> None:
        WebDriverWait(self.duo.driver, 5).until(
            lambda d: d.execute_script("return document.activeElement.id") == "checkin-input",
            "the check-in field lost the focus",
        )

    def counter(self, text: str) -> None:
        self.duo.wait_for_text_to_equal("#checkin-counter", text, timeout=10)


def test_scans_check_in_refuse_with_reasons_and_keep_the_field_ready(parkdesk, door):
    log_in(parkdesk, "events@parkdesk.local")
    desk = Desk(parkdesk, door["here"])
    desk.counter("Checked in 0 of 3")

    (first_number, first_token), (second_number, _token), _third = door["paid"]
    classes = desk.scan(first_token, "Иванов Пётр")
    assert "checkin-ok" in classes and "alert-success" in classes
    assert f"Ticket №{first_number}" in parkdesk.find_element("#checkin-result").text
    desk.counter("Checked in 1 of 3")

    classes = desk.scan(first_token, "already checked in at")
    assert "checkin-already" in classes and "alert-warning" in classes
    assert "Мария Иванова" in parkdesk.find_element("#checkin-result").text
    desk.counter("Checked in 1 of 3")

    classes = desk.scan(door["foreign"][1], "is for another event: Хакатон")
    assert "checkin-refused" in classes and "alert-danger" in classes
    classes = desk.scan(door["cancelled"][1], "is cancelled")
    assert "checkin-refused" in classes
    classes = desk.scan("not-a-ticket-at-all", "Unknown code")
    assert "checkin-refused" in classes

    classes = desk.scan(str(second_number), "Смирнова Ольга")  # typed by a person
    assert "checkin-ok" in classes
    desk.counter("Checked in 2 of 3")

    grid = Grid(parkdesk, "event-tickets-grid")
    rows = grid.wait_until(
        lambda rows: sum(r.get("state") == "Checked in" for r in rows) == 2 and len(rows) == 4
    )
    assert {r["number"] for r in rows if r["state"] == "Checked in"} == {
        str(first_number),
        str(second_number),
    }
    assert parkdesk.get_logs() == []


def test_revert_from_the_list_after_a_confirmation_shrinks_the_counter(parkdesk, door):
    log_in(parkdesk, "events@parkdesk.local")
    desk = Desk(parkdesk, door["here"])
    number, token = door["paid"][0]
    desk.scan(token, "Иванов Пётр")
    desk.counter("Checked in 1 of 3")

    grid = Grid(parkdesk, "event-tickets-grid")
    grid.wait_until(lambda rows: any(r.get("revert") == "Revert check-in" for r in rows))
    click(parkdesk, f"#event-tickets-grid .ag-row[row-id='{number}'] [col-id='revert']")
    parkdesk.wait_for_contains_text("#event-revert-text", "Иванов Пётр")
    parkdesk.find_element("#event-revert-confirm").click()
    desk.counter("Checked in 0 of 3")
    parkdesk.wait_for_contains_text("#event-feedback", "is reverted")
    desk.wait_for_focus()
    grid.wait_until(lambda rows: len(rows) == 4 and all(r.get("revert") == "" for r in rows))

    desk.scan(token, "Иванов Пётр")  # the ticket passes again
    desk.counter("Checked in 1 of 3")
    assert parkdesk.get_logs() == []


def test_the_search_narrows_the_ticket_list_and_a_row_opens_the_ticket(parkdesk, door):
    log_in(parkdesk, "events@parkdesk.local")
    Desk(parkdesk, door["here"])
    grid = Grid(parkdesk, "event-tickets-grid")
    grid.wait_until(lambda rows: len(rows) == 4)
    parkdesk.find_element("#event-tickets-search").send_keys("смирн")
    rows = grid.wait_until(lambda rows: len(rows) == 1)
    number = door["paid"][1][0]
    assert rows[0]["number"] == str(number)
    parkdesk.wait_for_text_to_equal("#event-tickets-count", "1 ticket")
    assert "q=%D1%81%D0%BC%D0%B8%D1%80%D0%BD" in parkdesk.driver.current_url

    click(parkdesk, f"#event-tickets-grid .ag-row[row-id='{number}'] [col-id='attendee']")
    parkdesk.wait_for_text_to_equal("#event-ticket-state", "Not checked in yet")
    assert parkdesk.driver.current_url.endswith(f"/event-tickets/{number}")
    WebDriverWait(parkdesk.driver, 10).until(
        lambda d: d.execute_script(
            "const i = document.getElementById('event-ticket-qr');"
            "return i && i.complete && i.naturalWidth > 200;"
        ),
        "the QR image did not load",
    )
    assert parkdesk.find_element("#event-ticket-print").text == "Print the ticket"
    assert "Смирнова Ольга" in parkdesk.find_element(".printable-ticket").text
    assert parkdesk.get_logs() == []


def test_the_events_list_shows_counts_and_opens_the_desk(parkdesk, door):
    log_in(parkdesk, "events@parkdesk.local")
    parkdesk.find_element("#nav-link-events").click()
    parkdesk.wait_for_contains_text("#events-upcoming", "Хакатон")
    row = parkdesk.find_element(f"#events-upcoming tr[data-event-id='{door['here']}']")
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    assert cells[1].startswith("Митап") and "on now" in cells[1]
    assert cells[2:6] == ["Большой зал", "100", "3", "0"]
    row.find_element(By.LINK_TEXT, "Митап").click()
    Desk(parkdesk, door["here"]).counter("Checked in 0 of 3")
    assert parkdesk.get_logs() == []


def test_an_unknown_event_shows_not_found_and_no_desk(parkdesk, door):
    log_in(parkdesk, "events@parkdesk.local")
    for address in ("/events/424242", "/events/abc"):
        parkdesk.driver.get(parkdesk.server.url + address)
        parkdesk.wait_for_element("#page-not-found")
        assert not parkdesk.find_element("#checkin-input").is_displayed()
    assert parkdesk.get_logs() == []


def test_a_rental_manager_is_refused_the_desk(parkdesk, door):
    log_in(parkdesk, "rental@parkdesk.local")
    assert not parkdesk.driver.find_elements(By.ID, "nav-link-events")
    parkdesk.driver.get(f"{parkdesk.server.url}/events/{door['here']}")
    parkdesk.wait_for_element("#page-forbidden")
    assert not parkdesk.driver.find_elements(By.ID, "checkin-input")
    parkdesk.driver.get(f"{parkdesk.server.url}/event-tickets/{door['paid'][0][0]}")
    parkdesk.wait_for_element("#page-forbidden")
    assert not parkdesk.driver.find_elements(By.ID, "event-ticket-qr")
    # The browser logs the 403 of these page loads; nothing else.
    assert all("403" in entry["message"] for entry in parkdesk.get_logs())


def test_a_long_list_drawn_by_a_callback_changes_the_store_a_few_times_not_per_component(
    parkdesk, db, world
):
    """dashboard/assets/renderer.js: Dash 4.4.1's renderer answers each component a
    callback draws anew with a new store state (a reset that resets nothing), and every
    mounted component then runs its selectors again: n² for a list of n. With the
    workaround, drawing the events list changes the state a few times, whatever its
    length."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with db.write() as session:
        world.session = session
        for day in range(1, 41):
            world.event(starts_at=now + timedelta(days=day), title=f"Лекция {day}")
    log_in(parkdesk, "events@parkdesk.local")
    parkdesk.driver.execute_script(
        """
        const store = window.store;
        let last = store.getState();
        window.__stateChanges = 0;
        store.subscribe(() => {
          const state = store.getState();
          if (state !== last) { window.__stateChanges += 1; last = state; }
        });
        """
    )
    parkdesk.find_element("#nav-link-events").click()
    parkdesk.wait_for_contains_text("#events-upcoming", "Лекция 40")
    rows = parkdesk.find_elements("#events-upcoming tbody tr")
    assert len(rows) == 40
    drawn = parkdesk.driver.execute_script(
        "return document.querySelectorAll('#events-body *').length"
    )
    changes = parkdesk.driver.execute_script("return window.__stateChanges")
    assert drawn > 400
    assert changes < 60, f"{changes} store states for {drawn} elements"
    assert parkdesk.get_logs() == []
