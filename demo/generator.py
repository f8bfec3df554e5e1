"""The generator: a year of business written into an empty database.

``demo.seed`` is its entry; see the package's docstring for how it works.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlalchemy.orm import Session

from demo import shapes
from demo.catalogue import (
    AHEAD_DAYS,
    BOOKING_SHARE,
    BRING_SHARE,
    BUILDINGS,
    CHECKED_IN_SHARE,
    COMPANIES,
    COWORKING_MODIFIERS,
    COWORKING_ROOMS,
    COWORKING_SHARE,
    COWORKING_TARIFFS,
    CUSTOMER_QUESTIONS,
    DAY,
    DEAL_DAYS,
    EVENT_HALL,
    EVENT_SERIES,
    EVENT_SHARE,
    FEMALE_FIRST,
    FLUSH_ORDERS,
    FREE_KINDS,
    FUTURE,
    GOODS_SERVICES,
    GOODS_SETTLED,
    GOODS_STATUSES,
    GOODS_WEIGHTS,
    HOTEL_BUILDING,
    HOTEL_CATEGORIES,
    HOTEL_EXTRAS,
    HOTEL_NAME,
    HOTEL_SHARE,
    HOUR,
    INTERNAL_NOTES,
    LAST_NAMES,
    MAIL_DOMAINS,
    MALE_FIRST,
    MANUAL_CANCELS,
    MEETING_ROOMS,
    MESSAGE_SHARE,
    METHODS,
    MIN_ORDERS,
    MINUTE,
    MOSCOW,
    NARROW_NBSP,
    OFFICES,
    ORDER_COMMENTS,
    PAID_IN_FULL,
    PARTLY_REFUNDED_SHARE,
    PARTS,
    PAST,
    PATRONYMICS,
    PERIOD_STATUSES,
    RECORDED_BY_STAFF,
    REQUEST_SERVICES,
    RUNNING,
    SIMPLE_SERVICES,
    STAFF_REPLIES,
    STATUS_NOTES,
    THINGS_TO_BRING,
    TRANSLIT,
    VALIDATED_SHARE,
    WANTED_AT_SHARE,
    WORK_SETTLED,
    WORK_STATUSES,
)
from demo.staff import DEMO_PASSWORD, EXTRA_SERVICE_MANAGERS, create_demo_staff
from models import (
    Building,
    CoworkingTicket,
    Event,
    EventTicket,
    HotelBooking,
    Message,
    Order,
    OrderItem,
    Payment,
    Person,
    Room,
    RoomBooking,
    Seat,
    Service,
    StaffUser,
    Tariff,
    person_search_text,
)
from models.statuses import (
    CANCELLED_STATUSES,
    CoworkingVariant,
    MessageVisibility,
    PaymentKind,
    PaymentMethod,
    Role,
    RoomKind,
    ServiceType,
    Unit,
)
from models.statuses import OrderStatus as St
from services import balances, tallies
from services.errors import DomainError
from services.staff import hash_password


@dataclass
class SeedSummary:
    """Rows written per table, in the order ``describe`` lists them."""

    counts: dict[str, int]

    def describe(self) -> str:
        """``20,000 orders, 3,912 coworking tickets, 27,301 payments, …``"""
        return ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in self.counts.items())


T = TypeVar("T")


class _Pick(Generic[T]):
    """A weighted choice prepared once and drawn many times."""

    __slots__ = ("cum", "items")

    def __init__(self, weights: dict[T, float] | list[tuple[T, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, dict) else weights
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))

    def __call__(self, rng: Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def _deal(rng: Random, n: int, weights: dict[T, float]) -> list[T]:
    """``n`` labels in the proportions of ``weights``, shuffled.

    Unlike ``n`` independent draws, every label occurs once ``n`` allows it,
    so a small demo still shows every status.
    """
    labels = list(weights)
    total = sum(weights.values())
    exact = [n * weights[label] / total for label in labels]
    counts = [int(x) for x in exact]
    if n >= len(labels):
        counts = [max(1, c) for c in counts]
    by_remainder = sorted(range(len(labels)), key=lambda i: (counts[i] - exact[i], i))
    while sum(counts) < n:
        for i in by_remainder[: n - sum(counts)]:
            counts[i] += 1
    while sum(counts) > n:
        counts[counts.index(max(counts))] -= 1
    dealt = [label for label, count in zip(labels, counts, strict=True) for _ in range(count)]
    rng.shuffle(dealt)
    return dealt


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """``total`` split into integers in proportion to ``weights``."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _rubles(kopecks: int) -> str:
    """``5 500 ₽`` as the Russian interface shows money (SPEC §6)."""
    rubles, rest = divmod(kopecks, 100)
    whole = f"{rubles:,}".replace(",", NARROW_NBSP)
    return f"{whole},{rest:02d}{NARROW_NBSP}₽" if rest else f"{whole}{NARROW_NBSP}₽"


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _between(rng: Random, low: int, high: int) -> int:
    """A moment in [low, high]; ``low`` when the span is empty."""
    return low if high <= low else rng.randint(low, high)


def _split(rng: Random, total: int, parts: int, min_remaining: int) -> list[int]:
    """``total`` as up to ``parts`` whole-ruble payments, each leaving nothing or at
    least ``min_remaining`` to pay, as SPEC §4.4 requires of a recorded payment."""
    amounts = []
    left = total
    for _ in range(parts - 1):
        share = left * rng.randint(30, 70) // 10_000 * 100
        if share < 100 or left - share < min_remaining:
            break
        amounts.append(share)
        left -= share
    amounts.append(left)
    return amounts


def _prepayment(total: int, percent: int, min_remaining: int) -> int:
    """The prepayment of a partly paid order, leaving at least ``min_remaining``."""
    share = total * percent // 10_000 * 100
    return max(0, min(share, total - min_remaining))


def generate(
    engine: Engine,
    *,
    orders: int,
    seed: int,
    today: date,
    progress: Callable[[int], object] | None = None,
) -> SeedSummary:
    """What ``demo.seed`` does (see there), in one transaction of its own."""
    if orders < MIN_ORDERS:
        raise DomainError("The demo needs at least %(min)d orders.", min=MIN_ORDERS)
    with engine.begin() as connection:
        _refuse_unless_empty(connection)
        generator = _Generator(connection, orders=orders, rng=Random(seed), today=today)
        with tallies.bulk_write(connection), balances.bulk_ledger(connection):
            generator.run(progress)
        return SeedSummary(generator.counts)


def _refuse_unless_empty(connection: Connection) -> None:
    checks = (
        ("orders", Order),
        ("staff accounts", StaffUser),
        ("people", Person),
        ("buildings", Building),
        ("services", Service),
    )
    found = [
        what
        for what, model in checks
        if connection.scalar(select(func.count()).select_from(model.__table__))
    ]
    if found:
        raise DomainError(
            "The database already has %(what)s; demo data is only written into an empty database.",
            what=", ".join(found),
        )


