"""The payments ledger (SPEC §4.4): append-only rows, paid and balance derived from
them, the minimum-remaining rule, refunds as reversing rows, idempotent submits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import NotificationKind, Order, Payment, Service, StaffUser
from models.statuses import OrderStatus, PaymentKind, PaymentMethod
from services import audit, notifications, workflow
from services.context import Actor
from services.errors import N_, DomainError, NotFound
from services.ids import is_row_id
from services.messages import StatusLabel, add_system_message
from services.money import Money, parse_amount
from services.orders import lock_order, parse_number, state_of
from services.permissions import Action, require
from services.text import clean
from services.workflow import OrderAction, Party

MAX_KEY_LENGTH = 64


@dataclass(frozen=True)
class PaymentLimits:
    """Which amounts a manager may record now (SPEC §9.1): the whole balance always; a
    part only where the service allows partial payment, the parts paid so far reaching
    at least the service's prepayment share, and never leaving less than the service's
    minimum (the 50 ₽ rule)."""

    balance: int
    min_remaining: int
    partial_allowed: bool = True
    # What a part must be at least so that the prepayment share is reached (0 once it is).
    still_to_prepay: int = 0
    prepayment_percent: int = 0

    @property
    def max_partial(self) -> int:
        """The largest part that leaves a balance; 0 when only the whole balance fits."""
        if not self.partial_allowed:
            return 0
        largest = self.balance - self.min_remaining
        return largest if largest >= self.min_partial else 0

    @property
    def min_partial(self) -> int:
        """The smallest part allowed (when ``max_partial`` says parts are allowed)."""
        return max(self.still_to_prepay, 1)

    def rule(self) -> tuple[str, dict[str, Any]]:
        """The amounts allowed and the rule behind them, as a message id and its values
        (the payment forms show it live)."""
        if self.balance <= 0:
            return N_("The order is paid in full; there is nothing to pay."), {}
        balance = Money(self.balance)
        if not self.partial_allowed:
            return N_("This service is paid in full: exactly %(balance)s."), {"balance": balance}
        if self.max_partial == 0:
            return (
                N_(
                    "Allowed: exactly %(balance)s (a part would leave less than the minimum "
                    "of %(minimum)s)."
                ),
                {"balance": balance, "minimum": Money(self.min_remaining)},
            )
        if self.still_to_prepay > 0:
            return (
                N_(
                    "Allowed: exactly %(balance)s, or a part from %(prepayment)s (the "
                    "prepayment of %(percent)d%%) up to %(max_partial)s (leave 0 ₽ or at least "
                    "%(minimum)s)."
                ),
                {
                    "balance": balance,
                    "prepayment": Money(self.still_to_prepay),
                    "percent": self.prepayment_percent,
                    "max_partial": Money(self.max_partial),
                    "minimum": Money(self.min_remaining),
                },
            )
        return (
            N_(
                "Allowed: up to %(max_partial)s, or exactly %(balance)s (leave 0 ₽ or at "
                "least %(minimum)s)."
            ),
            {
                "max_partial": Money(self.max_partial),
                "balance": balance,
                "minimum": Money(self.min_remaining),
            },
        )

    def refusal(self, kopecks: int) -> DomainError | None:
        if self.balance <= 0:
            return DomainError("The order is paid in full; there is nothing to pay.")
        if kopecks > self.balance:
            return DomainError(
                "%(amount)s is more than the balance of %(balance)s.",
                amount=Money(kopecks),
                balance=Money(self.balance),
            )
        if kopecks == self.balance:
            return None
        if not self.partial_allowed:
            return DomainError(
                "This service is paid in full: pay exactly %(balance)s.",
                balance=Money(self.balance),
            )
        if kopecks < self.still_to_prepay:
            return DomainError(
                "A part must reach the prepayment of %(percent)d%%: pay at least "
                "%(prepayment)s, or exactly %(balance)s.",
                percent=self.prepayment_percent,
                prepayment=Money(self.still_to_prepay),
                balance=Money(self.balance),
            )
        left = self.balance - kopecks
        if left < self.min_remaining:
            if self.max_partial > 0:
                return DomainError(
                    "The balance left would be %(left)s; leave 0 ₽ or at least %(minimum)s — "
                    "you may pay up to %(max_partial)s or exactly %(balance)s.",
                    left=Money(left),
                    minimum=Money(self.min_remaining),
                    max_partial=Money(self.max_partial),
                    balance=Money(self.balance),
                )
            return DomainError(
                "The balance left would be %(left)s; leave 0 ₽ or at least %(minimum)s — "
                "pay exactly %(balance)s.",
                left=Money(left),
                minimum=Money(self.min_remaining),
                balance=Money(self.balance),
            )
        return None


def limits_for(service: Service, total_kopecks: int, paid_kopecks: int = 0) -> PaymentLimits:
    """The limits of an order of ``service`` worth ``total_kopecks`` with ``paid_kopecks``
    paid so far — of an existing order, or of the one a desk sale is about to create."""
    share = -(-total_kopecks * service.prepayment_percent // 100)  # rounded up
    return PaymentLimits(
        balance=total_kopecks - paid_kopecks,
        min_remaining=service.min_remaining_kopecks,
        partial_allowed=service.allows_partial_payment,
        still_to_prepay=max(share - paid_kopecks, 0),
        prepayment_percent=service.prepayment_percent,
    )


def limits_of(order: Order, service: Service) -> PaymentLimits:
    return limits_for(service, order.total_kopecks, order.paid_kopecks)


def payment_limits(session: Session, actor: Actor, number: object) -> PaymentLimits:
    """The limits of an order, for the payment form to show before anything is
    submitted: only to a role that may record a payment on this order (the balance
    is not for everybody's eyes)."""
    row = session.execute(
        select(Order, Service)
        .join(Service, Service.id == Order.service_id)
        .where(Order.number == parse_number(number))
    ).first()
    if row is None:
        raise NotFound("There is no order number %(number)s.", number=str(number)[:30])
    require(actor, Action.RECORD_PAYMENT, row.Service.type)
    return limits_of(*row)


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    order_number: int
    amount_kopecks: int
    paid_kopecks: int
    balance_kopecks: int
    status: str
    repeated: bool  # the same submit came again: nothing new was written


def check_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or clean(key) != key:
        raise DomainError("The form has expired; open it again.")
    return key


def _flush_ledger(session: Session) -> None:
    """Write the new ledger row. The same form key used at the same moment for another
    order loses on the unique key: that is an expired form, not a database error."""
    try:
        session.flush()
    except IntegrityError as error:
        if "idempotency_key" not in str(error.orig):
            raise
        raise DomainError("The form has expired; open it again.") from None


def _repeat(
    session: Session, key: str, order: Order, kind: PaymentKind, kopecks: int
) -> PaymentResult | None:
    """The first result of a submit already recorded under this key, if any. The same
    form sent again with another amount is not that submit: it is refused in words."""
    earlier = session.scalar(select(Payment).where(Payment.idempotency_key == key))
    if earlier is None:
        return None
    if earlier.order_id != order.id or earlier.kind != kind.value:
        raise DomainError("The form has expired; open it again.")
    if earlier.amount_kopecks != kopecks:
        used_for = (
            N_("This form was already used for a refund of %(amount)s; open it again for another.")
            if kind == PaymentKind.REFUND
            else N_(
                "This form was already used for a payment of %(amount)s; open it again for another."
            )
        )
        raise DomainError(used_for, amount=Money(earlier.amount_kopecks))
    return PaymentResult(
        earlier.id,
        order.number,
        earlier.amount_kopecks,
        order.paid_kopecks,
        order.balance_kopecks,
        order.status,
        repeated=True,
    )


def record_payment(
    session: Session,
    actor: Actor,
    number: object,
    amount: object,
    method: str,
    idempotency_key: str,
    now: datetime,
    external_number: str | None = None,
) -> PaymentResult:
    """Record a payment taken by a manager. The same ``idempotency_key`` again (a double
    click, a retry) returns the first result and writes nothing."""
    key = check_key(idempotency_key)
    order, service = lock_order(session, number)  # one writer per order from here on
    require(actor, Action.RECORD_PAYMENT, service.type)
    kopecks = parse_amount(amount)
    repeated = _repeat(session, key, order, PaymentKind.PAYMENT, kopecks)
    if repeated is not None:
        return repeated
    try:
        method = PaymentMethod(method).value
    except ValueError:
        raise DomainError("Choose how the customer paid.") from None
    external = _external_number(external_number)
    in_full = kopecks == order.balance_kopecks
    action = OrderAction.PAY_IN_FULL if in_full else OrderAction.PAY_PART
    limits = limits_of(order, service)
    if limits.balance > 0:  # a paid order says so; otherwise the status refuses first
        workflow.check(order, action, Party.SYSTEM)
    refusal = limits.refusal(kopecks)
    if refusal is not None:
        raise refusal
    return _book(
        session,
        order,
        action,
        kopecks,
        method,
        key,
        external,
        now,
        actor,
        N_("Payment of %(amount)s recorded by %(manager)s."),
        manager=actor.name,
    )


def _book(
    session: Session,
    order: Order,
    action: OrderAction,
    kopecks: int,
    method: str,
    key: str,
    external: str | None,
    now: datetime,
    actor: Actor | None,
    message: str,
    **message_params: object,
) -> PaymentResult:
    """A payment the rules have let through, into the books: the order's paid sum and
    status, the ledger row, the system message (``message`` with the amount and
    ``message_params``) and the audit entry (``actor`` None: the gateway)."""
    before = state_of(order)
    order.paid_kopecks += kopecks
    author = actor.id if actor is not None else None
    workflow.apply(session, order, action, Party.SYSTEM, now, author_staff_id=author)
    payment = Payment(
        order_id=order.id,
        kind=PaymentKind.PAYMENT.value,
        amount_kopecks=kopecks,
        method=method,
        paid_at=now,
        recorded_by_id=author,
        idempotency_key=key,
        external_number=external,
    )
    session.add(payment)
    add_system_message(
        session,
        order.id,
        message,
        now,
        author_staff_id=author,
        amount=Money(kopecks),
        **message_params,
    )
    _flush_ledger(session)
    audit.record(
        session,
        actor=actor,
        action="order.record_payment" if actor is not None else "order.gateway_payment",
        entity="order",
        entity_id=order.number,
        before={"status": before.status, "paid_kopecks": before.paid_kopecks},
        after={
            "status": order.status,
            "paid_kopecks": order.paid_kopecks,
            "payment_id": payment.id,
            "amount_kopecks": kopecks,
            "method": method,
            "external_number": external,
        },
        now=now,
        operation_key=key,
    )
    return PaymentResult(
        payment.id,
        order.number,
        kopecks,
        order.paid_kopecks,
        order.balance_kopecks,
        order.status,
        repeated=False,
    )


def gateway_payment(
    session: Session, number: object, amount: object, external_number: str, now: datetime
) -> PaymentResult:
    """A payment the online gateway reports for an order (the customer paid in the
    customer app). The gateway's own operation number makes it idempotent: the same
    report again returns the first result and writes nothing. Whoever serves the order
    is notified."""
    external = _external_number(external_number)
    if external is None:
        raise DomainError("The gateway's operation number is missing.")
    key = "gateway-" + hashlib.sha256(external.encode()).hexdigest()[:48]
    order, service = lock_order(session, number)
    kopecks = parse_amount(amount)
    repeated = _repeat(session, key, order, PaymentKind.PAYMENT, kopecks)
    if repeated is not None:
        return repeated
    # The customer app asked the gateway for an amount the rules allow; here only what
    # the books cannot hold is refused (more than the balance, a status that takes no
    # payment).
    if order.balance_kopecks <= 0 or kopecks > order.balance_kopecks:
        raise limits_of(order, service).refusal(kopecks)
    action = OrderAction.PAY_IN_FULL if kopecks == order.balance_kopecks else OrderAction.PAY_PART
    workflow.check(order, action, Party.SYSTEM)
    result = _book(
        session,
        order,
        action,
        kopecks,
        PaymentMethod.ONLINE_GATEWAY.value,
        key,
        external,
        now,
        None,
        N_("Payment of %(amount)s received online."),
    )
    notifications.notify_servers(
        session,
        NotificationKind.PAYMENT,
        order,
        service.type,
        now,
        payment_id=result.payment_id,
        amount=Money(kopecks),
    )
    return result


def refund_payment(
    session: Session,
    actor: Actor,
    payment_id: int,
    amount: object,
    idempotency_key: str,
    now: datetime,
) -> PaymentResult:
    """Take back (part of) a payment with a reversing row; the payment itself stays."""
    key = check_key(idempotency_key)
    payment = session.get(Payment, payment_id) if is_row_id(payment_id) else None
    if payment is None or payment.kind != PaymentKind.PAYMENT.value:
        raise NotFound("There is no such payment.")
    number = session.scalar(select(Order.number).where(Order.id == payment.order_id))
    order, service = lock_order(session, number)
    require(actor, Action.REFUND_PAYMENT, service.type)
    kopecks = parse_amount(amount)
    repeated = _repeat(session, key, order, PaymentKind.REFUND, kopecks)
    if repeated is not None:
        return repeated
    # int(): PostgreSQL sums BIGINT into NUMERIC, which arrives as a Decimal.
    refunded = int(
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount_kopecks), 0)).where(
                Payment.refund_of_id == payment.id
            )
        )
        or 0
    )
    refundable = min(payment.amount_kopecks - refunded, order.paid_kopecks)
    if kopecks > refundable:
        raise DomainError(
            "At most %(refundable)s of this payment can be refunded.", refundable=Money(refundable)
        )
    before = state_of(order)
    order.paid_kopecks -= kopecks
    action = OrderAction.REFUND_ALL if order.paid_kopecks == 0 else OrderAction.REFUND_PART
    workflow.apply(session, order, action, Party.SYSTEM, now, author_staff_id=actor.id)
    refund = Payment(
        order_id=order.id,
        kind=PaymentKind.REFUND.value,
        amount_kopecks=kopecks,
        method=payment.method,
        paid_at=now,
        recorded_by_id=actor.id,
        refund_of_id=payment.id,
        idempotency_key=key,
    )
    session.add(refund)
    _announce_refund(session, actor, order, kopecks, now)
    audit.record(
        session,
        actor=actor,
        action="order.refund_payment",
        entity="order",
        entity_id=order.number,
        before={"status": before.status, "paid_kopecks": before.paid_kopecks},
        after={
            "status": order.status,
            "paid_kopecks": order.paid_kopecks,
            "payment_id": refund.id,
            "refund_of_id": payment.id,
            "amount_kopecks": kopecks,
        },
        now=now,
        operation_key=key,
    )
    return PaymentResult(
        refund.id,
        order.number,
        kopecks,
        order.paid_kopecks,
        order.balance_kopecks,
        order.status,
        repeated=False,
    )


