"""The catalog the operator keeps (SPEC §9.2): buildings, rooms, seats, services, tariffs.

Nothing is deleted: orders, tickets and bookings point at these rows, so a thing no
longer offered is retired (``is_active`` false) and stays readable. A retired thing is
not offered to new orders; what was sold on it keeps working. A price is copied into
the order's lines when it is sold, so changing it never alters an existing order.

Every action is the administrator's and writes one audit row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Building, Room, Seat, Service, Tariff
from models.places import seat_name
from models.statuses import RoomKind, ServiceType, Unit
from services import audit
from services.context import Actor
from services.errors import N_, DomainError, NotFound
from services.ids import is_row_id
from services.money import Money, parse_amount
from services.permissions import Action, require
from services.text import clean

NAME_LENGTH = 200
LABEL_LENGTH = 40
MAX_CAPACITY = 10_000
MAX_SEATS_AT_ONCE = 500
MAX_SEATS_PER_ROOM = 2_000
# No tariff of a business park costs ten million rubles: such a price is a typo.
MAX_PRICE_KOPECKS = 10_000_000 * 100
MAX_MIN_REMAINING_KOPECKS = 1_000_000 * 100
PLAN_SIZE = 1_000  # plan cells each way
PLAN_COLUMNS = 10  # the grid seats stand in until placed

# The units a tariff of each service type may be sold in. Piece tariffs of a coworking
# service are its modifiers (a locker, a printer), priced once per order; of a hotel,
# its extras (meals, a taxi).
UNITS_BY_TYPE: dict[ServiceType, tuple[Unit, ...]] = {
    ServiceType.COWORKING: (Unit.HOUR, Unit.DAY, Unit.MONTH, Unit.PIECE),
    ServiceType.BOOKING: (Unit.HOUR, Unit.DAY),
    ServiceType.HOTEL: (Unit.NIGHT, Unit.PIECE),
    ServiceType.EVENT: (Unit.PIECE,),
    ServiceType.SIMPLE: (Unit.PIECE, Unit.HOUR, Unit.DAY),
    ServiceType.REQUEST: (Unit.PIECE, Unit.HOUR),
    ServiceType.GOODS: (Unit.PIECE,),
}
# The kind of room a service of each type is sold in, and whether it needs one: a
# hotel service covers every hotel room, an event's hall is the event's own.
ROOM_KIND_BY_TYPE: dict[ServiceType, tuple[RoomKind, bool]] = {
    ServiceType.COWORKING: (RoomKind.COWORKING, True),
    ServiceType.BOOKING: (RoomKind.MEETING_ROOM, True),
    ServiceType.HOTEL: (RoomKind.HOTEL_ROOM, False),
    ServiceType.EVENT: (RoomKind.EVENT_HALL, False),
}

KINDS = ("building", "room", "seat", "service", "tariff")
_MODELS: dict[str, type] = {
    "building": Building,
    "room": Room,
    "seat": Seat,
    "service": Service,
    "tariff": Tariff,
}
_HOURS = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?$")
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f_']")


# --- what the page shows ------------------------------------------------------------------


@dataclass(frozen=True)
class BuildingRow:
    id: int
    name: str
    active: bool
    rooms: int


@dataclass(frozen=True)
class RoomRow:
    id: int
    building_id: int
    building: str
    name: str
    kind: str
    capacity: int
    hours: str  # "08:00–22:00", or "" round the clock
    active: bool
    seats: int  # active seats


@dataclass(frozen=True)
class SeatRow:
    id: int
    room_id: int
    number: int
    label: str  # the rename, or ""
    x: int  # on the plan: where placed, else a place in the grid
    y: int
    placed: bool
    active: bool


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    type: str
    room_id: int | None
    room: str
    partial: bool
    prepayment_percent: int
    cancellable: bool
    min_remaining_kopecks: int
    active: bool


@dataclass(frozen=True)
class TariffRow:
    id: int
    service_id: int
    service: str
    name: str
    unit: str
    price_kopecks: int
    active: bool


@dataclass(frozen=True)
class Catalog:
    buildings: list[BuildingRow]
    rooms: list[RoomRow]
    services: list[ServiceRow]
    tariffs: list[TariffRow]


def hours_text(opens: time | None, closes: time | None) -> str:
    if opens is None or closes is None:
        return ""
    return f"{opens:%H:%M}–{'24:00' if closes == time.max else f'{closes:%H:%M}'}"


def catalog(session: Session, actor: Actor) -> Catalog:
    """Everything the catalog holds, retired things included (they are marked)."""
    require(actor, Action.MANAGE_CATALOG)
    room_counts = dict(
        session.execute(select(Room.building_id, func.count()).group_by(Room.building_id)).all()
    )
    seat_counts = dict(
        session.execute(
            select(Seat.room_id, func.count())
            .where(Seat.is_active.is_(True))
            .group_by(Seat.room_id)
        ).all()
    )
    buildings = [
        BuildingRow(b.id, b.name, b.is_active, room_counts.get(b.id, 0))
        for b in session.scalars(select(Building).order_by(Building.name, Building.id))
    ]
    rooms = [
        RoomRow(
            r.id,
            r.building_id,
            building,
            r.name,
            r.kind,
            r.capacity,
            hours_text(r.opens_at, r.closes_at),
            r.is_active,
            seat_counts.get(r.id, 0),
        )
        for r, building in session.execute(
            select(Room, Building.name)
            .join(Building, Building.id == Room.building_id)
            .order_by(Building.name, Room.name, Room.id)
        )
    ]
    room_names = {r.id: r.name for r in rooms}
    services = [
        ServiceRow(
            s.id,
            s.name,
            s.type,
            s.room_id,
            room_names.get(s.room_id, ""),
            s.allows_partial_payment,
            s.prepayment_percent,
            s.allows_cancellation,
            s.min_remaining_kopecks,
            s.is_active,
        )
        for s in session.scalars(select(Service).order_by(Service.name, Service.id))
    ]
    tariffs = [
        TariffRow(t.id, t.service_id, service, t.name, t.unit, t.price_kopecks, t.is_active)
        for t, service in session.execute(
            select(Tariff, Service.name)
            .join(Service, Service.id == Tariff.service_id)
            .order_by(Service.name, Service.id, Tariff.name, Tariff.id)
        )
    ]
    return Catalog(buildings, rooms, services, tariffs)


def plan_cell(x: int | None, y: int | None, index: int) -> tuple[int, int]:
    """A seat's cell on its room's plan: where the admin placed it, else the ``index``-th
    cell of a grid of PLAN_COLUMNS a row (the seats of a room in number order). The
    catalog and the floor plan (``services.floor``) draw a room with it alike."""
    if x is not None and y is not None:
        return x, y
    return index % PLAN_COLUMNS, index // PLAN_COLUMNS


def seats(session: Session, actor: Actor, room_id: object) -> list[SeatRow]:
    """The seats of a room with their places on its plan: where the admin put each,
    else a sensible grid (ten a row, in number order) until placed."""
    require(actor, Action.MANAGE_CATALOG)
    if not is_row_id(room_id):
        return []
    rows = session.scalars(select(Seat).where(Seat.room_id == room_id).order_by(Seat.number)).all()
    return [
        SeatRow(
            s.id,
            s.room_id,
            s.number,
            s.label or "",
            *plan_cell(s.x, s.y, index),
            s.x is not None,
            s.is_active,
        )
        for index, s in enumerate(rows)
    ]


# --- what people type ---------------------------------------------------------------------


def _name(value: object, empty: str, limit: int = NAME_LENGTH) -> str:
    """A name as typed: control characters dropped, spaces collapsed; not empty."""
    text = " ".join(clean(value).split()) if isinstance(value, str) else ""
    if not text:
        raise DomainError(empty)
    if len(text) > limit:
        raise DomainError("A name is at most %(limit)d characters long.", limit=limit)
    return text


def _whole(value: object, message: str, low: int, high: int) -> int:
    """A whole number typed or sent between ``low`` and ``high``, else ``message``."""
    if isinstance(value, bool):
        raise DomainError(message, low=low, high=high)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        text = value.strip()
        if len(text) > 9:
            raise DomainError(message, low=low, high=high)
        number = int(text)
    else:
        raise DomainError(message, low=low, high=high)
    if not low <= number <= high:
        raise DomainError(message, low=low, high=high)
    return number


@dataclass(frozen=True)
class _Amount:
    """The refusals of one kind of amount, in words of its own."""

    empty: str
    negative: str
    too_large: str
    limit: int


PRICE = _Amount(
    N_("Enter the price in rubles, e.g. 1500 (0 for free)."),
    N_("A price cannot be negative."),
    N_("A price above %(limit)s is surely a typo; check the amount."),
    MAX_PRICE_KOPECKS,
)
MIN_REMAINING = _Amount(
    N_("Enter the minimum remaining balance in rubles, e.g. 50."),
    N_("The minimum remaining balance cannot be negative."),
    N_("A minimum remaining balance above %(limit)s is surely a typo; check the amount."),
    MAX_MIN_REMAINING_KOPECKS,
)


def _rubles(value: object, kind: _Amount) -> int:
    """Rubles as typed → kopecks: zero allowed (a free consultation), never negative,
    never absurd."""
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        raise DomainError(kind.empty)
    number = None
    try:
        if isinstance(value, str):
            number = Decimal(_NUMBER_SPACES.sub("", value).replace(",", ".").removesuffix("₽"))
        elif isinstance(value, int | float):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        number = None  # parse_amount says what is wrong with it
    if number is not None and number.is_finite():
        if number < 0:
            raise DomainError(kind.negative)
        if number == 0:
            return 0
    try:
        kopecks = parse_amount(value)
    except DomainError as error:
        if error.message != "The amount is too large.":
            raise
        kopecks = kind.limit + 1
    if kopecks > kind.limit:
        raise DomainError(kind.too_large, limit=Money(kind.limit))
    return kopecks


def parse_hours(value: object) -> tuple[time | None, time | None]:
    """Opening hours as typed: "08:00–22:00", "8-22", "9:30 - 18:00"; empty: round the
    clock. "24:00" closes at midnight."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None, None
    match = _HOURS.match(text)
    if match is None:
        raise DomainError(
            "Enter the opening hours as from–to, e.g. 08:00–22:00, or leave them empty."
        )
    oh, om, ch, cm = (int(part) if part else 0 for part in match.groups())
    if oh > 23 or om > 59 or cm > 59 or ch > 24 or (ch == 24 and cm):
        raise DomainError(
            "Enter the opening hours as from–to, e.g. 08:00–22:00, or leave them empty."
        )
    opens = time(oh, om)
    closes = time.max if ch == 24 else time(ch, cm)
    if closes <= opens:
        raise DomainError("The room must close after it opens.")
    return opens, closes


