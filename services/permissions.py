"""Who may do what: the one table of SPEC §1.

The navbar, the page guard and every service ask ``can``; nothing else
decides about roles.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from models.statuses import Role, ServiceType
from services.errors import PermissionDenied

ADMIN = Role.ADMIN
RENTAL = Role.RENTAL_MANAGER
SERVICE = Role.SERVICE_MANAGER
EVENTS = Role.EVENT_MANAGER
EXEC = Role.EXECUTIVE
ACCOUNTING = Role.ACCOUNTANT
EVERYONE = frozenset(Role)


class Action(StrEnum):
    VIEW_OVERVIEW = "view_overview"
    VIEW_ORDERS = "view_orders"
    VIEW_TICKETS = "view_tickets"
    VIEW_OCCUPANCY = "view_occupancy"
    VIEW_FLOOR = "view_floor"
    VIEW_PAYMENTS = "view_payments"
    VIEW_EVENTS = "view_events"
    VIEW_EXPORTS = "view_exports"
    VIEW_STAFF = "view_staff"
    VIEW_TODAY = "view_today"
    VIEW_ROOMS = "view_rooms"
    VIEW_CONTACTS = "view_contacts"
    CREATE_COWORKING_ORDER = "create_coworking_order"
    VALIDATE_TICKET = "validate_ticket"
    CHANGE_TICKET_VISITOR = "change_ticket_visitor"
    CHANGE_TICKET_SEAT = "change_ticket_seat"
    RECORD_PAYMENT = "record_payment"
    REFUND_PAYMENT = "refund_payment"
    CANCEL_ORDER = "cancel_order"
    ISSUE_INVOICE = "issue_invoice"
    ASSIGN_EXECUTOR = "assign_executor"
    CHANGE_WORK_STATUS = "change_work_status"
    SET_DEADLINE = "set_deadline"
    WRITE_MESSAGE = "write_message"
    READ_INTERNAL_MESSAGES = "read_internal_messages"
    CHECK_IN = "check_in"
    EXPORT = "export"
    MANAGE_STAFF = "manage_staff"
    IMPORT_PEOPLE = "import_people"
    MANAGE_CATALOG = "manage_catalog"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_OVERVIEW: EVERYONE,
    Action.VIEW_ORDERS: frozenset({ADMIN, RENTAL, SERVICE, EXEC, ACCOUNTING}),
    Action.VIEW_TICKETS: frozenset({ADMIN, RENTAL, EXEC}),
    Action.VIEW_OCCUPANCY: frozenset({ADMIN, RENTAL, EXEC}),
    # The floor plan (SPEC §9.3): rental managers act on it (a click opens the ticket to
    # act on), executives read it.
    Action.VIEW_FLOOR: frozenset({ADMIN, RENTAL, EXEC}),
    Action.VIEW_PAYMENTS: frozenset({ADMIN, EXEC, ACCOUNTING}),
    Action.VIEW_EVENTS: frozenset({ADMIN, EVENTS}),
    Action.VIEW_EXPORTS: frozenset({ADMIN, ACCOUNTING}),
    Action.VIEW_STAFF: frozenset({ADMIN}),
    # What needs the desk today (SPEC §9.3): each role sees the sections of its own work
    # (services.today.parts_for); the accountant's day is the payments page.
    Action.VIEW_TODAY: frozenset({ADMIN, RENTAL, SERVICE, EVENTS, EXEC}),
    # The meeting rooms' day: the rental desk books them, executives read.
    Action.VIEW_ROOMS: frozenset({ADMIN, RENTAL, EXEC}),
    Action.VIEW_CONTACTS: frozenset({ADMIN, RENTAL, SERVICE, EVENTS, ACCOUNTING}),
    Action.CREATE_COWORKING_ORDER: frozenset({ADMIN, RENTAL}),
    Action.VALIDATE_TICKET: frozenset({ADMIN, RENTAL}),
    Action.CHANGE_TICKET_VISITOR: frozenset({ADMIN, RENTAL}),
    Action.CHANGE_TICKET_SEAT: frozenset({ADMIN, RENTAL}),
    Action.RECORD_PAYMENT: frozenset({ADMIN, RENTAL, SERVICE}),
    Action.REFUND_PAYMENT: frozenset({ADMIN, RENTAL, SERVICE}),
    Action.CANCEL_ORDER: frozenset({ADMIN, RENTAL, SERVICE}),
    Action.ISSUE_INVOICE: frozenset({ADMIN, RENTAL, SERVICE}),
    Action.ASSIGN_EXECUTOR: frozenset({ADMIN, RENTAL, SERVICE}),
    Action.CHANGE_WORK_STATUS: frozenset({ADMIN, SERVICE}),
    Action.SET_DEADLINE: frozenset({ADMIN, SERVICE}),
    Action.WRITE_MESSAGE: frozenset({ADMIN, RENTAL, SERVICE}),
    # Staff notes on an order ("call after 3 pm", a phone number) are customer contact
    # data, which the executive does not see (SPEC §1).
    Action.READ_INTERNAL_MESSAGES: frozenset({ADMIN, RENTAL, SERVICE, ACCOUNTING}),
    Action.CHECK_IN: frozenset({ADMIN, EVENTS}),
    Action.EXPORT: frozenset({ADMIN, ACCOUNTING}),
    Action.MANAGE_STAFF: frozenset({ADMIN}),
    Action.IMPORT_PEOPLE: frozenset({ADMIN}),
    # Buildings, rooms, seats, services and prices: the operator's own house (SPEC §9.2).
    Action.MANAGE_CATALOG: frozenset({ADMIN}),
}


# The kinds of order each role reads and works on (SPEC §1): a manager those of its
# department; executives and accountants read every kind (what they may do to one is the
# table above: nothing but read, and executives without contact data). Every reader of
# orders — the register, the order page, the exports, the overview's figures — keeps to it.
SERVICE_TYPES_BY_ROLE: dict[Role, frozenset[ServiceType]] = {
    ADMIN: frozenset(ServiceType),
    RENTAL: frozenset({ServiceType.COWORKING, ServiceType.BOOKING, ServiceType.HOTEL}),
    SERVICE: frozenset({ServiceType.SIMPLE, ServiceType.REQUEST, ServiceType.GOODS}),
    EVENTS: frozenset({ServiceType.EVENT}),
    EXEC: frozenset(ServiceType),
    ACCOUNTING: frozenset(ServiceType),
}


class Actor(Protocol):
    """The acting staff user, as every service receives it."""

    id: int
    role: str


def can(user: Actor | None, action: Action | str) -> bool:
    if user is None or not getattr(user, "role", None):
        return False
    try:
        return Role(user.role) in PERMISSIONS[Action(action)]
    except ValueError:
        return False


def can_on(user: Actor | None, action: Action | str, service_type: str) -> bool:
    """``can``, and the order is of a kind this role works on."""
    if not can(user, action):
        return False
    return ServiceType(service_type) in SERVICE_TYPES_BY_ROLE.get(Role(user.role), frozenset())


def order_scope(user: Actor | None) -> frozenset[str] | None:
    """The service types whose orders ``user`` reads, or None for every type."""
    try:
        types = SERVICE_TYPES_BY_ROLE.get(Role(getattr(user, "role", None)), frozenset())
    except ValueError:
        return frozenset()
    return None if types == frozenset(ServiceType) else frozenset(t.value for t in types)


def may_read_order(user: Actor | None, service_type: str) -> bool:
    scope = order_scope(user)
    return can(user, Action.VIEW_ORDERS) and (scope is None or service_type in scope)


def require(user: Actor | None, action: Action | str, service_type: str | None = None) -> None:
    allowed = can(user, action) if service_type is None else can_on(user, action, service_type)
    if not allowed:
        raise PermissionDenied("Your role may not do this.")
