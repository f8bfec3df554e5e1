"""The floor plan of a 500-seat room (SPEC §9.3, issue #19: "500 seats render without lag",
target: the page's content within 1 s).

A scratch SQLite database: a small demo year, and one coworking room of 500 seats (the
first hundred placed by hand, the others on the default grid), four in five held now —
occupied, no-show, unpaid, booked — and the fifth free. Recorded:

- ``service``: ``services.floor.floor`` for the room at now, in process;
- ``callback``: the page's one callback over HTTP (the production server, gunicorn);
- ``content``: the page opened in a fresh headless Chromium, until all 500 seats are in
  the DOM (``bench.pages``' MutationObserver, on the page's own clock), and the bytes
  the page moved;
- with ``--url``: ``services.floor.floor`` for the biggest coworking room of that
  database (the full data sets: 200,000 tickets), read only.

    .venv/bin/python -m bench.floor --runs 20
    .venv/bin/python -m bench.floor --url sqlite:///bench/data/full.sqlite3
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

import demo
from bench.coldload import _hand_over_login
from bench.harness import StaffClient, Timing, chromium, measure, production_app
from bench.pages import Page, open_page
from dashboard import schema
from dashboard.db import Database
from models import Building, CoworkingTicket, Order, Person, Room, Seat, Service, StaffUser, Tariff
from services import floor, numbering
from services.context import Actor
from tests.conftest import demo_today

SEATS = 500
ROOM = "Большой коворкинг"
RESULTS = Path(__file__).resolve().parent / "results"
BASELINE = Page("import", "/import", "admin", 'el("import-upload")', "the upload box")


def build(url: str) -> int:
    """The demo year and the 500-seat room with its tickets; returns the room's id."""
    demo.seed(sa.create_engine(url), orders=2_000, seed=3, today=demo_today())
    db = Database(url)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with db.write() as session:
        building = session.scalar(sa.select(Building).order_by(Building.id))
        room = Room(building_id=building.id, name=ROOM, kind="coworking", capacity=SEATS)
        session.add(room)
        session.flush()
        seats = [
            Seat(
                room_id=room.id,
                number=n,
                x=(n - 1) % 20 if n <= 100 else None,
                y=(n - 1) // 20 if n <= 100 else None,
            )
            for n in range(1, SEATS + 1)
        ]
        session.add_all(seats)
        session.flush()
        service = session.scalar(
            sa.select(Service).where(Service.type == "coworking").order_by(Service.id)
        )
        tariff = session.scalar(
            sa.select(Tariff).where(Tariff.service_id == service.id, Tariff.unit == "day")
        )
        people = session.scalars(sa.select(Person.id).order_by(Person.id).limit(SEATS)).all()
        staff = session.scalar(sa.select(StaffUser.id).order_by(StaffUser.id))
        for index, seat in enumerate(seats):
            kind = index % 5
            if kind == 0:
                continue  # free
            start = now - (timedelta(hours=2) if kind in (1, 2) else timedelta(minutes=10))
            order = Order(
                number=numbering.next_number(session, "order"),
                service_id=service.id,
                customer_id=people[index % len(people)],
                status="confirmed_balance_due" if kind == 3 else "confirmed",
                total_kopecks=150_000,
                paid_kopecks=45_000 if kind == 3 else 150_000,
            )
            session.add(order)
            session.flush()
            session.add(
                CoworkingTicket(
                    number=numbering.next_number(session, "coworking_ticket"),
                    order_id=order.id,
                    visitor_id=order.customer_id,
                    seat_id=seat.id,
                    tariff_id=tariff.id,
                    period_start=start,
                    period_end=start + timedelta(hours=12),
                    modifiers=[],
                    validated_at=start if kind == 1 else None,
                    validated_by_id=staff if kind == 1 else None,
                )
            )
        session.flush()
        room_id = room.id
    db.dispose()
    return room_id


def service_time(url: str, room_id: int | None, runs: int) -> tuple[Timing, int, int]:
    """``services.floor.floor`` at now, for the room (or the biggest coworking room)."""
    db = Database(url)
    reader = Actor(0, "bench", "rental_manager")
    try:
        with db.read() as session:
            if room_id is None:
                room_id = session.execute(
                    sa.select(Seat.room_id)
                    .join(Room, Room.id == Seat.room_id)
                    .where(Room.kind == "coworking")
                    .group_by(Seat.room_id)
                    .order_by(sa.func.count().desc())
                    .limit(1)
                ).scalar()
        seats = held = 0

        def call() -> None:
            nonlocal seats, held
            with db.read() as session:
                plan = floor.floor(session, reader, room_id, datetime.now(UTC), datetime.now(UTC))
            seats = len(plan.seats)
            held = sum(1 for s in plan.seats if s.ticket is not None)

        return measure("service", call, runs), seats, held
    finally:
        db.dispose()