def _choice(value: object, kinds: type, message: str) -> Any:
    try:
        return kinds(value) if isinstance(value, str) else kinds(None)
    except ValueError:
        raise DomainError(message) from None


def _get(session: Session, kind: str, record_id: object, message: str, *, lock: bool = False):
    model = _MODELS[kind]
    found = None
    if is_row_id(record_id):
        query = select(model).where(model.id == record_id)
        found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(message)
    return found


def _taken(names: list[str], name: str) -> bool:
    """Whether ``name`` is among ``names``, case and spacing aside (casefolded in Python:
    SQLite's lower() folds ASCII only, and the names are Cyrillic)."""
    key = name.casefold()
    return any(" ".join(other.split()).casefold() == key for other in names)


def _record(session, actor, now, action, entity, entity_id, before, after) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        now=now,
    )


# --- buildings ----------------------------------------------------------------------------


def create_building(session: Session, actor: Actor, name: object, now: datetime) -> int:
    require(actor, Action.MANAGE_CATALOG)
    name = _name(name, N_("Enter the building's name."))
    if _taken(list(session.scalars(select(Building.name))), name):
        raise DomainError("A building named “%(name)s” exists already.", name=name)
    building = Building(name=name)
    session.add(building)
    session.flush()
    _record(session, actor, now, "building.create", "building", building.id, None, {"name": name})
    return building.id


