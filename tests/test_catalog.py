"""The catalog (SPEC §9.2) through its service: every rule and refusal, read in both
languages; nothing in use is deleted, only retired, and what was sold on a retired thing
keeps working; a price change never alters an existing order; every change audited."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from dashboard.i18n import format_money
from models import AuditEntry, Building, Room, Seat, Service, Tariff
from services import catalog, coworking, tickets
from services.errors import DomainError, NotFound, PermissionDenied
from services.order_view import get_order
from tests.conftest import login
from tests.factories import NOW
from tests.test_rules import make, refused


@pytest.fixture
def admin(actors):
    return actors["admin"]


def do(db, call):
    with db.write() as session:
        return call(session)


def audit_rows(db, entity: str, entity_id: object) -> list[tuple[str, dict | None, dict | None]]:
    with db.read() as session:
        return [
            (a.action, a.before, a.after)
            for a in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
                .order_by(AuditEntry.id)
            )
        ]


# --- who ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["rental", "service", "events", "exec", "accounting"], ids=lambda r: r
)
def test_only_the_administrator_keeps_the_catalog(db, world, actors, role):
    refused(
        db,
        lambda s: catalog.create_building(s, actors[role], "Корпус Я", NOW),
        en="Your role may not do this.",
        ru="Вашей роли это действие недоступно.",
        kind=PermissionDenied,
    )
    refused(
        db,
        lambda s: catalog.set_active(s, actors[role], "tariff", world.tariffs["day"], False, NOW),
        kind=PermissionDenied,
    )
    with db.read() as session, pytest.raises(PermissionDenied):
        catalog.catalog(session, actors[role])


# --- buildings ------------------------------------------------------------------------------------


def test_a_building_is_added_with_its_name_cleaned_and_audited(db, world, admin):
    building = do(db, lambda s: catalog.create_building(s, admin, "  Корпус\x00  Б ", NOW))
    with db.read() as session:
        assert session.get(Building, building).name == "Корпус Б"
        assert session.get(Building, building).is_active
    assert audit_rows(db, "building", building) == [("building.create", None, {"name": "Корпус Б"})]


def test_a_duplicate_building_name_is_refused_whatever_its_case(db, world, admin):
    refused(
        db,
        lambda s: catalog.create_building(s, admin, " корпус  а ", NOW),
        en="A building named “корпус а” exists already.",
        ru="Корпус «корпус а» уже есть.",
    )


def test_a_building_without_a_name_is_refused(db, world, admin):
    refused(
        db,
        lambda s: catalog.create_building(s, admin, " \t", NOW),
        en="Enter the building's name.",
        ru="Введите название корпуса.",
    )
    refused(
        db,
        lambda s: catalog.create_building(s, admin, "Ж" * 201, NOW),
        en="A name is at most 200 characters long.",
        ru="Название — не длиннее 200 символов.",
    )


# --- rooms ----------------------------------------------------------------------------------------


@pytest.fixture
def building(db, world):
    with db.read() as session:
        return session.scalar(select(Building.id))


def test_a_room_is_added_with_kind_capacity_and_opening_hours(db, world, admin, building):
    room = do(
        db,
        lambda s: catalog.create_room(s, admin, building, "Лофт", "coworking", "24", "8-22", NOW),
    )
    with db.read() as session:
        row = session.get(Room, room)
        assert (row.kind, row.capacity, row.opens_at, row.closes_at) == (
            "coworking",
            24,
            time(8),
            time(22),
        )
    assert audit_rows(db, "room", room)[0][2]["hours"] == "08:00–22:00"


def test_a_room_open_until_midnight_and_one_open_round_the_clock(db, world, admin, building):
    late = do(
        db,
        lambda s: catalog.create_room(
            s, admin, building, "Бар", "meeting_room", 6, "18:30–24:00", NOW
        ),
    )
    always = do(
        db, lambda s: catalog.create_room(s, admin, building, "Холл", "event_hall", 80, "", NOW)
    )
    with db.read() as session:
        found = {r.id: r.hours for r in catalog.catalog(session, admin).rooms}
    assert found[late] == "18:30–24:00"
    assert found[always] == ""


def test_a_room_name_is_unique_within_its_building_only(db, world, admin, building):
    refused(
        db,
        lambda s: catalog.create_room(s, admin, building, "open space", "coworking", 4, "", NOW),
        en="The building “Корпус А” has a room named “open space” already.",
        ru="В корпусе «Корпус А» уже есть помещение «open space».",
    )
    other = do(db, lambda s: catalog.create_building(s, admin, "Корпус Б", NOW))
    do(db, lambda s: catalog.create_room(s, admin, other, "Open Space", "coworking", 4, "", NOW))


@pytest.mark.parametrize(
    "kind, capacity, hours, en, ru",
    [
        ("garage", 4, "", "Choose the kind of room.", "Выберите вид помещения."),
        (
            "coworking",
            -1,
            "",
            "The capacity is a whole number from 0 to 10000.",
            "Вместимость — целое число от 0 до 10000.",
        ),
        (
            "coworking",
            "1e6",
            "",
            "The capacity is a whole number from 0 to 10000.",
            "Вместимость — целое число от 0 до 10000.",
        ),
        (
            "coworking",
            4,
            "с утра",
            "Enter the opening hours as from–to, e.g. 08:00–22:00, or leave them empty.",
            "Введите часы работы как «с–до», например 08:00–22:00, или оставьте поле пустым.",
        ),
        (
            "coworking",
            4,
            "22:00–08:00",
            "The room must close after it opens.",
            "Помещение должно закрываться позже, чем открывается.",
        ),
        (
            "coworking",
            4,
            "25-26",
            "Enter the opening hours as from–to, e.g. 08:00–22:00, or leave them empty.",
            None,
        ),
    ],
)
def test_a_room_with_a_wrong_kind_capacity_or_hours_is_refused(
    db, world, admin, building, kind, capacity, hours, en, ru
):
    refused(
        db,
        lambda s: catalog.create_room(s, admin, building, "Новая", kind, capacity, hours, NOW),
        en=en,
        ru=ru,
    )


def test_a_room_needs_a_building_in_use(db, world, admin, building):
    refused(
        db,
        lambda s: catalog.create_room(s, admin, None, "Новая", "coworking", 4, "", NOW),
        en="Choose a building (add one first).",
        ru="Выберите корпус (сначала добавьте его).",
        kind=NotFound,
    )
    do(db, lambda s: catalog.set_active(s, admin, "building", building, False, NOW))
    refused(
        db,
        lambda s: catalog.create_room(s, admin, building, "Новая", "coworking", 4, "", NOW),
        en="The building “Корпус А” is retired; bring it back before adding rooms.",
        ru="Корпус «Корпус А» выведен из работы; верните его, прежде чем добавлять помещения.",
    )


def test_a_rooms_capacity_and_hours_change_and_are_audited(db, world, admin):
    do(db, lambda s: catalog.update_room(s, admin, world.room_id, 30, "09:00-21:00", NOW))
    assert audit_rows(db, "room", world.room_id)[-1] == (
        "room.update",
        {"capacity": 4, "hours": ""},
        {"capacity": 30, "hours": "09:00–21:00"},
    )
    refused(
        db,
        lambda s: catalog.update_room(s, admin, world.room_id, 30, "9-21", NOW),
        en="Nothing to change.",
        ru="Изменять нечего.",
    )


# --- seats ----------------------------------------------------------------------------------------


def test_seats_are_numbered_on_after_the_rooms_highest_in_one_audit_entry(db, world, admin):
    numbers = do(db, lambda s: catalog.add_seats(s, admin, world.room_id, "10", NOW))
    assert numbers == list(range(5, 15))
    assert audit_rows(db, "room", world.room_id) == [
        ("room.add_seats", {"seats": 4}, {"seats": 14, "numbers": [5, 14]})
    ]
    # A retired seat keeps its number: the next ones never take it again.
    with db.read() as session:
        last = session.scalar(
            select(Seat.id).where(Seat.room_id == world.room_id, Seat.number == 14)
        )
    do(db, lambda s: catalog.set_active(s, admin, "seat", last, False, NOW))
    assert do(db, lambda s: catalog.add_seats(s, admin, world.room_id, 1, NOW)) == [15]


def test_seats_stand_in_a_grid_until_placed(db, world, admin):
    do(db, lambda s: catalog.add_seats(s, admin, world.room_id, 8, NOW))  # 12 in all
    with db.read() as session:
        plan = catalog.seats(session, admin, world.room_id)
    assert [(p.number, p.x, p.y, p.placed) for p in plan][9:12] == [
        (10, 9, 0, False),
        (11, 0, 1, False),
        (12, 1, 1, False),
    ]
    do(db, lambda s: catalog.place_seat(s, admin, plan[0].id, 3, 7, NOW))
    with db.read() as session:
        first = catalog.seats(session, admin, world.room_id)[0]
    assert (first.x, first.y, first.placed) == (3, 7, True)
    assert audit_rows(db, "seat", first.id) == [
        ("seat.place", {"x": None, "y": None}, {"x": 3, "y": 7})
    ]
    refused(
        db,
        lambda s: catalog.place_seat(s, admin, first.id, -1, 7, NOW),
        en="A place on the plan is a whole number from 0 to 1000.",
        ru="Место на плане — целое число от 0 до 1000.",
    )


@pytest.mark.parametrize("count", [0, -3, 501, "много", None, 2.5, True])
def test_a_wrong_number_of_seats_is_refused(db, world, admin, count):
    refused(
        db,
        lambda s: catalog.add_seats(s, admin, world.room_id, count, NOW),
        en="Add from 1 to 500 seats at a time.",
        ru="Добавляйте от 1 до 500 мест за раз.",
    )


def test_seats_go_to_coworking_rooms_in_use_only(db, world, admin):
    refused(
        db,
        lambda s: catalog.add_seats(s, admin, world.hall_id, 5, NOW),
        en="Seats are added to coworking rooms only.",
        ru="Рабочие места добавляются только в коворкинг.",
    )
    do(db, lambda s: catalog.set_active(s, admin, "room", world.room_id, False, NOW))
    refused(
        db,
        lambda s: catalog.add_seats(s, admin, world.room_id, 5, NOW),
        en="The room “Open Space” is retired; bring it back before adding seats.",
        ru="Помещение «Open Space» выведено из работы; верните его, прежде чем добавлять места.",
    )


def test_a_seat_is_renamed_and_a_name_taken_in_its_room_is_refused(db, world, admin):
    first, second = world.seats[:2]
    do(db, lambda s: catalog.rename_seat(s, admin, first, " У  окна ", NOW))
    with db.read() as session:
        assert session.get(Seat, first).label == "У окна"
    assert audit_rows(db, "seat", first) == [("seat.rename", {"label": None}, {"label": "У окна"})]
    refused(
        db,
        lambda s: catalog.rename_seat(s, admin, second, "у окна", NOW),
        en="Another seat of this room is named “у окна”.",
        ru="Другое место этого помещения уже называется «у окна».",
    )
    do(db, lambda s: catalog.rename_seat(s, admin, first, "", NOW))  # back to its number
    with db.read() as session:
        assert session.get(Seat, first).label is None


# --- services -------------------------------------------------------------------------------------


def test_a_coworking_service_is_added_in_its_room_with_its_terms(db, world, admin):
    terms = catalog.ServiceTerms(
        partial=True, prepayment_percent="40", cancellable=False, min_remaining="100,50"
    )
    service = do(
        db,
        lambda s: catalog.create_service(
            s, admin, "Коворкинг Лофт", "coworking", world.room_id, NOW, terms
        ),
    )
    with db.read() as session:
        row = session.get(Service, service)
        assert (
            row.room_id,
            row.allows_partial_payment,
            row.prepayment_percent,
            row.allows_cancellation,
            row.min_remaining_kopecks,
            row.is_active,
        ) == (world.room_id, True, 40, False, 10_050, True)
    [(action, before, after)] = audit_rows(db, "service", service)
    assert (action, before, after["type"], after["prepayment_percent"]) == (
        "service.create",
        None,
        "coworking",
        40,
    )


@pytest.mark.parametrize(
    "kind, room, en, ru",
    [
        (
            "coworking",
            None,
            "A coworking service is sold in a coworking room; choose one.",
            "Услуга коворкинга продаётся в помещении коворкинга; выберите его.",
        ),
        (
            "coworking",
            "hall",
            "A coworking service is sold in a coworking room; choose one.",
            "Услуга коворкинга продаётся в помещении коворкинга; выберите его.",
        ),
        (
            "booking",
            "room",
            "A room booking is sold in a meeting room; choose one.",
            "Бронирование продаётся в переговорной; выберите её.",
        ),
        (
            "event",
            "room",
            "An event is held in an event hall; choose one or none.",
            "Мероприятие проходит в зале мероприятий; выберите зал или оставьте пустым.",
        ),
        (
            "goods",
            "room",
            "A service of this type is not sold in a room; choose no room.",
            "Услуга этого типа не продаётся в помещении; не выбирайте помещение.",
        ),
        ("spa", None, "Choose the type of service.", "Выберите тип услуги."),
    ],
)
def test_a_service_in_a_room_that_does_not_fit_its_type_is_refused(
    db, world, admin, kind, room, en, ru
):
    room_id = {"room": world.room_id, "hall": world.hall_id, None: None}[room]
    refused(
        db,
        lambda s: catalog.create_service(s, admin, "Новая услуга", kind, room_id, NOW),
        en=en,
        ru=ru,
    )


def test_hotel_and_event_services_may_go_without_a_room_and_simple_ones_do(db, world, admin):
    for kind in ("hotel", "event", "simple", "request", "goods"):
        do(db, lambda s, k=kind: catalog.create_service(s, admin, f"Без зала {k}", k, None, NOW))
    do(db, lambda s: catalog.create_service(s, admin, "Конференции", "event", world.hall_id, NOW))


def test_a_duplicate_service_name_and_wrong_terms_are_refused(db, world, admin):
    refused(
        db,
        lambda s: catalog.create_service(s, admin, "услуга SIMPLE", "simple", None, NOW),
        en="A service named “услуга SIMPLE” exists already.",
        ru="Услуга «услуга SIMPLE» уже есть.",
    )
    for percent in (0, 101, "половина", None):
        refused(
            db,
            lambda s, p=percent: catalog.create_service(
                s,
                admin,
                "Новая",
                "simple",
                None,
                NOW,
                catalog.ServiceTerms(partial=True, prepayment_percent=p),
            ),
            en="The prepayment share is a whole percentage from 1 to 100.",
            ru="Доля предоплаты — целое число процентов от 1 до 100.",
        )
    refused(
        db,
        lambda s: catalog.create_service(
            s, admin, "Новая", "simple", None, NOW, catalog.ServiceTerms(min_remaining="-50")
        ),
        en="The minimum remaining balance cannot be negative.",
        ru="Минимальный остаток не может быть отрицательным.",
    )


def test_a_services_terms_change_and_are_audited(db, world, admin):
    service = world.services["simple"]
    terms = catalog.ServiceTerms(partial=True, prepayment_percent=50, min_remaining="0")
    do(db, lambda s: catalog.update_service_terms(s, admin, service, terms, NOW))
    [(action, before, after)] = audit_rows(db, "service", service)
    assert action == "service.update"
    assert (before["prepayment_percent"], after["prepayment_percent"]) == (100, 50)
    assert after["min_remaining_kopecks"] == 0


# --- tariffs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "price, kopecks", [("1 500,50", 150_050), ("0", 0), (2500, 250_000), ("10000000", 10**9)]
)
def test_a_tariff_is_added_with_its_price_in_rubles(db, world, admin, price, kopecks):
    tariff = do(
        db,
        lambda s: catalog.create_tariff(
            s, admin, world.services["coworking"], "Неделя", "day", price, NOW
        ),
    )
    with db.read() as session:
        assert session.get(Tariff, tariff).price_kopecks == kopecks
    assert audit_rows(db, "tariff", tariff)[0][0] == "tariff.create"


@pytest.mark.parametrize(
    "price, en, ru",
    [
        ("-100", "A price cannot be negative.", "Цена не может быть отрицательной."),
        (-1, "A price cannot be negative.", "Цена не может быть отрицательной."),
        (
            "10000000,01",
            f"A price above {format_money(10**9, 'en')} is surely a typo; check the amount.",
            f"Цена выше {format_money(10**9, 'ru')} — наверняка опечатка; проверьте сумму.",
        ),
        (
            "1e30",
            f"A price above {format_money(10**9, 'en')} is surely a typo; check the amount.",
            None,
        ),
        ("", "Enter the price in rubles, e.g. 1500 (0 for free).", None),
        ("дорого", "“дорого” is not an amount.", "«дорого» — не сумма."),
        ("NaN", "“NaN” is not an amount.", None),
        ("1.005", "An amount has at most two decimals (kopecks).", None),
    ],
)
def test_a_negative_absurd_or_unreadable_price_is_refused(db, world, admin, price, en, ru):
    refused(
        db,
        lambda s: catalog.create_tariff(
            s, admin, world.services["coworking"], "Неделя", "day", price, NOW
        ),
        en=en,
        ru=ru,
    )


@pytest.mark.parametrize(
    "kind, unit, en, ru",
    [
        (
            "coworking",
            "night",
            "A coworking tariff is sold by the hour, day or month (or by the piece, for an "
            "extra such as a locker).",
            "Тариф коворкинга продаётся по часам, дням или месяцам (или поштучно — "
            "для дополнения вроде шкафчика).",
        ),
        (
            "hotel",
            "hour",
            "A hotel room is sold by the night (extras by the piece).",
            "Номер отеля продаётся по ночам (дополнения — поштучно).",
        ),
        ("event", "day", "An event ticket is sold by the piece.", "Билет продаётся поштучно."),
        (
            "booking",
            "month",
            "A meeting room is booked by the hour or by the day.",
            "Переговорная бронируется по часам или по дням.",
        ),
        ("goods", "hour", "Goods are sold by the piece.", "Товары продаются поштучно."),
        ("simple", "fortnight", "Choose the unit of the tariff.", "Выберите единицу тарифа."),
    ],
)
def test_a_unit_that_does_not_fit_the_service_type_is_refused(db, world, admin, kind, unit, en, ru):
    refused(
        db,
        lambda s: catalog.create_tariff(s, admin, world.services[kind], "Новый", unit, "100", NOW),
        en=en,
        ru=ru,
    )


def test_units_that_fit_each_type_are_taken(db, world, admin):
    for kind, units in catalog.UNITS_BY_TYPE.items():
        for unit in units:
            do(
                db,
                lambda s, k=kind, u=unit: catalog.create_tariff(
                    s, admin, world.services[k.value], f"Тариф {u}", u.value, "10", NOW
                ),
            )


def test_a_tariff_name_is_unique_within_its_service_only(db, world, admin):
    refused(
        db,
        lambda s: catalog.create_tariff(
            s, admin, world.services["coworking"], " день ", "day", "100", NOW
        ),
        en="The service “Услуга coworking” has a tariff named “день” already.",
        ru="У услуги «Услуга coworking» уже есть тариф «день».",
    )
    do(
        db,
        lambda s: catalog.create_tariff(s, admin, world.services["simple"], "День", "day", 1, NOW),
    )


def test_a_tariff_needs_a_service_in_use(db, world, admin):
    refused(
        db,
        lambda s: catalog.create_tariff(s, admin, 10**6, "Новый", "piece", "1", NOW),
        en="Choose a service (add one first).",
        ru="Выберите услугу (сначала добавьте её).",
        kind=NotFound,
    )
    do(db, lambda s: catalog.set_active(s, admin, "service", world.services["goods"], False, NOW))
    refused(
        db,
        lambda s: catalog.create_tariff(s, admin, world.services["goods"], "Чай", "piece", 1, NOW),
        en="The service “Услуга goods” is retired; bring it back before adding tariffs.",
        ru="Услуга «Услуга goods» снята с продажи; верните её, прежде чем добавлять тарифы.",
    )


# --- retire, never delete -------------------------------------------------------------------------


def test_a_price_change_never_alters_an_existing_order(db, world, admin):
    number = make(db, world, lambda w: w.order("coworking", "confirmed", total=150_000))
    do(db, lambda s: catalog.change_price(s, admin, world.tariffs["day"], "2000", NOW))
    with db.read() as session:
        view = get_order(session, admin, number)
        assert view.total_kopecks == 150_000
        assert session.get(Tariff, world.tariffs["day"]).price_kopecks == 200_000
    assert audit_rows(db, "tariff", world.tariffs["day"]) == [
        ("tariff.price", {"price_kopecks": 150_000}, {"price_kopecks": 200_000})
    ]


def test_a_retired_tariff_is_offered_no_more_and_its_orders_still_open_and_export(
    db, world, admin, client
):
    ticket = make(db, world, lambda w: w.coworking("confirmed", start=NOW + timedelta(days=1)))
    name = do(
        db, lambda s: catalog.set_active(s, admin, "tariff", world.tariffs["day"], False, NOW)
    )
    assert name == "День"
    assert audit_rows(db, "tariff", world.tariffs["day"]) == [
        ("tariff.retire", {"is_active": True}, {"is_active": False})
    ]
    with db.read() as session:
        offered = {t.id for offer in coworking.coworking_catalogue(session) for t in offer.tariffs}
        assert world.tariffs["day"] not in offered and world.tariffs["hour"] in offered
        with pytest.raises(DomainError, match="no longer sold"):
            coworking.quote(
                session,
                world.services["coworking"],
                world.tariffs["day"],
                NOW + timedelta(hours=1),
                1,
                now=NOW,
            )
        view = tickets.get_ticket(session, ticket, NOW)
        order = get_order(session, admin, view.order_number)
        assert order.total_kopecks == 150_000
        assert (
            session.scalar(select(func.count()).select_from(Tariff)) == 5
        )  # nothing deleted (3 + 2 modifiers)
    login(client, "admin@parkdesk.local")
    response = client.get(
        "/exports/orders.csv", query_string={"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert response.status_code == 200
    assert str(view.order_number) in response.data.decode("utf-8-sig")
    page = client.get(f"/tickets/{ticket}")
    assert page.status_code == 200


def test_a_retired_seat_takes_no_new_ticket_and_its_ticket_still_opens(db, world, admin):
    ticket = make(db, world, lambda w: w.coworking("confirmed", seat=w.seats[0]))
    do(db, lambda s: catalog.set_active(s, admin, "seat", world.seats[1], False, NOW))
    do(db, lambda s: catalog.set_active(s, admin, "seat", world.seats[0], False, NOW))
    start = NOW + timedelta(days=3)
    with db.read() as session:
        free = {seat.id for seat in tickets.free_seats(session, start, start + timedelta(hours=4))}
        assert world.seats[0] not in free and world.seats[1] not in free
        assert world.seats[2] in free
        assert tickets.get_ticket(session, ticket, NOW).seat_number == 1
    refused(
        db,
        lambda s: tickets.change_seat(s, admin, ticket, world.seats[1], NOW),
        en="Seat 2 is retired; choose another.",
        ru="Место 2 выведено из работы; выберите другое.",
    )


def test_a_retired_room_or_building_hides_its_seats_from_new_orders(db, world, admin):
    start = NOW + timedelta(days=3)

    def free() -> set[int]:
        with db.read() as session:
            return {s.id for s in tickets.free_seats(session, start, start + timedelta(hours=4))}

    assert set(world.seats) <= free()
    do(db, lambda s: catalog.set_active(s, admin, "room", world.room_id, False, NOW))
    assert not set(world.seats) & free() and set(world.other_room_seats) <= free()
    do(db, lambda s: catalog.set_active(s, admin, "room", world.room_id, True, NOW))
    with db.read() as session:
        building = session.scalar(select(Building.id))
    do(db, lambda s: catalog.set_active(s, admin, "building", building, False, NOW))
    assert not free()


def test_retiring_twice_bringing_back_under_a_retired_parent_and_junk_are_refused(db, world, admin):
    tariff = world.tariffs["hour"]
    do(db, lambda s: catalog.set_active(s, admin, "tariff", tariff, False, NOW))
    refused(
        db,
        lambda s: catalog.set_active(s, admin, "tariff", tariff, False, NOW),
        en="“Час” is retired already.",
        ru="«Час» уже выведено из работы.",
    )
    service = world.services["coworking"]
    do(db, lambda s: catalog.set_active(s, admin, "service", service, False, NOW))
    refused(
        db,
        lambda s: catalog.set_active(s, admin, "tariff", tariff, True, NOW),
        en="Bring “Услуга coworking” back into use first.",
        ru="Сначала верните в работу «Услуга coworking».",
    )
    do(db, lambda s: catalog.set_active(s, admin, "service", service, True, NOW))
    do(db, lambda s: catalog.set_active(s, admin, "tariff", tariff, True, NOW))
    for kind, record in (("order", 1), ("tariff", "x"), ("tariff", 10**9), (None, None)):
        refused(
            db,
            lambda s, k=kind, r=record: catalog.set_active(s, admin, k, r, False, NOW),
            en="There is no such thing in the catalog.",
            ru="Такого в каталоге нет.",
            kind=NotFound,
        )


def test_the_catalog_lists_everything_retired_things_marked(db, world, admin):
    do(db, lambda s: catalog.set_active(s, admin, "tariff", world.tariffs["month"], False, NOW))
    with db.read() as session:
        found = catalog.catalog(session, admin)
    assert [b.name for b in found.buildings] == ["Корпус А"]
    assert {r.name: r.seats for r in found.rooms} == {
        "Open Space": 4,
        "Тихая зона": 2,
        "Большой зал": 0,
    }
    assert {t.name: t.active for t in found.tariffs} == {
        "Час": True,
        "День": True,
        "Месяц": False,
        "Шкафчик": True,  # the coworking service's modifiers (piece tariffs)
        "Принтер": True,
    }
    assert len(found.services) == 7