MAX_EXTERNAL_NUMBER_LENGTH = 64


def _announce_refund(
    session: Session, actor: Actor, order: Order, kopecks: int, now: datetime
) -> None:
    """The refund's line in the order's chat, then its ledger rows written."""
    add_system_message(
        session,
        order.id,
        N_("Refund of %(amount)s recorded by %(manager)s."),
        now,
        author_staff_id=actor.id,
        amount=Money(kopecks),
        manager=actor.name,
    )
    _flush_ledger(session)


def _part_key(key: str, part: int) -> str:
    """The form key of the ``part``-th further row of one refund (the first row carries
    the form's own key): derived, so that a repeated submit finds every row it wrote."""
    return key if part == 0 else hashlib.sha256(f"{key}#{part}".encode()).hexdigest()


def _external_number(value: str | None) -> str | None:
    """The external number of a payment or a refund (a terminal slip, a payment order),
    cleaned; none when left empty."""
    text = clean(value or "").strip()
    if len(text) > MAX_EXTERNAL_NUMBER_LENGTH:
        raise DomainError(
            "An external number is at most %(limit)d characters.",
            limit=MAX_EXTERNAL_NUMBER_LENGTH,
        )
    return text or None


def _refundable_payments(session: Session, order_id: int) -> list[tuple[Payment, int]]:
    """The order's payments newest first, each with what is left of it to refund."""
    refunded = dict(
        session.execute(
            select(Payment.refund_of_id, func.sum(Payment.amount_kopecks))
            .where(Payment.order_id == order_id, Payment.refund_of_id.is_not(None))
            .group_by(Payment.refund_of_id)
        ).all()
    )
    paid = session.scalars(
        select(Payment)
        .where(Payment.order_id == order_id, Payment.kind == PaymentKind.PAYMENT.value)
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
    ).all()
    left = [(p, p.amount_kopecks - int(refunded.get(p.id) or 0)) for p in paid]
    return [(p, kopecks) for p, kopecks in left if kopecks > 0]