# --- rooms --------------------------------------------------------------------------------


def create_room(
    session: Session,
    actor: Actor,
    building_id: object,
    name: object,
    kind: object,
    capacity: object,
    hours: object,
    now: datetime,
) -> int:
    require(actor, Action.MANAGE_CATALOG)
    building = _get(session, "building", building_id, N_("Choose a building (add one first)."))
    if not building.is_active:
        raise DomainError(
            "The building “%(name)s” is retired; bring it back before adding rooms.",
            name=building.name,
        )
    name = _name(name, N_("Enter the room's name."))
    kind = _choice(kind, RoomKind, N_("Choose the kind of room."))
    capacity = _whole(
        capacity, N_("The capacity is a whole number from %(low)d to %(high)d."), 0, MAX_CAPACITY
    )
    opens, closes = parse_hours(hours)
    names = list(session.scalars(select(Room.name).where(Room.building_id == building.id)))
    if _taken(names, name):
        raise DomainError(
            "The building “%(building)s” has a room named “%(name)s” already.",
            building=building.name,
            name=name,
        )
    room = Room(
        building_id=building.id,
        name=name,
        kind=kind.value,
        capacity=capacity,
        opens_at=opens,
        closes_at=closes,
    )
    session.add(room)
    session.flush()
    _record(
        session,
        actor,
        now,
        "room.create",
        "room",
        room.id,
        None,
        {
            "building_id": building.id,
            "name": name,
            "kind": kind.value,
            "capacity": capacity,
            "hours": hours_text(opens, closes),
        },
    )
    return room.id


