"""Access to everything the app registers, role by role (SPEC §1), from the app's own
registries: every Dash callback (``app.callback_map``), every Flask route
(``server.url_map``) and every page (``dash.page_registry``) needs a rule here, so a
callback, route or page added without one fails ``test_every_…_has_a_rule``.

For each rule, through the real server with each role's session and CSRF token:

- anonymous → 401 (or the login page), never data;
- a callback that reads answers with its data exactly the roles that may read it
  (the rule names text only they see: a customer's name, a phone, a figure's id);
- a callback that writes, replayed with a valid body, writes exactly one audit row
  for a role that may do it, and for any other role says "Your role may not do
  this." and leaves every table as it was;
- a page shows its "no access" content (and a full load answers 403) to a role
  that may not open it; an export or a QR image answers 403;
- every response carries the security headers and no traceback or SQL.
"""

from __future__ import annotations

import base64
import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import dash
import pytest
import sqlalchemy as sa

from dashboard.delivery import PLOTLY_BUNDLE
from models import (
    AuditEntry,
    Base,
    Building,
    CoworkingTicket,
    EventTicket,
    Message,
    Notification,
    NotificationKind,
    Order,
    Room,
    RoomBooking,
    StaffUser,
    Tariff,
)
from services import numbering, staff
from tests.dash_http import (
    ROLE_EMAILS,
    Site,
    answer_text,
    grid_rows_key,
    module_database_url,
    post_callback,
)
from tests.factories import World

# --- roles (SPEC §1) ----------------------------------------------------------------------------

ADMIN = "admin"
RENTAL = "rental_manager"
SERVICE = "service_manager"
EVENTS = "event_manager"
EXEC = "executive"
ACCOUNTING = "accountant"
EVERYONE = frozenset(ROLE_EMAILS)


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


ORDER_READERS = roles(ADMIN, RENTAL, SERVICE, EXEC, ACCOUNTING)
# Each manager reads its own department's orders (hotel, coworking, rooms; simple
# services, requests, goods); the others read all (services.permissions).
RENTAL_ORDER_READERS = roles(ADMIN, RENTAL, EXEC, ACCOUNTING)
SERVICE_ORDER_READERS = roles(ADMIN, SERVICE, EXEC, ACCOUNTING)
TICKET_READERS = roles(ADMIN, RENTAL, EXEC)
OCCUPANCY_READERS = roles(ADMIN, RENTAL, EXEC)
# The floor plan (SPEC §9.3): rental managers act on it, executives read it.
FLOOR_READERS = roles(ADMIN, RENTAL, EXEC)
MONEY_READERS = roles(ADMIN, EXEC, ACCOUNTING)
EXPORTERS = roles(ADMIN, ACCOUNTING)
EVENT_DESK = roles(ADMIN, EVENTS)
# Contact data: everybody but the executive (SPEC §1: "no customer contact data").
CONTACT_READERS = roles(ADMIN, RENTAL, SERVICE, EVENTS, ACCOUNTING)
# Internal messages (staff notes) carry contact data too: the executive never gets them.
INTERNAL_READERS = roles(ADMIN, RENTAL, SERVICE, ACCOUNTING)
# Who acts on which orders: rental managers on room/coworking/hotel orders, service
# managers on simple services, requests and goods; administrators on all.
RENTAL_DESK = roles(ADMIN, RENTAL)
SERVICE_DESK = roles(ADMIN, SERVICE)
# Today: who opens it (not the accountant, whose day is the payments page), and who sees
# which sections: the coworking desk's, the balances of booked orders, the open requests.
TODAY_READERS = roles(ADMIN, RENTAL, SERVICE, EVENTS, EXEC)
TODAY_DESK = roles(ADMIN, RENTAL, EXEC)
TODAY_UNPAID = roles(ADMIN, RENTAL, EXEC)
TODAY_REQUESTS = roles(ADMIN, SERVICE, EXEC)
ROOM_READERS = roles(ADMIN, RENTAL, EXEC)

REFUSED = "Your role may not do this."

# --- the world every test of a module shares -----------------------------------------------------

MARK_NAME = "Зеленоглазова"  # the customer of every order: who sees it, sees the orders
MARK_PHONE = "+7 999 000-11-22"
MARK_EMAIL = "aglaya@example.ru"
MARK_EVENT = "Слёт механиков"
MARK_NOTE = "Ключ от сейфа у охраны"  # the internal message on the hotel order
MARK_ROOM = "Переговорная «Сокол»"
ROOMS_DAY = datetime.now(UTC).date() + timedelta(days=1)


class _Numbers:
    def __init__(self, world: World) -> None:
        self.world = world

    def __next__(self) -> int:
        return numbering.next_number(self.world.session, "order")


def base_world(db) -> World:
    """``tests.factories.World`` whose first person (every order's customer) is a name
    found nowhere else, so that an answer containing it has shown customer data."""
    with db.write() as session:
        world = World.build(session)
        world.people.insert(0, world.person(MARK_NAME, "Аглая", MARK_PHONE, MARK_EMAIL))
        # The app's own counters number the world's orders too: no clash with the
        # orders the app creates.
        world._numbers = _Numbers(world)
        # A meeting room booked by the marked customer on the day ROOMS_DAY (/rooms).
        room = Room(
            building_id=session.get(Room, world.room_id).building_id,
            name=MARK_ROOM,
            kind="meeting_room",
            capacity=8,
        )
        session.add(room)
        session.flush()
        booked = world.order("booking", "confirmed", total=300_000, paid=300_000)
        begins = datetime.combine(ROOMS_DAY, time(8), UTC)  # 11:00 in Moscow
        session.add(
            RoomBooking(
                order_id=booked.id,
                room_id=room.id,
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                visitors=[],
            )
        )
    world.session = None
    return world


@dataclass(frozen=True)
class Targets:
    """Fresh records to act on, in a three-day window of their own (real time: the
    callbacks use the clock)."""

    hotel: int  # order: hotel stay, 20,000 ₽, 6,000 ₽ paid, balance due
    simple: int  # order: simple service, 2,000 ₽, new
    ticket: int  # coworking ticket, confirmed, seat 1, not validated
    validated: int  # coworking ticket, confirmed, seat 2, validated
    event: int  # event id
    event_ticket: int  # paid, not checked in
    checked_in: int  # paid, checked in
    day: date  # a day on which seat 3 is free: a new order may take it
    start: datetime
    refund_pending: int  # order: hotel, cancelled, 6,000 ₽ paid, waiting for its refund
    awaiting_invoice: int  # order: hotel stay, new, the customer asked for an invoice
    awaiting_invoice_simple: int  # order: simple service, the same
    invoiced: int  # order: hotel stay, invoice issued (it has its number)
    done: int  # order: hotel stay, paid and done (its act may be printed)


def build_targets(db, world: World, staff_id: int, window: int) -> Targets:
    today = datetime.now(UTC).date()
    start = datetime.combine(today + timedelta(days=2 + 3 * window), time(), UTC)
    with db.write() as session:
        world.session = session
        hotel = world.order("hotel", "confirmed_balance_due", total=2_000_000, paid=600_000)
        session.add(
            Message(
                order_id=hotel.id,
                visibility="internal",
                author_staff_id=staff_id,
                text=MARK_NOTE,
                created_at=start,
            )
        )
        simple = world.order("simple", "new", total=200_000)
        refund_pending = world.order(
            "hotel", "cancelled_refund_pending", total=2_000_000, paid=600_000
        )

        def ticket(seat: int) -> CoworkingTicket:
            order = world.order("coworking", "confirmed", total=150_000, paid=150_000)
            begins = start + timedelta(hours=6)
            number = numbering.next_number(session, "coworking_ticket")
            return world.ticket(order, begins, begins + timedelta(hours=12), seat, number)

        free, validated = ticket(world.seats[0]), ticket(world.seats[1])
        validated.validated_at, validated.validated_by_id = start, staff_id
        event = world.event(starts_at=start, title=MARK_EVENT)
        expected: EventTicket = world.event_ticket(event)
        checked_in: EventTicket = world.event_ticket(event)
        checked_in.checked_in_at, checked_in.checked_in_by_id = start, staff_id
        awaiting = world.order("hotel", "new_awaiting_invoice", total=1_200_050)
        awaiting_simple = world.order("simple", "new_awaiting_invoice", total=300_000)
        invoiced = world.order("hotel", "invoice_issued", total=1_200_050)
        invoiced.invoice_number = numbering.next_invoice_number(session, start.year)
        invoiced.invoice_issued_at = start
        done = world.order("hotel", "done", total=350_000, paid=350_000)
        session.flush()
        targets = Targets(
            hotel.number,
            simple.number,
            free.number,
            validated.number,
            event,
            expected.number,
            checked_in.number,
            start.date() + timedelta(days=1),
            start,
            refund_pending.number,
            awaiting.number,
            awaiting_simple.number,
            invoiced.number,
            done.number,
        )
    world.session = None
    return targets


