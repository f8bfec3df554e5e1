"""Parkdesk's tables. Importing this package registers all of them on ``Base.metadata``."""

from models.audit import AuditEntry
from models.base import Base, utcnow
from models.changes import Change
from models.counters import Counter
from models.notifications import Notification, NotificationKind
from models.orders import (
    CoworkingTicket,
    Event,
    EventTicket,
    HotelBooking,
    Message,
    Order,
    OrderItem,
    Payment,
    PaymentQuarter,
    RoomBooking,
)
from models.places import (
    Building,
    Person,
    Room,
    Seat,
    Service,
    Tariff,
    person_search_text,
    phone_key,
)
from models.staff import LoginAttempt, StaffSession, StaffUser
from models.tallies import OrderTally

__all__ = [
    "AuditEntry",
    "Base",
    "Building",
    "Change",
    "Counter",
    "CoworkingTicket",
    "Event",
    "EventTicket",
    "HotelBooking",
    "LoginAttempt",
    "Message",
    "Notification",
    "NotificationKind",
    "Order",
    "OrderItem",
    "OrderTally",
    "Payment",
    "PaymentQuarter",
    "Person",
    "Room",
    "RoomBooking",
    "Seat",
    "Service",
    "StaffSession",
    "StaffUser",
    "Tariff",
    "person_search_text",
    "phone_key",
    "utcnow",
]
