"""One order (SPEC §5 "Order"): items, its type's own block, payments, executor,
work statuses, cancellation, chat and audit trail."""

from __future__ import annotations

from datetime import date, datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import (
    N_,
    _,
    format_date,
    format_datetime,
    format_money,
    format_period,
    label,
    labels,
    language,
    local_time,
    localize,
)
from models.form_fields import FORM_FIELD_LABELS
from models.statuses import (
    ORDER_STATUS_COLOURS,
    ORDER_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
    SERVICE_TYPE_LABELS,
    OrderStatus,
)
from pages.components import audit_table, field, page_header
from services.form_details import Detail, DetailValue
from services.order_view import OrderView
from services.payments import MAX_EXTERNAL_NUMBER_LENGTH
from services.permissions import Action
from services.workflow import OrderAction

PAGE = dict(
    path_template="/orders/<number>",
    name=N_("Order"),
    action=Action.VIEW_ORDERS,
    nav=False,
    order=22,
)

WORK_BUTTONS = {
    OrderAction.START_WORK: (N_("Take into work"), "primary"),
    OrderAction.FINISH_WORK: (N_("Mark as done"), "success"),
    OrderAction.COMPLETE: (N_("Complete"), "secondary"),
    OrderAction.RETURN_TO_WORK: (N_("Return to work"), "warning"),
}
EXTRA_LABELS = {
    "breakfast": N_("Breakfast"),
    "meals": N_("Meals"),
    "taxi": N_("Taxi"),
    "early_check_in": N_("Early check-in"),
    "late_check_out": N_("Late check-out"),
}


def layout(number: str | None = None, **_query: str) -> html.Div:
    """An empty shell; the order arrives through a callback that checks the role."""
    return html.Div(
        [
            dcc.Store(id=ids.ORDER_NUMBER, data=number),
            dcc.Store(id=ids.ORDER_VERSION, data=0),
            dcc.Store(id=ids.ORDER_SEEN),
            dcc.Store(id=ids.ORDER_PAYMENT_KEY),
            dcc.Store(id=ids.ORDER_REFUND_KEY),
            html.Div(id=ids.ORDER_FEEDBACK, className="mb-2", role="status"),
            html.Div(dbc.Spinner(color="secondary"), id=ids.ORDER_BODY),
            _payment_modal(),
            _cancel_modal(),
            _refund_modal(),
            _close_modal(),
        ]
    )


def _payment_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(_("Record a payment"))),
            dbc.ModalBody(
                [
                    dbc.Label(_("Amount, ₽"), html_for=ids.PAYMENT_AMOUNT),
                    dbc.Input(
                        id=ids.PAYMENT_AMOUNT,
                        inputmode="decimal",
                        autocomplete="off",
                        debounce=False,
                    ),
                    html.Div(id=ids.PAYMENT_LIMITS, className="form-text mb-3"),
                    dbc.Label(_("Paid by"), html_for=ids.PAYMENT_METHOD),
                    dbc.Select(
                        id=ids.PAYMENT_METHOD,
                        value="cash",
                        options=[
                            {"label": text, "value": code}
                            for code, text in labels(PAYMENT_METHOD_LABELS).items()
                        ],
                        className="mb-3",
                    ),
                    dbc.Label(_("External number (optional)"), html_for=ids.PAYMENT_NUMBER),
                    dbc.Input(
                        id=ids.PAYMENT_NUMBER,
                        autocomplete="off",
                        maxLength=MAX_EXTERNAL_NUMBER_LENGTH,
                    ),
                    html.Div(
                        _("The terminal slip or payment order number."), className="form-text"
                    ),
                ]
            ),
            dbc.ModalFooter(
                dbc.Button(_("Record the payment"), id=ids.PAYMENT_SAVE, color="primary")
            ),
        ],
        id=ids.ORDER_PAYMENT_MODAL,
        is_open=False,
    )