@dataclass
class Scene:
    """What a rule's body is built from."""

    site: Site
    world: World
    t: Targets

    def staff(self, role: str) -> int:
        return self.site.user_id(role)


# --- rules ---------------------------------------------------------------------------------------

CLIENTSIDE, READ, WRITE, PAGES = "clientside", "read", "write", "pages"

Values = Callable[[Scene], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One call of a callback. READ: the roles in ``roles`` get an answer containing
    every text of ``shows``; any other role gets a 204 or an answer without them (with
    nothing in ``shows``: a 204). WRITE: a role in ``roles`` writes ``audit`` (or makes
    ``effect`` true); any other role is refused in words and writes nothing."""

    values: Values
    roles: frozenset[str]
    shows: tuple[str, ...] = ()
    audit: str | None = None  # "a+b": both, in this order
    effect: Callable[[Scene, str], bool] | None = None
    # Whether the call acts on the orders, tickets and events of ``Targets`` (a write then
    # gets new ones, in a time window of its own); the staff cases make their own accounts.
    records: bool = True


@dataclass(frozen=True)
class Rule:
    kind: str
    cases: tuple[Case, ...] = ()
    note: str = ""


def clientside(note: str = "") -> Rule:
    """Runs in the browser only; the server refuses a POST naming it."""
    return Rule(CLIENTSIDE, note=note)


def read(*cases: Case) -> Rule:
    return Rule(READ, cases)


def anyone(values: Values) -> Rule:
    """Reads nothing from the database (filters into a store, a dialog opening): any
    logged-in role gets the same answer."""
    return Rule(READ, (Case(values, EVERYONE),))


def write(*cases: Case) -> Rule:
    return Rule(WRITE, cases)


def grid_request() -> dict[str, Any]:
    return {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}


def pattern(kind: str, clicked: dict[str, str]) -> list[tuple[dict[str, str], int]]:
    """An ALL pattern-matching input with one clicked component."""
    return [({"type": kind, **clicked}, 1)]


def _locale_is_english(scene: Scene, role: str) -> bool:
    with scene.site.db.read() as session:
        return session.get(StaffUser, scene.staff(role)).locale == "en"


def _ticket(s: Scene, button: str, number: int) -> dict[str, Any]:
    return {f"{button}.n_clicks": 1, "ticket-number.data": str(number), "ticket-version.data": 0}


def _visitor(s: Scene) -> dict[str, Any]:
    return {
        **_ticket(s, "ticket-visitor-save", s.t.ticket),
        "ticket-visitor-choice.value": s.world.people[1],
    }


def _payment(number: int, amount: str = "1000") -> Values:
    return lambda s: {
        "payment-save.n_clicks": 1,
        "payment-amount.value": amount,
        "payment-method.value": "cash",
        "order-payment-key.data": uuid.uuid4().hex,
        "order-number.data": str(number(s)) if callable(number) else str(number),
        "order-version.data": 0,
    }


def _fresh_simple(s: Scene) -> int:
    with s.site.db.write() as session:
        s.world.session = session
        return s.world.order("simple", "new", total=200_000).number


def _order(button: str, order: str, extra: Callable[[Scene], dict] = lambda s: {}) -> Values:
    return lambda s: {
        f"{button}.n_clicks": 1,
        "order-number.data": str(getattr(s.t, order)),
        "order-version.data": 0,
        **extra(s),
    }


def _new_order(s: Scene) -> dict[str, Any]:
    return {
        "order-new-save.n_clicks": 1,
        "order-new-customer-mode.value": "registered",
        "order-new-choice.value": s.world.people[0],
        # Left on the form from the other mode: a new customer, used only in that mode.
        "order-new-last.value": "Новикова",
        "order-new-first.value": "Вера",
        "order-new-phone.value": MARK_PHONE,
        "order-new-service.value": str(s.world.services["coworking"]),
        "order-new-tariff.value": str(s.world.tariffs["day"]),
        "order-new-date.value": s.t.day.isoformat(),
        "order-new-time.value": "09:00",
        "order-new-quantity.value": 1,
        "order-new-seat.value": str(s.world.seats[2]),
        "order-new-method.value": "cash",
        "order-new-variant.value": "hot_desk",
        "order-new-modifiers.value": [],
        "order-new-amount.value": "1500",
        "order-new-number.value": "",
        "order-new-key.data": uuid.uuid4().hex,
    }


def _occupancy_csv(s: Scene) -> dict[str, Any]:
    return {
        "occupancy-csv.n_clicks": pattern("occupancy-csv", {"chart": "occupancy-daily"}),
        "occupancy-data.data": {"daily": [["2026-01-05", 12.5, 10.0]], "heatmap": [], "rooms": []},
    }


def _people_file(s: Scene) -> dict[str, Any]:
    text = "ФИО;Телефон\nИмпортова Ирина;+7 901 555-01-02\n".encode()
    return {
        "contents": "data:text/csv;base64," + base64.b64encode(text).decode(),
        "filename": "p.csv",
    }


# A staff account to act on, made fresh for each call (the hash made once: argon2 is slow).
FRESH_PASSWORD = "fresh-pass-1"
_FRESH_HASH: list[str] = []


def fresh_account(s: Scene, role: str = "rental_manager", active: bool = True) -> int:
    if not _FRESH_HASH:
        _FRESH_HASH.append(staff.hash_password(FRESH_PASSWORD))
    with s.site.db.write() as session:
        user = StaffUser(
            email=f"{uuid.uuid4().hex[:12]}@parkdesk.local",
            name="Вера Новикова",
            role=role,
            password_hash=_FRESH_HASH[0],
            is_active=active,
        )
        session.add(user)
        session.flush()
        return user.id


def _staff(
    button: str, account: Callable[[Scene], int], **values: Callable[[Scene], Any]
) -> Values:
    """A click on one of an account's buttons, with the form's other values."""
    return lambda s: {
        f"{button}.n_clicks": 1,
        "staff-version.data": 0,
        "staff-account.data": account(s),
        **{f"staff-{name}.value": make(s) for name, make in values.items()},
    }


def _new_account(s: Scene) -> dict[str, Any]:
    return {
        "staff-save.n_clicks": 1,
        "staff-account.data": None,
        "staff-email.value": f"{uuid.uuid4().hex[:12]}@parkdesk.local",
        "staff-name.value": "Вера Новикова",
        "staff-role.value": "rental_manager",
        "staff-password.value": "long-enough-1",
        "staff-version.data": 0,
    }


STAFF_FEEDBACK = "..staff-feedback.children...staff-version.data.."
STAFF_FORM = "..staff-form.children...staff-account.data...staff-feedback.children.."

# --- the catalog: every write adds or retires something new, so that it always may ---


def _building_of(s: Scene) -> int:
    with s.site.db.read() as session:
        return session.scalar(sa.select(Building.id).order_by(Building.id))


def _fresh_tariff(s: Scene) -> int:
    """A tariff of its own to retire (the catalog lives on for the whole module)."""
    with s.site.db.write() as session:
        tariff = Tariff(
            service_id=s.world.services["simple"],
            name=f"Разовый {uuid.uuid4().hex[:8]}",
            unit="piece",
            price_kopecks=100,
        )
        session.add(tariff)
        session.flush()
        return tariff.id


def _catalog_form(button: str, **fields: Callable[[Scene], Any]) -> Values:
    return lambda s: {
        f"{button}.n_clicks": 1,
        "catalog-version.data": 0,
        **{f"{key.replace('_', '-')}.value": make(s) for key, make in fields.items()},
    }


def _unique(prefix: str) -> Callable[[Scene], str]:
    return lambda s: f"{prefix} {uuid.uuid4().hex[:8]}"


# --- notifications: everyone reads and marks their own only ---


def _notify_everyone(s: Scene) -> dict[str, int]:
    """A fresh unread notification for every demo account; their ids by role."""
    with s.site.db.write() as session:
        order = session.scalar(sa.select(Order).where(Order.number == s.t.hotel))
        made = {}
        for role in sorted(EVERYONE):
            notification = Notification(
                user_id=s.staff(role),
                kind=NotificationKind.MESSAGE.value,
                order_id=order.id,
                created_at=datetime.now(UTC),
            )
            session.add(notification)
            session.flush()
            made[role] = notification.id
    return made


def _unread(s: Scene, role: str) -> int:
    with s.site.db.read() as session:
        return session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == s.staff(role), Notification.read_at.is_(None))
        )


def _read_all(s: Scene) -> dict[str, Any]:
    _notify_everyone(s)
    return {"notifications-read-all.n_clicks": 1, "notifications-version.data": 0}


def _all_read_and_only_own(s: Scene, role: str) -> bool:
    return _unread(s, role) == 0 and all(_unread(s, other) > 0 for other in EVERYONE - {role})


# Opening a notification: the administrator's own, sent by every role; only she marks it.
_OPENED: list[int] = []


def _open_admins(s: Scene) -> dict[str, Any]:
    made = _notify_everyone(s)
    _OPENED[:] = [made[ADMIN]]
    return {
        "notifications-item.n_clicks": [({"type": "notifications-item", "id": made[ADMIN]}, 1)],
        "notifications-version.data": 0,
    }


def _admins_opened(s: Scene, role: str) -> bool:
    with s.site.db.read() as session:
        return session.get(Notification, _OPENED[0]).read_at is not None


CATALOG_FEEDBACK = "..catalog-feedback.children...catalog-version.data"
CATALOG_KEEPERS = roles(ADMIN)

ORDER_FEEDBACK = "..order-feedback.children...order-version.data.."
TICKET_FEEDBACK = "..ticket-feedback.children...ticket-version.data.."
# Live (SPEC §9.3): a page re-reads itself, or its grid its rows, when the polled
# revision names a change it shows (dashboard/assets/live.js; the poll is GET /_live).
LIVE_PAGE = "re-reads the page when a change concerns it"
LIVE_GRID = "refreshes the grid's rows in place when a change concerns them"
PAGES_LOCATION = "_pages_location.href"
NOTIFICATION_OPEN = f"..{PAGES_LOCATION}...notifications-version.data.."

# The age buckets' callback: each card's figures, then each card's border.
BUCKETS_KEY = (
    ".."
    + "...".join(
        [f"balances-bucket-figures-{code}.children" for code in ("0-7", "8-30", "31-60", "over-60")]
        + [f"balances-bucket-card-{code}.className" for code in ("0-7", "8-30", "31-60", "over-60")]
    )
    + ".."
)


RULES: dict[str, Rule] = {
    # --- the shell ---
    "shell-language.data": write(
        Case(lambda s: {"nav-lang-en.n_clicks": 1}, EVERYONE, effect=_locale_is_english)
    ),
    "shell-language.clear_data": clientside("reloads the page in the new language"),
    "nav-collapse.is_open": anyone(
        lambda s: {"nav-toggler.n_clicks": 1, "nav-collapse.is_open": False}
    ),
    # --- notifications (the navbar) ---
    "..nav-notifications.children...nav-notifications.color..": read(
        Case(
            lambda s: {
                "live-revision.data": None,
                "notifications-version.data": 0,
                "nav-notifications.children": None,
            },
            EVERYONE,
            shows=("nav-notifications",),
        )
    ),
    "notifications-wanted.data": clientside("the list once the menu is opened"),
    "notifications-list.children": read(
        Case(
            lambda s: {"notifications-wanted.data": {"clicks": 1, "count": "1"}},
            EVERYONE,
            shows=("notifications",),
        )
    ),
    "notifications-version.data": write(
        Case(_read_all, EVERYONE, effect=_all_read_and_only_own, records=False)
    ),
    NOTIFICATION_OPEN: write(
        Case(_open_admins, roles(ADMIN), effect=_admins_opened, records=False)
    ),
    ".._pages_content.children..._pages_store.data..": Rule(
        PAGES, note="Dash's page router: each page's layout is role-guarded, see PAGE_RULES"
    ),
    "_pages_dummy.children": clientside("Dash's page router: the document title"),
    # --- overview ---
    "overview-figures.children": read(
        Case(
            lambda s: {"overview-figures.id": "overview-figures"},
            TICKET_READERS,
            shows=("overview-occupancy",),
        ),
        Case(
            lambda s: {"overview-figures.id": "overview-figures"},
            ORDER_READERS,
            shows=("overview-new",),
        ),
        Case(
            lambda s: {"overview-figures.id": "overview-figures"},
            MONEY_READERS,
            shows=("overview-outstanding",),
        ),
        Case(
            lambda s: {"overview-figures.id": "overview-figures"},
            EVENT_DESK,
            shows=("overview-events",),
        ),
    ),
    # --- today: each role its own sections (services.today.parts_for) ---
    "today-version.data": clientside(LIVE_PAGE),
    "today-body.children": read(
        Case(lambda s: {"today-body.id": "today-body"}, TODAY_DESK, shows=("today-arrivals",)),
        Case(lambda s: {"today-body.id": "today-body"}, TODAY_UNPAID, shows=("today-unpaid",)),
        Case(lambda s: {"today-body.id": "today-body"}, TODAY_REQUESTS, shows=("today-requests",)),
        Case(lambda s: {"today-body.id": "today-body"}, EVENT_DESK, shows=("today-events",)),
    ),
    # --- meeting rooms ---
    "rooms-timeline.children": read(
        Case(
            lambda s: {"rooms-date.value": ROOMS_DAY.isoformat()},
            ROOM_READERS,
            shows=(MARK_ROOM, MARK_NAME),
        )
    ),
    # --- staff (administrators only) ---
    "staff-grid.rowData": read(
        Case(lambda s: {"staff-version.data": 0}, roles(ADMIN), shows=("rental@parkdesk.local",))
    ),
    f"{STAFF_FORM} <- staff-grid.cellClicked": read(
        Case(
            lambda s: {"staff-grid.cellClicked": {"rowId": str(s.staff(RENTAL))}},
            roles(ADMIN),
            shows=("rental@parkdesk.local", "staff-deactivate"),
        )
    ),
    "staff-confirm.hidden": clientside("shows or hides the deactivation question"),
    f"{STAFF_FORM} <- staff-cancel.n_clicks": clientside("closes the form"),
    f"{STAFF_FEEDBACK} <- staff-save.n_clicks": write(
        Case(_new_account, roles(ADMIN), audit="staff.create", records=False),
        Case(
            _staff("staff-save", account=fresh_account, role=lambda s: "service_manager"),
            roles(ADMIN),
            audit="staff.change_role",
            records=False,
        ),
    ),
    f"{STAFF_FEEDBACK} <- staff-reset-password.n_clicks": write(
        Case(
            _staff("staff-reset-password", account=fresh_account, password=lambda s: "new-pass-1"),
            roles(ADMIN),
            audit="staff.reset_password",
            records=False,
        )
    ),
    f"{STAFF_FEEDBACK} <- staff-deactivate-confirm.n_clicks": write(
        Case(
            _staff("staff-deactivate-confirm", account=fresh_account),
            roles(ADMIN),
            audit="staff.deactivate",
            records=False,
        )
    ),
    f"{STAFF_FEEDBACK} <- staff-activate.n_clicks": write(
        Case(
            _staff("staff-activate", account=lambda s: fresh_account(s, active=False)),
            roles(ADMIN),
            audit="staff.activate",
            records=False,
        )
    ),
    # --- occupancy ---
    "..occupancy-building.options...occupancy-room.options..": read(
        Case(lambda s: {"occupancy-building.value": None}, OCCUPANCY_READERS, shows=("Корпус А",))
    ),
    "..occupancy-figures.children...occupancy-daily.figure...occupancy-heatmap.figure"
    "...occupancy-by-room.figure...occupancy-data.data...occupancy-from.value"
    "...occupancy-to.value..": read(
        Case(lambda s: {"occupancy-preset.value": "month"}, OCCUPANCY_READERS)
    ),
    "occupancy-books.children": read(
        Case(
            lambda s: {"occupancy-building.value": "all", "occupancy-room.value": "all"},
            OCCUPANCY_READERS,
            shows=("90",),
        )
    ),
    "occupancy-download.data": read(
        Case(_occupancy_csv, OCCUPANCY_READERS, shows=("occupancy-daily.csv",))
    ),
    # --- coworking tickets ---
    "tickets-actions.children": read(
        Case(lambda s: {"tickets-filters.data": {}}, RENTAL_DESK, shows=("tickets-new-order",))
    ),
    "tickets-filters.data": anyone(lambda s: {"tickets-filter-visitor.value": "Зел"}),
    "..tickets-filter-number.value...tickets-filter-visitor.value...tickets-filter-status.value"
    "...tickets-filter-from.value...tickets-filter-to.value..": anyone(
        lambda s: {"tickets-filter-reset.n_clicks": 1}
    ),
    "tickets-sync.data <- tickets-filters.data": clientside("filters into the URL, grid refresh"),
    "tickets-sync.data <- live-revision.data": clientside(LIVE_GRID),
    "ticket-version.data": clientside(LIVE_PAGE),
    "tickets-sync.data <- tickets-grid.id": clientside(
        "block requests carry the last row's sort key"
    ),
    f"{PAGES_LOCATION} <- tickets-grid.cellClicked": clientside("opens the clicked ticket"),
    grid_rows_key("tickets-grid"): read(
        Case(
            lambda s: {"tickets-grid.getRowsRequest": grid_request(), "tickets-filters.data": {}},
            TICKET_READERS,
            shows=(MARK_NAME,),
        )
    ),
    # The same first block, answered as the page opens (before the grid asks).
    grid_rows_key("tickets-grid", "id"): read(
        Case(
            lambda s: {"tickets-grid.id": "tickets-grid", "tickets-filters.data": {}},
            TICKET_READERS,
            shows=(MARK_NAME, "prefetched"),
        )
    ),
    "..ticket-body.children...ticket-seen.data..": read(
        Case(lambda s: {"ticket-number.data": str(s.t.ticket)}, TICKET_READERS, shows=(MARK_NAME,)),
        Case(
            lambda s: {"ticket-number.data": str(s.t.ticket)},
            TICKET_READERS & CONTACT_READERS,
            shows=(MARK_PHONE,),
        ),
    ),
    f"{TICKET_FEEDBACK} <- ticket-validate.n_clicks": write(
        Case(
            lambda s: _ticket(s, "ticket-validate", s.t.ticket),
            RENTAL_DESK,
            audit="ticket.validate",
        )
    ),
    f"{TICKET_FEEDBACK} <- ticket-reset-validation.n_clicks": write(
        Case(
            lambda s: _ticket(s, "ticket-reset-validation", s.t.validated),
            RENTAL_DESK,
            audit="ticket.reset_validation",
        )
    ),
    "..ticket-seat-modal.is_open...ticket-seat-select.options...ticket-seat-select.value"
    "...ticket-seat-plan.data..": read(
        Case(
            lambda s: {"ticket-change-seat.n_clicks": 1, "ticket-number.data": str(s.t.ticket)},
            RENTAL_DESK,
            shows=("Open Space", "free for the whole period"),
        )
    ),
    "ticket-seat-drawn.data": clientside("draws the room's seats to pick one"),
    "..ticket-feedback.children...ticket-version.data...ticket-seat-modal.is_open..": write(
        Case(
            lambda s: {
                **_ticket(s, "ticket-seat-save", s.t.ticket),
                "ticket-seat-select.value": str(s.world.seats[3]),
            },
            RENTAL_DESK,
            audit="ticket.change_seat",
        )
    ),
    "ticket-visitor-modal.is_open": read(
        Case(
            lambda s: {"ticket-change-visitor.n_clicks": 1}, RENTAL_DESK, shows=('"is_open": true',)
        )
    ),
    "ticket-visitor-choice.options": read(
        Case(
            lambda s: {"ticket-visitor-search.value": "Зеленоглаз"},
            RENTAL_DESK,
            shows=(MARK_NAME, MARK_PHONE),
        )
    ),
    "..ticket-feedback.children...ticket-version.data...ticket-visitor-modal.is_open..": write(
        Case(_visitor, RENTAL_DESK, audit="ticket.change_visitor")
    ),
    # --- floor plan ---
    "..floor-room.options...floor-room.value...floor-plan.data...floor-summary.children"
    "...floor-at.value...floor-follow.data..": read(
        Case(
            # Inside the period of the targets' tickets (seats 1 and 2 of Open Space).
            lambda s: {
                "floor-room.value": None,
                "floor-at.value": (s.t.start + timedelta(hours=7)).isoformat(),
            },
            FLOOR_READERS,
            shows=("Open Space", MARK_NAME, '"occupied"'),
        )
    ),
    "floor-drawn.data": clientside("draws the plan's seats from its data"),
    "floor-version.data": clientside(LIVE_PAGE),
    # --- orders ---
    "orders-filters.data": anyone(lambda s: {"orders-filter-customer.value": "Зел"}),
    "..orders-filter-number.value...orders-filter-customer.value...orders-filter-type.value"
    "...orders-filter-status.value...orders-filter-executor.value...orders-filter-from.value"
    "...orders-filter-to.value...orders-filter-balance.value"
    "...orders-filter-overdue.value..": anyone(lambda s: {"orders-filter-reset.n_clicks": 1}),
    "orders-sync.data <- orders-filters.data": clientside("filters into the URL, grid refresh"),
    "orders-sync.data <- live-revision.data": clientside(LIVE_GRID),
    "order-version.data": clientside(LIVE_PAGE),
    "orders-sync.data <- orders-grid.id": clientside(
        "block requests carry the last row's sort key"
    ),
    f"{PAGES_LOCATION} <- orders-grid.cellClicked": clientside("opens the clicked order"),
    "orders-filter-executor.options": read(
        Case(
            lambda s: {"orders-filters.id": "orders-filters"},
            ORDER_READERS,
            shows=("Дмитрий Кузнецов",),
        )
    ),
    "orders-actions.children": read(
        Case(lambda s: {"orders-filters.data": {}}, RENTAL_DESK, shows=("orders-new",)),
        Case(lambda s: {"orders-filters.data": {}}, EXPORTERS, shows=("orders-export",)),
    ),
    grid_rows_key("orders-grid"): read(
        Case(
            lambda s: {"orders-grid.getRowsRequest": grid_request(), "orders-filters.data": {}},
            ORDER_READERS,
            shows=(MARK_NAME,),
        )
    ),
    grid_rows_key("orders-grid", "id"): read(
        Case(
            lambda s: {"orders-grid.id": "orders-grid", "orders-filters.data": {}},
            ORDER_READERS,
            shows=(MARK_NAME, "prefetched"),
        )
    ),
    # A filter the running totals do not answer: counted apart from the rows.
    "orders-count.children": read(
        Case(
            lambda s: {"orders-filters.data": {"customer": MARK_NAME}},
            ORDER_READERS,
            shows=("balance due",),
        )
    ),
    # --- one order ---
    "..order-body.children...order-seen.data..": read(
        Case(
            lambda s: {"order-number.data": str(s.t.hotel)},
            RENTAL_ORDER_READERS,
            shows=(MARK_NAME,),
        ),
        Case(
            lambda s: {"order-number.data": str(s.t.hotel)},
            RENTAL_ORDER_READERS & CONTACT_READERS,
            shows=(MARK_PHONE,),
        ),
        Case(
            lambda s: {"order-number.data": str(s.t.hotel)},
            RENTAL_ORDER_READERS & INTERNAL_READERS,
            shows=(MARK_NOTE,),
        ),
        Case(
            lambda s: {"order-number.data": str(s.t.simple)},
            SERVICE_ORDER_READERS,
            shows=(MARK_NAME,),
        ),
    ),
    "..order-payment-modal.is_open...order-payment-key.data...payment-amount.value"
    "...payment-number.value..": read(
        Case(
            lambda s: {"order-record-payment.n_clicks": 1, "order-number.data": str(s.t.hotel)},
            RENTAL_DESK,
            shows=('"is_open": true', "14000"),
        ),
        Case(
            lambda s: {"order-record-payment.n_clicks": 1, "order-number.data": str(s.t.simple)},
            SERVICE_DESK,
            shows=('"is_open": true', "2000"),
        ),
    ),
    "payment-limits.children": read(
        Case(
            lambda s: {
                "payment-amount.value": "100",
                "order-payment-modal.is_open": True,
                "order-number.data": str(s.t.hotel),
            },
            RENTAL_DESK,
            shows=("Allowed",),
        )
    ),
    "..order-feedback.children...order-version.data...order-payment-modal.is_open..": write(
        Case(_payment(lambda s: s.t.hotel), RENTAL_DESK, audit="order.record_payment"),
        # A simple service is paid in full (no parts): a fresh order for each call.
        Case(_payment(_fresh_simple, "2000"), SERVICE_DESK, audit="order.record_payment"),
    ),
    "order-cancel-modal.is_open": anyone(lambda s: {"order-cancel.n_clicks": 1}),
    "..order-feedback.children...order-version.data...order-cancel-modal.is_open..": write(
        Case(_order("order-cancel-confirm", "hotel"), RENTAL_DESK, audit="order.cancel"),
        Case(_order("order-cancel-confirm", "simple"), SERVICE_DESK, audit="order.cancel"),
    ),
    "..order-refund-modal.is_open...order-refund-key.data...refund-amount.value..": read(
        Case(
            lambda s: {
                "order-record-refund.n_clicks": 1,
                "order-number.data": str(s.t.refund_pending),
            },
            RENTAL_DESK,
            shows=('"is_open": true', "6000"),
        ),
    ),
    "..order-feedback.children...order-version.data...order-refund-modal.is_open..": write(
        Case(
            lambda s: {
                "refund-save.n_clicks": 1,
                "refund-amount.value": "1000",
                "refund-method.value": "cash",
                "refund-number.value": "ВЗ-7",
                "order-refund-key.data": uuid.uuid4().hex,
                "order-number.data": str(s.t.refund_pending),
                "order-version.data": 0,
            },
            RENTAL_DESK,
            audit="order.record_refund",
        ),
    ),
    "order-close-modal.is_open": anyone(lambda s: {"order-close.n_clicks": 1}),
    "..order-feedback.children...order-version.data...order-close-modal.is_open..": write(
        Case(
            _order(
                "order-close-confirm", "simple", lambda s: {"order-close-as.value": "not_needed"}
            ),
            SERVICE_DESK,
            audit="order.close",
        ),
    ),
    f"{ORDER_FEEDBACK} <- order-issue-invoice.n_clicks": write(
        Case(
            _order("order-issue-invoice", "awaiting_invoice"),
            RENTAL_DESK,
            audit="order.issue_invoice",
        ),
        Case(
            _order("order-issue-invoice", "awaiting_invoice_simple"),
            SERVICE_DESK,
            audit="order.issue_invoice",
        ),
    ),
    f"{ORDER_FEEDBACK} <- order-executor-save.n_clicks": write(
        Case(
            _order(
                "order-executor-save",
                "hotel",
                lambda s: {"order-executor.value": str(s.staff(RENTAL))},
            ),
            RENTAL_DESK,
            audit="order.assign_executor",
        ),
        Case(
            _order(
                "order-executor-save",
                "simple",
                lambda s: {"order-executor.value": str(s.staff(SERVICE))},
            ),
            SERVICE_DESK,
            audit="order.assign_executor",
        ),
    ),
    f"{ORDER_FEEDBACK} <- order-deadline-save.n_clicks": write(
        Case(
            _order(
                "order-deadline-save",
                "simple",
                lambda s: {"order-deadline-input.value": "2026-03-20T15:00"},
            ),
            SERVICE_DESK,
            audit="order.deadline",
        )
    ),
    f'{ORDER_FEEDBACK} <- {{"action":["ALL"],"type":"order-work"}}.n_clicks': write(
        Case(
            lambda s: {
                "order-work.n_clicks": pattern("order-work", {"action": "start_work"}),
                "order-number.data": str(s.t.simple),
                "order-version.data": 0,
            },
            SERVICE_DESK,
            audit="order.start_work",
        )
    ),
    "..order-feedback.children...order-version.data...order-message-text.value..": write(
        Case(
            _order(
                "order-message-send",
                "hotel",
                lambda s: {"order-message-text.value": "Ключ на ресепшене"},
            ),
            RENTAL_DESK,
            audit="order.message",
        ),
        Case(
            _order(
                "order-message-send", "simple", lambda s: {"order-message-text.value": "Готово"}
            ),
            SERVICE_DESK,
            audit="order.message",
        ),
    ),
    # --- new coworking order ---
    "..order-new-registered.hidden...order-new-new-customer.hidden..": clientside(
        "shows the registered or the new customer's fields"
    ),
    "..order-new-service.options...order-new-service.value...order-new-key.data..": read(
        Case(lambda s: {"order-new-load.data": True}, RENTAL_DESK, shows=("Услуга coworking",))
    ),
    "..order-new-tariff.options...order-new-tariff.value...order-new-modifiers.options"
    "...order-new-modifiers.value..": read(
        Case(
            lambda s: {"order-new-service.value": str(s.world.services["coworking"])},
            RENTAL_DESK,
            shows=("День",),
        )
    ),
    "..order-new-quote.children...order-new-seat.options...order-new-seat.value"
    "...order-new-amount.value..": read(
        Case(
            lambda s: {
                "order-new-service.value": str(s.world.services["coworking"]),
                "order-new-tariff.value": str(s.world.tariffs["day"]),
                "order-new-date.value": s.t.day.isoformat(),
                "order-new-time.value": "09:00",
                "order-new-quantity.value": 1,
                "order-new-modifiers.value": [str(s.world.tariffs["locker"])],
            },
            RENTAL_DESK,
            shows=("Open Space",),
        )
    ),
    "order-new-amount-hint.children": read(
        Case(
            lambda s: {
                "order-new-amount.value": "100",
                "order-new-service.value": str(s.world.services["coworking"]),
                "order-new-tariff.value": str(s.world.tariffs["day"]),
                "order-new-date.value": s.t.day.isoformat(),
                "order-new-time.value": "09:00",
                "order-new-quantity.value": 1,
                "order-new-modifiers.value": [],
            },
            RENTAL_DESK,
            shows=("450",),
        )
    ),
    "..order-new-choice.options...order-new-choice.value...order-new-found.children..": read(
        Case(
            lambda s: {"order-new-search.value": "Зеленоглаз"},
            RENTAL_DESK,
            shows=(MARK_NAME, MARK_PHONE),
        )
    ),
    "..order-new-phone.value...order-new-email.value..": read(
        Case(
            lambda s: {
                "order-new-choice.value": s.world.people[0],
                "order-new-customer-mode.value": "registered",
            },
            RENTAL_DESK,
            shows=(MARK_PHONE,),
        )
    ),
    "order-new-feedback.children": write(
        Case(_new_order, RENTAL_DESK, audit="order.create_coworking+order.record_payment")
    ),
    # --- events ---
    "events-body.children": read(
        Case(lambda s: {"events-past-limit.data": 30}, EVENT_DESK, shows=(MARK_EVENT,))
    ),
    "events-past-limit.data": anyone(
        lambda s: {"events-past-more.n_clicks": 1, "events-past-limit.data": 30}
    ),
    "..event-header.children...event-desk.hidden...event-tickets.hidden...checkin-counter.children"
    "...checkin-progress.value...checkin-progress.label...event-refresh.disabled..": read(
        Case(lambda s: {"event-id.data": str(s.t.event)}, EVENT_DESK, shows=(MARK_EVENT,))
    ),
    "..checkin-counter.children...checkin-progress.value...checkin-progress.label..": read(
        Case(
            lambda s: {"event-refresh.n_intervals": 1, "event-id.data": str(s.t.event)}, EVENT_DESK
        )
    ),
    "..checkin-result.children...checkin-result.className...checkin-input.value"
    "...checkin-counter.children...checkin-progress.value...checkin-progress.label"
    "...event-tickets-refresh.data..": write(
        Case(
            lambda s: {
                "checkin-input.n_submit": 1,
                "checkin-input.value": str(s.t.event_ticket),
                "event-id.data": str(s.t.event),
                "event-tickets-refresh.data": 0,
            },
            EVENT_DESK,
            audit="event_ticket.check_in",
        )
    ),
    "event-focus.data": clientside("keeps the focus in the scanner's field"),
    "event-tickets-filters.data": anyone(lambda s: {"event-tickets-search.value": "Зел"}),
    "event-tickets-sync.data <- event-tickets-filters.data": clientside("filters into the URL"),
    "event-tickets-sync.data <- event-tickets-refresh.data": clientside("grid refresh"),
    "event-tickets-sync.data <- live-revision.data": clientside(LIVE_GRID),
    f"{PAGES_LOCATION} <- event-tickets-grid.cellClicked": clientside("opens the clicked ticket"),
    grid_rows_key("event-tickets-grid"): read(
        Case(
            lambda s: {
                "event-tickets-grid.getRowsRequest": grid_request(),
                "event-tickets-filters.data": {},
                "event-id.data": str(s.t.event),
            },
            EVENT_DESK,
            shows=(MARK_NAME,),
        )
    ),
    grid_rows_key("event-tickets-grid", "id"): read(
        Case(
            lambda s: {
                "event-tickets-grid.id": "event-tickets-grid",
                "event-tickets-filters.data": {},
                "event-id.data": str(s.t.event),
            },
            EVENT_DESK,
            shows=(MARK_NAME, "prefetched"),
        )
    ),
    "..event-revert-modal.is_open...event-revert-text.children...event-revert-number.data..": read(
        Case(
            lambda s: {
                "event-tickets-grid.cellClicked": {"colId": "revert", "rowId": str(s.t.checked_in)}
            },
            EVENT_DESK,
            shows=(MARK_NAME,),
        )
    ),
    "..event-revert-modal.is_open...event-feedback.children...checkin-counter.children"
    "...checkin-progress.value...checkin-progress.label...event-tickets-refresh.data..": write(
        Case(
            lambda s: {
                "event-revert-confirm.n_clicks": 1,
                "event-revert-number.data": s.t.checked_in,
                "event-tickets-refresh.data": 0,
            },
            EVENT_DESK,
            audit="event_ticket.revert_check_in",
        )
    ),
    "event-ticket-body.children": read(
        Case(
            lambda s: {"event-ticket-number.data": str(s.t.event_ticket)},
            EVENT_DESK,
            shows=(MARK_NAME,),
        )
    ),
    "event-ticket-printed.data": clientside("prints the ticket"),
    # --- payments & balances ---
    "balances-filters.data": anyone(lambda s: {"balances-filter-customer.value": "Зел"}),
    "..balances-filter-bucket.value...balances-filter-customer.value"
    "...balances-filter-type.value..": anyone(lambda s: {"balances-filter-reset.n_clicks": 1}),
    "balances-filter-bucket.value": anyone(
        lambda s: {
            "balances-bucket.n_clicks": pattern("balances-bucket", {"bucket": "0-7"}),
            "balances-filter-bucket.value": [],
        }
    ),
    "balances-sync.data <- balances-filters.data": clientside("filters into the URL, grid refresh"),
    "balances-sync.data <- live-revision.data": clientside(LIVE_GRID),
    "payments-sync.data <- live-revision.data": clientside(LIVE_GRID),
    f"{PAGES_LOCATION} <- balances-grid.cellClicked": clientside("opens the clicked order"),
    BUCKETS_KEY: read(Case(lambda s: {"balances-filters.data": {}}, MONEY_READERS)),
    grid_rows_key("balances-grid"): read(
        Case(
            lambda s: {"balances-grid.getRowsRequest": grid_request(), "balances-filters.data": {}},
            MONEY_READERS,
            shows=(MARK_NAME,),
        )
    ),
    grid_rows_key("balances-grid", "id"): read(
        Case(
            lambda s: {"balances-grid.id": "balances-grid", "balances-filters.data": {}},
            MONEY_READERS,
            shows=(MARK_NAME, "prefetched"),
        )
    ),
    "payments-filters.data": anyone(lambda s: {"payments-filter-from.value": "2026-01-01"}),
    "..payments-filter-from.value...payments-filter-to.value..": anyone(
        lambda s: {"payments-preset.n_clicks": pattern("payments-preset", {"preset": "30-days"})}
    ),
    "payments-sync.data <- payments-filters.data": clientside("filters into the URL, grid refresh"),
    "payments-sync.data <- payments-grid.id": clientside(
        "block requests carry the last row's sort key"
    ),
    f"{PAGES_LOCATION} <- payments-grid.cellClicked": clientside("opens the paid order"),
    "payments-charts-for.data": clientside("the charts follow the journal's first rows"),
    "..payments-revenue.children...payments-charts.children..": read(
        Case(lambda s: {"payments-charts-for.data": {}}, MONEY_READERS)
    ),
    grid_rows_key("payments-grid"): read(
        Case(
            lambda s: {"payments-grid.getRowsRequest": grid_request(), "payments-filters.data": {}},
            MONEY_READERS,
            shows=(MARK_NAME,),
        )
    ),
    grid_rows_key("payments-grid", "id"): read(
        Case(
            lambda s: {"payments-grid.id": "payments-grid", "payments-filters.data": {}},
            MONEY_READERS,
            shows=(MARK_NAME, "prefetched"),
        )
    ),
    # --- import (admin) ---
    "..import-preview.children...import-file.data...import-confirm.disabled"
    "...import-feedback.children..": read(
        Case(
            lambda s: {
                "import-upload.contents": _people_file(s)["contents"],
                "import-upload.filename": "p.csv",
            },
            roles(ADMIN),
            shows=("Импортова Ирина",),
        )
    ),
    "..import-feedback.children...import-confirm.disabled...import-file.data"
    "...import-upload.contents..": write(
        Case(
            lambda s: {"import-confirm.n_clicks": 1, "import-file.data": _people_file(s)},
            roles(ADMIN),
            audit="people.import",
        )
    ),
    # --- exports ---
    "..exports-payments-link.href...exports-payments-link.disabled"
    "...exports-payments-note.children..": read(
        Case(
            lambda s: {
                "exports-payments-from.value": "2026-01-01",
                "exports-payments-to.value": "2026-01-31",
            },
            EXPORTERS,
            shows=("/exports/payments.csv",),
        )
    ),
    "..exports-orders-link.href...exports-orders-link.disabled"
    "...exports-orders-note.children..": read(
        Case(
            lambda s: {
                "exports-orders-from.value": "2026-01-01",
                "exports-orders-to.value": "2026-01-31",
            },
            EXPORTERS,
            shows=("/exports/orders.csv",),
        )
    ),
    "..exports-balances-link.href...exports-balances-link.disabled"
    "...exports-balances-note.children..": read(
        Case(
            lambda s: {"exports-balances-at.value": "2026-01-31"},
            EXPORTERS,
            shows=("/exports/balances.csv",),
        )
    ),
    # --- catalog (admin only) ---
    "..catalog-buildings-grid.rowData...catalog-buildings-rows.hidden"
    "...catalog-buildings-empty.children...catalog-rooms-grid.rowData...catalog-rooms-rows.hidden"
    "...catalog-rooms-empty.children...catalog-services-grid.rowData"
    "...catalog-services-rows.hidden...catalog-services-empty.children"
    "...catalog-tariffs-grid.rowData...catalog-tariffs-rows.hidden...catalog-tariffs-empty.children"
    "...catalog-room-building.options...catalog-room-building.value"
    "...catalog-seats-room.options...catalog-seats-room.value...catalog-service-room.options"
    "...catalog-service-room.value...catalog-tariff-service.options"
    "...catalog-tariff-service.value...catalog-price-tariff.options..": read(
        Case(
            lambda s: {"catalog-version.data": 0}, CATALOG_KEEPERS, shows=("Корпус А", "Open Space")
        )
    ),
    "..catalog-seats.children...catalog-seat-pick.options...catalog-seat-pick.value..": read(
        Case(
            lambda s: {"catalog-seats-room.value": str(s.world.room_id)},
            CATALOG_KEEPERS,
            shows=("data-seat-id",),
        )
    ),
    f"{CATALOG_FEEDBACK}...catalog-building-name.value..": write(
        Case(
            _catalog_form("catalog-building-save", catalog_building_name=_unique("Корпус")),
            CATALOG_KEEPERS,
            audit="building.create",
        )
    ),
    f"{CATALOG_FEEDBACK}...catalog-room-name.value..": write(
        Case(
            _catalog_form(
                "catalog-room-save",
                catalog_room_building=lambda s: str(_building_of(s)),
                catalog_room_name=_unique("Переговорная"),
                catalog_room_kind=lambda s: "meeting_room",
                catalog_room_capacity=lambda s: 8,
                catalog_room_hours=lambda s: "09:00–21:00",
            ),
            CATALOG_KEEPERS,
            audit="room.create",
        )
    ),
    f"{CATALOG_FEEDBACK}.. <- catalog-seats-save.n_clicks": write(
        Case(
            _catalog_form(
                "catalog-seats-save",
                catalog_seats_room=lambda s: str(s.world.room_id),
                catalog_seats_count=lambda s: 2,
            ),
            CATALOG_KEEPERS,
            audit="room.add_seats",
        )
    ),
    f"{CATALOG_FEEDBACK}...catalog-seat-label.value..": write(
        Case(
            _catalog_form(
                "catalog-seat-rename",
                catalog_seat_pick=lambda s: str(s.world.seats[0]),
                catalog_seat_label=_unique("У окна"),
            ),
            CATALOG_KEEPERS,
            audit="seat.rename",
        )
    ),
    f"{CATALOG_FEEDBACK}...catalog-service-name.value..": write(
        Case(
            _catalog_form(
                "catalog-service-save",
                catalog_service_name=_unique("Уборка"),
                catalog_service_type=lambda s: "simple",
                catalog_service_room=lambda s: "none",
                catalog_service_partial=lambda s: True,
                catalog_service_prepayment=lambda s: 30,
                catalog_service_cancellable=lambda s: True,
                catalog_service_min_remaining=lambda s: "50",
            ),
            CATALOG_KEEPERS,
            audit="service.create",
        )
    ),
    f"{CATALOG_FEEDBACK}...catalog-tariff-name.value..": write(
        Case(
            _catalog_form(
                "catalog-tariff-save",
                catalog_tariff_service=lambda s: str(s.world.services["simple"]),
                catalog_tariff_name=_unique("Мойка окон"),
                catalog_tariff_unit=lambda s: "piece",
                catalog_tariff_price=lambda s: "2 500,50",
            ),
            CATALOG_KEEPERS,
            audit="tariff.create",
        )
    ),
    f"{CATALOG_FEEDBACK}...catalog-price-value.value..": write(
        Case(
            _catalog_form(
                "catalog-price-save",
                catalog_price_tariff=lambda s: str(_fresh_tariff(s)),
                catalog_price_value=lambda s: "1 234,56",
            ),
            CATALOG_KEEPERS,
            audit="tariff.price",
        )
    ),
    f"{CATALOG_FEEDBACK}.. <- catalog-toggle-pressed.data": write(
        Case(
            lambda s: {
                "catalog-toggle-pressed.data": {
                    "thing": f"retire-tariff-{_fresh_tariff(s)}",
                    "at": 1,
                },
                "catalog-version.data": 0,
            },
            CATALOG_KEEPERS,
            audit="tariff.retire",
        )
    ),
}

# --- pages (dash.page_registry) ------------------------------------------------------------------


@dataclass(frozen=True)
class PageRule:
    path: Callable[[Targets], str]
    roles: frozenset[str]  # who may open it; the others see "no access" and get a 403
    status: int = 200  # what a role that may open it gets


PAGE_RULES: dict[str, PageRule] = {
    "pages.overview": PageRule(lambda t: "/", EVERYONE),
    "pages.today": PageRule(lambda t: "/today", TODAY_READERS),
    "pages.rooms": PageRule(lambda t: "/rooms", ROOM_READERS),
    "pages.orders": PageRule(lambda t: "/orders", ORDER_READERS),
    "pages.order_new": PageRule(lambda t: "/orders/new", RENTAL_DESK),
    "pages.order": PageRule(lambda t: f"/orders/{t.hotel}", ORDER_READERS),
    "pages.tickets": PageRule(lambda t: "/tickets", TICKET_READERS),
    "pages.ticket": PageRule(lambda t: f"/tickets/{t.ticket}", TICKET_READERS),
    "pages.occupancy": PageRule(lambda t: "/occupancy", OCCUPANCY_READERS),
    "pages.floor": PageRule(lambda t: "/floor", FLOOR_READERS),
    "pages.payments": PageRule(lambda t: "/payments", MONEY_READERS),
    "pages.events": PageRule(lambda t: "/events", EVENT_DESK),
    "pages.event": PageRule(lambda t: f"/events/{t.event}", EVENT_DESK),
    "pages.event_ticket": PageRule(lambda t: f"/event-tickets/{t.event_ticket}", EVENT_DESK),
    "pages.exports": PageRule(lambda t: "/exports", EXPORTERS),
    "pages.staff": PageRule(lambda t: "/staff", roles(ADMIN)),
    "pages.people_import": PageRule(lambda t: "/import", roles(ADMIN)),
    "pages.catalog": PageRule(lambda t: "/catalog", roles(ADMIN)),
    "pages.not_found_404": PageRule(lambda t: "/404", EVERYONE, status=404),
}

# --- Flask routes (server.url_map) ---------------------------------------------------------------

PUBLIC, STATIC, DASH, CALLBACKS, PAGE, GUARDED, LOGOUT = (
    "public",
    "static",
    "dash",
    "callbacks",
    "page",
    "guarded",
    "logout",
)


@dataclass(frozen=True)
class RouteRule:
    kind: str
    roles: frozenset[str] = EVERYONE  # GUARDED: who gets 200; the others 403
    path: Callable[[Targets], str] | None = None


def _component_script(t: Targets) -> str:
    return "_component_script"  # resolved from the index page (the fingerprint changes)


ROUTE_RULES: dict[str, RouteRule] = {
    "/login": RouteRule(PUBLIC, path=lambda t: "/login"),
    "/healthz": RouteRule(PUBLIC, path=lambda t: "/healthz"),
    "/bootstrap/static/<path:filename>": RouteRule(
        PUBLIC, path=lambda t: "/bootstrap/static/css/bootstrap.min.css"
    ),
    "/logout": RouteRule(LOGOUT),  # see tests/test_access_http.py
    # Every logged-in role polls; the answer names tables and order ids, no row's content.
    "/_live": RouteRule(GUARDED, EVERYONE, lambda t: "/_live"),
    "/exports/orders.csv": RouteRule(GUARDED, EXPORTERS, lambda t: "/exports/orders.csv"),
    "/exports/payments.csv": RouteRule(GUARDED, EXPORTERS, lambda t: "/exports/payments.csv"),
    "/exports/balances.csv": RouteRule(GUARDED, EXPORTERS, lambda t: "/exports/balances.csv"),
    "/event-tickets/<number>/qr.png": RouteRule(
        GUARDED, EVENT_DESK, lambda t: f"/event-tickets/{t.event_ticket}/qr.png"
    ),
    "/orders/<number>/invoice": RouteRule(
        GUARDED, RENTAL_ORDER_READERS, lambda t: f"/orders/{t.invoiced}/invoice"
    ),
    "/orders/<number>/act": RouteRule(
        GUARDED, RENTAL_ORDER_READERS, lambda t: f"/orders/{t.done}/act"
    ),
    "/assets/<path:filename>": RouteRule(STATIC, path=lambda t: "/assets/grid.js"),
    "/vendor/<path:name>": RouteRule(STATIC, path=lambda t: f"/vendor/{PLOTLY_BUNDLE}"),
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": RouteRule(
        STATIC, path=_component_script
    ),
    "/_dash-layout": RouteRule(DASH, path=lambda t: "/_dash-layout"),
    "/_dash-dependencies": RouteRule(DASH, path=lambda t: "/_dash-dependencies"),
    "/_reload-hash": RouteRule(DASH, path=lambda t: "/_reload-hash"),
    "/_favicon.ico": RouteRule(DASH, path=lambda t: "/_favicon.ico"),
    "/_dash-update-component": RouteRule(CALLBACKS),  # RULES
    "/": RouteRule(PAGE),  # PAGE_RULES
    "/<path:path>": RouteRule(PAGE),  # PAGE_RULES
}

# --- what every response must look like ----------------------------------------------------------

LEAKS = ("Traceback", "sqlalchemy", "SELECT ", "psycopg", "sqlite3", 'File "/')
TEXT_TYPES = ("text/html", "application/json", "text/csv", "text/plain")


def assert_clean(response, sent: str = "") -> None:
    """Security headers on the response, and no traceback or SQL in its text (unless
    the request itself ``sent`` that text, and the answer only repeats it)."""
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Referrer-Policy") == "same-origin"
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, policy
    if response.mimetype in TEXT_TYPES:
        text = response.get_data(as_text=True)
        for leak in LEAKS:
            assert leak not in text or leak in sent, f"{leak!r} in a {response.status_code} answer"


# --- fixtures ------------------------------------------------------------------------------------


@dataclass
class Access:
    site: Site
    world: World
    read: Targets  # records the read rules look at (never written to)
    windows: itertools.count = field(default_factory=lambda: itertools.count(1))

    def scene(self, targets: Targets | None = None) -> Scene:
        return Scene(self.site, self.world, targets or self.read)

    def fresh(self) -> Scene:
        """New records to write to, in a window of their own."""
        targets = build_targets(
            self.site.db, self.world, self.site.user_id(ADMIN), next(self.windows)
        )
        return self.scene(targets)


@pytest.fixture(scope="module")
def access(request, tmp_path_factory):
    site = Site(module_database_url(request, tmp_path_factory))
    world = base_world(site.db)
    read_targets = build_targets(site.db, world, site.user_id(ADMIN), 0)
    yield Access(site, world, read_targets)
    site.close()


WATCHED = (
    "buildings",
    "rooms",
    "seats",
    "services",
    "tariffs",
    "orders",
    "order_items",
    "payments",
    "coworking_tickets",
    "event_tickets",
    "messages",
    "audit_entries",
    "persons",
    "counters",
    "staff_users",
    "notifications",
)


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table an action may write."""
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    with db.read() as session:
        return {
            name: [
                tuple(row)
                for row in session.execute(
                    sa.select(tables[name]).order_by(*tables[name].primary_key.columns)
                )
            ]
            for name in WATCHED
        }


def audit_after(db, last_id: int) -> list[tuple[str, int | None]]:
    with db.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                sa.select(AuditEntry.action, AuditEntry.user_id)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
            )
        ]


