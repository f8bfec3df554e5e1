"""Invoices for bank transfer (SPEC §9.1): issuing one gives the order a number of its
own from the year's sequence; the printable invoice and act; the bank payment after."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dashboard import create_app
from dashboard.config import Operator
from dashboard.i18n import localize
from models import AuditEntry, Message, Order, Payment
from services import integrity, numbering, orders, payments
from services.errors import PermissionDenied
from services.messages import decode
from tests.conftest import login
from tests.factories import NOW
from tests.test_concurrency import THREADS, all_at_once, refusals, winners
from tests.test_rules import make, refused


def _order(db, number: int):
    """The order's id, invoice number and issue time."""
    with db.read() as session:
        return session.execute(
            select(Order.id, Order.invoice_number, Order.invoice_issued_at).where(
                Order.number == number
            )
        ).one()


def issue(db, actor, number, now=NOW):
    with db.write() as session:
        return orders.issue_invoice(session, actor, number, now)


@pytest.fixture
def awaiting(db, world) -> int:
    """A hotel stay of 12 000,50 ₽ whose customer asked to pay by invoice."""
    return make(db, world, lambda w: w.order("hotel", "new_awaiting_invoice", total=1_200_050))


# --- issuing ---------------------------------------------------------------------------------


def test_issuing_the_invoice_numbers_it_moves_the_order_and_writes_the_chat_and_audit(
    db, actors, awaiting
):
    state = issue(db, actors["rental"], awaiting)

    assert state.status == "invoice_issued"
    order = _order(db, awaiting)
    assert (order.invoice_number, order.invoice_issued_at) == ("2026-000001", NOW)
    with db.read() as session:
        chat = session.scalars(
            select(Message).where(Message.order_id == order.id).order_by(Message.id)
        ).all()
        assert [localize(m.text, decode(m.params), "ru") for m in chat] == [
            "Статус изменён на «Безналичный расчет. Счет выставлен».",
            "Выставлен счет № 2026-000001.",
        ]
        assert [localize(m.text, decode(m.params), "en") for m in chat][1] == (
            "Invoice №2026-000001 is issued."
        )
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "order.issue_invoice"))
        assert entry.before["status"] == "new_awaiting_invoice"
        assert entry.after == {
            "status": "invoice_issued",
            "executor_id": None,
            "invoice": "2026-000001",
        }


def test_invoice_numbers_follow_each_other_within_a_year_and_start_again_in_the_next(
    db, world, actors
):
    numbers = [
        make(db, world, lambda w: w.order("hotel", "new_awaiting_invoice")) for _ in range(3)
    ]
    issue(db, actors["rental"], numbers[0])
    issue(db, actors["admin"], numbers[1])
    issue(db, actors["rental"], numbers[2], now=NOW.replace(year=2027, month=1, day=2))
    assert [_order(db, n).invoice_number for n in numbers] == [
        "2026-000001",
        "2026-000002",
        "2027-000001",
    ]


def test_the_sequence_continues_after_numbers_already_in_the_database(db, world, actors):
    make(
        db,
        world,
        lambda w: w.order(
            "hotel", "invoice_issued", invoice_number="2026-000041", invoice_issued_at=NOW
        ),
    )
    number = make(db, world, lambda w: w.order("hotel", "new_awaiting_invoice"))
    issue(db, actors["rental"], number)
    assert _order(db, number).invoice_number == "2026-000042"


def test_an_order_not_awaiting_an_invoice_is_refused_in_both_languages_and_takes_no_number(
    db, world, actors, awaiting
):
    number = make(db, world, lambda w: w.order("hotel", "new"))
    refused(
        db,
        lambda s: orders.issue_invoice(s, actors["rental"], number, NOW),
        en="An order in status “New” cannot be invoiced.",
        ru="Заказ в статусе «Новый» нельзя выставить счёт.",
    )
    issue(db, actors["rental"], awaiting)
    assert _order(db, awaiting).invoice_number == "2026-000001"


def test_an_invoice_is_issued_once(db, actors, awaiting):
    issue(db, actors["rental"], awaiting)
    refused(
        db,
        lambda s: orders.issue_invoice(s, actors["rental"], awaiting, NOW + timedelta(hours=1)),
        en="An order in status “Bank transfer. Invoice issued” cannot be invoiced.",
        ru="Заказ в статусе «Безналичный расчет. Счет выставлен» нельзя выставить счёт.",
    )
    assert _order(db, awaiting).invoice_number == "2026-000001"


