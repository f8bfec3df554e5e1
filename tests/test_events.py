"""Events (issue: events): the lists and views the pages read, the QR image through the
real server, and the check-in desk's callbacks replayed over HTTP — the role checked
there, malformed input answered in words, one scan checked in once."""

from __future__ import annotations

import hashlib
import io
import itertools
import threading
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, insert, select

from models import AuditEntry, EventTicket, Order
from services import events
from services.errors import NotFound
from tests.conftest import login
from tests.dash_http import dependencies, find_callback, outputs_of, post_callback
from tests.factories import NOW

RENTAL = "rental@parkdesk.local"
EVENTS = "events@parkdesk.local"


@pytest.fixture
def door(db, world):
    """An event on now with three paid tickets (three different people), an unpaid one
    and a cancelled one; and another event with a ticket of its own."""
    with db.write() as session:
        world.session = session
        here = world.event(starts_at=NOW - timedelta(hours=1), title="Митап")
        there = world.event(starts_at=NOW + timedelta(days=7), title="Хакатон")
        paid = [world.event_ticket(here) for _ in range(3)]
        for ticket, person in zip(paid, world.people, strict=True):
            ticket.attendee_id = person
        unpaid = world.event_ticket(here, status="new")
        cancelled = world.event_ticket(here, status="cancelled")
        foreign = world.event_ticket(there)
        session.flush()
        return {
            "here": here,
            "there": there,
            "paid": [(t.number, t.qr_token) for t in paid],
            "unpaid": (unpaid.number, unpaid.qr_token),
            "cancelled": (cancelled.number, cancelled.qr_token),
            "foreign": (foreign.number, foreign.qr_token),
        }


def _check_in(db, actors, event_id: int, code: str):
    with db.write() as session:
        return events.check_in(session, actors["events"], event_id, code, NOW)