def last_audit_id(db) -> int:
    with db.read() as session:
        return session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.id), 0)))


def cases_of(kind: str) -> list[tuple[str, int, str]]:
    return [
        pytest.param(key, index, role, id=f"{key}#{index}-{role}")
        for key, rule in RULES.items()
        if rule.kind == kind
        for index in range(len(rule.cases))
        for role in sorted(EVERYONE)
    ]


# --- completeness --------------------------------------------------------------------------------


def test_every_registered_callback_has_a_rule(access):
    """A callback added without a rule (or a rule left for a removed one) fails here."""
    registered = set(access.site.callbacks)
    assert registered - set(RULES) == set(), "callbacks without a rule"
    assert set(RULES) - registered == set(), "rules for callbacks the app does not have"


def test_the_browser_and_the_server_list_the_same_callbacks(access):
    served = {dep["output"] for dep in access.site.deps}
    assert served == set(access.site.app.callback_map)


def test_the_clientside_rules_are_exactly_the_clientside_callbacks(access):
    clientside_keys = {
        key for key, dep in access.site.callbacks.items() if dep.get("clientside_function")
    }
    assert clientside_keys == {key for key, rule in RULES.items() if rule.kind == CLIENTSIDE}


def test_every_callback_rule_is_complete():
    for key, rule in RULES.items():
        if rule.kind in (READ, WRITE):
            assert rule.cases, key
        for case in rule.cases:
            if rule.kind == WRITE:
                assert (case.audit is None) != (case.effect is None), key