@pytest.mark.parametrize("role", ["service", "events", "exec", "accounting"])
def test_roles_that_do_not_invoice_this_kind_of_order_are_refused(db, actors, awaiting, role):
    refused(
        db,
        lambda s: orders.issue_invoice(s, actors[role], awaiting, NOW),
        en="Your role may not do this.",
        ru="Вашей роли это действие недоступно.",
        kind=PermissionDenied,
    )


def test_the_service_manager_invoices_its_own_department(db, world, actors):
    number = make(db, world, lambda w: w.order("goods", "new_awaiting_invoice"))
    assert issue(db, actors["service"], number).status == "invoice_issued"


def test_the_order_page_offers_the_invoice_only_where_it_may_be_issued(db, world, actors, awaiting):
    other = make(db, world, lambda w: w.order("hotel", "new"))
    with db.read() as session:
        assert orders.available_actions(session, actors["rental"], awaiting).invoice
        assert not orders.available_actions(session, actors["exec"], awaiting).invoice
        assert not orders.available_actions(session, actors["rental"], other).invoice


def test_the_bank_payment_after_the_invoice_keeps_its_payment_order_number(db, actors, awaiting):
    issue(db, actors["rental"], awaiting)
    with db.write() as session:
        result = payments.record_payment(
            session,
            actors["rental"],
            awaiting,
            "12000,50",
            "bank_transfer",
            "bank-1",
            NOW + timedelta(days=1),
            external_number="п/п № 1234",
        )
    assert result.status == "confirmed"
    with db.read() as session:
        payment = session.scalar(select(Payment).where(Payment.idempotency_key == "bank-1"))
        assert (payment.method, payment.external_number) == ("bank_transfer", "п/п № 1234")


def test_the_check_finds_an_issued_invoice_without_a_number(db, world, actors, awaiting):
    issue(db, actors["rental"], awaiting)
    with db.read() as session:
        assert integrity.check(session) == []
    bad = make(db, world, lambda w: w.order("hotel", "invoice_issued"))
    with db.read() as session:
        assert [(f.check, f.detail) for f in integrity.check(session)] == [
            ("every issued invoice has a number", f"order {bad}")
        ]


# --- two managers at once --------------------------------------------------------------------


def test_managers_issuing_invoices_at_the_same_moment_get_different_numbers(db, world, actors):
    numbers = [
        make(db, world, lambda w: w.order("hotel", "new_awaiting_invoice")) for _ in range(THREADS)
    ]
    managers = [actors["rental"], actors["admin"]]

    outcomes = all_at_once(
        db, THREADS, lambda s, i: orders.issue_invoice(s, managers[i % 2], numbers[i], NOW)
    )

    assert len(winners(outcomes)) == THREADS
    with db.read() as session:
        issued = session.scalars(
            select(Order.invoice_number).where(Order.number.in_(numbers))
        ).all()
    assert sorted(issued) == [f"2026-{n:06d}" for n in range(1, THREADS + 1)]


def test_two_managers_issuing_the_same_invoice_at_once_issue_it_once(db, actors, awaiting):
    outcomes = all_at_once(
        db, THREADS, lambda s, i: orders.issue_invoice(s, actors["rental"], awaiting, NOW)
    )
    assert len(winners(outcomes)) == 1
    for error in refusals(outcomes):
        assert str(error) == (
            "An order in status “Bank transfer. Invoice issued” cannot be invoiced."
        )
    assert _order(db, awaiting).invoice_number == "2026-000001"
    with db.read() as session:
        taken = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "order.issue_invoice")
        )
    assert taken == 1
    with db.write() as session:
        assert numbering.next_invoice_number(session, 2026) == "2026-000002"


# --- the printable pages ---------------------------------------------------------------------

OPERATOR = Operator(
    name="ООО «Технопарк»",
    inn="7701234567",
    kpp="770101001",
    address="Москва, Большой бульвар, 42",
    bank="ПАО Сбербанк",
    bik="044525225",
    account="40702810900000000001",
    corr_account="30101810400000000225",
)


