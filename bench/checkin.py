"""The check-in desk at door speed: an event of 5,000 tickets in a throwaway SQLite
database, scanned one ticket after another — in headless Chromium (from the Enter of
the scanner to the attendee on the screen) and over HTTP alone (the callback's round
trip). Target: under 300 ms in the browser.

    .venv/bin/python -m bench.checkin --runs 30
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.harness import StaffClient, Timing, chromium, live_app
from dashboard import schema
from dashboard.db import Database
from demo.staff import create_demo_staff
from models import (
    Building,
    Event,
    EventTicket,
    Order,
    Person,
    Room,
    Service,
    person_search_text,
)
from services.events import new_qr_token
from tests.databases import scratch_postgres

TICKETS = 5_000
LAST_NAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов")
FIRST_NAMES = ("Алексей", "Мария", "Дмитрий", "Анна", "Сергей", "Ольга", "Павел", "Елена")


@contextmanager
def scratch_database(like: str | None) -> Iterator[str]:
    """An empty database of the same kind as ``like`` for the block: a file in a temporary
    folder, or a database of its own on the same PostgreSQL server (dropped afterwards)."""
    if like and make_url(like).get_backend_name() == "postgresql":
        with scratch_postgres(like, f"parkdesk_bench_checkin_{os.getpid()}") as url:
            yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="parkdesk-checkin-"))
    try:
        yield f"sqlite:///{folder / 'checkin.sqlite3'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def throwaway_event(
    like: str | None = None, tickets: int = TICKETS
) -> Iterator[tuple[str, int, list[tuple[int, str]]]]:
    """A fresh database (of the kind of ``like``: SQLite or PostgreSQL) with the demo staff
    and one event on now with ``tickets`` paid tickets of as many people; yields its URL,
    the event id and (number, token) pairs."""
    with scratch_database(like) as url:
        schema.upgrade(url)
        database = Database(url)
        try:
            event_id, pairs = _fill(database, tickets)
        finally:
            database.dispose()
        yield url, event_id, pairs


def _fill(database: Database, tickets: int) -> tuple[int, list[tuple[int, str]]]:
    """The demo staff and an event on now with ``tickets`` paid tickets of as many people;
    returns the event id and the tickets' (number, token) pairs."""
    now = datetime.now(UTC)
    with database.write() as session:
        create_demo_staff(session)
        building = Building(name="Технопарк", address="Москва")
        hall = Room(building=building, name="Конгресс-холл", kind="event_hall", capacity=6000)
        service = Service(name='Конференция "Технологии будущего"', type="event")
        session.add_all([hall, service])
        session.flush()
        event = Event(
            title='Конференция "Технологии будущего": ИИ в промышленности',
            service_id=service.id,
            room_id=hall.id,
            starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(hours=4),
            capacity=6000,
        )
        session.add(event)
        session.flush()
        people = [
            {
                "id": 1 + n,
                "last_name": LAST_NAMES[n % len(LAST_NAMES)],
                "first_name": FIRST_NAMES[n // len(LAST_NAMES) % len(FIRST_NAMES)],
                "search_text": person_search_text(
                    LAST_NAMES[n % len(LAST_NAMES)],
                    FIRST_NAMES[n // len(LAST_NAMES) % len(FIRST_NAMES)],
                ),
            }
            for n in range(tickets)
        ]
        session.execute(insert(Person), people)
        session.execute(
            insert(Order),
            [
                {
                    "id": 1 + n,
                    "number": 100_001 + n,
                    "service_id": service.id,
                    "customer_id": 1 + n,
                    "status": "confirmed",
                    "total_kopecks": 250_000,
                    "paid_kopecks": 250_000,
                    "created_at": now - timedelta(days=10),
                    "status_changed_at": now - timedelta(days=10),
                }
                for n in range(tickets)
            ],
        )
        pairs = [(900_001 + n, new_qr_token()) for n in range(tickets)]
        session.execute(
            insert(EventTicket),
            [
                {
                    "number": number,
                    "order_id": 1 + n,
                    "event_id": event.id,
                    "attendee_id": 1 + n,
                    "qr_token": token,
                }
                for n, (number, token) in enumerate(pairs)
            ],
        )
        event_id = event.id
    with database.engine.begin() as connection:  # statistics kept (committed)
        connection.exec_driver_sql("ANALYZE")
    return event_id, pairs


def over_http(base: str, event_id: int, tickets: list[tuple[int, str]]) -> Timing:
    """The scan callback as the renderer posts it, one fresh ticket per request."""
    client = StaffClient(base, "events@parkdesk.local")
    dep = client.callback("checkin-input", "n_submit")
    samples = []
    for n, (number, token) in enumerate(tickets, start=1):
        values = {
            "checkin-input.n_submit": n,
            "checkin-input.value": token,
            "event-id.data": str(event_id),
            "event-tickets-refresh.data": n,
        }
        started = time.perf_counter()
        answer = client.post(dep, values)
        samples.append(time.perf_counter() - started)
        assert "checkin-ok" in answer["response"]["checkin-result"]["className"], answer
        assert f"№{number}" in str(answer["response"]["checkin-result"]["children"])
    return Timing("check-in: scan callback over HTTP", samples)


# Installed before each scan: the first key and the Enter of the "scanner" (WebDriver
# typing), and the moment the result first names the expected ticket — all on the
# page's own clock.
WATCH = """
const [number, done] = [arguments[0], arguments[1]];
const field = document.getElementById("checkin-input");
const result = document.getElementById("checkin-result");
window.__scan = {typed: null, entered: null, shown: null};
const onEnter = (e) => {
    if (window.__scan.typed === null) { window.__scan.typed = performance.now(); }
    if (e.key === "Enter") {
        window.__scan.entered = performance.now();
        field.removeEventListener("keydown", onEnter, true);
    }
};
field.addEventListener("keydown", onEnter, true);
const observer = new MutationObserver(() => {
    if (result.textContent.includes("№" + number)) {
        window.__scan.shown = performance.now();
        observer.disconnect();
    }
});
observer.observe(result, {childList: true, subtree: true, characterData: true});
done();
"""


def in_the_browser(base: str, event_id: int, tickets: list[tuple[int, str]]) -> dict[str, Timing]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium()
    page, wall, typing = [], [], []
    try:
        driver.get(base + "/login")
        driver.find_element(By.ID, "login-email").send_keys("events@parkdesk.local")
        driver.find_element(By.ID, "login-password").send_keys("demo")
        driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "nav-user"))
        driver.get(f"{base}/events/{event_id}")
        wait = WebDriverWait(driver, 30, poll_frequency=0.002)
        wait.until(lambda d: "Checked in" in d.find_element(By.ID, "checkin-counter").text)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#event-tickets-grid .ag-row"))
        field = driver.find_element(By.ID, "checkin-input")
        for number, token in tickets:
            driver.execute_async_script(WATCH, number)
            started = time.perf_counter()
            field.send_keys(token + Keys.ENTER)
            wait.until(lambda d, n=number: f"№{n}" in d.find_element(By.ID, "checkin-result").text)
            wall.append(time.perf_counter() - started)
            scan = wait.until(
                lambda d: (s := d.execute_script("return window.__scan")) and s["shown"] and s
            )
            page.append((scan["shown"] - scan["entered"]) / 1000)
            typing.append((scan["entered"] - scan["typed"]) / 1000)
            wait.until(
                lambda d: d.execute_script("return document.activeElement.id") == "checkin-input"
            )
            assert field.get_attribute("value") == ""
        severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == [], severe
    finally:
        driver.quit()
    return {
        "browser": Timing("check-in: Enter → attendee shown, in Chromium (page clock)", page),
        "selenium": Timing("check-in: send_keys → attendee seen, by Selenium (wall clock)", wall),
        "typing": Timing(
            "of which WebDriver typing the 32-character token (first key → Enter)", typing
        ),
    }


def checkin_desk(like: str | None = None, runs: int = 30) -> dict[str, Timing]:
    """The bench section: a throwaway database of its own (a 5,000-ticket event on now), on
    the data set's kind of database and server."""
    with throwaway_event(like) as (url, event_id, tickets), live_app(url) as base:
        http = over_http(base, event_id, tickets[: runs + 2])
        http.samples = http.samples[2:]  # the first requests warm the server up
        browser = in_the_browser(base, event_id, tickets[runs + 2 : 2 * runs + 4])
        for timing in browser.values():
            timing.samples = timing.samples[2:]
    return {"http": http, **browser}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.checkin")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for timing in checkin_desk(runs=args.runs).values():
        print(
            f"{timing.name}: median {timing.median * 1000:.1f} ms, "
            f"p95 {timing.p95 * 1000:.1f} ms, {len(timing.samples)} runs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