def test_every_route_has_a_rule(access):
    registered = {rule.rule for rule in access.site.app.server.url_map.iter_rules()}
    assert registered == set(ROUTE_RULES)


def test_every_page_has_a_rule(access):
    assert {page["module"] for page in dash.page_registry.values()} == set(PAGE_RULES)


# --- anonymous -----------------------------------------------------------------------------------


def _concrete(rule: str) -> str:
    """A real address for a URL rule ("/tickets/<number>" → "/tickets/1")."""
    return re.sub(
        r"<(?:[^:>]+:)?([^>]+)>", lambda m: "x/y.js" if m.group(1) == "path" else "1", rule
    )


def test_every_route_refuses_an_anonymous_request(access):
    """Walks the server's own URL map, so a route added later is covered too."""
    client = access.site.anonymous()
    checked = 0
    for rule in access.site.app.server.url_map.iter_rules():
        if ROUTE_RULES[rule.rule].kind == PUBLIC:
            continue
        path = _concrete(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert_clean(response)
            assert response.status_code in (302, 401), (method, rule.rule, response.status_code)
            if response.status_code == 302:
                assert method == "GET"
                assert response.headers["Location"].startswith("/login?next=")
            checked += 1
    assert checked >= 12


@pytest.mark.parametrize("key", sorted(k for k, r in ROUTE_RULES.items() if r.kind == PUBLIC))
def test_public_routes_answer_without_a_login(access, key):
    rule = ROUTE_RULES[key]
    response = access.site.anonymous().get(rule.path(access.read))
    assert response.status_code == 200
    assert_clean(response)


@pytest.mark.parametrize("key", sorted(RULES))
def test_an_anonymous_callback_post_gets_401_and_no_data(access, key):
    rule = RULES[key]
    dep = access.site.callbacks[key]
    values = rule.cases[0].values(access.scene()) if rule.cases else {}
    before = snapshot(access.site.db) if rule.kind == WRITE else None
    response = post_callback(access.site.anonymous(), dep, values, csrf=False)
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}
    assert_clean(response)
    if before is not None:
        assert snapshot(access.site.db) == before