def _refund_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(_("Record a refund"))),
            dbc.ModalBody(
                [
                    dbc.Label(_("Amount, ₽"), html_for=ids.REFUND_AMOUNT),
                    dbc.Input(
                        id=ids.REFUND_AMOUNT,
                        inputmode="decimal",
                        autocomplete="off",
                        debounce=False,
                    ),
                    html.Div(
                        _("The whole amount left, or a part of it."), className="form-text mb-3"
                    ),
                    dbc.Label(_("Paid back by"), html_for=ids.REFUND_METHOD),
                    dbc.Select(
                        id=ids.REFUND_METHOD,
                        value="bank_card",
                        options=[
                            {"label": text, "value": code}
                            for code, text in labels(PAYMENT_METHOD_LABELS).items()
                        ],
                        className="mb-3",
                    ),
                    dbc.Label(_("External number (optional)"), html_for=ids.REFUND_NUMBER),
                    dbc.Input(
                        id=ids.REFUND_NUMBER,
                        autocomplete="off",
                        maxLength=MAX_EXTERNAL_NUMBER_LENGTH,
                    ),
                ]
            ),
            dbc.ModalFooter(
                dbc.Button(_("Record the refund"), id=ids.REFUND_SAVE, color="primary")
            ),
        ],
        id=ids.ORDER_REFUND_MODAL,
        is_open=False,
    )


def _close_modal() -> dbc.Modal:
    """Seed 001: "Close the order?" — done, or not needed; No / Yes."""
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(_("Close the order?"))),
            dbc.ModalBody(
                [
                    dbc.RadioItems(
                        id=ids.ORDER_CLOSE_AS,
                        value="done",
                        options=[
                            {"label": _("The order is done"), "value": "done"},
                            {"label": _("The order is not needed"), "value": "not_needed"},
                        ],
                        className="mb-2",
                    ),
                    html.Div(
                        _(
                            "An order not needed is cancelled; a paid one waits for its refund. "
                            "This cannot be undone."
                        ),
                        className="form-text",
                    ),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        _("Keep the order"),
                        id=ids.ORDER_CLOSE_KEEP,
                        color="secondary",
                        outline=True,
                    ),
                    dbc.Button(_("Yes, close it"), id=ids.ORDER_CLOSE_CONFIRM, color="primary"),
                ]
            ),
        ],
        id=ids.ORDER_CLOSE_MODAL,
        is_open=False,
    )


def _cancel_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(_("Cancel the order?"))),
            dbc.ModalBody(
                _(
                    "The customer is told in the chat. A paid order waits for its "
                    "refund. This cannot be undone."
                )
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        _("Keep the order"),
                        id=ids.ORDER_CANCEL_KEEP,
                        color="secondary",
                        outline=True,
                    ),
                    dbc.Button(_("Cancel the order"), id=ids.ORDER_CANCEL_CONFIRM, color="danger"),
                ]
            ),
        ],
        id=ids.ORDER_CANCEL_MODAL,
        is_open=False,
    )


def _money(component_id: str, kopecks: int, lang: str, **kwargs: object) -> html.Span:
    return html.Span(
        format_money(kopecks, lang), id=component_id, **{"data-kopecks": str(kopecks)}, **kwargs
    )


def status_badge(status: str) -> html.Span:
    return html.Span(
        label(ORDER_STATUS_LABELS, status, language()),
        id=ids.ORDER_STATUS,
        className=f"badge rounded-pill status-badge status-{ORDER_STATUS_COLOURS[status]} fs-6",
    )


def _items(view: OrderView, lang: str) -> dbc.Card:
    rows = [
        html.Tr(
            [
                html.Td(item.name),
                html.Td(str(item.quantity), className="money"),
                html.Td(format_money(item.unit_price_kopecks, lang), className="money"),
                html.Td(format_money(item.amount_kopecks, lang), className="money"),
            ]
        )
        for item in view.items
    ]
    return dbc.Card(
        [
            dbc.CardHeader(_("Items")),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_("Item")),
                                html.Th(_("Qty"), className="money"),
                                html.Th(_("Price"), className="money"),
                                html.Th(_("Amount"), className="money"),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                    html.Tfoot(
                        html.Tr(
                            [
                                html.Th(_("Total"), colSpan=3),
                                html.Th(
                                    _money(ids.ORDER_TOTAL, view.total_kopecks, lang),
                                    className="money",
                                ),
                            ]
                        )
                    ),
                ],
                size="sm",
                className="mb-0",
            ),
        ]
    )