def _repeat_refund(session: Session, key: str, order: Order, kopecks: int) -> PaymentResult | None:
    """The first result of a refund already recorded under this form key, if any. A
    refund wrote at most one row per payment of the order."""
    parts = session.scalar(
        select(func.count())
        .select_from(Payment)
        .where(Payment.order_id == order.id, Payment.kind == PaymentKind.PAYMENT.value)
    )
    keys = [_part_key(key, i) for i in range(max(parts or 0, 1))]
    rows = session.scalars(select(Payment).where(Payment.idempotency_key.in_(keys))).all()
    first = next((r for r in rows if r.idempotency_key == key), None)
    if first is None:
        return None
    if first.order_id != order.id or first.kind != PaymentKind.REFUND.value:
        raise DomainError("The form has expired; open it again.")
    recorded = sum(r.amount_kopecks for r in rows if r.order_id == order.id)
    if recorded != kopecks:
        raise DomainError(
            "This form was already used for a refund of %(amount)s; open it again for another.",
            amount=Money(recorded),
        )
    return PaymentResult(
        first.id,
        order.number,
        recorded,
        order.paid_kopecks,
        order.balance_kopecks,
        order.status,
        repeated=True,
    )


def refund_left(session: Session, actor: Actor, number: object) -> int:
    """What is left to refund on an order waiting for its refund, for the refund form:
    only to a role that may refund this order, and only while it waits."""
    row = session.execute(
        select(Order, Service)
        .join(Service, Service.id == Order.service_id)
        .where(Order.number == parse_number(number))
    ).first()
    if row is None:
        raise NotFound("There is no order number %(number)s.", number=str(number)[:30])
    require(actor, Action.REFUND_PAYMENT, row.Service.type)
    if row.Order.status != OrderStatus.CANCELLED_REFUND_PENDING.value:
        raise DomainError(
            "A refund is recorded on a cancelled order waiting for it; this order is “%(status)s”.",
            status=StatusLabel(row.Order.status),
        )
    return row.Order.paid_kopecks


