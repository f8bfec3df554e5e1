"""A desk sale in one step (SPEC §9.1, seed 004): the coworking order, its ticket and
the payment written together, or nothing at all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from dashboard.i18n import localize
from models import Counter, CoworkingTicket, Order, OrderItem, Payment, Person
from services import coworking, people
from services.errors import PermissionDenied
from tests.factories import NOW
from tests.test_rules import refused

# Two days of the factories' coworking service: 3 000 ₽; its prepayment share is 30 %.
DAYS = 2
TOTAL = 300_000


def _request(world, **overrides) -> coworking.CoworkingOrderRequest:
    fields = dict(
        service_id=world.services["coworking"],
        tariff_id=world.tariffs["day"],
        start=NOW + timedelta(days=2),
        quantity=DAYS,
        seat_id=world.seats[0],
        payment_method="cash",
        customer_id=world.people[0],
    )
    fields.update(overrides)
    return coworking.CoworkingOrderRequest(**fields)


def _sell(session, actors, world, amount, key="form-1", who="rental", external=None, **fields):
    return coworking.sell_coworking(
        session, actors[who], _request(world, **fields), amount, key, NOW, external_number=external
    )


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _written(db) -> list[int]:
    """Every row a sale writes besides the ones ``refused`` counts, and the counters."""
    with db.read() as session:
        counters = session.scalars(select(Counter.value).order_by(Counter.name)).all()
        return [_count(session, m) for m in (CoworkingTicket, OrderItem, Person)] + list(counters)


def test_the_whole_total_paid_at_once_confirms_the_order_with_its_ticket(db, actors, world):
    with db.write() as session:
        sale = _sell(session, actors, world, "3000", external="slip 0042")
    assert (sale.total_kopecks, sale.paid_kopecks, sale.status) == (TOTAL, TOTAL, "confirmed")
    with db.read() as session:
        order = session.scalar(select(Order).where(Order.number == sale.order_number))
        ticket = session.scalar(
            select(CoworkingTicket).where(CoworkingTicket.number == sale.ticket_number)
        )
        payment = session.scalars(select(Payment)).one()
        assert (order.status, order.paid_kopecks, order.payment_method) == (
            "confirmed",
            TOTAL,
            "cash",
        )
        assert ticket.order_id == order.id
        assert (payment.order_id, payment.amount_kopecks, payment.external_number) == (
            order.id,
            TOTAL,
            "slip 0042",
        )


def test_a_part_of_at_least_the_prepayment_share_leaves_a_balance_due(db, actors, world):
    with db.write() as session:
        sale = _sell(session, actors, world, "900", payment_method="bank_card")
    assert (sale.paid_kopecks, sale.status) == (90_000, "confirmed_balance_due")


def test_a_part_below_the_prepayment_share_is_refused_and_nothing_is_written(db, actors, world):
    before = _written(db)
    new = people.NewPerson(last_name="Орлова", first_name="Вера", phone="+7 925 123-45-67")
    refused(
        db,
        lambda s: _sell(s, actors, world, "899.99", customer_id=None, new_customer=new),
        en=(
            "A part must reach the prepayment of 30%: pay at least 900\u202f₽, "
            "or exactly 3,000\u202f₽."
        ),
        ru=(
            "Часть должна покрывать предоплату 30%: оплатите не меньше 900\u202f₽ "
            "или ровно 3\u202f000\u202f₽."
        ),
    )
    assert _written(db) == before
    # The numbers the refused sale took went back with it: the next sale gets the first ones.
    with db.write() as session:
        sale = _sell(session, actors, world, "3000")
    assert (sale.order_number, sale.ticket_number) == (100_001, 500_001)


def test_more_than_the_total_or_an_expired_form_is_refused_too(db, actors, world):
    refused(
        db,
        lambda s: _sell(s, actors, world, "3000.01"),
        en="3,000.01\u202f₽ is more than the balance of 3,000\u202f₽.",
    )
    for key in ("", "\x00", "k" * 65):  # (PostgreSQL is never asked about a NUL)
        refused(
            db,
            lambda s, k=key: _sell(s, actors, world, "3000", key=k),
            en="The form has expired; open it again.",
        )


def test_the_same_form_sent_twice_makes_one_order(db, actors, world):
    with db.write() as session:
        first = _sell(session, actors, world, "3000", key="double-click")
    with db.write() as session:
        again = _sell(session, actors, world, "3000", key="double-click")
    assert (again.order_number, again.ticket_number, again.repeated) == (
        first.order_number,
        first.ticket_number,
        True,
    )
    assert first.repeated is False
    with db.read() as session:
        assert [_count(session, m) for m in (Order, CoworkingTicket, Payment)] == [1, 1, 1]
    refused(
        db,
        lambda s: _sell(s, actors, world, "900", key="double-click"),
        en="This form was already used for a payment of 3,000\u202f₽; open it again for another.",
    )


def test_modifiers_are_priced_into_the_total_and_kept_on_the_ticket(db, actors, world):
    modifiers = (world.tariffs["printer"], world.tariffs["locker"])
    with db.write() as session:
        quote = coworking.quote(
            session,
            world.services["coworking"],
            world.tariffs["day"],
            NOW + timedelta(days=2),
            DAYS,
            now=NOW,
            modifier_ids=modifiers,
        )
        assert quote.total_kopecks == TOTAL + 30_000
        assert localize(*quote.limits.rule(), lang="en") == (
            "Allowed: exactly 3,300\u202f₽, or a part from 990\u202f₽ (the prepayment of 30%) "
            "up to 3,250\u202f₽ (leave 0 ₽ or at least 50\u202f₽)."
        )
        sale = _sell(session, actors, world, "3300", variant="fixed_seat", modifier_ids=modifiers)
    assert (sale.total_kopecks, sale.status) == (330_000, "confirmed")
    with db.read() as session:
        ticket = session.scalar(
            select(CoworkingTicket).where(CoworkingTicket.number == sale.ticket_number)
        )
        assert (ticket.variant, ticket.modifiers) == ("fixed_seat", ["Шкафчик", "Принтер"])
        items = session.execute(
            select(OrderItem.name, OrderItem.quantity, OrderItem.unit, OrderItem.amount_kopecks)
            .where(OrderItem.order_id == ticket.order_id)
            .order_by(OrderItem.id)
        ).all()
    assert [tuple(i) for i in items] == [
        ("День", DAYS, "day", TOTAL),
        ("Шкафчик", 1, "piece", 10_000),
        ("Принтер", 1, "piece", 20_000),
    ]


def test_the_variant_is_stored_as_its_code_and_a_strange_one_is_refused(db, actors, world):
    with db.write() as session:
        sale = _sell(session, actors, world, "3000")
        ticket = session.scalar(
            select(CoworkingTicket).where(CoworkingTicket.number == sale.ticket_number)
        )
        assert (ticket.variant, ticket.modifiers) == ("hot_desk", [])
    refused(
        db,
        lambda s: _sell(s, actors, world, "3000", key="form-2", variant="Резидент +"),
        en="Choose the variant: a hot desk or a fixed seat.",
        ru="Выберите вариант: незакреплённое или закреплённое место.",
    )


def test_a_modifier_of_another_service_or_twice_the_same_is_refused(db, actors, world):
    for modifiers in ((world.tariffs["locker"],) * 2, (world.tariffs["day"],), (2**31,)):
        refused(
            db,
            lambda s, m=modifiers: _sell(s, actors, world, "3000", modifier_ids=m),
            en="Choose modifiers of this service, each at most once.",
        )


def test_the_online_gateway_is_no_desk_payment(db, actors, world):
    refused(
        db,
        lambda s: _sell(s, actors, world, "3000", payment_method="online_gateway", email="a@b.ru"),
        en="At the desk a customer pays in cash, by bank card or by bank transfer.",
        ru="На стойке клиент платит наличными, банковской картой или банковским переводом.",
    )


def test_a_role_that_may_not_sell_is_refused(db, actors, world):
    for who in ("service", "exec", "accounting"):
        refused(db, lambda s, w=who: _sell(s, actors, world, "3000", who=w), kind=PermissionDenied)