def _type_block(view: OrderView, lang: str) -> dbc.Card | None:
    parts: list = []
    for ticket in view.tickets:
        parts += [
            field(
                _("Coworking ticket"),
                dcc.Link(f"№{ticket.number}", href=f"/tickets/{ticket.number}"),
            ),
            field(_("Period"), format_period(ticket.period_start, ticket.period_end, lang)),
            field(_("Seat"), f"{ticket.room} · " + _("Seat %(number)s", number=ticket.seat_number)),
            field(_("Visitor"), ticket.visitor),
        ]
    if view.hotel:
        stay = view.hotel
        parts += [
            field(_("Hotel room"), stay.room),
            field(
                _("Dates"),
                f"{format_date(stay.check_in, lang)} – {format_date(stay.check_out, lang)}",
            ),
            field(_("Nights"), str(stay.nights)),
            field(
                _("Guests"),
                _(
                    "%(adults)d adults, %(children)d children",
                    adults=stay.adults,
                    children=stay.children,
                ),
            ),
            field(_("Extras"), ", ".join(_(EXTRA_LABELS.get(e, e)) for e in stay.extras) or "—"),
        ]
    if view.room:
        parts += [
            field(_("Room"), view.room.room),
            field(_("Period"), format_period(view.room.starts_at, view.room.ends_at, lang)),
            field(_("Visitors"), ", ".join(view.room.visitors) or "—"),
        ]
    for ticket in view.event_tickets:
        parts += [
            field(_("Event"), dcc.Link(ticket.event, href=f"/events/{ticket.event_id}")),
            field(_("Starts"), format_datetime(ticket.starts_at, lang)),
            field(_("Ticket"), f"№{ticket.number} · {ticket.attendee}"),
            field(
                _("Checked in"),
                format_datetime(ticket.checked_in_at, lang) if ticket.checked_in_at else "—",
            ),
        ]
    if view.delivery_place:
        parts.append(field(_("Delivery place"), view.delivery_place))
    if view.form_fields:
        parts.append(html.Div(_form_fields(view.form_fields, lang), id=ids.ORDER_DETAILS))
    if not parts:
        return None
    title = label(SERVICE_TYPE_LABELS, view.service_type, lang)
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(parts)])


def _form_fields(details: list[Detail], lang: str) -> list[html.Div]:
    """The customer's form: labels in the user's language, values as text (never markup)."""
    return [
        field(
            label(FORM_FIELD_LABELS, detail.field, lang) if detail.field else detail.name,
            html.Span(_detail_text(detail.value, lang), className="text-break"),
        )
        for detail in details
    ]


def _detail_text(value: DetailValue, lang: str) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def _deadline(view: OrderView, can_set: bool, lang: str) -> list:
    """The deadline as text (``#order-deadline``), and its input where it may be set: a
    datetime-local value in the operator's time zone."""
    shown = [
        html.Div(
            format_datetime(view.deadline, lang) if view.deadline else "—", id=ids.ORDER_DEADLINE
        )
    ]
    if can_set:
        value = local_time(view.deadline).strftime("%Y-%m-%dT%H:%M") if view.deadline else ""
        shown.append(
            dbc.InputGroup(
                [
                    dbc.Input(
                        id=ids.ORDER_DEADLINE_INPUT,
                        type="datetime-local",
                        value=value,
                        **kept_while_typing(view.number),
                    ),
                    dbc.Button(
                        _("Save"), id=ids.ORDER_DEADLINE_SAVE, color="secondary", outline=True
                    ),
                ],
                size="sm",
                className="mt-1",
            )
        )
    return shown


def _people(
    view: OrderView,
    show_contacts: bool,
    executor_choices: list[tuple[int, str]] | None,
    lang: str,
    can_set_deadline: bool = False,
) -> dbc.Card:
    customer = view.customer
    contact = []
    if show_contacts:
        contact = [
            html.Div(view.contact_phone or customer.phone or "—"),
            html.Div(view.contact_email or customer.email or "—"),
        ]
        if view.contact_phone and view.contact_phone != customer.phone:
            contact.append(
                html.Small(_("phone for this order only"), className="text-body-secondary")
            )
    executor: list = [html.Div(view.executor or _("Not assigned"), id=ids.ORDER_EXECUTOR_NAME)]
    if executor_choices is not None:
        executor = [
            dbc.InputGroup(
                [
                    dbc.Select(
                        id=ids.ORDER_EXECUTOR,
                        value=str(view.executor_id or "none"),
                        **kept_while_typing(view.number),
                        options=[{"label": _("Not assigned"), "value": "none"}]
                        + [{"label": name, "value": str(i)} for i, name in executor_choices],
                    ),
                    dbc.Button(
                        _("Assign"), id=ids.ORDER_EXECUTOR_SAVE, color="secondary", outline=True
                    ),
                ],
                size="sm",
            )
        ]
    return dbc.Card(
        [
            dbc.CardHeader(_("People")),
            dbc.CardBody(
                [
                    field(_("Applicant"), [html.Div(customer.name), *contact]),
                    field(_("Payer"), view.payer) if view.payer else None,
                    field(_("Executor"), executor),
                    field(_("Deadline"), _deadline(view, can_set_deadline, lang)),
                    field(_("Comment"), view.comment) if view.comment else None,
                ]
            ),
        ]
    )