# --- callbacks, role by role ---------------------------------------------------------------------


@pytest.mark.parametrize("key", [k for k, r in RULES.items() if r.kind == CLIENTSIDE])
def test_a_post_naming_a_clientside_callback_is_refused(access, key):
    response = access.site.post(ADMIN, key, {})
    assert response.status_code == 400
    assert_clean(response)


@pytest.mark.parametrize(("key", "index", "role"), cases_of(READ))
def test_a_reading_callback_answers_only_the_roles_that_may_read(access, key, index, role):
    case = RULES[key].cases[index]
    response = access.site.post(role, key, case.values(access.scene()))
    assert_clean(response)
    text = answer_text(response)
    if role in case.roles:
        assert response.status_code == 200, text
        for shown in case.shows:
            assert shown in text, f"{role} should see {shown!r}"
    else:
        assert response.status_code in (200, 204), text
        if not case.shows:
            assert response.status_code == 204, f"{role} got an answer: {text[:300]}"
        for shown in case.shows:
            assert shown not in text, f"{role} may not see {shown!r}"


@pytest.mark.parametrize(("key", "index", "role"), cases_of(WRITE))
def test_a_writing_callback_writes_only_for_the_roles_that_may_write(access, key, index, role):
    case = RULES[key].cases[index]
    scene = access.fresh() if case.records else access.scene()
    values = case.values(scene)
    db = access.site.db
    before, last = snapshot(db), last_audit_id(db)
    response = access.site.post(role, key, values)
    assert_clean(response)
    text = answer_text(response)
    if role in case.roles:
        assert response.status_code == 200, text
        if case.audit:
            # One audit action, or several written together (the desk sale: the order,
            # then its payment).
            actions = case.audit.split("+")
            assert audit_after(db, last) == [(a, scene.staff(role)) for a in actions], text
        else:
            assert case.effect(scene, role), text
    else:
        assert response.status_code == 204 or REFUSED in text, text
        assert snapshot(db) == before, f"{role} was refused but something was written"


