"""Languages: the Russian catalog is complete, and money and dates read as SPEC §6 says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dashboard.i18n import TRANSLATIONS, format_date, format_money, label, labels, localize
from demo.catalogue import STATUS_NOTES
from models.form_fields import FORM_FIELD_LABELS, FormField
from models.statuses import (
    ORDER_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
    ROLE_LABELS,
    ROOM_KIND_LABELS,
    SERVICE_TYPE_LABELS,
    TICKET_STATUS_LABELS,
    UNIT_LABELS,
    OrderStatus,
    PaymentMethod,
    Role,
    RoomKind,
    ServiceType,
    TicketStatus,
    Unit,
)
from services.messages import StatusLabel

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "NC_": ((1, "c"), 2),
    "DomainError": None,
    "PermissionDenied": None,
    "NotFound": None,
    "CheckInRefused": (2,),
}
# Every label table of models (statuses, form fields) with the codes it must cover.
LABEL_TABLES = [
    (ROLE_LABELS, Role),
    (ORDER_STATUS_LABELS, OrderStatus),
    (TICKET_STATUS_LABELS, TicketStatus),
    (SERVICE_TYPE_LABELS, ServiceType),
    (PAYMENT_METHOD_LABELS, PaymentMethod),
    (FORM_FIELD_LABELS, FormField),
    (ROOM_KIND_LABELS, RoomKind),
    (UNIT_LABELS, Unit),
]


def _extracted() -> set[tuple[str | None, str]]:
    """(context, message id) of every message marked in the code."""
    found = set()
    for folder in ("dashboard", "pages", "callbacks", "services", "models"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            keywords=KEYWORDS,
        ):
            found.add((context, message[0] if isinstance(message, tuple) else message))
    return {(context, m) for context, m in found if m}


def _russian_catalog():
    with (TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="ru")


def test_every_message_in_the_code_has_a_russian_translation():
    translated = {
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in _russian_catalog()
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = _extracted() - translated
    assert not missing, f"untranslated (run dashboard/translations/update.sh): {sorted(missing)}"


def test_money_uses_a_narrow_no_break_space_in_russian():
    assert format_money(550_000, "ru") == "5\u202f500\u202f₽"
    assert format_money(123_456_789, "ru") == "1\u202f234\u202f567,89\u202f₽"
    assert format_money(5_000, "ru") == "50\u202f₽"


def test_money_in_english_groups_with_commas():
    assert format_money(550_000, "en") == "5,500\u202f₽"
    assert format_money(-1_050, "en") == "−10.50\u202f₽"


def test_dates_read_naturally_in_each_language():
    # CLDR keeps "г." with the year by a narrow no-break space, as in money.
    assert format_date(date(2024, 9, 23), "ru") == "23 сентября 2024\u202fг."
    assert format_date(date(2024, 9, 23), "en") == "September 23, 2024"


def test_every_role_status_type_and_method_has_a_label_translated_in_the_catalog():
    catalog = _russian_catalog()
    for table, codes in LABEL_TABLES:
        assert set(table) == set(codes)
        for code, found in table.items():
            entry = catalog.get(found.message, context=found.context)
            assert entry is not None and entry.string and not entry.fuzzy, found
            # Through the compiled catalog, as the pages read it: none falls back to English.
            assert label(table, code, "ru") == entry.string != found.message
            assert label(table, code, "en") == found.message


def test_order_statuses_and_roles_read_as_the_spec_words_them_in_russian():
    assert labels(ORDER_STATUS_LABELS, "ru") == {  # SPEC §3, as the customer app shows them
        "new": "Новый",
        "new_payment_pending": "Новый. В процессе оплаты",
        "new_awaiting_invoice": "Новый. Ожидает выставления счета на оплату",
        "invoice_issued": "Безналичный расчет. Счет выставлен",
        "confirmed_balance_due": "Подтвержден. Необходимо оплатить остаток",
        "confirmed": "Подтвержден",
        "in_progress": "В работе",
        "done_awaiting_confirmation": "Выполнен. Ожидает подтверждения",
        "done": "Выполнен",
        "cancelled": "Отменен",
        "cancelled_payment_failed": "Отменен. Неуспешная оплата",
        "cancelled_refund_pending": "Отменен. Выполняется возврат",
        "cancelled_refunded": "Отменен. Выполнен возврат",
    }
    assert labels(TICKET_STATUS_LABELS, "ru") == {  # SPEC §3
        "new": "Новый",
        "confirmed": "Подтвержден",
        "active": "Активен",
        "done": "Выполнен",
        "cancelled": "Отменен",
    }
    assert labels(ROLE_LABELS, "ru") == {  # SPEC §1
        "admin": "Администратор",
        "rental_manager": "Менеджер по аренде",
        "service_manager": "Менеджер по услугам",
        "event_manager": "Event-менеджер",
        "executive": "Руководитель",
        "accountant": "Бухгалтер",
    }


def test_a_label_is_read_in_its_own_context():
    # "Cancelled" of an event ticket is spelt with ё; the order status keeps the
    # customer app's spelling.
    assert localize("Cancelled", lang="ru") == "Отменён"
    assert label(ORDER_STATUS_LABELS, "cancelled", "ru") == "Отменен"


def test_a_status_inside_a_message_is_shown_in_the_readers_language():
    message = "Status changed to “%(status)s”."
    status = {"status": StatusLabel("cancelled_refunded")}
    assert localize(message, status, "ru") == "Статус изменён на «Отменен. Выполнен возврат»."
    assert localize(message, status, "en") == "Status changed to “Cancelled. Refunded”."
    ticket = {"status": StatusLabel("active", "ticket")}
    assert localize(message, ticket, "ru") == "Статус изменён на «Активен»."


def test_an_unknown_code_is_shown_as_it_is():
    assert label(ORDER_STATUS_LABELS, "archived", "ru") == "archived"


def test_the_demo_notes_name_the_statuses_with_the_catalogs_russian_labels():
    assert {code.value: text for code, text in STATUS_NOTES.items()} == labels(
        ORDER_STATUS_LABELS, "ru"
    )
