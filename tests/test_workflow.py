"""The order state machine, walked as a table: every (status, action, party)."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Message, Order
from models.statuses import OrderStatus
from services import workflow
from services.errors import DomainError
from services.workflow import TABLE, OrderAction, Party
from tests.factories import NOW

# SPEC §3, written out independently of the code: (from, action) → to, and who may ask.
S, A = OrderStatus, OrderAction
EXPECTED = {
    (S.NEW, A.START_PAYMENT): (S.NEW_PAYMENT_PENDING, {Party.CUSTOMER}),
    (S.NEW, A.REQUEST_INVOICE): (S.NEW_AWAITING_INVOICE, {Party.CUSTOMER}),
    (S.NEW_AWAITING_INVOICE, A.ISSUE_INVOICE): (S.INVOICE_ISSUED, {Party.MANAGER}),
    (S.NEW_PAYMENT_PENDING, A.PAYMENT_FAILED): (S.CANCELLED_PAYMENT_FAILED, {Party.SYSTEM}),
    (S.IN_PROGRESS, A.FINISH_WORK): (S.DONE_AWAITING_CONFIRMATION, {Party.MANAGER}),
    (S.IN_PROGRESS, A.COMPLETE): (S.DONE, {Party.MANAGER}),
    (S.NEW, A.START_WORK): (S.IN_PROGRESS, {Party.MANAGER}),
    (S.CONFIRMED, A.START_WORK): (S.IN_PROGRESS, {Party.MANAGER}),
    (S.DONE_AWAITING_CONFIRMATION, A.COMPLETE): (S.DONE, {Party.MANAGER}),
    (S.DONE_AWAITING_CONFIRMATION, A.CUSTOMER_CONFIRM): (S.DONE, {Party.CUSTOMER}),
    (S.DONE_AWAITING_CONFIRMATION, A.AUTO_COMPLETE): (S.DONE, {Party.SYSTEM}),
    (S.CONFIRMED, A.PERIOD_ENDED): (S.DONE, {Party.SYSTEM}),
    (S.DONE_AWAITING_CONFIRMATION, A.RETURN_TO_WORK): (
        S.IN_PROGRESS,
        {Party.MANAGER, Party.CUSTOMER},
    ),
    (S.CONFIRMED, A.REFUND_PART): (S.CONFIRMED_BALANCE_DUE, {Party.SYSTEM}),
    (S.CONFIRMED_BALANCE_DUE, A.REFUND_PART): (S.CONFIRMED_BALANCE_DUE, {Party.SYSTEM}),
    (S.CONFIRMED, A.REFUND_ALL): (S.NEW, {Party.SYSTEM}),
    (S.CONFIRMED_BALANCE_DUE, A.REFUND_ALL): (S.NEW, {Party.SYSTEM}),
    (S.CANCELLED_REFUND_PENDING, A.REFUND_PART): (S.CANCELLED_REFUND_PENDING, {Party.SYSTEM}),
    (S.CANCELLED_REFUND_PENDING, A.REFUND_ALL): (S.CANCELLED_REFUNDED, {Party.SYSTEM}),
    # Seed 001 "Закрыть заказ → Выполнен": done straight from new or in work.
    (S.NEW, A.CLOSE): (S.DONE, {Party.MANAGER}),
    (S.IN_PROGRESS, A.CLOSE): (S.DONE, {Party.MANAGER}),
}
for _s in (
    S.NEW,
    S.NEW_PAYMENT_PENDING,
    S.NEW_AWAITING_INVOICE,
    S.INVOICE_ISSUED,
    S.CONFIRMED_BALANCE_DUE,
):
    EXPECTED[(_s, A.PAY_PART)] = (S.CONFIRMED_BALANCE_DUE, {Party.SYSTEM})
    EXPECTED[(_s, A.PAY_IN_FULL)] = (S.CONFIRMED, {Party.SYSTEM})
for _s in (S.IN_PROGRESS, S.DONE_AWAITING_CONFIRMATION):
    EXPECTED[(_s, A.PAY_PART)] = (_s, {Party.SYSTEM})
    EXPECTED[(_s, A.PAY_IN_FULL)] = (_s, {Party.SYSTEM})
for _s in (
    S.NEW,
    S.NEW_PAYMENT_PENDING,
    S.NEW_AWAITING_INVOICE,
    S.INVOICE_ISSUED,
    S.CONFIRMED_BALANCE_DUE,
    S.CONFIRMED,
    S.IN_PROGRESS,
):
    EXPECTED[(_s, A.CANCEL)] = (S.CANCELLED, {Party.MANAGER, Party.CUSTOMER})
    EXPECTED[(_s, A.CANCEL_PAID)] = (S.CANCELLED_REFUND_PENDING, {Party.MANAGER, Party.CUSTOMER})

CASES = [
    (status, action, party) for status in OrderStatus for action in OrderAction for party in Party
]


def test_the_code_table_is_the_spec_table():
    actual = {key: (t.target, set(t.parties)) for key, t in TABLE.items()}
    assert actual == EXPECTED


def test_nothing_leaves_done_or_a_cancelled_status_but_refunds():
    for source, action in TABLE:
        if source == S.DONE or source.value.startswith("cancelled"):
            assert action in (A.REFUND_PART, A.REFUND_ALL) and source == S.CANCELLED_REFUND_PENDING


def test_every_status_action_and_party_lands_right_or_is_refused_without_a_change(db, world):
    with db.write() as session:
        world.session = session
        numbers = {case: world.order("simple", case[0].value).number for case in CASES}
    for (status, action, party), number in numbers.items():
        expected = EXPECTED.get((status, action))
        allowed = expected is not None and party in expected[1]
        try:
            with db.write() as session:
                order = session.scalar(select(Order).where(Order.number == number))
                landed = workflow.apply(session, order, action, party, NOW)
        except DomainError as error:
            assert not allowed, (status, action, party, error)
            assert "cannot be" in str(error)
            landed = None
        with db.read() as session:
            order_id, now_status = session.execute(
                select(Order.id, Order.status).where(Order.number == number)
            ).one()
            messages = session.scalar(
                select(func.count()).select_from(Message).where(Message.order_id == order_id)
            )
        if allowed:
            assert landed == expected[0] == OrderStatus(now_status), (status, action, party)
            assert messages == (1 if expected[0] != status else 0)
        else:
            assert now_status == status.value, (status, action, party)
            assert messages == 0