# --- pages, role by role -------------------------------------------------------------------------

PAGE_CALLBACK = ".._pages_content.children..._pages_store.data.."


@pytest.mark.parametrize(
    ("module", "role"), [(m, r) for m in sorted(PAGE_RULES) for r in sorted(EVERYONE)]
)
def test_a_page_opens_only_for_the_roles_that_may_open_it(access, module, role):
    rule = PAGE_RULES[module]
    path = rule.path(access.read)
    client = access.site.clients[role]
    page = client.get(path)
    assert_clean(page)
    allowed = role in rule.roles
    assert page.status_code == (rule.status if allowed else 403)
    content = access.site.post(
        role, PAGE_CALLBACK, {"_pages_location.pathname": path, "_pages_location.search": ""}
    )
    assert content.status_code == 200
    assert_clean(content)
    assert ("page-forbidden" in answer_text(content)) == (not allowed)


# --- routes, role by role ------------------------------------------------------------------------


def _address(access, rule: RouteRule) -> str:
    path = rule.path(access.read)
    if path == "_component_script":
        index = access.site.clients[ADMIN].get("/").get_data(as_text=True)
        path = re.search(r'src="(/_dash-component-suites/[^"]+)"', index).group(1)
    return path


@pytest.mark.parametrize(
    ("key", "role"),
    [
        (key, role)
        for key, rule in sorted(ROUTE_RULES.items())
        if rule.kind in (GUARDED, STATIC, DASH)
        for role in sorted(EVERYONE)
    ],
)
def test_a_route_answers_each_role_per_its_rule(access, key, role):
    rule = ROUTE_RULES[key]
    response = access.site.clients[role].get(_address(access, rule))
    assert_clean(response)
    assert response.status_code == (200 if role in rule.roles else 403)