def update_room(
    session: Session, actor: Actor, room_id: object, capacity: object, hours: object, now: datetime
) -> None:
    """A room's capacity and opening hours (its kind stays: services are sold in it)."""
    require(actor, Action.MANAGE_CATALOG)
    room = _get(session, "room", room_id, N_("There is no such room."), lock=True)
    capacity = _whole(
        capacity, N_("The capacity is a whole number from %(low)d to %(high)d."), 0, MAX_CAPACITY
    )
    opens, closes = parse_hours(hours)
    before = {"capacity": room.capacity, "hours": hours_text(room.opens_at, room.closes_at)}
    after = {"capacity": capacity, "hours": hours_text(opens, closes)}
    if before == after:
        raise DomainError("Nothing to change.")
    room.capacity, room.opens_at, room.closes_at = capacity, opens, closes
    _record(session, actor, now, "room.update", "room", room.id, before, after)


# --- seats --------------------------------------------------------------------------------


def add_seats(
    session: Session, actor: Actor, room_id: object, count: object, now: datetime
) -> list[int]:
    """``count`` numbered seats in a coworking room, numbered on after its highest
    (retired seats keep their numbers: a number is never given twice)."""
    require(actor, Action.MANAGE_CATALOG)
    room = _get(session, "room", room_id, N_("Choose a coworking room (add one first)."), lock=True)
    if room.kind != RoomKind.COWORKING.value:
        raise DomainError("Seats are added to coworking rooms only.")
    if not room.is_active:
        raise DomainError(
            "The room “%(name)s” is retired; bring it back before adding seats.", name=room.name
        )
    count = _whole(count, N_("Add from %(low)d to %(high)d seats at a time."), 1, MAX_SEATS_AT_ONCE)
    highest, total = session.execute(
        select(func.coalesce(func.max(Seat.number), 0), func.count()).where(Seat.room_id == room.id)
    ).one()
    if total + count > MAX_SEATS_PER_ROOM:
        raise DomainError(
            "A room holds at most %(limit)d seats; it has %(seats)d.",
            limit=MAX_SEATS_PER_ROOM,
            seats=total,
        )
    numbers = list(range(highest + 1, highest + count + 1))
    session.add_all(Seat(room_id=room.id, number=number) for number in numbers)
    session.flush()
    _record(
        session,
        actor,
        now,
        "room.add_seats",
        "room",
        room.id,
        {"seats": total},
        {"seats": total + count, "numbers": [numbers[0], numbers[-1]]},
    )
    return numbers


def rename_seat(session: Session, actor: Actor, seat_id: object, label: object, now: datetime):
    """A seat's own label ("Window 1") shown instead of its number; empty: the number."""
    require(actor, Action.MANAGE_CATALOG)
    seat = _get(session, "seat", seat_id, N_("There is no such seat."), lock=True)
    text = " ".join(clean(label).split()) if isinstance(label, str) else ""
    if len(text) > LABEL_LENGTH:
        raise DomainError("A name is at most %(limit)d characters long.", limit=LABEL_LENGTH)
    others = session.scalars(
        select(Seat.label).where(
            Seat.room_id == seat.room_id, Seat.id != seat.id, Seat.label.is_not(None)
        )
    ).all()
    if text and _taken(list(others), text):
        raise DomainError("Another seat of this room is named “%(name)s”.", name=text)
    if (seat.label or "") == text:
        raise DomainError("Nothing to change.")
    before = {"label": seat.label}
    seat.label = text or None
    _record(session, actor, now, "seat.rename", "seat", seat.id, before, {"label": seat.label})


