"""Manager actions on orders (SPEC §4.5–4.8) and the customer-side counterparts
of the state machine, plus the sweep that completes orders nobody confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import EventTicket, Message, NotificationKind, Order, Service, StaffUser
from models.statuses import CLOSED_STATUSES, MessageVisibility, OrderStatus, ServiceType
from services import audit, notifications, numbering, overdue, workflow
from services.context import Actor
from services.errors import N_, DomainError, NotFound
from services.ids import is_row_id
from services.messages import MAX_MESSAGE_LENGTH, StatusLabel, add_system_message
from services.permissions import Action, can_on, require
from services.text import clean
from services.workflow import OrderAction, Party

WORK_ACTIONS = frozenset(
    {
        OrderAction.START_WORK,
        OrderAction.FINISH_WORK,
        OrderAction.COMPLETE,
        OrderAction.RETURN_TO_WORK,
    }
)
WORK_SERVICE_TYPES = frozenset({ServiceType.SIMPLE, ServiceType.REQUEST, ServiceType.GOODS})
DEFAULT_CONFIRMATION_TIMEOUT = timedelta(days=3)


@dataclass(frozen=True)
class OrderState:
    """What an action leaves behind, for the page to show."""

    number: int
    status: str
    total_kopecks: int
    paid_kopecks: int
    executor_id: int | None

    @property
    def balance_kopecks(self) -> int:
        return self.total_kopecks - self.paid_kopecks


def state_of(order: Order) -> OrderState:
    return OrderState(
        order.number, order.status, order.total_kopecks, order.paid_kopecks, order.executor_id
    )


def parse_number(value: object) -> int:
    """An order or ticket number as typed or taken from a URL."""
    text = str(value).strip().lstrip("№#").strip()
    # isascii(): "²".isdigit() is true, but int("²") fails.
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound("There is no order or ticket number “%(number)s”.", number=str(value)[:30])
    return int(text)


def lock_order(session: Session, number: object) -> tuple[Order, Service]:
    """The order, locked for this transaction (one writer per order), and its service."""
    # populate_existing: if this session had read the order before, the locked read
    # must replace those values, not keep them.
    order = session.scalar(
        select(Order)
        .where(Order.number == parse_number(number))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound("There is no order number %(number)s.", number=str(number)[:30])
    return order, session.get(Service, order.service_id)


def _audit(
    session: Session,
    actor: Actor | None,
    action: str,
    order: Order,
    before: OrderState,
    now: datetime,
    **extra: object,
) -> None:
    after = state_of(order)
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="order",
        entity_id=order.number,
        before={"status": before.status, "executor_id": before.executor_id},
        after={"status": after.status, "executor_id": after.executor_id, **extra},
        now=now,
    )


def change_work_status(
    session: Session, actor: Actor, number: object, action: OrderAction, now: datetime
) -> OrderState:
    """Take into work, mark as done, complete, or return to work (SPEC §4.7)."""
    try:
        action = OrderAction(action)
    except ValueError:
        raise DomainError("This is not a work status action.") from None
    if action not in WORK_ACTIONS:
        raise DomainError("This is not a work status action.")
    order, service = lock_order(session, number)
    require(actor, Action.CHANGE_WORK_STATUS, service.type)
    if service.type not in WORK_SERVICE_TYPES:
        raise DomainError("Work statuses are for simple services, requests and goods orders.")
    before = state_of(order)
    workflow.apply(session, order, action, Party.MANAGER, now, author_staff_id=actor.id)
    _audit(session, actor, f"order.{action.value}", order, before, now)
    return state_of(order)


def issue_invoice(session: Session, actor: Actor, number: object, now: datetime) -> OrderState:
    """Issue the invoice for a bank transfer (SPEC §9.1): the order gets an invoice number
    of its own (the year's next) and becomes “invoice issued”."""
    order, service = lock_order(session, number)
    require(actor, Action.ISSUE_INVOICE, service.type)
    before = state_of(order)
    workflow.apply(
        session, order, OrderAction.ISSUE_INVOICE, Party.MANAGER, now, author_staff_id=actor.id
    )
    # After the transition: a refused order takes no number from the sequence.
    order.invoice_number = numbering.next_invoice_number(session, now.year)
    order.invoice_issued_at = now
    add_system_message(
        session,
        order.id,
        N_("Invoice №%(invoice)s is issued."),
        now,
        author_staff_id=actor.id,
        invoice=order.invoice_number,
    )
    _audit(session, actor, "order.issue_invoice", order, before, now, invoice=order.invoice_number)
    return state_of(order)


def cancellation_refusal(order: Order, service: Service, session: Session) -> DomainError | None:
    """Why this order may not be cancelled now, or None if it may (SPEC §4.5)."""
    if order.status in CLOSED_STATUSES:
        return DomainError("A done or cancelled order cannot be cancelled.")
    if not service.allows_cancellation:
        return DomainError(
            "The service “%(service)s” does not allow cancellation.", service=service.name
        )
    if order.status == OrderStatus.DONE_AWAITING_CONFIRMATION:
        return DomainError("The work is done; return it to work before cancelling.")
    if service.type == ServiceType.EVENT:
        checked_in = session.scalar(
            select(EventTicket.number)
            .where(EventTicket.order_id == order.id, EventTicket.checked_in_at.is_not(None))
            .limit(1)
        )
        if checked_in is not None:
            return DomainError(
                "Ticket %(ticket)s is checked in already; the order cannot be cancelled.",
                ticket=checked_in,
            )
    return None


def cancel_order(session: Session, actor: Actor, number: object, now: datetime) -> OrderState:
    """Cancel: a paid order waits for its refund, an unpaid one is simply cancelled."""
    order, service = lock_order(session, number)
    require(actor, Action.CANCEL_ORDER, service.type)
    refusal = cancellation_refusal(order, service, session)
    if refusal is not None:
        raise refusal
    before = state_of(order)
    action = OrderAction.CANCEL_PAID if order.paid_kopecks > 0 else OrderAction.CANCEL
    workflow.apply(session, order, action, Party.MANAGER, now, author_staff_id=actor.id)
    _audit(session, actor, "order.cancel", order, before, now)
    return state_of(order)


class CloseAs(StrEnum):
    """The two answers of seed 001's "Close the order?"."""

    DONE = "done"  # «Выполнен»
    NOT_NEEDED = "not_needed"  # «Неактуален»


# Seed 001: closing is for simple services and requests; bookings, goods, coworking
# and hotel orders are cancelled instead.
CLOSABLE_SERVICE_TYPES = frozenset({ServiceType.SIMPLE, ServiceType.REQUEST})
CLOSABLE_STATUSES = frozenset({OrderStatus.NEW, OrderStatus.IN_PROGRESS})


def close_refusal(order: Order, service: Service) -> DomainError | None:
    """Why this order may not be closed now, or None if it may."""
    if service.type not in CLOSABLE_SERVICE_TYPES:
        return DomainError("Only simple service and request orders are closed; cancel this one.")
    if order.status not in CLOSABLE_STATUSES:
        return DomainError(
            "An order is closed from “New” or “In progress”; this one is “%(status)s”.",
            status=StatusLabel(order.status),
        )
    return None


def close_order(
    session: Session, actor: Actor, number: object, close_as: str, now: datetime
) -> OrderState:
    """Close a simple service or request order (seed 001): as done, or as not needed any
    more — then it is cancelled, and waits for its refund if anything was paid."""
    try:
        close_as = CloseAs(close_as)
    except ValueError:
        raise DomainError("Choose whether the order is done or not needed.") from None
    order, service = lock_order(session, number)
    require(
        actor,
        Action.CHANGE_WORK_STATUS if close_as == CloseAs.DONE else Action.CANCEL_ORDER,
        service.type,
    )
    refusal = close_refusal(order, service)
    if refusal is not None:
        raise refusal
    before = state_of(order)
    if close_as == CloseAs.DONE:
        action = OrderAction.CLOSE
    else:
        action = OrderAction.CANCEL_PAID if order.paid_kopecks > 0 else OrderAction.CANCEL
    workflow.apply(session, order, action, Party.MANAGER, now, author_staff_id=actor.id)
    _audit(session, actor, "order.close", order, before, now, closed_as=close_as.value)
    return state_of(order)


def assign_executor(
    session: Session, actor: Actor, number: object, executor_id: int | None, now: datetime
) -> OrderState:
    """Assign, change or clear ("not assigned") the executor (SPEC §4.6)."""
    order, service = lock_order(session, number)
    require(actor, Action.ASSIGN_EXECUTOR, service.type)
    if order.status in CLOSED_STATUSES:
        raise DomainError("A done or cancelled order keeps its executor.")
    if executor_id is not None:
        executor = session.get(StaffUser, executor_id) if is_row_id(executor_id) else None
        if executor is None or not executor.is_active:
            raise DomainError("Choose an active staff member as the executor.")
    before = state_of(order)
    if before.executor_id == executor_id:
        return before
    order.executor_id = executor_id
    if executor_id is not None:
        notifications.notify(
            session,
            [executor_id],
            NotificationKind.ASSIGNED,
            order,
            now,
            actor_id=actor.id,
            by=actor.name,
        )
    _audit(session, actor, "order.assign_executor", order, before, now)
    return state_of(order)


def _message_text(text: str | None) -> str:
    """A chat message as stored: cleaned and trimmed; refused empty or too long."""
    text = clean(text or "").strip()
    if not text:
        raise DomainError("Write a message first.")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise DomainError("A message is at most %(limit)d characters.", limit=MAX_MESSAGE_LENGTH)
    return text


def post_message(
    session: Session, actor: Actor, number: object, text: str, *, internal: bool, now: datetime
) -> int:
    """Write to the order's chat: public (the customer sees it) or internal (staff only)."""
    order, service = lock_order(session, number)
    require(actor, Action.WRITE_MESSAGE, service.type)
    text = _message_text(text)
    visibility = MessageVisibility.INTERNAL if internal else MessageVisibility.PUBLIC
    message = Message(
        order_id=order.id,
        visibility=visibility.value,
        author_staff_id=actor.id,
        text=text,
        created_at=now,
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="order.message",
        entity="order",
        entity_id=order.number,
        before=None,
        after={"message_id": message.id, "visibility": visibility.value},
        now=now,
    )
    return message.id


CUSTOMER_ACTIONS = frozenset(
    {
        OrderAction.START_PAYMENT,
        OrderAction.REQUEST_INVOICE,
        OrderAction.CUSTOMER_CONFIRM,
        OrderAction.RETURN_TO_WORK,
        OrderAction.CANCEL,
    }
)


def customer_action(
    session: Session, number: object, action: OrderAction, now: datetime
) -> OrderState:
    """What the customer app asks for: pay online, ask for an invoice, confirm the work
    done, return it to work, or cancel. Here so that the states exist and are tested."""
    if action not in CUSTOMER_ACTIONS:
        raise DomainError("The customer cannot ask for this.")
    order, service = lock_order(session, number)
    if action == OrderAction.CANCEL:
        refusal = cancellation_refusal(order, service, session)
        if refusal is not None:
            raise refusal
        if order.paid_kopecks > 0:
            action = OrderAction.CANCEL_PAID
    before = state_of(order)
    workflow.apply(session, order, action, Party.CUSTOMER, now)
    if action == OrderAction.RETURN_TO_WORK:
        notifications.notify_servers(session, NotificationKind.RETURNED, order, service.type, now)
    _audit(session, None, f"order.{action.value}", order, before, now)
    return state_of(order)


def customer_message(session: Session, number: object, text: str, now: datetime) -> int:
    """A message the customer writes on their order in the customer app (public: the
    chat of the order); whoever serves the order is notified. Returns the message id."""
    order, service = lock_order(session, number)
    text = _message_text(text)
    message = Message(
        order_id=order.id,
        visibility=MessageVisibility.PUBLIC.value,
        author_person_id=order.customer_id,
        text=text,
        created_at=now,
    )
    session.add(message)
    session.flush()
    notifications.notify_servers(
        session, NotificationKind.MESSAGE, order, service.type, now, message_id=message.id
    )
    audit.record(
        session,
        actor=None,
        action="order.customer_message",
        entity="order",
        entity_id=order.number,
        before=None,
        after={"message_id": message.id},
        now=now,
    )
    return message.id


def payment_failed(session: Session, number: object, now: datetime) -> OrderState:
    """The payment gateway reports that the online payment failed."""
    order, _service = lock_order(session, number)
    before = state_of(order)
    workflow.apply(session, order, OrderAction.PAYMENT_FAILED, Party.SYSTEM, now)
    _audit(session, None, "order.payment_failed", order, before, now)
    return state_of(order)


def sweep(
    session: Session, now: datetime, timeout: timedelta = DEFAULT_CONFIRMATION_TIMEOUT
) -> list[int]:
    """Complete the orders whose customer has not confirmed the work within ``timeout``.

    Idempotent: run it from cron as often as you like. Returns the numbers completed.
    """
    due = session.scalars(
        select(Order)
        .where(
            Order.status == OrderStatus.DONE_AWAITING_CONFIRMATION.value,
            Order.status_changed_at <= now - timeout,
        )
        .order_by(Order.id)
        .with_for_update(skip_locked=True)
    ).all()
    for order in due:
        before = state_of(order)
        workflow.apply(session, order, OrderAction.AUTO_COMPLETE, Party.SYSTEM, now)
        _audit(session, None, "order.auto_complete", order, before, now)
    return [order.number for order in due]


def complete_booked(session: Session, now: datetime, timezone: str) -> list[int]:
    """Complete the booked orders (coworking, room, hotel, event) whose period is over
    and that owe nothing (SPEC §9.1); the ones still owing stay, counted as overdue
    (``services.overdue``). Returns the numbers completed.

    Idempotent and safe while managers work: the conditions are in the WHERE of a
    locking read (rows a manager holds are skipped and taken by the next run), and
    each completion goes through the workflow table, audited per order.
    """
    today = now.astimezone(ZoneInfo(timezone)).date()
    sources = sorted(
        source.value
        for (source, action), transition in workflow.TABLE.items()
        if action == OrderAction.PERIOD_ENDED and Party.SYSTEM in transition.parties
    )
    due = session.scalars(
        select(Order)
        .where(
            Order.status.in_(sources),
            Order.paid_kopecks >= Order.total_kopecks,
            Order.service_id.in_(
                select(Service.id)
                .where(Service.type.in_(sorted(t.value for t in overdue.BOOKED_TYPES)))
                .scalar_subquery()
            ),
            overdue.period_over(now, today),
        )
        .order_by(Order.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    for order in due:
        before = state_of(order)
        workflow.apply(session, order, OrderAction.PERIOD_ENDED, Party.SYSTEM, now)
        _audit(session, None, "order.period_complete", order, before, now)
    return [order.number for order in due]


@dataclass(frozen=True)
class AvailableActions:
    """What this user may do to this order now: the page shows exactly these buttons
    (and each service checks again when called)."""

    pay: bool
    cancel: bool
    work: tuple[OrderAction, ...]
    assign: bool
    message: bool
    close: bool = False
    refund: bool = False
    invoice: bool = False


def available_actions(session: Session, actor: Actor, number: object) -> AvailableActions:
    order = session.scalar(select(Order).where(Order.number == parse_number(number)))
    if order is None:
        raise NotFound("There is no order number %(number)s.", number=str(number)[:30])
    service = session.get(Service, order.service_id)
    closed = order.status in CLOSED_STATUSES
    payable = order.balance_kopecks > 0 and (
        workflow.allowed(order.status, OrderAction.PAY_PART, Party.SYSTEM)
        or workflow.allowed(order.status, OrderAction.PAY_IN_FULL, Party.SYSTEM)
    )
    work: tuple[OrderAction, ...] = ()
    if service.type in WORK_SERVICE_TYPES and can_on(
        actor, Action.CHANGE_WORK_STATUS, service.type
    ):
        work = tuple(
            a
            for a in (
                OrderAction.START_WORK,
                OrderAction.FINISH_WORK,
                OrderAction.COMPLETE,
                OrderAction.RETURN_TO_WORK,
            )
            if workflow.allowed(order.status, a, Party.MANAGER)
        )
    return AvailableActions(
        pay=payable and can_on(actor, Action.RECORD_PAYMENT, service.type),
        cancel=can_on(actor, Action.CANCEL_ORDER, service.type)
        and cancellation_refusal(order, service, session) is None,
        work=work,
        assign=not closed and can_on(actor, Action.ASSIGN_EXECUTOR, service.type),
        message=can_on(actor, Action.WRITE_MESSAGE, service.type),
        close=close_refusal(order, service) is None
        and can_on(actor, Action.CHANGE_WORK_STATUS, service.type)
        and can_on(actor, Action.CANCEL_ORDER, service.type),
        refund=order.status == OrderStatus.CANCELLED_REFUND_PENDING
        and order.paid_kopecks > 0
        and can_on(actor, Action.REFUND_PAYMENT, service.type),
        invoice=workflow.allowed(order.status, OrderAction.ISSUE_INVOICE, Party.MANAGER)
        and can_on(actor, Action.ISSUE_INVOICE, service.type),
    )
