"""Languages: the Russian catalog is complete, and money and dates read as SPEC §6 says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dashboard.i18n import TRANSLATIONS, format_date, format_money
from models.statuses import ORDER_STATUS_LABELS, TICKET_STATUS_LABELS, OrderStatus, TicketStatus

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "DomainError": None,
            "PermissionDenied": None, "NotFound": None,
            "CheckInRefused": (2,)}


def _extracted() -> set[str]:
    found = set()
    for folder in ("dashboard", "pages", "callbacks", "services"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            keywords=KEYWORDS,
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def test_every_message_in_the_code_has_a_russian_translation():
    with (TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="ru")
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
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


def test_every_status_has_both_labels():
    for table, codes in ((ORDER_STATUS_LABELS, OrderStatus), (TICKET_STATUS_LABELS, TicketStatus)):
        assert set(table) == set(codes)
        assert all(labels["ru"] and labels["en"] for labels in table.values())
    assert ORDER_STATUS_LABELS[OrderStatus.CONFIRMED_BALANCE_DUE]["ru"] == (
        "Подтвержден. Необходимо оплатить остаток"
    )