def place_seat(
    session: Session, actor: Actor, seat_id: object, x: object, y: object, now: datetime
) -> None:
    """Put a seat on its room's plan (grid cells from the top left)."""
    require(actor, Action.MANAGE_CATALOG)
    seat = _get(session, "seat", seat_id, N_("There is no such seat."), lock=True)
    message = N_("A place on the plan is a whole number from %(low)d to %(high)d.")
    x, y = _whole(x, message, 0, PLAN_SIZE), _whole(y, message, 0, PLAN_SIZE)
    before = {"x": seat.x, "y": seat.y}
    seat.x, seat.y = x, y
    _record(session, actor, now, "seat.place", "seat", seat.id, before, {"x": x, "y": y})


# --- services -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceTerms:
    """How a service is paid for and cancelled (SPEC §2)."""

    partial: object = False
    prepayment_percent: object = 100
    cancellable: object = True
    min_remaining: object = "50"  # rubles


def _terms(terms: ServiceTerms) -> dict[str, Any]:
    partial = terms.partial is True
    percent = (
        _whole(
            terms.prepayment_percent,
            N_("The prepayment share is a whole percentage from %(low)d to %(high)d."),
            1,
            100,
        )
        if partial
        else 100
    )
    return {
        "allows_partial_payment": partial,
        "prepayment_percent": percent,
        "allows_cancellation": terms.cancellable is True,
        "min_remaining_kopecks": _rubles(terms.min_remaining, MIN_REMAINING),
    }


def create_service(
    session: Session,
    actor: Actor,
    name: object,
    service_type: object,
    room_id: object,
    now: datetime,
    terms: ServiceTerms | None = None,
) -> int:
    require(actor, Action.MANAGE_CATALOG)
    name = _name(name, N_("Enter the service's name."))
    kind = _choice(service_type, ServiceType, N_("Choose the type of service."))
    room = _service_room(session, kind, room_id)
    settings = _terms(terms or ServiceTerms())
    if _taken(list(session.scalars(select(Service.name))), name):
        raise DomainError("A service named “%(name)s” exists already.", name=name)
    service = Service(
        name=name, type=kind.value, room_id=room.id if room else None, is_active=True, **settings
    )
    session.add(service)
    session.flush()
    _record(
        session,
        actor,
        now,
        "service.create",
        "service",
        service.id,
        None,
        {"name": name, "type": kind.value, "room_id": service.room_id, **settings},
    )
    return service.id


def _service_room(session: Session, kind: ServiceType, room_id: object) -> Room | None:
    wanted, required = ROOM_KIND_BY_TYPE.get(kind, (None, False))
    chosen = room_id not in (None, "")
    if wanted is None:
        if chosen:
            raise DomainError("A service of this type is not sold in a room; choose no room.")
        return None
    if not chosen:
        if required:
            raise DomainError(_ROOM_NEEDED[wanted])
        return None
    room = _get(session, "room", room_id, _ROOM_NEEDED[wanted])
    if room.kind != wanted.value:
        raise DomainError(_ROOM_NEEDED[wanted])
    if not room.is_active:
        raise DomainError("The room “%(name)s” is retired; choose another.", name=room.name)
    return room


_ROOM_NEEDED: dict[RoomKind, str] = {
    RoomKind.COWORKING: N_("A coworking service is sold in a coworking room; choose one."),
    RoomKind.MEETING_ROOM: N_("A room booking is sold in a meeting room; choose one."),
    RoomKind.HOTEL_ROOM: N_("A hotel service is sold in hotel rooms; choose one or none."),
    RoomKind.EVENT_HALL: N_("An event is held in an event hall; choose one or none."),
}


def update_service_terms(
    session: Session, actor: Actor, service_id: object, terms: ServiceTerms, now: datetime
) -> None:
    """Payment and cancellation terms; orders already made keep what they were sold on
    (their amounts), new payments follow the new terms."""
    require(actor, Action.MANAGE_CATALOG)
    service = _get(session, "service", service_id, N_("There is no such service."), lock=True)
    settings = _terms(terms)
    before = {key: getattr(service, key) for key in settings}
    if before == settings:
        raise DomainError("Nothing to change.")
    for key, value in settings.items():
        setattr(service, key, value)
    _record(session, actor, now, "service.update", "service", service.id, before, settings)


# --- tariffs ------------------------------------------------------------------------------