def _payments(view: OrderView, can_pay: bool, can_refund: bool, lang: str) -> dbc.Card:
    rows = [
        html.Tr(
            [
                html.Td(format_datetime(p.paid_at, lang, short=True)),
                html.Td(label(PAYMENT_METHOD_LABELS, p.method, lang)),
                html.Td(p.external_number or "—"),
                html.Td(p.recorded_by or "—"),
                html.Td(format_money(p.amount_kopecks, lang), className="money"),
            ]
        )
        for p in view.ledger
    ]
    table = (
        dbc.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_("When")),
                            html.Th(_("Method")),
                            html.Th(_("Number")),
                            html.Th(_("Recorded by")),
                            html.Th(_("Amount"), className="money"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            size="sm",
            id=ids.ORDER_PAYMENTS,
        )
        if rows
        else html.P(_("No payments yet."), className="text-body-secondary", id=ids.ORDER_PAYMENTS)
    )
    return dbc.Card(
        [
            dbc.CardHeader(_("Payments")),
            dbc.CardBody(
                [
                    table,
                    dbc.Row(
                        [
                            dbc.Col(
                                field(_("Paid"), _money(ids.ORDER_PAID, view.paid_kopecks, lang))
                            ),
                            dbc.Col(
                                field(
                                    _("Balance"),
                                    _money(
                                        ids.ORDER_BALANCE,
                                        view.balance_kopecks,
                                        lang,
                                        className="fw-semibold",
                                    ),
                                )
                            ),
                            dbc.Col(
                                dbc.Button(
                                    [
                                        html.I(className="bi bi-cash-coin me-1"),
                                        _("Record a payment"),
                                    ],
                                    id=ids.ORDER_RECORD_PAYMENT,
                                    color="primary",
                                )
                                if can_pay
                                else dbc.Button(
                                    [
                                        html.I(className="bi bi-arrow-counterclockwise me-1"),
                                        _("Record a refund"),
                                    ],
                                    id=ids.ORDER_RECORD_REFUND,
                                    color="warning",
                                )
                                if can_refund
                                else None,
                                className="text-end",
                            ),
                        ],
                        className="align-items-end",
                    ),
                ]
            ),
        ]
    )


def kept_while_typing(number: int) -> dict[str, object]:
    """What a field of the order's body keeps when the body is drawn again (a live
    refresh, SPEC §9.3): what the user typed or chose, for this order only, unless
    the stored value itself changed meanwhile (Dash's persistence)."""
    return {"persistence": f"order-{number}", "persistence_type": "memory"}


def _chat(view: OrderView, can_write: bool, lang: str) -> dbc.Card:
    bubbles = []
    for message in view.messages:
        text = (
            localize(message.text, message.params, lang)
            if message.visibility == "system"
            else message.text
        )
        tag = {"internal": _("internal"), "system": _("Parkdesk"), "public": _("public")}
        bubbles.append(
            html.Div(
                [
                    html.Div(
                        [
                            html.Strong(message.author or _("Customer"))
                            if message.visibility != "system"
                            else None,
                            html.Span(
                                f" · {tag[message.visibility]} · "
                                f"{format_datetime(message.created_at, lang, short=True)}",
                                className="text-body-secondary small",
                            ),
                        ]
                    ),
                    html.Div(text, className="message-text"),
                ],
                className=f"chat-message chat-{message.visibility}",
                **{"data-visibility": message.visibility},
            )
        )
    writer = (
        html.Div(
            [
                dbc.Textarea(
                    id=ids.ORDER_MESSAGE_TEXT,
                    placeholder=_("Write a message…"),
                    **kept_while_typing(view.number),
                    rows=2,
                    className="mb-2",
                ),
                html.Div(
                    [
                        dbc.Switch(
                            id=ids.ORDER_MESSAGE_INTERNAL,
                            label=_("Internal (staff only)"),
                            value=False,
                            **kept_while_typing(view.number),
                        ),
                        dbc.Button(
                            _("Send"), id=ids.ORDER_MESSAGE_SEND, color="primary", size="sm"
                        ),
                    ],
                    className="d-flex justify-content-between align-items-center",
                ),
            ]
        )
        if can_write
        else None
    )
    return dbc.Card(
        [
            dbc.CardHeader(_("Chat")),
            dbc.CardBody(
                [
                    html.Div(
                        bubbles or html.P(_("No messages yet."), className="text-body-secondary"),
                        id=ids.ORDER_CHAT,
                        className="chat mb-3",
                    ),
                    writer,
                ]
            ),
        ]
    )