def page_time(url: str, room_id: int, runs: int, browsers: int) -> dict[str, Timing]:
    page = Page(
        "floor",
        f"/floor?room={room_id}",
        "rental",
        f'document.querySelectorAll("#floor-map [data-seat-id]").length >= {SEATS}',
        f"all {SEATS} seats drawn",
    )
    with production_app(url) as base:
        client = StaffClient(base, "rental@parkdesk.local")
        dep = client.callback("floor-at", "value")
        values = {"floor-room.value": str(room_id), "floor-at.value": ""}
        answer = client.post(dep, values)
        assert len(answer["response"]["floor-plan"]["data"]["seats"]) == SEATS, "not every seat"
        callback = measure("callback", lambda: client.post(dep, values), runs)
        callback.metrics["bytes"] = len(json.dumps(answer))
        recorded = open_page(base, page, page.path)  # bytes, and the data into the caches
        opened = [open_page(base, page, page.path, recorded=False) for _ in range(browsers)]
        # The same cold start for a page that shows no data (the import's upload box):
        # what any page of the app takes to open here, on this machine, at this moment.
        baseline = [
            open_page(base, BASELINE, BASELINE.path, recorded=False) for _ in range(browsers)
        ]
        draw = _draw_time(base, client, page.path, answer["response"]["floor-plan"]["data"], runs)
    content = Timing("content", [o["content"] or 60.0 for o in opened])
    content.metrics["bytes"] = recorded["bytes"]
    for o in [recorded, *opened]:
        assert not o["console"], o["console"]
    empty = Timing("baseline", [o["content"] or 60.0 for o in baseline])
    return {"callback": callback, "content": content, "baseline": empty, "draw": draw}


def _draw_time(base: str, client: StaffClient, path: str, plan: dict, runs: int) -> Timing:
    """The browser's part alone: dashboard/assets/floor.js drawing the 500 seats again
    from the callback's data, layout included, in an open page."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium()
    try:
        _hand_over_login(driver, base, client.http.cookies)
        driver.get(base + path)
        WebDriverWait(driver, 60).until(
            lambda d: len(d.find_elements("css selector", "#floor-map [data-seat-id]")) == SEATS
        )
        samples = [
            driver.execute_script(
                "const started = performance.now();"
                "window.dash_clientside.parkdesk_floor.draw(arguments[0]);"
                "document.getElementById('floor-map').getBoundingClientRect();"
                "return (performance.now() - started) / 1000;",
                plan,
            )
            for _ in range(runs)
        ]
    finally:
        driver.quit()
    return Timing("draw", samples)


def _line(timing: Timing, unit: float = 1000) -> str:
    return f"median {timing.median * unit:.1f} ms, p95 {timing.p95 * unit:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=3)
    parser.add_argument("--url", help="also time the service on this database (read only)")
    args = parser.parse_args(argv)
    report: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="parkdesk-floor-") as folder:
        url = f"sqlite:///{folder}/floor.sqlite3"
        schema.upgrade(url)
        room_id = build(url)
        service, seats, held = service_time(url, room_id, args.runs)
        print(f"500-seat room, service: {_line(service)} ({seats} seats, {held} held)")
        timings = page_time(url, room_id, args.runs, args.browsers)
        print(
            f"500-seat room, callback over HTTP: {_line(timings['callback'])}, "
            f"{timings['callback'].metrics['bytes'] / 1024:.0f} KiB of JSON"
        )
        print(
            f"500-seat room, Chromium time to content: {_line(timings['content'])}, "
            f"{timings['content'].metrics['bytes'] / 1024:.0f} KiB over the wire"
        )
        print(f"a page with no data (/import), time to content: {_line(timings['baseline'])}")
        print(
            f"500 seats drawn by floor.js from the data, layout included: {_line(timings['draw'])}"
        )
        report["scratch"] = {
            name: {"samples": t.samples, "median": t.median, "p95": t.p95, **t.metrics}
            for name, t in {"service": service, **timings}.items()
        }
    if args.url:
        full, seats, held = service_time(args.url, None, args.runs)
        name = sa.engine.make_url(args.url).get_backend_name()
        print(
            f"{name} {args.url.rsplit('/', 1)[-1]}, biggest room: {_line(full)} "
            f"({seats} seats, {held} held now)"
        )
        report[name] = {
            "samples": full.samples,
            "median": full.median,
            "p95": full.p95,
            "seats": seats,
            "held": held,
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "floor.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