def create_tariff(
    session: Session,
    actor: Actor,
    service_id: object,
    name: object,
    unit: object,
    price: object,
    now: datetime,
) -> int:
    require(actor, Action.MANAGE_CATALOG)
    service = _get(session, "service", service_id, N_("Choose a service (add one first)."))
    if not service.is_active:
        raise DomainError(
            "The service “%(name)s” is retired; bring it back before adding tariffs.",
            name=service.name,
        )
    name = _name(name, N_("Enter the tariff's name."))
    unit = _choice(unit, Unit, N_("Choose the unit of the tariff."))
    allowed = UNITS_BY_TYPE[ServiceType(service.type)]
    if unit not in allowed:
        raise DomainError(_UNIT_REFUSED[ServiceType(service.type)])
    kopecks = _rubles(price, PRICE)
    names = list(session.scalars(select(Tariff.name).where(Tariff.service_id == service.id)))
    if _taken(names, name):
        raise DomainError(
            "The service “%(service)s” has a tariff named “%(name)s” already.",
            service=service.name,
            name=name,
        )
    tariff = Tariff(service_id=service.id, name=name, unit=unit.value, price_kopecks=kopecks)
    session.add(tariff)
    session.flush()
    _record(
        session,
        actor,
        now,
        "tariff.create",
        "tariff",
        tariff.id,
        None,
        {"service_id": service.id, "name": name, "unit": unit.value, "price_kopecks": kopecks},
    )
    return tariff.id


_UNIT_REFUSED: dict[ServiceType, str] = {
    ServiceType.COWORKING: N_(
        "A coworking tariff is sold by the hour, day or month (or by the "
        "piece, for an extra such as a locker)."
    ),
    ServiceType.BOOKING: N_("A meeting room is booked by the hour or by the day."),
    ServiceType.HOTEL: N_("A hotel room is sold by the night (extras by the piece)."),
    ServiceType.EVENT: N_("An event ticket is sold by the piece."),
    ServiceType.SIMPLE: N_("A simple service is sold by the piece, the hour or the day."),
    ServiceType.REQUEST: N_("A request is priced by the piece or by the hour."),
    ServiceType.GOODS: N_("Goods are sold by the piece."),
}


def change_price(
    session: Session, actor: Actor, tariff_id: object, price: object, now: datetime
) -> None:
    """A tariff's new price, for orders made from now on: an order copies the price
    into its lines when it is made, so those made before keep theirs."""
    require(actor, Action.MANAGE_CATALOG)
    tariff = _get(session, "tariff", tariff_id, N_("There is no such tariff."), lock=True)
    kopecks = _rubles(price, PRICE)
    if kopecks == tariff.price_kopecks:
        raise DomainError("Nothing to change.")
    before = {"price_kopecks": tariff.price_kopecks}
    tariff.price_kopecks = kopecks
    _record(
        session, actor, now, "tariff.price", "tariff", tariff.id, before, {"price_kopecks": kopecks}
    )


# --- retire and bring back ----------------------------------------------------------------


def set_active(
    session: Session, actor: Actor, kind: object, record_id: object, active: bool, now: datetime
) -> str:
    """Retire a thing (no longer offered to new orders; what was sold on it stays) or
    bring it back. Returns its name."""
    require(actor, Action.MANAGE_CATALOG)
    if kind not in KINDS or not isinstance(active, bool):
        raise NotFound("There is no such thing in the catalog.")
    thing = _get(session, kind, record_id, N_("There is no such thing in the catalog."), lock=True)
    if thing.is_active == active:
        name = _display_name(thing)
        if active:
            raise DomainError("“%(name)s” is in use already.", name=name)
        raise DomainError("“%(name)s” is retired already.", name=name)
    if active:
        _check_parent_active(session, kind, thing)
    thing.is_active = active
    _record(
        session,
        actor,
        now,
        f"{kind}.{'activate' if active else 'retire'}",
        kind,
        thing.id,
        {"is_active": not active},
        {"is_active": active},
    )
    return _display_name(thing)


def _check_parent_active(session: Session, kind: str, thing: Any) -> None:
    parent = None
    if kind == "room":
        parent = session.get(Building, thing.building_id)
    elif kind == "seat":
        parent = session.get(Room, thing.room_id)
    elif kind == "tariff":
        parent = session.get(Service, thing.service_id)
    elif kind == "service" and thing.room_id is not None:
        parent = session.get(Room, thing.room_id)
    if parent is not None and not parent.is_active:
        raise DomainError("Bring “%(name)s” back into use first.", name=_display_name(parent))


def _display_name(thing: Any) -> str:
    if isinstance(thing, Seat):
        return seat_name(thing.label, thing.number)
    return thing.name
