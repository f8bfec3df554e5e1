"""A small, hand-built world for rule tests: one building, a coworking room with
seats, a service of every type, people, and orders in any status."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from models import (
    Building,
    CoworkingTicket,
    Event,
    EventTicket,
    Order,
    OrderItem,
    Payment,
    Person,
    Room,
    Seat,
    Service,
    StaffUser,
    Tariff,
    person_search_text,
)
from models.statuses import ServiceType
from services.context import Actor
from services.events import new_qr_token

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# Reads every order (an executive), for tests of what lists hold rather than who reads them.
READER = Actor(0, "Reader", "executive")


def actor(session: Session, email: str, address: str = "127.0.0.1") -> Actor:
    user = session.query(StaffUser).filter_by(email=email).one()
    return Actor(user.id, user.name, user.role, address)


@dataclass
class World:
    session: Session
    seats: list[int] = field(default_factory=list)
    other_room_seats: list[int] = field(default_factory=list)
    services: dict[str, int] = field(default_factory=dict)
    tariffs: dict[str, int] = field(default_factory=dict)
    people: list[int] = field(default_factory=list)
    room_id: int = 0
    hall_id: int = 0
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(100_001))

    @classmethod
    def build(cls, session: Session, seats: int = 4) -> World:
        world = cls(session)
        building = Building(name="Корпус А", address="Москва, Большой бульвар, 42")
        room = Room(building=building, name="Open Space", kind="coworking", capacity=seats)
        other = Room(building=building, name="Тихая зона", kind="coworking", capacity=2)
        hall = Room(building=building, name="Большой зал", kind="event_hall", capacity=200)
        session.add_all([room, other, hall])
        session.flush()
        world.room_id, world.hall_id = room.id, hall.id
        for number in range(1, seats + 1):
            seat = Seat(room_id=room.id, number=number)
            session.add(seat)
            session.flush()
            world.seats.append(seat.id)
        for number in (1, 2):
            seat = Seat(room_id=other.id, number=number)
            session.add(seat)
            session.flush()
            world.other_room_seats.append(seat.id)
        settings = {
            ServiceType.COWORKING: dict(allows_partial_payment=True, prepayment_percent=30),
            ServiceType.HOTEL: dict(allows_partial_payment=True, prepayment_percent=30),
        }
        for kind in ServiceType:
            service = Service(
                name=f"Услуга {kind.value}", type=kind.value, **settings.get(kind, {})
            )
            session.add(service)
            session.flush()
            world.services[kind.value] = service.id
        for name, unit, price in (
            ("Час", "hour", 30_000),
            ("День", "day", 150_000),
            ("Месяц", "month", 1_500_000),
        ):
            tariff = Tariff(
                service_id=world.services["coworking"], name=name, unit=unit, price_kopecks=price
            )
            session.add(tariff)
            session.flush()
            world.tariffs[unit] = tariff.id
        # The coworking modifiers (seed 004): tariffs sold by the piece with a booking.
        for code, name, price in (("locker", "Шкафчик", 10_000), ("printer", "Принтер", 20_000)):
            tariff = Tariff(
                service_id=world.services["coworking"], name=name, unit="piece", price_kopecks=price
            )
            session.add(tariff)
            session.flush()
            world.tariffs[code] = tariff.id
        for last, first, phone in (
            ("Иванов", "Пётр", "+7 916 111-22-33"),
            ("Смирнова", "Ольга", "+7 916 444-55-66"),
            ("Кузнецов", "Алексей", None),
        ):
            world.people.append(world.person(last, first, phone))
        session.flush()
        return world

    def person(
        self, last: str, first: str, phone: str | None = None, email: str | None = None
    ) -> int:
        person = Person(
            last_name=last,
            first_name=first,
            phone=phone,
            email=email,
            search_text=person_search_text(last, first),
        )
        self.session.add(person)
        self.session.flush()
        return person.id

    def order(
        self,
        service_type: str = "simple",
        status: str = "new",
        total: int = 200_000,
        paid: int = 0,
        created_at: datetime = NOW,
        **fields: object,
    ) -> Order:
        order = Order(
            number=next(self._numbers),
            service_id=self.services[service_type],
            customer_id=self.people[0],
            status=status,
            total_kopecks=total,
            paid_kopecks=paid,
            created_at=created_at,
            status_changed_at=created_at,
            **fields,
        )
        self.session.add(order)
        self.session.flush()
        self.session.add(
            OrderItem(
                order_id=order.id,
                name="Позиция",
                quantity=1,
                unit_price_kopecks=total,
                amount_kopecks=total,
            )
        )
        if paid:
            self.session.add(
                Payment(
                    order_id=order.id, amount_kopecks=paid, method="bank_card", paid_at=created_at
                )
            )
        self.session.flush()
        return order

    def ticket(
        self,
        order: Order,
        start: datetime,
        end: datetime,
        seat: int | None = None,
        number: int | None = None,
    ) -> CoworkingTicket:
        ticket = CoworkingTicket(
            number=number or order.number + 400_000,
            order_id=order.id,
            visitor_id=order.customer_id,
            seat_id=seat or self.seats[0],
            tariff_id=self.tariffs["day"],
            period_start=start,
            period_end=end,
            modifiers=[],
        )
        self.session.add(ticket)
        self.session.flush()
        return ticket

    def coworking(
        self,
        status: str = "confirmed",
        start: datetime = NOW + timedelta(days=1),
        hours: int = 12,
        seat: int | None = None,
        paid: int | None = None,
    ) -> int:
        """A coworking order with its ticket; returns the ticket number."""
        total = 150_000
        order = self.order(
            "coworking",
            status,
            total=total,
            paid=total if paid is None and status == "confirmed" else (paid or 0),
        )
        return self.ticket(order, start, start + timedelta(hours=hours), seat).number

    def event(self, starts_at: datetime = NOW, title: str = "Конференция") -> int:
        event = Event(
            title=title,
            service_id=self.services["event"],
            room_id=self.hall_id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            capacity=100,
        )
        self.session.add(event)
        self.session.flush()
        return event.id

    def event_ticket(self, event_id: int, status: str = "confirmed") -> EventTicket:
        order = self.order(
            "event", status, total=100_000, paid=100_000 if status == "confirmed" else 0
        )
        ticket = EventTicket(
            number=order.number + 800_000,
            order_id=order.id,
            event_id=event_id,
            attendee_id=order.customer_id,
            qr_token=new_qr_token(),
        )
        self.session.add(ticket)
        self.session.flush()
        return ticket