def record_refund(
    session: Session,
    actor: Actor,
    number: object,
    amount: object,
    method: str,
    idempotency_key: str,
    now: datetime,
    external_number: str | None = None,
) -> PaymentResult:
    """Record money paid back on a cancelled order waiting for its refund (SPEC §9.1):
    at most what is paid and not yet refunded, at once or in parts. Each payment is
    reversed by its own row, newest payment first; when nothing paid is left the order
    becomes “Cancelled. Refunded”. The same ``idempotency_key`` again writes nothing."""
    key = check_key(idempotency_key)
    order, service = lock_order(session, number)  # one writer per order from here on
    require(actor, Action.REFUND_PAYMENT, service.type)
    kopecks = parse_amount(amount)
    repeated = _repeat_refund(session, key, order, kopecks)
    if repeated is not None:
        return repeated
    if order.status != OrderStatus.CANCELLED_REFUND_PENDING.value:
        raise DomainError(
            "A refund is recorded on a cancelled order waiting for it; this order is “%(status)s”.",
            status=StatusLabel(order.status),
        )
    try:
        method = PaymentMethod(method).value
    except ValueError:
        raise DomainError("Choose how the money was paid back.") from None
    external = _external_number(external_number)
    refundable = _refundable_payments(session, order.id)
    left = min(order.paid_kopecks, sum(k for _p, k in refundable))
    if kopecks > left:
        raise DomainError(
            "%(amount)s is more than the %(left)s left to refund.",
            amount=Money(kopecks),
            left=Money(left),
        )
    before = state_of(order)
    order.paid_kopecks -= kopecks
    action = OrderAction.REFUND_ALL if order.paid_kopecks == 0 else OrderAction.REFUND_PART
    workflow.apply(session, order, action, Party.SYSTEM, now, author_staff_id=actor.id)
    rows: list[Payment] = []
    rest = kopecks
    for payment, open_kopecks in refundable:
        if rest == 0:
            break
        part = min(rest, open_kopecks)
        rest -= part
        rows.append(
            Payment(
                order_id=order.id,
                kind=PaymentKind.REFUND.value,
                amount_kopecks=part,
                method=method,
                paid_at=now,
                recorded_by_id=actor.id,
                refund_of_id=payment.id,
                idempotency_key=_part_key(key, len(rows)),
                external_number=external,
            )
        )
    session.add_all(rows)
    _announce_refund(session, actor, order, kopecks, now)
    audit.record(
        session,
        actor=actor,
        action="order.record_refund",
        entity="order",
        entity_id=order.number,
        before={"status": before.status, "paid_kopecks": before.paid_kopecks},
        after={
            "status": order.status,
            "paid_kopecks": order.paid_kopecks,
            "payment_ids": [r.id for r in rows],
            "refund_of_ids": [r.refund_of_id for r in rows],
            "amount_kopecks": kopecks,
            "method": method,
            "external_number": external,
        },
        now=now,
        operation_key=key,
    )
    return PaymentResult(
        rows[0].id,
        order.number,
        kopecks,
        order.paid_kopecks,
        order.balance_kopecks,
        order.status,
        repeated=False,
    )