def _audits(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def _checked_in(db, number: int):
    with db.read() as session:
        return session.scalar(select(EventTicket.checked_in_at).where(EventTicket.number == number))


# --- what the pages read -------------------------------------------------------------------


def test_events_are_split_into_upcoming_and_past_with_sold_and_checked_in(db, world, actors):
    with db.write() as session:
        world.session = session
        past = world.event(starts_at=NOW - timedelta(days=3), title="Вчерашний лекторий")
        on_now = world.event(starts_at=NOW - timedelta(hours=1), title="Митап")
        ahead = world.event(starts_at=NOW + timedelta(days=2), title="Хакатон")
        tokens = [world.event_ticket(past).qr_token for _ in range(4)]
        world.event_ticket(past, status="cancelled")
        world.event_ticket(on_now)
    for token in tokens[:3]:
        _check_in(db, actors, past, token)

    with db.read() as session:
        listing = events.list_events(session, NOW)

    assert [e.id for e in listing.upcoming] == [on_now, ahead]
    assert [e.id for e in listing.past] == [past]
    assert listing.past_total == 1
    [yesterday] = listing.past
    assert (yesterday.sold, yesterday.checked_in, yesterday.capacity) == (4, 3, 100)
    assert yesterday.attendance_percent == 75.0
    assert yesterday.hall == "Большой зал"
    assert listing.upcoming[0].is_on(NOW) and not listing.upcoming[1].is_on(NOW)
    assert (listing.upcoming[1].sold, listing.upcoming[1].checked_in) == (0, 0)


def test_past_events_come_newest_first_and_only_as_many_as_asked(db, world):
    with db.write() as session:
        world.session = session
        made = [world.event(starts_at=NOW - timedelta(days=d)) for d in range(1, 6)]
    with db.read() as session:
        listing = events.list_events(session, NOW, past_limit=2)
    assert [e.id for e in listing.past] == made[:2]
    assert listing.past_total == 5


@pytest.mark.parametrize("raw", ["abc", "", None, "-1", "1.5", "²", "١", "9" * 40, "1; DROP"])
def test_a_malformed_or_unknown_event_or_ticket_is_not_found_never_an_error(db, world, raw):
    with db.read() as session, pytest.raises(NotFound):
        events.get_event(session, raw)
    with db.read() as session, pytest.raises(NotFound):
        events.get_ticket(session, raw)
    with db.read() as session, pytest.raises(NotFound):
        events.get_event(session, "424242")


def test_a_scanned_superscript_digit_is_an_unknown_code_not_a_crash(db, actors, door):
    with pytest.raises(events.CheckInRefused) as caught:
        _check_in(db, actors, door["here"], "²")
    assert caught.value.reason == "unknown"


def test_the_ticket_list_searches_by_name_number_and_state(db, actors, door):
    here = door["here"]
    first_number, first_token = door["paid"][0]
    _check_in(db, actors, here, first_token)

    def numbers(**raw):
        with db.read() as session:
            rows, count = events.list_tickets(
                session, here, events.TicketFilters.parse(raw), {"startRow": 0, "endRow": 100}
            )
        assert count == len(rows)
        return [row.number for row in rows]

    everyone = numbers()
    assert len(everyone) == 5  # cancelled and unpaid ones are listed too; not the foreign one
    assert door["foreign"][0] not in everyone
    assert numbers(q="смирн") == [door["paid"][1][0]]
    assert numbers(q="СМИРНОВА ольга") == [door["paid"][1][0]]
    assert numbers(q=str(first_number)) == [first_number]
    assert numbers(q="%") == [] and numbers(q="_") == []
    assert numbers(state="checked_in") == [first_number]
    assert numbers(state="expected") == [n for n, _ in door["paid"][1:]]
    assert numbers(state="nonsense") == everyone


def test_ticket_states_and_sorting_through_the_allowlist(db, actors, door):
    here = door["here"]
    _check_in(db, actors, here, door["paid"][2][1])
    with db.read() as session:
        rows, _count = events.list_tickets(
            session,
            here,
            events.TicketFilters(),
            {"startRow": 0, "endRow": 10, "sortModel": [{"colId": "attendee", "sort": "desc"}]},
        )
        ignored, _count = events.list_tickets(
            session,
            here,
            events.TicketFilters(),
            {"sortModel": [{"colId": "number; DROP TABLE orders", "sort": "desc"}]},
        )
    by_number = {row.number: row.state for row in rows}
    assert by_number[door["paid"][2][0]] == "checked_in"
    assert by_number[door["paid"][0][0]] == "expected"
    assert by_number[door["unpaid"][0]] == "unpaid"
    assert by_number[door["cancelled"][0]] == "cancelled"
    assert [row.attendee for row in rows[:2]] == ["Смирнова Ольга", "Кузнецов Алексей"]
    assert {row.attendee for row in rows[2:]} == {"Иванов Пётр"}
    assert [row.number for row in ignored] == sorted(row.number for row in ignored)


def test_ten_thousand_tokens_are_distinct_random_and_not_derived_from_numbers(db, world):
    with db.write() as session:
        world.session = session
        event_id = world.event()
        order = world.order("event", "confirmed", total=100_000, paid=100_000)
        session.execute(
            insert(EventTicket),
            [
                {
                    "number": 700_000 + n,
                    "order_id": order.id,
                    "event_id": event_id,
                    "attendee_id": world.people[0],
                    "qr_token": events.new_qr_token(),
                }
                for n in range(10_000)
            ],
        )
    with db.read() as session:
        pairs = session.execute(
            select(EventTicket.number, EventTicket.qr_token).order_by(EventTicket.number)
        ).all()
    tokens = [token for _number, token in pairs]
    assert len(pairs) == 10_000
    assert len(set(tokens)) == 10_000
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert all(len(token) >= 32 and set(token) <= alphabet for token in tokens)  # ≥ 192 bits
    for number, token in pairs:
        text = str(number)
        derived = {
            text,
            hex(number),
            hashlib.md5(text.encode()).hexdigest(),
            hashlib.sha1(text.encode()).hexdigest(),
            hashlib.sha256(text.encode()).hexdigest(),
        }
        assert text not in token
        assert not any(token.startswith(d[:8]) for d in derived)
    # Neighbouring numbers give unrelated tokens: no shared beginning, and every
    # position takes nearly every character of the alphabet.
    # (Two random tokens begin alike in 3 characters once in 262,144 pairs.)
    assert sum(a[:3] == b[:3] for a, b in itertools.pairwise(tokens)) <= 2
    for position in range(32):
        assert len({token[position] for token in tokens}) >= 60


# --- the QR image over HTTP ----------------------------------------------------------------


def _decode(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_qr_image_decodes_to_exactly_the_tickets_token(client, door):
    number, token = door["paid"][0]
    login(client, EVENTS)
    response = client.get(f"/event-tickets/{number}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert _decode(response.data) == [token]
    assert str(number) not in token


def test_the_qr_image_is_cached_privately_and_revalidated_by_its_etag(client, door):
    number, token = door["paid"][0]
    login(client, EVENTS)
    first = client.get(f"/event-tickets/{number}/qr.png")
    assert first.cache_control.private
    assert first.cache_control.max_age >= 600
    etag = first.headers["ETag"]
    assert token not in etag
    again = client.get(f"/event-tickets/{number}/qr.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(f"/event-tickets/{door['paid'][1][0]}/qr.png")
    assert other.headers["ETag"] != etag


def test_the_qr_image_needs_a_login_and_a_role_that_sees_events(client, door):
    number, _token = door["paid"][0]
    assert client.get(f"/event-tickets/{number}/qr.png").status_code == 401
    login(client, RENTAL)
    assert client.get(f"/event-tickets/{number}/qr.png").status_code == 403


@pytest.mark.parametrize("number", ["abc", "999999999", "1" * 40, "%C2%B2"])
def test_the_qr_image_of_an_unknown_ticket_is_not_found(client, door, number):
    login(client, EVENTS)
    assert client.get(f"/event-tickets/{number}/qr.png").status_code == 404


# --- the desk's callbacks over HTTP --------------------------------------------------------


def _scan(client, event_id: object, code: str, submits: int = 1):
    client.get(f"/events/{event_id}")
    dep = find_callback(client, "checkin-input", "n_submit")
    return post_callback(
        client,
        dep,
        {
            "checkin-input.n_submit": submits,
            "checkin-input.value": code,
            "event-id.data": str(event_id),
            "event-tickets-refresh.data": 0,
        },
    )


def test_a_scan_checks_in_answers_with_the_attendee_and_empties_the_field(
    db, client, door, staff_ids
):
    number, token = door["paid"][1]
    login(client, EVENTS)
    response = _scan(client, door["here"], token)
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert "Смирнова Ольга" in str(answer["checkin-result"]["children"])
    assert "checkin-ok" in answer["checkin-result"]["className"]
    assert answer["checkin-input"]["value"] == ""
    assert answer["checkin-counter"]["children"] == "Checked in 1 of 4"
    assert _checked_in(db, number) is not None

    again = _scan(client, door["here"], str(number), submits=2).get_json()["response"]
    assert "is already checked in at" in str(again["checkin-result"]["children"])
    assert "checkin-already" in again["checkin-result"]["className"]
    assert again["checkin-input"]["value"] == ""
    assert "checkin-counter" not in again


@pytest.mark.parametrize(
    ("which", "says"),
    [
        ("foreign", "is for another event: Хакатон"),
        ("cancelled", "is cancelled"),
        ("unpaid", "is not confirmed"),
    ],
)
def test_a_scan_of_a_ticket_that_may_not_pass_says_why_and_writes_nothing(
    db, client, door, which, says
):
    number, token = door[which]
    login(client, EVENTS)
    answer = _scan(client, door["here"], token).get_json()["response"]
    assert says in str(answer["checkin-result"]["children"])
    assert "checkin-refused" in answer["checkin-result"]["className"]
    assert _checked_in(db, number) is None
    assert _audits(db) == 0


@pytest.mark.parametrize("event_id", ["abc", "999999", "²"])
def test_a_scan_at_the_desk_of_no_event_is_refused_in_words(db, client, door, event_id):
    login(client, EVENTS)
    answer = _scan(client, event_id, door["paid"][0][1]).get_json()["response"]
    text = str(answer["checkin-result"]["children"])
    assert "There is no event" in text or "There is no such event" in text
    assert _audits(db) == 0


def test_a_rental_manager_replaying_the_scan_post_is_refused_and_nothing_is_written(
    db, client, door
):
    number, token = door["paid"][0]
    login(client, RENTAL)
    answer = _scan(client, door["here"], token).get_json()["response"]
    assert "Your role may not do this." in str(answer["checkin-result"]["children"])
    assert _checked_in(db, number) is None
    assert _audits(db) == 0


def test_a_rental_manager_gets_neither_the_desk_the_tickets_nor_a_ticket(client, door):
    login(client, RENTAL)
    assert client.get(f"/events/{door['here']}").status_code == 403
    show = find_callback(client, "event-id", "data")
    answer = post_callback(client, show, {"event-id.data": str(door["here"])}).get_json()
    assert "page-forbidden" in str(answer["response"]["event-header"])
    assert answer["response"]["event-desk"]["hidden"] is True
    rows = find_callback(client, "event-tickets-grid", "getRowsRequest")
    response = post_callback(
        client,
        rows,
        {
            "event-tickets-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
            "event-id.data": str(door["here"]),
        },
    )
    assert response.get_json()["response"] == {}  # nothing at all: no rows, no count
    ticket = find_callback(client, "event-ticket-number", "data")
    answer = post_callback(client, ticket, {"event-ticket-number.data": str(door["paid"][0][0])})
    assert "page-forbidden" in answer.text
    assert door["paid"][0][1] not in answer.text
    assert "Иванов" not in str(answer.get_json())


def test_a_render_of_the_field_alone_checks_in_nothing(db, client, door):
    """Dash calls a callback when its input first appears; that must not act."""
    number, token = door["paid"][0]
    login(client, EVENTS)
    client.get(f"/events/{door['here']}")
    dep = find_callback(client, "checkin-input", "n_submit")
    body = {
        "output": dep["output"],
        "outputs": outputs_of(dep["output"]),
        "changedPropIds": [],
        "inputs": [{**dep["inputs"][0], "value": 0}],
        "state": [
            {**s, "value": token if s["id"] == "checkin-input" else str(door["here"])}
            for s in dep["state"]
        ],
    }
    token_header = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    response = client.post("/_dash-update-component", json=body, headers=token_header)
    assert response.status_code == 204
    assert _checked_in(db, number) is None


def test_the_scan_post_without_csrf_token_is_refused(db, client, door):
    number, token = door["paid"][0]
    login(client, EVENTS)
    client.get(f"/events/{door['here']}")
    dep = find_callback(client, "checkin-input", "n_submit")
    response = post_callback(
        client,
        dep,
        {"checkin-input.n_submit": 1, "checkin-input.value": token, "event-id.data": "1"},
        csrf=False,
    )
    assert response.status_code == 400
    assert _checked_in(db, number) is None


def test_two_doors_scanning_one_ticket_at_the_same_moment_let_one_person_in(app, db, door):
    number, token = door["paid"][0]
    clients = [app.server.test_client() for _ in range(2)]
    for client in clients:
        login(client, EVENTS)
        client.get(f"/events/{door['here']}")
    dep = find_callback(clients[0], "checkin-input", "n_submit")
    barrier = threading.Barrier(2)
    answers: list[str] = [""] * 2

    def scan(i: int) -> None:
        barrier.wait(timeout=30)
        response = post_callback(
            clients[i],
            dep,
            {
                "checkin-input.n_submit": 1,
                "checkin-input.value": token,
                "event-id.data": str(door["here"]),
            },
        )
        answers[i] = response.get_json()["response"]["checkin-result"]["className"]

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted("checkin-ok" in a for a in answers) == [False, True]
    assert any("checkin-already" in a for a in answers)
    with db.read() as session:
        checked = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "event_ticket.check_in")
        )
    assert checked == 1
    assert _checked_in(db, number) is not None


def test_revert_from_the_list_asks_first_then_the_counter_shrinks(db, client, door, actors):
    number, token = door["paid"][0]
    _check_in(db, actors, door["here"], token)
    login(client, EVENTS)
    client.get(f"/events/{door['here']}")
    [ask] = [
        dep
        for dep in dependencies(client)
        if "event-revert-modal.is_open" in dep["output"]
        and dep["inputs"][0]["property"] == "cellClicked"
    ]
    answer = post_callback(
        client,
        ask,
        {"event-tickets-grid.cellClicked": {"colId": "revert", "rowId": str(number)}},
    ).get_json()["response"]
    assert answer["event-revert-modal"]["is_open"] is True
    assert "Иванов Пётр" in answer["event-revert-text"]["children"]
    assert answer["event-revert-number"]["data"] == number
    assert _checked_in(db, number) is not None  # asking changed nothing

    confirm = find_callback(client, "event-revert-confirm")
    answer = post_callback(
        client,
        confirm,
        {
            "event-revert-confirm.n_clicks": 1,
            "event-revert-number.data": number,
            "event-tickets-refresh.data": 3,
        },
    ).get_json()["response"]
    assert answer["checkin-counter"]["children"] == "Checked in 0 of 4"
    assert answer["event-tickets-refresh"]["data"] == 4
    assert "is reverted" in str(answer["event-feedback"]["children"])
    assert _checked_in(db, number) is None


def test_a_rental_manager_replaying_the_revert_post_is_refused(db, client, door, actors):
    number, token = door["paid"][0]
    _check_in(db, actors, door["here"], token)
    login(client, RENTAL)
    client.get("/")
    confirm = find_callback(client, "event-revert-confirm")
    answer = post_callback(
        client, confirm, {"event-revert-confirm.n_clicks": 1, "event-revert-number.data": number}
    )
    assert "Your role may not do this." in answer.text
    assert _checked_in(db, number) is not None


def test_the_events_list_counts_live_tickets_only(db, client, door, actors):
    _check_in(db, actors, door["here"], door["paid"][0][1])
    login(client, EVENTS)
    client.get("/events")
    dep = find_callback(client, "events-past-limit", "data")
    text = str(post_callback(client, dep, {"events-past-limit.data": 30}).get_json())
    assert "Митап" in text and "Хакатон" in text
    assert f"/events/{door['here']}" in text


def test_an_unknown_ticket_page_shows_not_found(client, door):
    login(client, EVENTS)
    client.get("/event-tickets/123")
    dep = find_callback(client, "event-ticket-number", "data")
    for raw in ("123", "abc", "²"):
        answer = post_callback(client, dep, {"event-ticket-number.data": raw})
        assert answer.status_code == 200
        assert "page-not-found" in answer.text


def test_the_ticket_page_shows_the_qr_image_and_the_order_only_as_a_number(db, client, door):
    number, _token = door["paid"][0]
    with db.read() as session:
        order_number = session.scalar(
            select(Order.number)
            .join(EventTicket, EventTicket.order_id == Order.id)
            .where(EventTicket.number == number)
        )
    login(client, EVENTS)
    client.get(f"/event-tickets/{number}")
    dep = find_callback(client, "event-ticket-number", "data")
    text = str(post_callback(client, dep, {"event-ticket-number.data": str(number)}).get_json())
    assert f"/event-tickets/{number}/qr.png" in text
    assert "Иванов Пётр" in text
    assert f"№{order_number}" in text
    assert f"/orders/{order_number}" not in text  # an event manager may not open orders


@pytest.mark.parametrize("code", [900001, ["x"], {"a": 1}, None, "", "   "])
def test_a_scan_post_with_a_strange_value_changes_nothing_and_never_fails(db, client, door, code):
    login(client, EVENTS)
    client.get(f"/events/{door['here']}")
    dep = find_callback(client, "checkin-input", "n_submit")
    response = post_callback(
        client,
        dep,
        {
            "checkin-input.n_submit": 1,
            "checkin-input.value": code,
            "event-id.data": {"id": door["here"]},
            "event-tickets-refresh.data": "x",
        },
    )
    assert response.status_code == 204
    assert _audits(db) == 0


def test_asking_to_revert_a_ticket_not_checked_in_opens_nothing(client, door):
    login(client, EVENTS)
    client.get(f"/events/{door['here']}")
    [ask] = [
        dep
        for dep in dependencies(client)
        if "event-revert-modal.is_open" in dep["output"]
        and dep["inputs"][0]["property"] == "cellClicked"
    ]
    for cell in (
        {"colId": "revert", "rowId": str(door["paid"][0][0])},
        {"colId": "revert", "rowId": "abc"},
        {"colId": "attendee", "rowId": str(door["paid"][0][0])},
        "revert",
    ):
        response = post_callback(client, ask, {"event-tickets-grid.cellClicked": cell})
        assert response.status_code == 204