@pytest.fixture
def documents_app(config, staff_ids):
    application = create_app(replace(config, operator=OPERATOR))
    yield application
    application.server.extensions["parkdesk_db"].dispose()


def _client(app, email: str):
    client = app.server.test_client()
    login(client, email)
    return client


@pytest.fixture
def invoiced(db, actors, awaiting) -> int:
    issue(db, actors["rental"], awaiting)
    return awaiting


def test_the_invoice_shows_its_number_total_words_requisites_customer_and_lines(
    documents_app, invoiced
):
    page = _client(documents_app, "rental@parkdesk.local").get(f"/orders/{invoiced}/invoice")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<span id="invoice-number">2026-000001</span>' in text
    assert 'id="invoice-total" data-kopecks="1200050"' in text
    assert "Двенадцать тысяч рублей 50 копеек" in text
    for shown in (*(getattr(OPERATOR, f) for f in OPERATOR.__dataclass_fields__), "Иванов"):
        assert shown.replace("«", "&#171;").replace("»", "&#187;") in text or shown in text
    assert "Позиция" in text
    assert '<link rel="stylesheet" href="/assets/documents.css">' in text
    assert "Invoice" in text and "Supplier" in text


def test_the_invoice_opens_in_russian_with_the_same_words(documents_app, db, invoiced):
    from models import StaffUser

    with db.write() as session:
        session.scalar(
            select(StaffUser).where(StaffUser.email == "accounting@parkdesk.local")
        ).locale = "ru"
    client = _client(documents_app, "accounting@parkdesk.local")
    text = client.get(f"/orders/{invoiced}/invoice").get_data(as_text=True)
    assert "Счет на оплату" in text and "Исполнитель" in text and "Банк получателя" in text
    assert "Двенадцать тысяч рублей 50 копеек" in text
    assert 'data-kopecks="1200050"' in text


def test_documents_of_an_unknown_order_are_404(documents_app):
    client = _client(documents_app, "admin@parkdesk.local")
    for path in ("/orders/999999/invoice", "/orders/999999/act", "/orders/abc/invoice"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "There is no order" in response.get_data(as_text=True)


@pytest.mark.parametrize("email", ["service@parkdesk.local", "events@parkdesk.local"])
def test_roles_that_do_not_read_the_order_get_403(documents_app, invoiced, email):
    client = _client(documents_app, email)
    for document in ("invoice", "act"):
        response = client.get(f"/orders/{invoiced}/{document}")
        assert response.status_code == 403
        assert "invoice-number" not in response.get_data(as_text=True)


def test_an_order_without_an_invoice_has_no_invoice_page(documents_app, awaiting):
    response = _client(documents_app, "rental@parkdesk.local").get(f"/orders/{awaiting}/invoice")
    assert response.status_code == 409
    assert f"No invoice has been issued for order {awaiting}." in response.get_data(as_text=True)


def test_the_act_is_printed_only_once_the_order_is_done(documents_app, db, world, invoiced):
    client = _client(documents_app, "rental@parkdesk.local")
    refused_act = client.get(f"/orders/{invoiced}/act")
    assert refused_act.status_code == 409
    assert "once the order is done" in refused_act.get_data(as_text=True)

    done = make(db, world, lambda w: w.order("hotel", "done", total=350_000, paid=350_000))
    act = client.get(f"/orders/{done}/act")
    assert act.status_code == 200
    text = act.get_data(as_text=True)
    assert f'<span id="act-number">{done}</span>' in text
    assert 'id="act-total" data-kopecks="350000"' in text
    assert "Три тысячи пятьсот рублей 00 копеек" in text


def test_the_demo_numbers_the_invoices_it_issues_and_the_app_continues_after_them(db):
    import demo
    from tests.test_seed import DAY

    demo.seed(db.engine, orders=3000, seed=3, today=DAY)
    with db.read() as session:
        assert integrity.check(session) == []
        issued = session.scalars(
            select(Order.invoice_number).where(Order.status == "invoice_issued")
        ).all()
        last = session.scalar(
            select(func.max(Order.invoice_number)).where(Order.invoice_number.like("2025-%"))
        )
    assert issued and all(issued)
    assert len(set(issued)) == len(issued)
    with db.write() as session:
        taken = numbering.next_invoice_number(session, 2025)
    assert taken == f"2025-{int(last[5:]) + 1:06d}"
