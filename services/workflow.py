"""The order state machine of SPEC §3: one table, and the one function that moves
an order along it. Every status change in Parkdesk goes through ``apply``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from models import Order
from models.statuses import OrderStatus
from services.errors import N_, DomainError
from services.messages import Phrase, StatusLabel, add_system_message

S = OrderStatus


class Party(StrEnum):
    """Who may ask for a transition."""

    MANAGER = "manager"  # a staff user whose role allows it (services check ``can``)
    CUSTOMER = "customer"  # the customer app
    SYSTEM = "system"  # the ledger, the payment gateway, the sweep


class OrderAction(StrEnum):
    START_PAYMENT = "start_payment"
    PAYMENT_FAILED = "payment_failed"
    REQUEST_INVOICE = "request_invoice"
    ISSUE_INVOICE = "issue_invoice"
    PAY_PART = "pay_part"
    PAY_IN_FULL = "pay_in_full"
    REFUND_PART = "refund_part"
    REFUND_ALL = "refund_all"
    START_WORK = "start_work"
    FINISH_WORK = "finish_work"
    COMPLETE = "complete"
    CUSTOMER_CONFIRM = "customer_confirm"
    AUTO_COMPLETE = "auto_complete"
    PERIOD_ENDED = "period_ended"
    RETURN_TO_WORK = "return_to_work"
    CANCEL = "cancel"
    CANCEL_PAID = "cancel_paid"
    CLOSE = "close"  # seed 001 "Закрыть заказ → Выполнен": done straight from new or in work


A = OrderAction
M, C, Y = Party.MANAGER, Party.CUSTOMER, Party.SYSTEM
_OPEN_BEFORE_WORK = (
    S.NEW,
    S.NEW_PAYMENT_PENDING,
    S.NEW_AWAITING_INVOICE,
    S.INVOICE_ISSUED,
    S.CONFIRMED_BALANCE_DUE,
    S.CONFIRMED,
    S.IN_PROGRESS,
)


@dataclass(frozen=True)
class Transition:
    source: OrderStatus
    action: OrderAction
    target: OrderStatus
    parties: frozenset[Party]


def _t(
    source: OrderStatus, action: OrderAction, target: OrderStatus, *parties: Party
) -> Transition:
    return Transition(source, action, target, frozenset(parties))


TRANSITIONS: tuple[Transition, ...] = (
    _t(S.NEW, A.START_PAYMENT, S.NEW_PAYMENT_PENDING, C),
    _t(S.NEW, A.REQUEST_INVOICE, S.NEW_AWAITING_INVOICE, C),
    _t(S.NEW_AWAITING_INVOICE, A.ISSUE_INVOICE, S.INVOICE_ISSUED, M),
    _t(S.NEW_PAYMENT_PENDING, A.PAYMENT_FAILED, S.CANCELLED_PAYMENT_FAILED, Y),
    # Payments (the ledger decides which: a balance left, or none).
    *(
        _t(s, A.PAY_PART, S.CONFIRMED_BALANCE_DUE, Y)
        for s in (
            S.NEW,
            S.NEW_PAYMENT_PENDING,
            S.NEW_AWAITING_INVOICE,
            S.INVOICE_ISSUED,
            S.CONFIRMED_BALANCE_DUE,
        )
    ),
    *(
        _t(s, A.PAY_IN_FULL, S.CONFIRMED, Y)
        for s in (
            S.NEW,
            S.NEW_PAYMENT_PENDING,
            S.NEW_AWAITING_INVOICE,
            S.INVOICE_ISSUED,
            S.CONFIRMED_BALANCE_DUE,
        )
    ),
    # Services are often paid while or after the work is done: the status stays.
    *(
        _t(s, a, s, Y)
        for s in (S.IN_PROGRESS, S.DONE_AWAITING_CONFIRMATION)
        for a in (A.PAY_PART, A.PAY_IN_FULL)
    ),
    # A payment taken back (a correction): the order is no longer fully paid.
    _t(S.CONFIRMED, A.REFUND_PART, S.CONFIRMED_BALANCE_DUE, Y),
    _t(S.CONFIRMED_BALANCE_DUE, A.REFUND_PART, S.CONFIRMED_BALANCE_DUE, Y),
    _t(S.CONFIRMED, A.REFUND_ALL, S.NEW, Y),
    _t(S.CONFIRMED_BALANCE_DUE, A.REFUND_ALL, S.NEW, Y),
    _t(S.CANCELLED_REFUND_PENDING, A.REFUND_PART, S.CANCELLED_REFUND_PENDING, Y),
    _t(S.CANCELLED_REFUND_PENDING, A.REFUND_ALL, S.CANCELLED_REFUNDED, Y),
    # Work on simple services, requests and goods (the service manager).
    _t(S.NEW, A.START_WORK, S.IN_PROGRESS, M),
    _t(S.CONFIRMED, A.START_WORK, S.IN_PROGRESS, M),
    _t(S.IN_PROGRESS, A.FINISH_WORK, S.DONE_AWAITING_CONFIRMATION, M),
    _t(S.IN_PROGRESS, A.COMPLETE, S.DONE, M),
    _t(S.DONE_AWAITING_CONFIRMATION, A.COMPLETE, S.DONE, M),
    _t(S.DONE_AWAITING_CONFIRMATION, A.CUSTOMER_CONFIRM, S.DONE, C),
    _t(S.DONE_AWAITING_CONFIRMATION, A.AUTO_COMPLETE, S.DONE, Y),
    _t(S.DONE_AWAITING_CONFIRMATION, A.RETURN_TO_WORK, S.IN_PROGRESS, M, C),
    _t(S.NEW, A.CLOSE, S.DONE, M),
    _t(S.IN_PROGRESS, A.CLOSE, S.DONE, M),
    # A booked order (coworking, room, hotel, event) paid in full ends with its period.
    _t(S.CONFIRMED, A.PERIOD_ENDED, S.DONE, Y),
    # Cancelling: with money paid, a refund is due; without, it is simply cancelled.
    *(_t(s, A.CANCEL, S.CANCELLED, M, C) for s in _OPEN_BEFORE_WORK),
    *(_t(s, A.CANCEL_PAID, S.CANCELLED_REFUND_PENDING, M, C) for s in _OPEN_BEFORE_WORK),
)

TABLE: dict[tuple[OrderStatus, OrderAction], Transition] = {
    (t.source, t.action): t for t in TRANSITIONS
}
assert len(TABLE) == len(TRANSITIONS), "a (status, action) pair is in the table twice"

# Words for refusals: "An order in status … cannot be <verb>."
ACTION_VERBS: dict[OrderAction, str] = {
    A.START_PAYMENT: N_("paid online"),
    A.PAYMENT_FAILED: N_("marked as a failed payment"),
    A.REQUEST_INVOICE: N_("switched to payment by invoice"),
    A.ISSUE_INVOICE: N_("invoiced"),
    A.PAY_PART: N_("paid"),
    A.PAY_IN_FULL: N_("paid"),
    A.REFUND_PART: N_("refunded"),
    A.REFUND_ALL: N_("refunded"),
    A.START_WORK: N_("taken into work"),
    A.FINISH_WORK: N_("marked as done"),
    A.COMPLETE: N_("completed"),
    A.CUSTOMER_CONFIRM: N_("confirmed by the customer"),
    A.AUTO_COMPLETE: N_("completed automatically"),
    A.PERIOD_ENDED: N_("completed at the end of its period"),
    A.RETURN_TO_WORK: N_("returned to work"),
    A.CANCEL: N_("cancelled"),
    A.CANCEL_PAID: N_("cancelled"),
    A.CLOSE: N_("closed"),
}


def allowed(status: str, action: OrderAction, party: Party) -> bool:
    transition = TABLE.get((OrderStatus(status), action))
    return transition is not None and party in transition.parties


def check(order: Order, action: OrderAction, party: Party) -> Transition:
    """The transition ``action`` takes from the order's status; refused in words when
    the table has none for ``party`` (checked before anything else is)."""
    source = OrderStatus(order.status)
    transition = TABLE.get((source, action))
    if transition is None or party not in transition.parties:
        raise DomainError(
            "An order in status “%(status)s” cannot be %(verb)s.",
            status=StatusLabel(source),
            verb=Phrase(ACTION_VERBS[action]),
        )
    return transition


def apply(
    session: Session,
    order: Order,
    action: OrderAction,
    party: Party,
    now: datetime,
    author_staff_id: int | None = None,
) -> OrderStatus:
    """Move the order along the table and write the system message; refuse otherwise."""
    transition = check(order, action, party)
    source = OrderStatus(order.status)
    if transition.target != source:
        order.status = transition.target.value
        order.status_changed_at = now
        add_system_message(
            session,
            order.id,
            N_("Status changed to “%(status)s”."),
            now,
            author_staff_id=author_staff_id,
            status=StatusLabel(transition.target.value),
        )
    return transition.target