def _documents(view: OrderView) -> list[html.A]:
    """Links to the order's printable documents, each in a tab of its own."""
    links = []
    if view.invoice_number:
        links.append(
            html.A(
                _("Invoice №%(number)s", number=view.invoice_number),
                id=ids.ORDER_INVOICE_LINK,
                href=f"/orders/{view.number}/invoice",
                target="_blank",
                className="btn btn-outline-secondary btn-sm",
            )
        )
    if view.status == OrderStatus.DONE:
        links.append(
            html.A(
                _("Act of services"),
                id=ids.ORDER_ACT_LINK,
                href=f"/orders/{view.number}/act",
                target="_blank",
                className="btn btn-outline-secondary btn-sm",
            )
        )
    return links


def body(
    view: OrderView,
    *,
    can_pay: bool,
    can_cancel: bool,
    work_actions: list[OrderAction],
    can_close: bool = False,
    can_refund: bool = False,
    executor_choices: list[tuple[int, str]] | None,
    show_contacts: bool,
    can_write: bool,
    can_invoice: bool = False,
    can_set_deadline: bool = False,
) -> html.Div:
    lang = language()
    actions = [
        dbc.Button(
            _(WORK_BUTTONS[a][0]),
            id={"type": ids.ORDER_WORK, "action": a.value},
            color=WORK_BUTTONS[a][1],
            size="sm",
        )
        for a in work_actions
    ]
    if can_close:
        actions.append(
            dbc.Button(
                _("Close the order"),
                id=ids.ORDER_CLOSE,
                color="secondary",
                outline=True,
                size="sm",
            )
        )
    if can_invoice:
        actions.append(
            dbc.Button(
                _("Issue the invoice"), id=ids.ORDER_ISSUE_INVOICE, color="primary", size="sm"
            )
        )
    actions += _documents(view)
    if can_cancel:
        actions.append(
            dbc.Button(
                _("Cancel the order"), id=ids.ORDER_CANCEL, color="danger", outline=True, size="sm"
            )
        )
    header = html.Div(
        [
            page_header(_("Order №%(number)s", number=view.number)),
            html.Div(
                [
                    status_badge(view.status),
                    html.Span(
                        _("created %(when)s", when=format_datetime(view.created_at, lang)),
                        className="text-body-secondary ms-3",
                    ),
                    html.Span(
                        f" · {view.service_name} · "
                        f"{label(SERVICE_TYPE_LABELS, view.service_type, lang)}",
                        className="text-body-secondary",
                    ),
                ],
                className="mb-2",
            ),
            html.Div(actions, className="d-flex gap-2 mb-3") if actions else None,
        ]
    )
    type_block = _type_block(view, lang)
    return html.Div(
        [
            header,
            dbc.Row(
                [
                    dbc.Col(
                        [
                            _items(view, lang),
                            html.Div(className="mb-3"),
                            _payments(view, can_pay, can_refund, lang),
                        ],
                        lg=7,
                    ),
                    dbc.Col(
                        [
                            type_block,
                            html.Div(className="mb-3") if type_block else None,
                            _people(view, show_contacts, executor_choices, lang, can_set_deadline),
                        ],
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            _chat(view, can_write, lang),
            html.H2(_("Audit trail"), className="h5 mt-4"),
            audit_table(view.trail, id=ids.ORDER_AUDIT),
        ]
    )