@dataclass(frozen=True)
class LedgerRow:
    id: int
    kind: str
    amount_kopecks: int  # negative for refunds
    method: str
    paid_at: datetime
    external_number: str | None
    recorded_by: str | None


def ledger(session: Session, order_id: int) -> list[LedgerRow]:
    rows = session.execute(
        select(Payment, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == Payment.recorded_by_id)
        .where(Payment.order_id == order_id)
        .order_by(Payment.paid_at, Payment.id)
    ).all()
    return [
        LedgerRow(
            p.id,
            p.kind,
            p.amount_kopecks if p.kind == PaymentKind.PAYMENT.value else -p.amount_kopecks,
            p.method,
            p.paid_at,
            p.external_number,
            name,
        )
        for p, name in rows
    ]


def signed_amount() -> ColumnElement[int]:
    """A ledger row's amount with its sign: payments in, refunds out. The kind is a
    literal, not a bound parameter: the expression is then the one the journal's index
    on it is built on (``models.orders.SIGNED_AMOUNT_SQL``), and the index is used."""
    return case(
        (Payment.kind == literal_column(f"'{PaymentKind.REFUND.value}'"), -Payment.amount_kopecks),
        else_=Payment.amount_kopecks,
    )


def ledger_sum(session: Session, order_id: int) -> int:
    """Paid according to the ledger alone (what ``orders.paid_kopecks`` must equal)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(signed_amount()), 0)).where(Payment.order_id == order_id)
        )
        or 0
    )
