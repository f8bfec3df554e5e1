"""Each rule of SPEC §4 through its service: the allowed path and every refusal,
with the refusal read in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dashboard.i18n import error_text, localize
from models import AuditEntry, CoworkingTicket, Message, Order, Payment, Service
from services import audit, coworking, events, orders, payments, people, tickets
from services.errors import DomainError, NotFound, PermissionDenied
from services.order_view import get_order
from services.workflow import OrderAction
from tests.factories import NOW


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def refused(
    db, call, *, en: str | None = None, ru: str | None = None, kind: type[DomainError] = DomainError
) -> DomainError:
    """Run a service call that must be refused: it raises, and writes nothing."""
    with db.read() as session:
        before = [_count(session, m) for m in (AuditEntry, Message, Payment, Order)]
    with pytest.raises(kind) as caught, db.write() as session:
        call(session)
    with db.read() as session:
        assert [_count(session, m) for m in (AuditEntry, Message, Payment, Order)] == before
    if en is not None:
        assert error_text(caught.value, "en") == en
    if ru is not None:
        assert error_text(caught.value, "ru") == ru
    return caught.value


def make(db, world, build):
    with db.write() as session:
        world.session = session
        made = build(world)
        return made.number if hasattr(made, "number") else made


# --- payments (§4.4) -----------------------------------------------------------------------


@pytest.fixture
def hotel(db, world):
    """A hotel stay of 20 000 ₽ with 6 000 ₽ prepaid: 14 000 ₽ due."""
    return make(
        db,
        world,
        lambda w: w.order("hotel", "confirmed_balance_due", total=2_000_000, paid=600_000),
    )


def pay(db, actor, number, amount, key="k1", method="cash"):
    with db.write() as session:
        return payments.record_payment(session, actor, number, amount, method, key, NOW)


def test_a_partial_payment_lowers_the_balance_and_leaves_a_system_message(db, actors, hotel):
    result = pay(db, actors["rental"], hotel, "5 000")
    assert (result.amount_kopecks, result.balance_kopecks) == (500_000, 900_000)
    assert result.status == "confirmed_balance_due"
    with db.read() as session:
        order = session.scalar(select(Order).where(Order.number == hotel))
        assert payments.ledger_sum(session, order.id) == order.paid_kopecks == 1_100_000
        thread = [m for m in session.scalars(select(Message).where(Message.order_id == order.id))]
        assert [localize(m.text, _decoded(m), "ru") for m in thread] == [
            "Оплата 5\u202f000\u202f₽ проведена менеджером Анна Смирнова."
        ]
        assert [e.action for e in audit_rows(session, "order", hotel)] == ["order.record_payment"]


def _decoded(message):
    from services.messages import decode

    return decode(message.params)


def audit_rows(session, entity, entity_id):
    return audit.trail(session, entity, entity_id)


def test_paying_the_whole_balance_confirms_the_order(db, actors, hotel):
    result = pay(db, actors["rental"], hotel, 14_000)
    assert result.balance_kopecks == 0
    assert result.status == "confirmed"


def test_a_payment_that_leaves_30_rubles_is_refused_with_the_allowed_amounts(db, actors, hotel):
    refused(
        db,
        lambda s: payments.record_payment(s, actors["rental"], hotel, "13970", "cash", "k", NOW),
        en="The balance left would be 30\u202f₽; leave 0 ₽ or at least 50\u202f₽ — you may pay "
        "up to 13,950\u202f₽ or exactly 14,000\u202f₽.",
        ru="Остаток составил бы 30\u202f₽; оставьте 0 ₽ или не меньше 50\u202f₽ — можно оплатить "
        "до 13\u202f950\u202f₽ или ровно 14\u202f000\u202f₽.",
    )


@pytest.mark.parametrize(
    ("amount", "en", "ru"),
    [
        ("0", "The amount must be greater than zero.", "Сумма должна быть больше нуля."),
        ("-100", "The amount must be greater than zero.", "Сумма должна быть больше нуля."),
        (
            "1.005",
            "An amount has at most two decimals (kopecks).",
            "В сумме не больше двух знаков после запятой (копейки).",
        ),
        ("abc", "“abc” is not an amount.", "«abc» — не сумма."),
        ("NaN", "“NaN” is not an amount.", "«NaN» — не сумма."),
        ("1e309", "The amount is too large.", "Слишком большая сумма."),
        ("-inf", "“-inf” is not an amount.", "«-inf» — не сумма."),
        (
            "14000.01",
            "14,000.01\u202f₽ is more than the balance of 14,000\u202f₽.",
            "14\u202f000,01\u202f₽ — больше остатка к оплате 14\u202f000\u202f₽.",
        ),
    ],
)
def test_bad_amounts_are_refused(db, actors, hotel, amount, en, ru):
    refused(
        db,
        lambda s: payments.record_payment(s, actors["rental"], hotel, amount, "cash", "k", NOW),
        en=en,
        ru=ru,
    )


@pytest.mark.parametrize("who", ["exec", "accounting", "events"])
def test_roles_without_the_right_may_not_record_a_payment(db, actors, hotel, who):
    refused(
        db,
        lambda s: payments.record_payment(s, actors[who], hotel, "100", "cash", "k", NOW),
        en="Your role may not do this.",
        ru="Вашей роли это действие недоступно.",
        kind=PermissionDenied,
    )


def test_a_rental_manager_may_not_pay_a_service_order(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "new", total=100_000))
    refused(
        db,
        lambda s: payments.record_payment(s, actors["rental"], number, "100", "cash", "k", NOW),
        kind=PermissionDenied,
    )
    assert pay(db, actors["service"], number, "1000").status == "confirmed"


def test_a_done_order_takes_no_payment(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "done", total=100_000))
    refused(
        db,
        lambda s: payments.record_payment(s, actors["admin"], number, "100", "cash", "k", NOW),
        en="An order in status “Done” cannot be paid.",
        ru="Заказ в статусе «Выполнен» нельзя оплатить.",
    )


def test_an_unknown_method_is_refused(db, actors, hotel):
    refused(
        db,
        lambda s: payments.record_payment(s, actors["rental"], hotel, "100", "bitcoin", "k", NOW),
        en="Choose how the customer paid.",
        ru="Выберите, как клиент оплатил.",
    )


def test_the_same_submit_five_times_records_one_payment(db, actors, hotel):
    results = [pay(db, actors["rental"], hotel, "1000", key="same-form") for _ in range(5)]
    assert len({r.payment_id for r in results}) == 1
    assert [r.repeated for r in results] == [False, True, True, True, True]
    with db.read() as session:
        assert _count(session, Payment) == 2  # the prepayment and this one


def test_a_refund_is_a_reversing_row_and_completes_a_pending_refund(db, actors, world):
    make(
        db,
        world,
        lambda w: w.order("coworking", "cancelled_refund_pending", total=150_000, paid=150_000),
    )
    with db.read() as session:
        payment_id = session.scalar(select(Payment.id))
    with db.write() as session:
        result = payments.refund_payment(session, actors["rental"], payment_id, "1500", "r1", NOW)
    assert (result.paid_kopecks, result.status) == (0, "cancelled_refunded")
    with db.read() as session:
        rows = payments.ledger(session, session.scalar(select(Order.id)))
        assert [(r.kind, r.amount_kopecks) for r in rows] == [
            ("payment", 150_000),
            ("refund", -150_000),
        ]
    refused(
        db,
        lambda s: payments.refund_payment(s, actors["rental"], payment_id, "1", "r2", NOW),
        en="At most 0\u202f₽ of this payment can be refunded.",
    )


# --- cancel, executor, work statuses, chat (§4.5–4.8) ----------------------------------------


def test_cancelling_an_unpaid_order_cancels_it(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "new"))
    with db.write() as session:
        assert orders.cancel_order(session, actors["service"], number, NOW).status == "cancelled"


def test_cancelling_a_paid_order_waits_for_the_refund(db, actors, world):
    number = make(db, world, lambda w: w.order("hotel", "confirmed", total=500_000, paid=500_000))
    with db.write() as session:
        state = orders.cancel_order(session, actors["rental"], number, NOW)
    assert state.status == "cancelled_refund_pending"


def test_a_done_order_cannot_be_cancelled(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "done"))
    refused(
        db,
        lambda s: orders.cancel_order(s, actors["service"], number, NOW),
        en="A done or cancelled order cannot be cancelled.",
        ru="Выполненный или отменённый заказ отменить нельзя.",
    )


def test_a_service_without_cancellation_refuses_it(db, actors, world):
    number = make(db, world, lambda w: w.order("goods", "new"))
    with db.write() as session:
        session.query(Service).filter_by(type="goods").update({"allows_cancellation": False})
    refused(
        db,
        lambda s: orders.cancel_order(s, actors["service"], number, NOW),
        en="The service “Услуга goods” does not allow cancellation.",
        ru="Услуга «Услуга goods» не допускает отмены.",
    )


def test_an_event_ticket_cannot_be_cancelled_after_check_in(db, actors, world):
    def build(w):
        ticket = w.event_ticket(w.event())
        ticket.checked_in_at, ticket.checked_in_by_id = NOW, actors["events"].id
        return w.session.get(Order, ticket.order_id)

    number = make(db, world, build)
    error = refused(db, lambda s: orders.cancel_order(s, actors["admin"], number, NOW))
    assert "checked in already" in error_text(error, "en")


def test_the_executor_can_be_assigned_changed_and_cleared(db, actors, world, staff_ids):
    number = make(db, world, lambda w: w.order("request", "new"))
    for executor in (staff_ids["service@parkdesk.local"], staff_ids["admin@parkdesk.local"], None):
        with db.write() as session:
            state = orders.assign_executor(session, actors["service"], number, executor, NOW)
        assert state.executor_id == executor
    refused(
        db,
        lambda s: orders.assign_executor(s, actors["exec"], number, None, NOW),
        kind=PermissionDenied,
    )
    refused(
        db,
        lambda s: orders.assign_executor(s, actors["service"], number, 999_999, NOW),
        en="Choose an active staff member as the executor.",
    )


def test_a_cleaning_request_moves_through_the_work_statuses(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "new"))
    for action, status in (
        (OrderAction.START_WORK, "in_progress"),
        (OrderAction.FINISH_WORK, "done_awaiting_confirmation"),
        (OrderAction.RETURN_TO_WORK, "in_progress"),
        (OrderAction.COMPLETE, "done"),
    ):
        with db.write() as session:
            assert (
                orders.change_work_status(session, actors["service"], number, action, NOW).status
                == status
            )
    refused(
        db,
        lambda s: orders.change_work_status(
            s, actors["service"], number, OrderAction.START_WORK, NOW
        ),
        en="An order in status “Done” cannot be taken into work.",
        ru="Заказ в статусе «Выполнен» нельзя взять в работу.",
    )


def test_work_statuses_are_not_for_coworking_orders(db, actors, world):
    number = make(db, world, lambda w: w.order("coworking", "new"))
    refused(
        db,
        lambda s: orders.change_work_status(
            s, actors["admin"], number, OrderAction.START_WORK, NOW
        ),
        en="Work statuses are for simple services, requests and goods orders.",
    )


def test_the_sweep_completes_unconfirmed_work_once(db, world):
    number = make(
        db,
        world,
        lambda w: w.order(
            "simple", "done_awaiting_confirmation", created_at=NOW - timedelta(days=4)
        ),
    )
    fresh = make(db, world, lambda w: w.order("simple", "done_awaiting_confirmation"))
    with db.write() as session:
        assert orders.sweep(session, NOW) == [number]
    with db.write() as session:
        assert orders.sweep(session, NOW) == []
    with db.read() as session:
        statuses = dict(session.execute(select(Order.number, Order.status)).all())
    assert (statuses[number], statuses[fresh]) == ("done", "done_awaiting_confirmation")


def test_the_customer_confirms_or_returns_work(db, world):
    number = make(db, world, lambda w: w.order("simple", "done_awaiting_confirmation"))
    with db.write() as session:
        assert (
            orders.customer_action(session, number, OrderAction.RETURN_TO_WORK, NOW).status
            == "in_progress"
        )


def test_messages_are_public_or_internal_and_never_empty(db, actors, world):
    number = make(db, world, lambda w: w.order("simple", "new"))
    with db.write() as session:
        orders.post_message(
            session, actors["service"], number, "Уборка в 15:00", internal=False, now=NOW
        )
        orders.post_message(
            session, actors["service"], number, "Ключ у охраны", internal=True, now=NOW
        )
    refused(
        db,
        lambda s: orders.post_message(s, actors["service"], number, "   ", internal=True, now=NOW),
        en="Write a message first.",
        ru="Сначала напишите сообщение.",
    )
    with db.read() as session:
        from services.messages import thread

        order_id = session.scalar(select(Order.id).where(Order.number == number))
        assert [(m.visibility, m.text) for m in thread(session, order_id)] == [
            ("public", "Уборка в 15:00"),
            ("internal", "Ключ у охраны"),
        ]
        assert [m.text for m in thread(session, order_id, include_internal=False)] == [
            "Уборка в 15:00"
        ]


@pytest.mark.parametrize(
    ("who", "kind", "reads_internal"),
    [
        ("admin", "simple", True),
        ("rental", "coworking", True),
        ("service", "simple", True),
        ("accounting", "simple", True),
        ("exec", "simple", False),  # no customer contact data (SPEC §1), and staff notes carry it
    ],
)
def test_internal_messages_reach_only_the_roles_that_may_read_them(
    db, actors, world, who, kind, reads_internal
):
    number = make(db, world, lambda w: w.order(kind, "new"))
    writer = actors["rental" if kind == "coworking" else "service"]
    with db.write() as session:
        orders.post_message(session, writer, number, "Уборка", internal=False, now=NOW)
        orders.post_message(session, writer, number, "Ключ", internal=True, now=NOW)
    with db.read() as session:
        view = get_order(session, actors[who], number)
    expected = ["Уборка", "Ключ"] if reads_internal else ["Уборка"]
    assert [m.text for m in view.messages] == expected


def test_the_event_manager_opens_no_order_page(db, actors, world):
    number = make(db, world, lambda w: w.order("event", "new"))
    with db.read() as session, pytest.raises(PermissionDenied):
        get_order(session, actors["events"], number)


def test_an_unknown_order_number_is_not_found(db, actors):
    refused(
        db,
        lambda s: orders.cancel_order(s, actors["admin"], "abc", NOW),
        kind=NotFound,
        en="There is no order or ticket number “abc”.",
    )


# --- tickets (§4.1–4.3) --------------------------------------------------------------------


def test_validating_a_confirmed_ticket_records_who_and_when(db, actors, world):
    number = make(db, world, lambda w: w.coworking("confirmed"))
    with db.write() as session:
        view = tickets.validate(session, actors["rental"], number, NOW)
    assert (view.validated_at, view.validated_by) == (NOW, "Анна Смирнова")
    refused(
        db,
        lambda s: tickets.validate(s, actors["rental"], number, NOW),
        en="The identity was checked already.",
        ru="Личность уже проверена.",
    )
    with db.write() as session:
        view = tickets.reset_validation(session, actors["rental"], number, NOW)
    assert (view.validated_at, view.validated_by) == (None, None)
    with db.read() as session:
        assert [r.action for r in audit.trail(session, "coworking_ticket", number)] == [
            "ticket.reset_validation",
            "ticket.validate",
        ]


def test_a_new_ticket_cannot_be_validated(db, actors, world):
    number = make(db, world, lambda w: w.coworking("new"))
    refused(
        db,
        lambda s: tickets.validate(s, actors["rental"], number, NOW),
        en="The identity can be checked only on a confirmed or active ticket; this one is “New”.",
        ru="Проверить личность можно только по подтверждённому или активному билету; этот "
        "билет — «Новый».",
    )


def test_an_executive_may_not_validate(db, actors, world):
    number = make(db, world, lambda w: w.coworking("confirmed"))
    refused(db, lambda s: tickets.validate(s, actors["exec"], number, NOW), kind=PermissionDenied)


def test_the_visitor_changes_to_a_registered_or_a_new_person(db, actors, world):
    number = make(db, world, lambda w: w.coworking("confirmed"))
    with db.read() as session:
        found = people.search(session, "СМИРН")
    assert [p.full_name for p in found] == ["Смирнова Ольга"]
    with db.write() as session:
        view = tickets.change_visitor(session, actors["rental"], number, NOW, person_id=found[0].id)
    assert view.visitor_name == "Смирнова Ольга"
    new = people.NewPerson(last_name="Соколов", first_name="Илья", phone="+7 903 000-11-22")
    with db.write() as session:
        view = tickets.change_visitor(session, actors["rental"], number, NOW, new_person=new)
    assert (view.visitor_name, view.visitor_phone) == ("Соколов Илья", "+7 903 000-11-22")
    refused(
        db,
        lambda s: tickets.change_visitor(
            s,
            actors["rental"],
            number,
            NOW,
            new_person=people.NewPerson(last_name="Без", first_name="Телефона", phone=""),
        ),
        en="Enter a phone number, e.g. +7 916 123-45-67.",
    )


def test_a_new_visitor_clears_the_validation_and_the_audit_keeps_the_previous_one(
    db, actors, world
):
    number = make(db, world, lambda w: w.coworking("confirmed"))
    with db.write() as session:
        checked = tickets.validate(session, actors["rental"], number, NOW)
        first_visitor = session.scalar(
            select(CoworkingTicket.visitor_id).where(CoworkingTicket.number == number)
        )
    assert checked.validated_at is not None
    with db.write() as session:
        tickets.change_visitor(
            session, actors["rental"], number, NOW + timedelta(minutes=5), person_id=world.people[1]
        )
    with db.read() as session:
        ticket = session.scalar(select(CoworkingTicket).where(CoworkingTicket.number == number))
        assert (ticket.visitor_id, ticket.validated_at, ticket.validated_by_id) == (
            world.people[1],
            None,
            None,
        )
        entry = audit_rows(session, "coworking_ticket", number)[0]
    assert entry.action == "ticket.change_visitor"
    assert entry.before["visitor_id"] == first_visitor
    assert entry.before["validated_by_id"] == actors["rental"].id
    assert entry.before["validated_at"] is not None
    assert (entry.after["validated_at"], entry.after["validated_by_id"]) == (None, None)


def test_the_visitor_of_an_active_ticket_stays(db, actors, world):
    number = make(db, world, lambda w: w.coworking("confirmed", start=NOW - timedelta(hours=1)))
    refused(
        db,
        lambda s: tickets.change_visitor(
            s, actors["rental"], number, NOW, person_id=world.people[1]
        ),
        en="The visitor can be changed only on a new or confirmed ticket; this one is “Active”.",
    )


def test_the_seat_changes_only_to_a_seat_free_for_the_whole_period(db, actors, world):
    first = make(db, world, lambda w: w.coworking("confirmed", seat=w.seats[0]))
    make(
        db,
        world,
        lambda w: w.coworking("confirmed", start=NOW + timedelta(days=1, hours=6), seat=w.seats[1]),
    )
    with db.read() as session:
        free = tickets.free_seats_for_ticket(session, first, NOW)
    assert [s.id for s in free] == world.seats[2:]
    refused(
        db,
        lambda s: tickets.change_seat(s, actors["rental"], first, world.seats[1], NOW),
        en="Seat 2 is taken during this ticket's period; choose another.",
        ru="Место 2 занято в период билета; выберите другое.",
    )
    refused(
        db,
        lambda s: tickets.change_seat(s, actors["rental"], first, world.other_room_seats[0], NOW),
        en="Choose a seat in the same coworking room.",
    )
    with db.write() as session:
        view = tickets.change_seat(session, actors["rental"], first, world.seats[2], NOW)
    assert view.seat_number == 3


def test_a_cancelled_ticket_frees_its_seat(db, actors, world):
    make(db, world, lambda w: w.coworking("cancelled", seat=w.seats[1]))
    first = make(db, world, lambda w: w.coworking("confirmed", seat=w.seats[0]))
    with db.write() as session:
        assert (
            tickets.change_seat(session, actors["rental"], first, world.seats[1], NOW).seat_number
            == 2
        )


# --- new coworking order (§4.9) ------------------------------------------------------------


def _request(world, **overrides):
    fields = dict(
        service_id=world.services["coworking"],
        tariff_id=world.tariffs["day"],
        start=NOW + timedelta(days=2),
        quantity=2,
        seat_id=world.seats[0],
        payment_method="cash",
        customer_id=world.people[0],
    )
    fields.update(overrides)
    return coworking.CoworkingOrderRequest(**fields)


def test_a_coworking_order_gets_numbers_and_its_ticket(db, actors, world):
    with db.write() as session:
        created = coworking.create_coworking_order(session, actors["rental"], _request(world), NOW)
    assert created.total_kopecks == 300_000
    with db.read() as session:
        view = tickets.get_ticket(session, created.ticket_number, NOW)
    assert (view.order_number, view.status, view.seat_id) == (
        created.order_number,
        "new",
        world.seats[0],
    )
    assert view.period_end - view.period_start == timedelta(days=2)
    refused(
        db,
        lambda s: coworking.create_coworking_order(s, actors["rental"], _request(world), NOW),
        en="Seat 1 is taken during this period; choose another.",
    )


def test_a_new_customer_needs_a_phone_and_online_payment_an_email(db, actors, world):
    refused(
        db,
        lambda s: coworking.create_coworking_order(
            s, actors["rental"], _request(world, customer_id=world.people[2]), NOW
        ),
        en="Enter a phone number, e.g. +7 916 123-45-67.",
    )
    refused(
        db,
        lambda s: coworking.create_coworking_order(
            s, actors["rental"], _request(world, payment_method="online_gateway"), NOW
        ),
        en="An e-mail is required for payment through the online gateway.",
        ru="Для онлайн-оплаты нужен e-mail.",
    )
    new = people.NewPerson(last_name="Орлова", first_name="Вера", phone="+7 925 123-45-67")
    with db.write() as session:
        created = coworking.create_coworking_order(
            session,
            actors["rental"],
            _request(
                world,
                customer_id=None,
                new_customer=new,
                payment_method="online_gateway",
                email="vera@example.ru",
                phone="+7 925 000-00-00",
            ),
            NOW,
        )
    with db.read() as session:
        order = session.scalar(select(Order).where(Order.number == created.order_number))
        assert (order.contact_phone, order.contact_email) == ("+7 925 000-00-00", "vera@example.ru")
        assert _count(session, CoworkingTicket) == 1


def test_only_a_rental_manager_or_admin_creates_coworking_orders(db, actors, world):
    refused(
        db,
        lambda s: coworking.create_coworking_order(s, actors["service"], _request(world), NOW),
        kind=PermissionDenied,
    )


# --- event check-in (§4.10) ----------------------------------------------------------------


def test_check_in_by_token_then_again_then_revert(db, actors, world):
    def build(w):
        event = w.event()
        ticket = w.event_ticket(event)
        w.event_ticket(event)
        return event, ticket.qr_token, ticket.number

    with db.write() as session:
        world.session = session
        event_id, token, number = build(world)
    with db.write() as session:
        result = events.check_in(session, actors["events"], event_id, token, NOW)
    assert (result.ticket_number, result.checked_in, result.sold) == (number, 1, 2)
    error = refused(
        db,
        lambda s: events.check_in(s, actors["events"], event_id, str(number), NOW),
        kind=events.CheckInRefused,
    )
    assert error.reason == "already"
    assert error_text(error, "ru") == (
        f"Билет {number} (Иванов Пётр) уже зарегистрирован 10 марта 2026\u202fг., 15:00, "
        "сотрудник: Мария Иванова."
    )
    with db.write() as session:
        assert events.revert_check_in(session, actors["events"], number, NOW).checked_in == 0


def test_check_in_refuses_other_events_cancelled_and_unknown_tickets(db, actors, world):
    with db.write() as session:
        world.session = session
        here, there = world.event(), world.event(title="Хакатон")
        foreign = world.event_ticket(there).qr_token
        cancelled = world.event_ticket(here, status="cancelled").qr_token
    for code, reason in (
        (foreign, "other_event"),
        (cancelled, "cancelled"),
        ("no-such-code", "unknown"),
        ("", "unknown"),
    ):
        error = refused(
            db,
            lambda s, c=code: events.check_in(s, actors["events"], here, c, NOW),
            kind=events.CheckInRefused,
        )
        assert error.reason == reason
    refused(
        db,
        lambda s: events.check_in(s, actors["rental"], here, foreign, NOW),
        kind=PermissionDenied,
    )
