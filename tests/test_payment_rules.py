"""Payments follow the service (SPEC §9.1): the whole balance always; a part only where
the service allows it, the first parts reaching its prepayment share; the 50 ₽ rule
stays; the external number of a payment is kept. Each rule through ``record_payment``
on a real database, the refusals read in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.i18n import localize
from models import Order, Payment, Service
from services import payments
from services.order_view import get_order
from tests.factories import NOW
from tests.test_rules import make, refused

NB = "\u202f"  # the narrow no-break space of formatted money


def pay(db, actor, number, amount, key="k1", external=None):
    with db.write() as session:
        return payments.record_payment(
            session, actor, number, amount, "cash", key, NOW, external_number=external
        )


def attempt(actor, number, amount, external=None):
    """A payment call for ``refused``."""
    return lambda s: payments.record_payment(
        s, actor, number, amount, "cash", "k-refused", NOW, external_number=external
    )


@pytest.fixture
def stay(db, world):
    """A new hotel stay of 20 000 ₽; the hotel takes parts from its 30 % prepayment."""
    return make(db, world, lambda w: w.order("hotel", "new", total=2_000_000))


@pytest.fixture
def cleaning(db, world):
    """A new simple service of 2 000 ₽; simple services are paid in full only."""
    return make(db, world, lambda w: w.order("simple", "new", total=200_000))


def paid_of(db, number) -> int:
    with db.read() as session:
        return session.scalar(select(Order.paid_kopecks).where(Order.number == number))


# --- a service without partial payment -------------------------------------------------------


def test_a_service_paid_in_full_only_refuses_a_part(db, actors, cleaning):
    refused(
        db,
        attempt(actors["service"], cleaning, "1000"),
        en=f"This service is paid in full: pay exactly 2,000{NB}₽.",
        ru=f"Эта услуга оплачивается только полностью: оплатите ровно 2{NB}000{NB}₽.",
    )


def test_a_service_paid_in_full_only_takes_the_whole_balance(db, actors, cleaning):
    result = pay(db, actors["service"], cleaning, "2 000")
    assert (result.amount_kopecks, result.balance_kopecks, result.status) == (
        200_000,
        0,
        "confirmed",
    )


# --- the prepayment share ------------------------------------------------------------------


def test_a_first_part_below_the_prepayment_share_is_refused(db, actors, stay):
    refused(
        db,
        attempt(actors["rental"], stay, "5 999.99"),
        en=f"A part must reach the prepayment of 30%: pay at least 6,000{NB}₽, "
        f"or exactly 20,000{NB}₽.",
        ru=f"Часть должна покрывать предоплату 30%: оплатите не меньше 6{NB}000{NB}₽ "
        f"или ровно 20{NB}000{NB}₽.",
    )
    assert paid_of(db, stay) == 0


def test_a_first_part_equal_to_the_prepayment_share_is_taken(db, actors, stay):
    result = pay(db, actors["rental"], stay, "6000")
    assert (result.paid_kopecks, result.balance_kopecks, result.status) == (
        600_000,
        1_400_000,
        "confirmed_balance_due",
    )


def test_once_the_share_is_reached_smaller_parts_are_taken(db, actors, stay):
    pay(db, actors["rental"], stay, "6000", key="k1")
    second = pay(db, actors["rental"], stay, "100", key="k2")
    third = pay(db, actors["rental"], stay, "0.01", key="k3")
    assert (second.paid_kopecks, third.paid_kopecks) == (610_000, 610_001)
    assert third.status == "confirmed_balance_due"


def test_what_was_paid_before_counts_toward_the_share(db, world, actors):
    number = make(db, world, lambda w: w.order("hotel", "new", total=2_000_000, paid=200_000))
    refused(
        db,
        attempt(actors["rental"], number, "3999"),
        en=f"A part must reach the prepayment of 30%: pay at least 4,000{NB}₽, "
        f"or exactly 18,000{NB}₽.",
    )
    assert pay(db, actors["rental"], number, "4000").paid_kopecks == 600_000


def test_the_whole_balance_is_taken_below_the_share_too(db, world, actors):
    """A balance smaller than the share left to prepay is still the whole balance."""
    number = make(db, world, lambda w: w.order("hotel", "new", total=10_000))
    assert pay(db, actors["rental"], number, "100").status == "confirmed"


# --- the 50 ₽ rule ---------------------------------------------------------------------------


def test_a_part_that_leaves_less_than_50_rubles_is_refused_above_the_share(db, actors, stay):
    refused(
        db,
        attempt(actors["rental"], stay, "19 970"),
        en=f"The balance left would be 30{NB}₽; leave 0 ₽ or at least 50{NB}₽ — you may pay "
        f"up to 19,950{NB}₽ or exactly 20,000{NB}₽.",
        ru=f"Остаток составил бы 30{NB}₽; оставьте 0 ₽ или не меньше 50{NB}₽ — можно оплатить "
        f"до 19{NB}950{NB}₽ или ровно 20{NB}000{NB}₽.",
    )
    assert pay(db, actors["rental"], stay, "19 950").balance_kopecks == 5_000


def test_where_the_share_and_the_minimum_leave_no_part_only_the_whole_is_taken(db, world, actors):
    number = make(db, world, lambda w: w.order("hotel", "new", total=6_000))
    refused(
        db,
        attempt(actors["rental"], number, "20"),
        en=f"The balance left would be 40{NB}₽; leave 0 ₽ or at least 50{NB}₽ — pay exactly "
        f"60{NB}₽.",
        ru=f"Остаток составил бы 40{NB}₽; оставьте 0 ₽ или не меньше 50{NB}₽ — оплатите ровно "
        f"60{NB}₽.",
    )
    assert pay(db, actors["rental"], number, "60").status == "confirmed"


# --- the external number ----------------------------------------------------------------------


def test_the_external_number_is_stored_and_shown_in_the_ledger(db, actors, stay):
    pay(db, actors["rental"], stay, "6000", external="  СЛИП-0042 ")
    with db.read() as session:
        order = session.scalar(select(Order).where(Order.number == stay))
        stored = session.scalar(select(Payment.external_number).where(Payment.order_id == order.id))
        shown = [
            (r.amount_kopecks, r.external_number)
            for r in get_order(session, actors["rental"], stay).ledger
        ]
    assert stored == "СЛИП-0042"
    assert shown == [(600_000, "СЛИП-0042")]


def test_an_empty_external_number_is_none(db, actors, cleaning):
    pay(db, actors["service"], cleaning, "2000", external="   ")
    with db.read() as session:
        assert session.scalar(select(Payment.external_number)) is None


def test_an_external_number_longer_than_64_characters_is_refused(db, actors, stay):
    refused(
        db,
        attempt(actors["rental"], stay, "6000", external="7" * 65),
        en="An external number is at most 64 characters.",
        ru="Внешний номер — не длиннее 64 символов.",
    )


# --- the rule the payment form shows ---------------------------------------------------------


def _service(partial: bool, percent: int = 100, minimum: int = 5_000) -> Service:
    return Service(
        allows_partial_payment=partial, prepayment_percent=percent, min_remaining_kopecks=minimum
    )


@pytest.mark.parametrize(
    ("service", "total", "paid", "en", "ru"),
    [
        (
            _service(partial=True, percent=30),
            2_000_000,
            2_000_000,
            "The order is paid in full; there is nothing to pay.",
            "Заказ оплачен полностью; оплачивать нечего.",
        ),
        (
            _service(partial=False),
            200_000,
            0,
            f"This service is paid in full: exactly 2,000{NB}₽.",
            f"Эта услуга оплачивается только полностью: ровно 2{NB}000{NB}₽.",
        ),
        (
            _service(partial=True, percent=30),
            6_000,
            0,
            f"Allowed: exactly 60{NB}₽ (a part would leave less than the minimum of 50{NB}₽).",
            f"Можно: ровно 60{NB}₽ (после оплаты части остаток был бы меньше минимума 50{NB}₽).",
        ),
        (
            _service(partial=True, percent=30),
            2_000_000,
            0,
            f"Allowed: exactly 20,000{NB}₽, or a part from 6,000{NB}₽ (the prepayment of 30%) "
            f"up to 19,950{NB}₽ (leave 0 ₽ or at least 50{NB}₽).",
            f"Можно: ровно 20{NB}000{NB}₽ или часть от 6{NB}000{NB}₽ (предоплата 30%) "
            f"до 19{NB}950{NB}₽ (остаток 0 ₽ или не меньше 50{NB}₽).",
        ),
        (
            _service(partial=True, percent=30),
            2_000_000,
            600_000,
            f"Allowed: up to 13,950{NB}₽, or exactly 14,000{NB}₽ (leave 0 ₽ or at least 50{NB}₽).",
            f"Можно: до 13{NB}950{NB}₽ или ровно 14{NB}000{NB}₽ (остаток 0 ₽ или не меньше "
            f"50{NB}₽).",
        ),
    ],
    ids=["paid", "whole-only", "no-room-for-a-part", "share-to-reach", "share-reached"],
)
def test_the_form_says_which_rule_applies(service, total, paid, en, ru):
    rule = payments.limits_for(service, total, paid).rule()
    assert (localize(*rule, lang="en"), localize(*rule, lang="ru")) == (en, ru)


def test_the_payment_form_reads_the_rule_of_the_orders_service(db, actors, stay):
    with db.read() as session:
        rule = payments.payment_limits(session, actors["rental"], stay).rule()
    assert localize(*rule, lang="en").startswith(
        f"Allowed: exactly 20,000{NB}₽, or a part from 6,000{NB}₽ (the prepayment of 30%)"
    )