class _Generator:
    def __init__(self, connection: Connection, *, orders: int, rng: Random, today: date) -> None:
        self.connection = connection
        self.orders = orders
        self.rng = rng
        self.clock = shapes.Clock(today)
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "orders",
                "coworking_tickets",
                "payments",
                "order_items",
                "messages",
                "events",
                "event_tickets",
                "hotel_bookings",
                "room_bookings",
                "persons",
                "staff_users",
                "buildings",
                "rooms",
                "seats",
                "services",
                "tariffs",
            ),
            0,
        )
        self.rows = shapes.Rows()
        self.next_id = dict.fromkeys(
            ("order", "item", "payment", "message", "ticket", "hotel", "room", "event_ticket"), 1
        )
        self.qr_tokens: set[str] = set()
        self.invoices_of_year: dict[int, int] = {}
        self.pick_method = _Pick(METHODS)
        self.planned_order: dict[ServiceType, Callable[[shapes.Plan], None]] = {
            ServiceType.COWORKING: self._coworking_order,
            ServiceType.BOOKING: self._booking_order,
            ServiceType.HOTEL: self._hotel_order,
            ServiceType.EVENT: self._event_order,
        }

    # -- driver --------------------------------------------------------------

    def run(self, progress: Callable[[int], object] | None) -> None:
        sqlite = self.connection.dialect.name == "sqlite"
        if sqlite:
            # A big page cache keeps the indexes in memory while millions of rows go in;
            # it is this connection's setting only, restored at the end.
            cache_size = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
            self.connection.exec_driver_sql("PRAGMA cache_size = -262144")
        self._staff()
        self._places()
        self._services()
        self._persons()
        self._events()
        plans = (
            self._plan_coworking()
            + self._plan_meeting_rooms()
            + self._plan_hotel()
            + self._plan_events()
        )
        self._deal_period_statuses(plans)
        self._write_year(plans, progress)
        if sqlite:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
        else:
            self._advance_sequences()

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.connection.execute(table.insert(), rows)
            self.counts[table.name] += len(rows)

    def _flush(self) -> None:
        for table, rows in self.rows.batches():
            self._insert(table, rows)
        self.rows = shapes.Rows()

    def _advance_sequences(self) -> None:
        """Rows got explicit ids, which PostgreSQL sequences do not notice: move each
        sequence past the highest id so that the app's own inserts do not collide."""
        for table in (
            Building,
            Room,
            Seat,
            Service,
            Tariff,
            Person,
            Event,
            Order,
            OrderItem,
            Payment,
            Message,
            CoworkingTicket,
            HotelBooking,
            RoomBooking,
            EventTicket,
        ):
            name = table.__tablename__
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT MAX(id) FROM {name})) WHERE EXISTS (SELECT 1 FROM {name})"
                )
            )

    # -- catalogue -----------------------------------------------------------

    def _staff(self) -> None:
        # argon2 is slow on purpose: one hash serves every demo account.
        password_hash = hash_password(DEMO_PASSWORD)
        created = _utc(self.clock.first - 30 * DAY)
        with Session(bind=self.connection) as session:
            create_demo_staff(session, password_hash=password_hash, created_at=created)
        self.connection.execute(
            StaffUser.__table__.insert(),
            [
                {
                    "email": email,
                    "name": name,
                    "role": Role.SERVICE_MANAGER.value,
                    "password_hash": password_hash,
                    "is_active": True,
                    "created_at": created,
                }
                for email, name in EXTRA_SERVICE_MANAGERS
            ],
        )
        ids = dict(self.connection.execute(select(StaffUser.email, StaffUser.id)).all())
        self.counts["staff_users"] = len(ids)
        self.rental = ids["rental@parkdesk.local"]
        self.events_manager = ids["events@parkdesk.local"]
        self.service_staff = [ids["service@parkdesk.local"]] + [
            ids[email] for email, _ in EXTRA_SERVICE_MANAGERS
        ]

    def _places(self) -> None:
        self._insert(
            Building.__table__,
            [
                {"id": i, "name": name, "address": address}
                for i, (name, address, _) in enumerate(BUILDINGS, 1)
            ],
        )
        rooms: list[dict[str, Any]] = []

        def room(building: int, name: str, kind: RoomKind, capacity: int) -> int:
            rooms.append(
                {
                    "id": len(rooms) + 1,
                    "building_id": building + 1,
                    "name": name,
                    "kind": kind.value,
                    "capacity": capacity,
                }
            )
            return len(rooms)

        # 500 seats at a million orders, fewer for a smaller demo.
        total_seats = min(500, max(40, self.orders // 2000))
        seat_counts = _largest_remainder(total_seats, [r[3] for r in COWORKING_ROOMS])
        seats: list[dict[str, Any]] = []
        self.coworking_rooms: list[tuple[int, list[int]]] = []  # room id, seat ids
        for (building, name, _, _, _), count in zip(COWORKING_ROOMS, seat_counts, strict=True):
            room_id = room(building, name, RoomKind.COWORKING, count)
            first = len(seats) + 1
            seats.extend(
                {"id": first + n, "room_id": room_id, "number": n + 1} for n in range(count)
            )
            self.coworking_rooms.append((room_id, list(range(first, first + count))))
        self.meeting_rooms = [
            room(b, name, RoomKind.MEETING_ROOM, capacity) for b, name, capacity, _ in MEETING_ROOMS
        ]
        self.hotel_rooms: list[tuple[int, int, int]] = []  # room id, category, guests
        for category, (_, _, guests, numbers) in enumerate(HOTEL_CATEGORIES):
            for number in numbers:
                room_id = room(HOTEL_BUILDING, f"Номер {number}", RoomKind.HOTEL_ROOM, guests)
                self.hotel_rooms.append((room_id, category, guests))
        self.hotel_guests = {room_id: guests for room_id, _, guests in self.hotel_rooms}
        self.hall = room(EVENT_HALL[0], EVENT_HALL[1], RoomKind.EVENT_HALL, EVENT_HALL[2])
        self._insert(Room.__table__, rooms)
        self._insert(Seat.__table__, seats)
        self.room_names = {r["id"]: r["name"] for r in rooms}
        self.delivery_places = [f"{short}, офис {n}" for _, _, short in BUILDINGS for n in OFFICES]

    def _services(self) -> None:
        services: list[shapes.Service] = []
        tariff_ids = itertools.count(1)

        def service(
            name: str,
            kind: ServiceType,
            tariffs: Iterable[tuple[str, Unit, int, int]],
            **settings: Any,
        ) -> shapes.Service:
            made = shapes.Service(
                len(services) + 1,
                name,
                kind,
                [
                    shapes.Tariff(next(tariff_ids), t, unit.value, price, most)
                    for t, unit, price, most in tariffs
                ],
                **settings,
            )
            services.append(made)
            return made

        self.coworking_services: dict[int, shapes.Service] = {}
        for (_, _, name, _, factor), (room_id, _) in zip(
            COWORKING_ROOMS, self.coworking_rooms, strict=True
        ):
            self.coworking_services[room_id] = service(
                name,
                ServiceType.COWORKING,
                [
                    (t, unit, int(round(price * factor, -4)), 1)
                    for t, unit, price in COWORKING_TARIFFS
                ]
                # The modifiers (seed 004): by the piece, a price with a day's booking
                # and one with a month's; after the bookable tariffs.
                + [
                    (f"{item}, {period}", Unit.PIECE, price, 1)
                    for item, per_day, per_month in COWORKING_MODIFIERS.values()
                    for period, price in (("день", per_day), ("месяц", per_month))
                ],
                room_id=room_id,
                partial=True,
                prepayment_percent=(30, 40, 50)[room_id % 3],  # rooms differ in their terms
            )
        self.meeting_services = {
            room_id: service(
                name, ServiceType.BOOKING, [("Час", Unit.HOUR, price, 1)], room_id=room_id
            )
            for room_id, (_, name, _, price) in zip(self.meeting_rooms, MEETING_ROOMS, strict=True)
        }
        self.hotel_service = service(
            HOTEL_NAME,
            ServiceType.HOTEL,
            [(category, Unit.NIGHT, price, 1) for category, price, _, _ in HOTEL_CATEGORIES],
            partial=True,
            prepayment_percent=50,
        )
        self.event_services = [
            service(
                name,
                ServiceType.EVENT,
                [(t, Unit.PIECE, price, 3) for t, price in tariffs],
                room_id=self.hall,
            )
            for name, tariffs, _, _, _, _ in EVENT_SERIES
        ]
        self.free_services: dict[ServiceType, list[shapes.Service]] = {
            ServiceType.SIMPLE: [
                service(name, ServiceType.SIMPLE, tariffs, cancellable=ok, descriptions=texts)
                for name, ok, tariffs, texts in SIMPLE_SERVICES
            ],
            ServiceType.REQUEST: [
                service(name, ServiceType.REQUEST, tariffs, cancellable=ok, descriptions=texts)
                for name, ok, tariffs, texts in REQUEST_SERVICES
            ],
            ServiceType.GOODS: [
                service(
                    name,
                    ServiceType.GOODS,
                    [(dish, Unit.PIECE, price, 3) for dish, price in dishes],
                    weight=weight,
                )
                for (name, dishes), weight in zip(GOODS_SERVICES, GOODS_WEIGHTS, strict=True)
            ],
        }
        self._insert(
            Service.__table__,
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "type": s.type.value,
                    "description": None,
                    "room_id": s.room_id,
                    "allows_partial_payment": s.partial,
                    "prepayment_percent": s.prepayment_percent if s.partial else 100,
                    "allows_cancellation": s.cancellable,
                    "min_remaining_kopecks": s.min_remaining,
                    "is_active": True,
                }
                for s in services
            ],
        )
        self._insert(
            Tariff.__table__,
            [
                {
                    "id": t.id,
                    "service_id": s.id,
                    "name": t.name,
                    "unit": t.unit,
                    "price_kopecks": t.price,
                }
                for s in services
                for t in s.tariffs
            ],
        )
        self.pick_free_kind = _Pick(FREE_KINDS)
        self.pick_goods = _Pick([(s, s.weight) for s in self.free_services[ServiceType.GOODS]])

    def _persons(self) -> None:
        rng, clock = self.rng, self.clock
        count = max(200, self.orders // 8)
        rows = []
        emails: set[str] = set()  # only asked "taken?", never iterated
        self.phones: list[str | None] = [None]  # by person id
        self.emails: list[str | None] = [None]
        self.names: list[str] = [""]
        self.colleagues: dict[int, list[int]] = {}  # company -> person ids
        self.company_of: list[int | None] = [None]
        for person_id in range(1, count + 1):
            last, first, middle = self._name()
            company = rng.randrange(len(COMPANIES)) if rng.random() < 0.7 else None
            phone = (
                f"+7 9{rng.randint(0, 99):02d} {rng.randint(0, 999):03d}-"
                f"{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
            )
            email = None
            if rng.random() < 0.9:
                domain = COMPANIES[company][1] if company is not None else None
                if domain is None or rng.random() < 0.4:
                    domain = rng.choice(MAIL_DOMAINS)
                first_l, last_l = (
                    first.lower().translate(TRANSLIT),
                    last.lower().translate(TRANSLIT),
                )
                local = rng.choice(
                    (
                        f"{first_l}.{last_l}",
                        f"{first_l[0]}.{last_l}",
                        f"{last_l}{rng.randint(70, 99)}",
                        f"{first_l}{last_l}",
                    )
                )
                email = f"{local}@{domain}"
                suffix = 1
                while email in emails:
                    suffix += 1
                    email = f"{local}{suffix}@{domain}"
                emails.add(email)
            rows.append(
                {
                    "id": person_id,
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "phone": phone,
                    "email": email,
                    "company": COMPANIES[company][0] if company is not None else None,
                    "search_text": person_search_text(last, first, middle),
                    "created_at": _utc(clock.first - rng.randint(DAY, 400 * DAY)),
                }
            )
            self.phones.append(phone)
            self.emails.append(email)
            self.names.append(f"{first} {last}")
            self.company_of.append(company)
            if company is not None:
                self.colleagues.setdefault(company, []).append(person_id)
            if len(rows) == FLUSH_ORDERS:
                self._insert(Person.__table__, rows)
                rows = []
        self._insert(Person.__table__, rows)
        # Some customers order much more often than others (a Zipf-like tail).
        self.customer_cum = list(itertools.accumulate(1 / (i + 5) ** 0.8 for i in range(count)))
        self.person_ids = list(range(1, count + 1))

    def _name(self) -> tuple[str, str, str | None]:
        rng = self.rng
        female = rng.random() < 0.45
        last = rng.choice(LAST_NAMES)
        if female:
            if last.endswith(("ов", "ёв", "ев", "ин")):
                last += "а"
            elif last.endswith(("ский", "цкий", "ой")):
                last = last[:-2] + "ая"
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        middle = rng.choice(PATRONYMICS)[female] if rng.random() < 0.9 else None
        return last, first, middle

    def _events(self) -> None:
        rng, clock = self.rng, self.clock
        pick_series = _Pick({i: series[4] for i, series in enumerate(EVENT_SERIES)})
        editions = [0] * len(EVENT_SERIES)
        self.events: list[shapes.Event] = []
        for week in range(0, clock.bookable_days, 7):
            days = [
                d
                for d in range(week, min(week + 7, clock.bookable_days))
                if clock.dates[d].weekday() < 6
            ]
            for day in sorted(rng.sample(days, min(len(days), rng.choice((2, 3, 3, 4))))):
                index = pick_series(rng)
                name, _, hour, minutes, _, topics = EVENT_SERIES[index]
                editions[index] += 1
                start = clock.at(day, hour)
                self.events.append(
                    shapes.Event(
                        len(self.events) + 1,
                        self.event_services[index],
                        f"{name}: {rng.choice(topics)} (№{editions[index]})",
                        start,
                        start + minutes * MINUTE,
                        rng.randrange(50, 301, 10),
                    )
                )
        self._insert(
            Event.__table__,
            [
                {
                    "id": e.id,
                    "title": e.title,
                    "service_id": e.service.id,
                    "room_id": self.hall,
                    "starts_at": _utc(e.start),
                    "ends_at": _utc(e.end),
                    "capacity": e.capacity,
                }
                for e in self.events
            ],
        )

    # -- timelines -----------------------------------------------------------

    def _created(self, start: int, lead: int) -> int:
        """When an order for something starting at ``start`` was placed, ``lead``
        seconds ahead — kept inside the demo year and at least an hour before now."""
        rng, clock = self.rng, self.clock
        latest = min(start, clock.now - HOUR)
        created = start - lead
        if created > latest:
            created = latest - rng.randint(0, 2 * DAY)
        if created < clock.first:
            created = clock.first + rng.randint(0, max(0, latest - clock.first))
        return created

    def _plan_coworking(self) -> list[shapes.Plan]:
        """Tickets per seat, walking each seat's timeline forward day by day, so that
        no two tickets of a seat ever overlap (cancelled ones included)."""
        rng, clock = self.rng, self.clock
        seats = [(room_id, seat) for room_id, seat_ids in self.coworking_rooms for seat in seat_ids]
        busyness = [clock.busyness(d) for d in range(clock.bookable_days)]
        per_seat = COWORKING_SHARE * self.orders / len(seats)
        density = per_seat / sum(busyness)  # tickets per seat per ordinary day
        # A month pass blocks its seat for 30 days: the busier the seats, the rarer
        # month passes, else the walk could not place the tickets asked for.
        month_share = min(0.10, 0.35 / (29 * density))
        day_share = (1 - month_share) * 0.4
        per_used_day = month_share + day_share + (1 - month_share - day_share) * 2.0
        use_chance = density / (per_used_day - 29 * month_share * density)
        # One month pass per room covers today, so that tickets are active whenever
        # the demo is opened.
        anchors = {
            seat_ids[0]: clock.today - rng.randint(3, 25) for _, seat_ids in self.coworking_rooms
        }
        plans: list[shapes.Plan] = []
        for room_id, seat in seats:
            service = self.coworking_services[room_id]
            hourly, daily, monthly = service.tariffs[: len(COWORKING_TARIFFS)]
            anchor = anchors.get(seat, clock.bookable_days + 30)
            day = 0
            while day < clock.bookable_days:
                if day == anchor:
                    plans.append(
                        self._ticket(
                            service,
                            monthly,
                            seat,
                            clock.at(day, 0),
                            clock.at(day + 30, 0),
                            1,
                            day,
                            lead=5 * DAY,
                        )
                    )
                    plans[-1].status, plans[-1].pinned = St.CONFIRMED, True
                    day += 30
                    continue
                if rng.random() >= use_chance * busyness[day]:
                    day += 1
                    continue
                r = rng.random()
                if r < month_share and day + 30 <= anchor:
                    plans.append(
                        self._ticket(
                            service,
                            monthly,
                            seat,
                            clock.at(day, 0),
                            clock.at(day + 30, 0),
                            1,
                            day,
                            lead=rng.randint(DAY, 20 * DAY),
                        )
                    )
                    day += 30
                    continue
                if r < month_share + day_share:
                    plans.append(
                        self._ticket(
                            service,
                            daily,
                            seat,
                            clock.at(day, 9),
                            clock.at(day, 21),
                            1,
                            day,
                            lead=rng.randint(HOUR, 7 * DAY),
                        )
                    )
                else:
                    hour = 9
                    for _ in range(rng.choice((1, 2, 2, 3))):
                        hour += rng.choice((0, 0, 1, 2))
                        length = rng.choice((2, 2, 3, 4))
                        if hour + length > 21:
                            break
                        plans.append(
                            self._ticket(
                                service,
                                hourly,
                                seat,
                                clock.at(day, hour),
                                clock.at(day, hour + length),
                                length,
                                day,
                                lead=rng.randint(30 * MINUTE, 2 * DAY),
                            )
                        )
                        hour += length
                day += 1
        return plans

    def _ticket(
        self,
        service: shapes.Service,
        tariff: shapes.Tariff,
        seat: int,
        start: int,
        end: int,
        quantity: int,
        day: int,
        *,
        lead: int,
    ) -> shapes.Plan:
        return shapes.Plan(
            ServiceType.COWORKING,
            self._created(start, lead),
            start,
            end,
            service,
            tariff,
            seat,
            quantity,
            day,
        )

    def _plan_meeting_rooms(self) -> list[shapes.Plan]:
        """Meeting-room bookings, placed one after another within each room's day."""
        rng, clock = self.rng, self.clock
        busyness = [clock.busyness(d) for d in range(clock.bookable_days)]
        target = BOOKING_SHARE * self.orders
        per_day = min(3.5, target / (len(self.meeting_rooms) * sum(busyness)))
        plans = []
        for room_id in self.meeting_rooms:
            service = self.meeting_services[room_id]
            for day in range(clock.bookable_days):
                expected = per_day * busyness[day]
                count = int(expected) + (rng.random() < expected - int(expected))
                hour = 9
                for _ in range(count):
                    hour += rng.choice((0, 1, 1, 2, 3))
                    length = rng.choice((1, 1, 2, 2, 3))
                    if hour + length > 21:
                        break
                    start = clock.at(day, hour)
                    plans.append(
                        shapes.Plan(
                            ServiceType.BOOKING,
                            self._created(start, rng.randint(HOUR, 10 * DAY)),
                            start,
                            clock.at(day, hour + length),
                            service,
                            service.tariffs[0],
                            room_id,
                            length,
                            day,
                        )
                    )
                    hour += length
        return plans

    def _plan_hotel(self) -> list[shapes.Plan]:
        """Hotel stays, one after another per room, with gaps sized for the target."""
        rng, clock = self.rng, self.clock
        nights_pick = _Pick({1: 20, 2: 25, 3: 20, 4: 12, 5: 8, 7: 8, 10: 4, 14: 3})
        mean_nights = 3.6
        target = HOTEL_SHARE * self.orders
        occupancy = min(0.85, target * mean_nights / (len(self.hotel_rooms) * clock.bookable_days))
        mean_gap = mean_nights * (1 - occupancy) / occupancy
        plans = []
        for room_id, category, _ in self.hotel_rooms:
            tariff = self.hotel_service.tariffs[category]
            day = int(rng.expovariate(1 / mean_gap))
            while day < clock.bookable_days:
                # Far-off nights are not booked up yet.
                if day > clock.today and rng.random() < (day - clock.today) / (AHEAD_DAYS + 30):
                    day += 1
                    continue
                nights = nights_pick(rng)
                start, end = clock.at(day, 14), clock.at(day + nights, 12)
                plans.append(
                    shapes.Plan(
                        ServiceType.HOTEL,
                        self._created(start, int(rng.expovariate(1 / (10 * DAY))) + HOUR),
                        start,
                        end,
                        self.hotel_service,
                        tariff,
                        room_id,
                        nights,
                        day,
                    )
                )
                day += nights + int(rng.expovariate(1 / mean_gap))
        return plans

    def _plan_events(self) -> list[shapes.Plan]:
        """Ticket orders per event, never more tickets than the hall's seats for it."""
        rng, clock = self.rng, self.clock
        target = EVENT_SHARE * self.orders
        sellable = []
        for event in self.events:
            if event.start < clock.now:
                fill = rng.uniform(0.45, 0.95)
            else:
                fill = rng.uniform(0.2, 0.7) * (1 - (event.start - clock.now) / (90 * DAY))
            sellable.append(max(1, int(event.capacity * fill)))
        shares = _largest_remainder(min(round(target), sum(sellable)), sellable)
        tickets_pick = _Pick({1: 65, 2: 25, 3: 10})
        plans = []
        for event, share, most in zip(self.events, shares, sellable, strict=True):
            sold = 0
            tariff_pick = _Pick(
                [(t, 6 if i == 0 else 2) for i, t in enumerate(event.service.tariffs)]
            )
            for _ in range(share):
                tickets = min(tickets_pick(rng), most - sold)
                if tickets <= 0:
                    break
                sold += tickets
                lead = min(45 * DAY, int(rng.expovariate(1 / (7 * DAY)))) + HOUR
                plans.append(
                    shapes.Plan(
                        ServiceType.EVENT,
                        self._created(event.start, lead),
                        event.start,
                        event.end,
                        event.service,
                        tariff_pick(rng),
                        event.id,
                        tickets,
                        clock.day_of(event.start),
                    )
                )
        return plans

    def _deal_period_statuses(self, plans: list[shapes.Plan]) -> None:
        pools: dict[tuple[ServiceType, str], list[shapes.Plan]] = {}
        for plan in plans:
            if not plan.pinned:
                pools.setdefault((plan.kind, self._phase(plan)), []).append(plan)
        for (_, phase), pool in pools.items():
            weights = PERIOD_STATUSES[phase]
            if not pool[0].service.partial:
                weights = {s: w for s, w in weights.items() if s != St.CONFIRMED_BALANCE_DUE}
            for plan, status in zip(pool, _deal(self.rng, len(pool), weights), strict=True):
                plan.status = status

    def _phase(self, plan: shapes.Plan) -> str:
        now = self.clock.now
        return PAST if plan.end <= now else RUNNING if plan.start <= now else FUTURE

    # -- the year, day by day ------------------------------------------------

    def _write_year(
        self, plans: list[shapes.Plan], progress: Callable[[int], object] | None
    ) -> None:
        rng, clock = self.rng, self.clock
        # Each day's orders as (created, kind, plan or status).
        by_day: list[list[tuple[int, ServiceType, shapes.Plan | St]]] = [
            [] for _ in range(clock.today)
        ]
        for plan in plans:
            by_day[clock.day_of(plan.created)].append((plan.created, plan.kind, plan))
        free = self.orders - len(plans)
        weights = [clock.busyness(d) * (0.8 + 0.4 * d / clock.today) for d in range(clock.today)]
        per_day = _largest_remainder(free, weights)
        for day, created, kind, status in self._recent_free_orders(per_day):
            by_day[day].append((created, kind, status))
        settled = {
            ServiceType.GOODS: _Pick(GOODS_SETTLED),
            ServiceType.SIMPLE: _Pick(WORK_SETTLED),
            ServiceType.REQUEST: _Pick(WORK_SETTLED),
        }

        for day in range(clock.today):
            todays = by_day[day]
            if day < clock.today - DEAL_DAYS:
                todays += [
                    (created, kind, settled[kind](rng))
                    for created, kind in self._free_orders(day, per_day[day])
                ]
            todays.sort(key=lambda entry: entry[0])  # stable: ties keep their order
            for created, kind, detail in todays:
                if isinstance(detail, shapes.Plan):
                    self.planned_order[detail.kind](detail)
                else:
                    self._free_order(kind, created, detail)
            by_day[day] = []
            buffered = len(self.rows.orders) + len(self.rows.form_orders)
            if buffered >= FLUSH_ORDERS or day == clock.today - 1:
                self._flush()
                if progress is not None:
                    progress(buffered)

    def _recent_free_orders(self, per_day: list[int]) -> list[tuple[int, int, ServiceType, St]]:
        """The last fortnight's free orders with dealt statuses, so that even a small
        demo has orders in work and awaiting confirmation: (day, created, kind, status)."""
        clock = self.clock
        made: list[tuple[int, int, ServiceType]] = []
        pools: dict[tuple[bool, int], list[int]] = {}  # (goods?, age band) -> indexes
        for day in range(clock.today - DEAL_DAYS, clock.today):
            for created, kind in self._free_orders(day, per_day[day]):
                goods = kind == ServiceType.GOODS
                age = clock.now - created
                bands = GOODS_STATUSES if goods else WORK_STATUSES
                band = next((i for i, (younger, _) in enumerate(bands) if age < younger), -1)
                pools.setdefault((goods, band), []).append(len(made))
                made.append((day, created, kind))
        statuses: list[St] = [St.NEW] * len(made)
        for (goods, band), indexes in pools.items():
            if band >= 0:
                weights = (GOODS_STATUSES if goods else WORK_STATUSES)[band][1]
            else:
                weights = GOODS_SETTLED if goods else WORK_SETTLED
            for index, status in zip(indexes, _deal(self.rng, len(indexes), weights), strict=True):
                statuses[index] = status
        return [
            (day, created, kind, status)
            for (day, created, kind), status in zip(made, statuses, strict=True)
        ]

    def _free_orders(self, day: int, count: int) -> list[tuple[int, ServiceType]]:
        """A day's orders of simple services, requests and the cafe: when and which kind."""
        rng, clock = self.rng, self.clock
        orders = []
        for _ in range(count):
            kind = self.pick_free_kind(rng)
            if kind == ServiceType.GOODS:  # lunchtime
                created = clock.at(day, 11) + rng.randint(0, 4 * HOUR)
            else:
                created = clock.at(day, 8) + rng.randint(0, 12 * HOUR)
            orders.append((created, kind))
        return orders

    # -- orders --------------------------------------------------------------

    def _customer(self) -> int:
        return self.rng.choices(self.person_ids, cum_weights=self.customer_cum)[0]

    def _someone(self) -> int:
        return self.rng.randint(1, len(self.person_ids))

    def _payer(self, customer: int) -> int:
        """Usually the customer; sometimes a colleague of the same company pays."""
        company = self.company_of[customer]
        if company is None or self.rng.random() < 0.9:
            return customer
        return self.rng.choice(self.colleagues[company])

    def _coworking_order(self, plan: shapes.Plan) -> None:
        rng = self.rng
        service, tariff = plan.service, plan.tariff
        customer = self._customer()
        visitor = customer if rng.random() < 0.8 else self._someone()
        monthly = tariff.unit == Unit.MONTH.value
        items = [
            (f"{service.name}, тариф «{tariff.name}»", plan.quantity, tariff.unit, tariff.price)
        ]
        modifiers: list[str] = []
        if rng.random() < 0.2:
            modifiers = sorted(rng.sample(list(COWORKING_MODIFIERS), rng.choice((1, 1, 1, 2))))
            for code in modifiers:
                name, per_day, per_month = COWORKING_MODIFIERS[code]
                period, price = ("месяц", per_month) if monthly else ("день", per_day)
                items.append((f"{name}, {period}", 1, Unit.PIECE.value, price))
        parts = PARTS["month" if monthly else "coworking"]
        order_id, status = self._order(
            plan.created,
            service,
            customer,
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=rng.choices(*parts)[0],
            desk=self.rental,
            tickets_end=plan.end,
        )
        validated_at = None
        if (
            status in (St.CONFIRMED, St.CONFIRMED_BALANCE_DUE, St.DONE)
            and plan.start < self.clock.now
            and rng.random() < VALIDATED_SHARE
        ):
            validated_at = _utc(
                min(
                    self.clock.cap,
                    max(plan.created, plan.start + rng.randint(-15 * MINUTE, 45 * MINUTE)),
                )
            )
        ticket_id = self._take("ticket")
        self.rows.tickets.append(
            {
                "id": ticket_id,
                "number": 500_000 + ticket_id,
                "order_id": order_id,
                "visitor_id": visitor,
                "seat_id": plan.place,
                "tariff_id": tariff.id,
                "variant": (
                    CoworkingVariant.FIXED_SEAT if monthly else CoworkingVariant.HOT_DESK
                ).value,
                "period_start": _utc(plan.start),
                "period_end": _utc(plan.end),
                "modifiers": modifiers,
                "validated_at": validated_at,
                "validated_by_id": self.rental if validated_at else None,
                "created_at": _utc(plan.created),
            }
        )

    def _booking_order(self, plan: shapes.Plan) -> None:
        rng = self.rng
        service, tariff = plan.service, plan.tariff
        customer = self._customer()
        visitors = [self.names[customer]] + [
            self.names[self._someone()] for _ in range(rng.randint(0, 5))
        ]
        items = [(f"{service.name}, {plan.quantity} ч", plan.quantity, tariff.unit, tariff.price)]
        if rng.random() < 0.25:
            items.append(("Кофе-брейк на одного", len(visitors), Unit.PIECE.value, 35_000))
        order_id, _ = self._order(
            plan.created,
            service,
            customer,
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=rng.choices(*PARTS[ServiceType.BOOKING])[0],
            desk=self.rental,
        )
        booking_id = self._take("room")
        self.rows.rooms.append(
            {
                "id": booking_id,
                "order_id": order_id,
                "room_id": plan.place,
                "starts_at": _utc(plan.start),
                "ends_at": _utc(plan.end),
                "visitors": visitors,
            }
        )

    def _hotel_order(self, plan: shapes.Plan) -> None:
        rng = self.rng
        nights, tariff = plan.quantity, plan.tariff
        guests = self.hotel_guests[plan.place]
        adults = rng.randint(1, min(2, guests))
        children = rng.randint(0, guests - adults) if rng.random() < 0.3 else 0
        extras = [code for code in HOTEL_EXTRAS if rng.random() < 0.2][:2]
        items = [(f"Проживание, номер «{tariff.name}»", nights, tariff.unit, tariff.price)]
        for code in extras:
            name, price = HOTEL_EXTRAS[code]
            items.append(
                (name, nights * adults if code == "breakfast" else 1, Unit.PIECE.value, price)
            )
        order_id, _ = self._order(
            plan.created,
            plan.service,
            self._customer(),
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=rng.choices(*PARTS[ServiceType.HOTEL])[0],
            desk=self.rental,
        )
        booking_id = self._take("hotel")
        self.rows.hotel.append(
            {
                "id": booking_id,
                "order_id": order_id,
                "room_id": plan.place,
                "check_in": self.clock.dates[plan.day],
                "check_out": self.clock.dates[plan.day + nights],
                "nights": nights,
                "adults": adults,
                "children": children,
                "extras": extras,
            }
        )

    def _event_order(self, plan: shapes.Plan) -> None:
        rng, clock = self.rng, self.clock
        tariff = plan.tariff
        customer = self._customer()
        items = [
            (
                f"{plan.service.name}, {tariff.name.lower()}",
                plan.quantity,
                tariff.unit,
                tariff.price,
            )
        ]
        order_id, status = self._order(
            plan.created,
            plan.service,
            customer,
            items,
            plan.status,
            due=plan.start,
            finished=plan.end,
            parts=1,
            desk=self.rental,
        )
        # Only paid tickets of an event that has taken place were scanned at the door.
        attended = plan.start < clock.now and status in (St.CONFIRMED, St.DONE)
        for n in range(plan.quantity):
            checked_in = None
            if attended and rng.random() < CHECKED_IN_SHARE:
                checked_in = _utc(
                    min(clock.cap, plan.start + rng.randint(-40 * MINUTE, 20 * MINUTE))
                )
            ticket_id = self._take("event_ticket")
            self.rows.event_tickets.append(
                {
                    "id": ticket_id,
                    "number": 900_000 + ticket_id,
                    "order_id": order_id,
                    "event_id": plan.place,
                    "attendee_id": customer if n == 0 else self._someone(),
                    "qr_token": self._qr_token(),
                    "checked_in_at": checked_in,
                    "checked_in_by_id": self.events_manager if checked_in else None,
                }
            )

    def _qr_token(self) -> str:
        """22 URL-safe characters (128 bits) from the seeded generator, never repeated."""
        while True:
            token = base64.urlsafe_b64encode(self.rng.randbytes(16)).rstrip(b"=").decode()
            if token not in self.qr_tokens:
                self.qr_tokens.add(token)
                return token

    def _free_order(self, kind: ServiceType, created: int, status: St) -> None:
        """An order of a simple service, a request or the cafe."""
        rng = self.rng
        customer = self._customer()
        if kind == ServiceType.GOODS:
            service = self.pick_goods(rng)
            dishes = rng.sample(service.tariffs, min(len(service.tariffs), rng.randint(2, 3)))
            items = [(d.name, rng.randint(1, d.max_quantity), d.unit, d.price) for d in dishes]
            finished = created + rng.randint(20 * MINUTE, 90 * MINUTE)
            place = (
                rng.choice(self.delivery_places)
                if rng.random() < 0.6
                else rng.choice(
                    (
                        "Самовывоз",
                        "Ресепшн, корпус А",
                        *[self.room_names[r] for r in self.meeting_rooms],
                    )
                )
            )
            self._order(
                created,
                service,
                customer,
                items,
                status,
                due=finished,
                finished=finished,
                parts=rng.choices(*PARTS[kind])[0],
                desk=rng.choice(self.service_staff),
                delivery_place=place,
                form_fields=self._goods_form(place, finished),
                executor=rng.choice(self.service_staff) if rng.random() < 0.3 else None,
            )
            return
        services = self.free_services[kind]
        if status in MANUAL_CANCELS:
            services = [s for s in services if s.cancellable]
        service = rng.choice(services)
        tariff = rng.choice(service.tariffs)
        items = [(tariff.name, rng.randint(1, tariff.max_quantity), tariff.unit, tariff.price)]
        finished = created + rng.randint(2 * HOUR, 2 * DAY)
        assigned = rng.random() < (0.4 if status in (St.NEW, St.NEW_PAYMENT_PENDING) else 0.92)
        form = {
            "building": rng.choice(BUILDINGS)[0],
            "office": str(rng.choice(OFFICES)),
            "description": rng.choice(service.descriptions),
        }
        if rng.random() < WANTED_AT_SHARE:
            form["wanted_at"] = self._wanted_at(created)
        things = THINGS_TO_BRING.get(service.name)
        if things and rng.random() < BRING_SHARE:
            form["bring"] = rng.sample(things, rng.randint(2, len(things)))
        self._order(
            created,
            service,
            customer,
            items,
            status,
            due=finished,
            finished=finished,
            parts=rng.choices(*PARTS[kind])[0],
            desk=rng.choice(self.service_staff),
            form_fields=form,
            executor=rng.choice(self.service_staff) if assigned else None,
            deadline=created + rng.choice((1, 2, 3)) * DAY,
        )

    def _goods_form(self, place: str, finished: int) -> dict[str, Any]:
        """When the cafe has the order ready (on the next five minutes), and for a pickup
        whether to pack it to take away."""
        ready = finished + (-finished) % (5 * MINUTE)
        form: dict[str, Any] = {"ready_at": _utc(ready).isoformat()}
        if place == "Самовывоз":
            form["takeaway"] = self.rng.random() < 0.5
        return form

    def _wanted_at(self, created: int) -> str:
        """A working hour (Moscow) the customer asks for, from an hour after the order up
        to three days on (ISO, as the customer app writes it)."""
        rng = self.rng
        day = datetime.fromtimestamp(created + rng.randint(0, 3) * DAY, MOSCOW)
        wanted = day.replace(hour=rng.randint(9, 18), minute=rng.choice((0, 30)), second=0)
        if wanted.timestamp() < created + HOUR:
            wanted += timedelta(days=1)
        return wanted.astimezone(UTC).isoformat()

    def _take(self, counter: str) -> int:
        value = self.next_id[counter]
        self.next_id[counter] = value + 1
        return value

    def _order(
        self,
        created: int,
        service: shapes.Service,
        customer: int,
        items: list[tuple[str, int, str, int]],
        status: St,
        *,
        due: int,
        finished: int,
        parts: int,
        desk: int,
        executor: int | None = None,
        deadline: int | None = None,
        delivery_place: str | None = None,
        form_fields: dict[str, Any] | None = None,
        tickets_end: int | None = None,
    ) -> tuple[int, St]:
        """Buffer one order with its items, payments and conversation; returns its id
        and status, which falls back to a plainer one when there is nothing to refund
        or to prepay."""
        rng, clock = self.rng, self.clock
        order_id = self._take("order")
        total = 0
        for name, quantity, unit, price in items:
            amount = quantity * price
            total += amount
            self.rows.items.append(
                {
                    "id": self._take("item"),
                    "order_id": order_id,
                    "name": name,
                    "quantity": quantity,
                    "unit": unit,
                    "unit_price_kopecks": price,
                    "amount_kopecks": amount,
                }
            )
        prepayment = _prepayment(total, service.prepayment_percent, service.min_remaining)
        if total == 0 and status in (St.CANCELLED_REFUND_PENDING, St.CANCELLED_REFUNDED):
            status = St.CANCELLED
        elif status == St.CONFIRMED_BALANCE_DUE and prepayment == 0:
            status = St.CONFIRMED
        method = self._order_method(status)

        # The ledger, oldest first: (kind, amount, when).
        ledger: list[tuple[PaymentKind, int, int]] = []
        first = min(clock.cap, created + rng.randint(MINUTE, 30 * MINUTE))
        pay_until = max(first, min(due, clock.cap))
        if status in PAID_IN_FULL and total > 0:
            amounts = _split(rng, total, parts, service.min_remaining)
            times = [first, *sorted(rng.randint(first, pay_until) for _ in amounts[1:])]
            ledger = [(PaymentKind.PAYMENT, a, t) for a, t in zip(amounts, times, strict=True)]
        elif status == St.CONFIRMED_BALANCE_DUE:
            ledger = [(PaymentKind.PAYMENT, prepayment, first)]
        elif status in (St.CANCELLED_REFUND_PENDING, St.CANCELLED_REFUNDED):
            ledger = [
                (
                    PaymentKind.PAYMENT,
                    prepayment if service.partial and prepayment else total,
                    first,
                )
            ]
        changed = self._status_changed(status, created, first, pay_until, finished, ledger)
        if status == St.CANCELLED_REFUNDED:
            ledger.append((PaymentKind.REFUND, ledger[0][1], changed))
        elif status == St.CANCELLED_REFUND_PENDING and rng.random() < PARTLY_REFUNDED_SHARE:
            # A first part already paid back, whole rubles; the rest is still to refund.
            part = ledger[0][1] * rng.randint(20, 60) // 100 // 100 * 100
            if part > 0:
                when = self._by_now(changed, changed + rng.randint(HOUR, 2 * DAY))
                ledger.append((PaymentKind.REFUND, part, when))

        paid = 0
        first_payment_id = 0
        for entry_kind, amount, when in ledger:
            payment_id = self._take("payment")
            refund = entry_kind == PaymentKind.REFUND
            paid += -amount if refund else amount
            first_payment_id = first_payment_id or payment_id
            # Later instalments are often paid another way than the first.
            entry_method = (
                method if refund or payment_id == first_payment_id else self.pick_method(rng)
            )
            self.rows.payments.append(
                {
                    "id": payment_id,
                    "order_id": order_id,
                    "kind": entry_kind.value,
                    "amount_kopecks": amount,
                    "method": entry_method.value,
                    "paid_at": _utc(when),
                    "external_number": self._external_number(entry_method),
                    "recorded_by_id": desk if entry_method in RECORDED_BY_STAFF else None,
                    "refund_of_id": first_payment_id if refund else None,
                    "idempotency_key": None,
                }
            )

        row = {
            "id": order_id,
            "number": 100_000 + order_id,
            "created_at": _utc(created),
            "service_id": service.id,
            "customer_id": customer,
            "payer_id": self._payer(customer),
            "status": status.value,
            "executor_id": executor,
            "deadline": _utc(deadline) if deadline else None,
            "comment": rng.choice(ORDER_COMMENTS) if rng.random() < 0.1 else None,
            "contact_phone": self.phones[customer],
            "contact_email": self.emails[customer],
            "payment_method": method.value,
            "delivery_place": delivery_place,
            "total_kopecks": total,
            "paid_kopecks": paid,
            "status_changed_at": _utc(changed),
            "invoice_number": None,
            "invoice_issued_at": None,
            # Its last coworking ticket's end, as the tickets' triggers keep it (the
            # demo writes it itself: PostgreSQL's triggers are off while it writes).
            "tickets_end": _utc(tickets_end) if tickets_end is not None else None,
        }
        if status == St.INVOICE_ISSUED:
            row["invoice_number"] = self._invoice_number(_utc(changed).year)
            row["invoice_issued_at"] = _utc(changed)
        if form_fields is None:
            self.rows.orders.append(row)
        else:
            row["form_fields"] = form_fields
            self.rows.form_orders.append(row)
        if rng.random() < MESSAGE_SHARE:
            self._conversation(order_id, customer, created, status, changed, ledger, desk)
        return order_id, status

    def _invoice_number(self, year: int) -> str:
        """The next invoice number of the year, as services.numbering writes them (the
        app's counter continues after the largest when it first issues one)."""
        self.invoices_of_year[year] = self.invoices_of_year.get(year, 0) + 1
        return f"{year}-{self.invoices_of_year[year]:06d}"

    def _order_method(self, status: St) -> PaymentMethod:
        if status in (St.NEW_AWAITING_INVOICE, St.INVOICE_ISSUED):
            return PaymentMethod.BANK_TRANSFER
        if status in (St.NEW_PAYMENT_PENDING, St.CANCELLED_PAYMENT_FAILED):
            return PaymentMethod.ONLINE_GATEWAY
        return self.pick_method(self.rng)

    def _external_number(self, method: PaymentMethod) -> str | None:
        if method in RECORDED_BY_STAFF:
            return None
        if method == PaymentMethod.BANK_TRANSFER:
            return f"п/п № {self.rng.randint(100, 99_999)}"
        return f"{self.rng.randint(10**11, 10**12 - 1)}"

    def _status_changed(
        self,
        status: St,
        created: int,
        first: int,
        pay_until: int,
        finished: int,
        ledger: list[tuple[PaymentKind, int, int]],
    ) -> int:
        """When the order got its status, consistent with its payments."""
        rng = self.rng
        if status in (St.NEW, St.NEW_PAYMENT_PENDING, St.NEW_AWAITING_INVOICE):
            return created
        if status == St.INVOICE_ISSUED:
            return self._by_now(created, created + rng.randint(HOUR, DAY))
        if status == St.CANCELLED_PAYMENT_FAILED:
            return self._by_now(created, created + rng.randint(5 * MINUTE, 40 * MINUTE))
        if status in (St.CONFIRMED, St.CONFIRMED_BALANCE_DUE):
            return ledger[-1][2] if ledger else first
        if status == St.IN_PROGRESS:
            return _between(rng, created + 10 * MINUTE, min(self.clock.cap, finished))
        if status == St.DONE_AWAITING_CONFIRMATION:
            return self._by_now(created, finished)
        if status == St.DONE:  # confirmed by the customer, or by the 3-day timeout
            paid = ledger[-1][2] if ledger else created
            return self._by_now(paid, max(paid, finished + rng.randint(HOUR, 3 * DAY)))
        if status == St.CANCELLED:
            return _between(rng, created, pay_until)
        cancelled = _between(rng, first + MINUTE, pay_until)
        if status == St.CANCELLED_REFUNDED:
            return self._by_now(cancelled, cancelled + rng.randint(HOUR, 5 * DAY))
        return cancelled  # refund pending

    def _by_now(self, earliest: int, moment: int) -> int:
        """``moment``, or a moment between ``earliest`` and now when it has not come yet."""
        cap = self.clock.cap
        return moment if moment <= cap else _between(self.rng, min(earliest, cap), cap)

    def _conversation(
        self,
        order_id: int,
        customer: int,
        created: int,
        status: St,
        changed: int,
        ledger: list[tuple[PaymentKind, int, int]],
        desk: int,
    ) -> None:
        """Messages on an order: the system's notes on payments and the status, and
        sometimes a question from the customer with an answer, or a staff note."""
        rng, cap = self.rng, self.clock.cap
        # (when, visibility, staff author, person author, text)
        messages: list[tuple[int, MessageVisibility, int | None, int | None, str]] = []
        for entry_kind, amount, when in ledger:
            note = (
                f"Возврат {_rubles(amount)} выполнен"
                if entry_kind == PaymentKind.REFUND
                else f"Оплата {_rubles(amount)} получена"
            )
            messages.append((when, MessageVisibility.SYSTEM, None, None, note))
        if status != St.NEW:
            label = STATUS_NOTES[status]
            messages.append(
                (changed, MessageVisibility.SYSTEM, None, None, f"Статус изменён на «{label}»")
            )
        if rng.random() < 0.5:
            asked = min(cap, created + rng.randint(MINUTE, 2 * HOUR))
            messages.append(
                (asked, MessageVisibility.PUBLIC, None, customer, rng.choice(CUSTOMER_QUESTIONS))
            )
            if rng.random() < 0.7:
                messages.append(
                    (
                        min(cap, asked + rng.randint(5 * MINUTE, 2 * HOUR)),
                        MessageVisibility.PUBLIC,
                        desk,
                        None,
                        rng.choice(STAFF_REPLIES),
                    )
                )
        if rng.random() < 0.2 or status in CANCELLED_STATUSES:
            messages.append(
                (
                    min(cap, created + rng.randint(MINUTE, DAY)),
                    MessageVisibility.INTERNAL,
                    desk,
                    None,
                    rng.choice(INTERNAL_NOTES),
                )
            )
        messages.sort(key=lambda m: m[0])
        for when, visibility, staff, person, body in messages:
            self.rows.messages.append(
                {
                    "id": self._take("message"),
                    "order_id": order_id,
                    "visibility": visibility.value,
                    "author_staff_id": staff,
                    "author_person_id": person,
                    "text": body,
                    "created_at": _utc(when),
                }
            )
