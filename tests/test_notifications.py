"""Notifications (SPEC §9.3): each of the four events tells exactly the staff who serve
the order, never the one who acted; the count, the list, and marking read — one's own
only. On SQLite and PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from dashboard.i18n import localize
from models import Notification, Order, StaffUser
from services import notifications, orders, payments
from services.errors import DomainError, NotFound
from services.workflow import OrderAction
from tests.factories import NOW


def _told(db) -> list[tuple[int, str, int]]:
    """Every notification as (user, kind, order number), in the order written."""
    with db.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(Notification.user_id, Notification.kind, Order.number)
                .join(Order, Order.id == Notification.order_id)
                .order_by(Notification.id)
            )
        ]


def _order(db, world, service_type: str = "simple", status: str = "new", **fields) -> int:
    with db.write() as session:
        world.session = session
        return world.order(service_type, status, **fields).number


@pytest.fixture
def second_service_manager(db) -> int:
    with db.write() as session:
        user = StaffUser(
            email="igor@parkdesk.local",
            name="Игорь Петров",
            role="service_manager",
            password_hash="x",
        )
        session.add(user)
        session.flush()
        return user.id


# --- (a) a customer message ------------------------------------------------------------------


def test_a_customer_message_on_an_unassigned_order_tells_its_departments_managers(
    db, world, staff_ids, second_service_manager
):
    number = _order(db, world, "simple")
    with db.write() as session:
        orders.customer_message(session, number, "Когда привезут воду?", NOW)
    service = staff_ids["service@parkdesk.local"]
    assert _told(db) == [
        (service, "message", number),
        (second_service_manager, "message", number),
    ]


def test_a_customer_message_on_an_assigned_order_tells_its_executor_only(
    db, world, staff_ids, second_service_manager
):
    number = _order(db, world, "simple", executor_id=second_service_manager)
    with db.write() as session:
        orders.customer_message(session, number, "Спасибо!", NOW)
    assert _told(db) == [(second_service_manager, "message", number)]


def test_a_rental_order_tells_the_rental_desk(db, world, staff_ids):
    number = _order(db, world, "hotel", "confirmed", total=100_000, paid=100_000)
    with db.write() as session:
        orders.customer_message(session, number, "Поздний заезд", NOW)
    assert _told(db) == [(staff_ids["rental@parkdesk.local"], "message", number)]


def test_an_executor_who_may_not_read_the_order_leaves_it_to_the_department(db, world, staff_ids):
    # An accountant reads every order, an event manager none: assigned to one, an event
    # order is still heard of by someone who may open it.
    events = staff_ids["events@parkdesk.local"]
    number = _order(
        db, world, "event", "confirmed", total=100_000, paid=100_000, executor_id=events
    )
    with db.write() as session:
        orders.customer_message(session, number, "Где парковка?", NOW)
    assert _told(db) == [(staff_ids["admin@parkdesk.local"], "message", number)]


def test_an_empty_customer_message_is_refused_and_tells_nobody(db, world):
    number = _order(db, world, "simple")
    with pytest.raises(DomainError), db.write() as session:
        orders.customer_message(session, number, "  ", NOW)
    assert _told(db) == []


def test_a_staff_message_tells_nobody(db, world, actors):
    number = _order(db, world, "simple")
    with db.write() as session:
        orders.post_message(session, actors["service"], number, "Едем", internal=False, now=NOW)
    assert _told(db) == []


# --- (b) an order assigned ---------------------------------------------------------------------


def test_assigning_an_order_tells_the_new_executor(db, world, actors, second_service_manager):
    number = _order(db, world, "simple")
    with db.write() as session:
        orders.assign_executor(session, actors["service"], number, second_service_manager, NOW)
    assert _told(db) == [(second_service_manager, "assigned", number)]
    with db.read() as session:
        [row] = notifications.recent(session, second_service_manager)
    assert localize(row.text, row.params, "en") == (
        f"Дмитрий Кузнецов assigned order №{number} to you."
    )
    assert localize(row.text, row.params, "ru") == (
        f"Вам назначен заказ №{number} (Дмитрий Кузнецов)."
    )


def test_taking_an_order_oneself_tells_nobody(db, world, actors):
    number = _order(db, world, "simple")
    with db.write() as session:
        orders.assign_executor(session, actors["service"], number, actors["service"].id, NOW)
    assert _told(db) == []


def test_clearing_or_keeping_the_executor_tells_nobody(db, world, actors, second_service_manager):
    number = _order(db, world, "simple", executor_id=second_service_manager)
    with db.write() as session:
        orders.assign_executor(session, actors["service"], number, second_service_manager, NOW)
        orders.assign_executor(session, actors["service"], number, None, NOW)
    assert _told(db) == []


# --- (c) work returned by the customer ---------------------------------------------------------


def test_work_returned_by_the_customer_tells_its_executor(db, world, actors, staff_ids):
    service = staff_ids["service@parkdesk.local"]
    number = _order(db, world, "request", "done_awaiting_confirmation", executor_id=service)
    with db.write() as session:
        orders.customer_action(session, number, OrderAction.RETURN_TO_WORK, NOW)
    assert _told(db) == [(service, "returned", number)]
    with db.read() as session:
        [row] = notifications.recent(session, service)
    assert localize(row.text, row.params, "ru") == (f"Клиент вернул заказ №{number} в работу.")


def test_work_returned_by_a_manager_tells_nobody(db, world, actors, staff_ids):
    number = _order(
        db, world, "request", "done_awaiting_confirmation", executor_id=actors["admin"].id
    )
    with db.write() as session:
        orders.change_work_status(
            session, actors["service"], number, OrderAction.RETURN_TO_WORK, NOW
        )
    assert _told(db) == []


def test_other_customer_actions_tell_nobody(db, world):
    number = _order(db, world, "request", "done_awaiting_confirmation")
    with db.write() as session:
        orders.customer_action(session, number, OrderAction.CUSTOMER_CONFIRM, NOW)
    assert _told(db) == []


# --- (d) a payment through the gateway ---------------------------------------------------------


def test_a_gateway_payment_tells_whoever_serves_the_order(db, world, staff_ids):
    number = _order(db, world, "hotel", "new_payment_pending", total=500_000)
    with db.write() as session:
        result = payments.gateway_payment(session, number, "5000", "GW-0001", NOW)
    assert result.status == "confirmed" and result.balance_kopecks == 0
    rental = staff_ids["rental@parkdesk.local"]
    assert _told(db) == [(rental, "payment", number)]
    with db.read() as session:
        [row] = notifications.recent(session, rental)
    assert localize(row.text, row.params, "en") == f"5,000\u202f₽ paid online for order №{number}."


def test_the_same_gateway_report_twice_is_one_payment_and_one_notification(db, world):
    number = _order(db, world, "hotel", "new_payment_pending", total=500_000)
    for _ in range(2):
        with db.write() as session:
            payments.gateway_payment(session, number, "2000", "GW-0002", NOW)
    assert len(_told(db)) == 1
    with db.read() as session:
        assert session.scalar(select(Order.paid_kopecks).where(Order.number == number)) == 200_000


def test_a_gateway_payment_over_the_balance_is_refused_and_tells_nobody(db, world):
    number = _order(db, world, "hotel", "new_payment_pending", total=500_000)
    with pytest.raises(DomainError), db.write() as session:
        payments.gateway_payment(session, number, "5000.01", "GW-0003", NOW)
    assert _told(db) == []


def test_a_payment_recorded_by_a_manager_tells_nobody(db, world, actors):
    number = _order(db, world, "hotel", "new", total=500_000)
    with db.write() as session:
        payments.record_payment(session, actors["rental"], number, "5000", "cash", "k-1", NOW)
    assert _told(db) == []


# --- count, list, mark read --------------------------------------------------------------------


def _many(db, world, staff_ids, count: int) -> list[int]:
    numbers = []
    for index in range(count):
        number = _order(db, world, "hotel", "confirmed", total=100_000, paid=100_000)
        with db.write() as session:
            orders.customer_message(
                session, number, f"Вопрос {index}", NOW + timedelta(minutes=index)
            )
        numbers.append(number)
    return numbers


def test_the_list_is_newest_first_and_bounded(db, world, staff_ids):
    numbers = _many(db, world, staff_ids, notifications.LIST_LIMIT + 3)
    rental = staff_ids["rental@parkdesk.local"]
    with db.read() as session:
        assert notifications.unread_count(session, rental) == notifications.LIST_LIMIT + 3
        listed = notifications.recent(session, rental)
    assert [row.order_number for row in listed] == numbers[::-1][: notifications.LIST_LIMIT]
    assert not any(row.read for row in listed)


def test_opening_one_marks_it_read_and_gives_its_order(db, world, staff_ids, actors):
    _first, second = _many(db, world, staff_ids, 2)
    rental = actors["rental"]
    with db.read() as session:
        newest = notifications.recent(session, rental.id)[0]
    with db.write() as session:
        assert notifications.open_notification(session, rental, newest.id, NOW) == second
    with db.write() as session:  # again: still its order, nothing else changes
        assert notifications.open_notification(session, rental, newest.id, NOW) == second
    with db.read() as session:
        assert notifications.unread_count(session, rental.id) == 1
        assert [row.read for row in notifications.recent(session, rental.id)] == [True, False]


def test_another_users_notification_is_refused_as_if_it_did_not_exist(db, world, staff_ids, actors):
    _many(db, world, staff_ids, 1)
    rental = actors["rental"]
    with db.read() as session:
        [theirs] = notifications.recent(session, rental.id)
    for stranger in (actors["admin"], actors["service"]):
        with pytest.raises(NotFound) as caught, db.write() as session:
            notifications.open_notification(session, stranger, theirs.id, NOW)
        assert caught.value.message == "There is no such notification."
    for junk in (None, "1", 0, -1, 2**31, True, 1.5, [theirs.id]):
        with pytest.raises(NotFound), db.write() as session:
            notifications.open_notification(session, rental, junk, NOW)
    with db.read() as session:
        assert notifications.unread_count(session, rental.id) == 1


def test_mark_all_read_marks_only_ones_own(db, world, staff_ids, actors, second_service_manager):
    _many(db, world, staff_ids, 3)
    simple = _order(db, world, "simple")
    with db.write() as session:
        orders.customer_message(session, simple, "?", NOW)
    with db.write() as session:
        assert notifications.mark_all_read(session, actors["rental"], NOW) == 3
    with db.read() as session:
        assert notifications.unread_count(session, actors["rental"].id) == 0
        assert notifications.unread_count(session, actors["service"].id) == 1
        assert notifications.unread_count(session, second_service_manager) == 1
        assert session.scalar(select(func.count()).select_from(Notification)) == 5


def test_the_unread_count_is_read_from_the_partial_index_of_unread_rows(db, world, staff_ids):
    """The navbar counts on every page and live tick: the count must be a read of the
    user's unread entries in ``ix_notifications_unread``, never of their whole history
    (PostgreSQL is made to show that it can, as a small table is read whole anyway)."""
    _many(db, world, staff_ids, 3)
    rental = staff_ids["rental@parkdesk.local"]
    statements: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.read() as session:
            assert notifications.unread_count(session, rental) == 3
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    [(statement, parameters)] = [s for s in statements if "notifications" in s[0]]
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            text = " ".join(row[-1] for row in plan)
            assert "USING COVERING INDEX ix_notifications_unread" in text, text
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            text = " ".join(row[0] for row in plan)
            assert "Index Only Scan using ix_notifications_unread" in text, text
