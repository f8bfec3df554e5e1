"""New coworking order: a rental manager books a seat for a customer (SPEC §4.9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_money, format_period, label, labels, local_time
from models.statuses import COWORKING_VARIANT_LABELS, ORDER_STATUS_LABELS, PAYMENT_METHOD_LABELS
from pages.components import field, page_header
from services.coworking import DESK_METHODS
from services.permissions import Action

PAGE = dict(
    path="/orders/new",
    name=N_("New coworking order"),
    action=Action.CREATE_COWORKING_ORDER,
    nav=False,
    order=21,
)

SEARCH_DEBOUNCE_MS = 300
REGISTERED, NEW = "registered", "new"


def _next_full_hour() -> datetime:
    """Where a booking made at the desk usually starts, in the operator's time zone."""
    return (local_time(datetime.now(UTC)) + timedelta(hours=1)).replace(
        minute=0, second=0, microsecond=0
    )


def _labelled(label: str, component, html_for: str, md: int | bool = True, **col) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=html_for), component], md=md, **col)


def _customer_card() -> dbc.Card:
    registered = html.Div(
        [
            dbc.Label(_("Find a registered person"), html_for=ids.ORDER_NEW_SEARCH),
            dbc.Input(
                id=ids.ORDER_NEW_SEARCH,
                type="search",
                debounce=SEARCH_DEBOUNCE_MS,
                className="mb-2",
                placeholder=_("Part of the name"),
                autoComplete="off",
                autoFocus=True,
            ),
            # A long list of namesakes scrolls inside the card, the form stays in view.
            dbc.RadioItems(
                id=ids.ORDER_NEW_CHOICE,
                options=[],
                className="mb-1 overflow-auto",
                style={"maxHeight": "14rem"},
            ),
            html.Div(id=ids.ORDER_NEW_FOUND, className="detail-label"),
        ],
        id=ids.ORDER_NEW_REGISTERED,
    )
    new = html.Div(
        dbc.Row(
            [
                _labelled(
                    _("Last name"),
                    dbc.Input(id=ids.ORDER_NEW_LAST, autoComplete="off"),
                    ids.ORDER_NEW_LAST,
                    md=6,
                ),
                _labelled(
                    _("First name"),
                    dbc.Input(id=ids.ORDER_NEW_FIRST, autoComplete="off"),
                    ids.ORDER_NEW_FIRST,
                    md=6,
                ),
            ],
            className="g-2",
        ),
        id=ids.ORDER_NEW_NEW_CUSTOMER,
        hidden=True,
    )
    contacts = dbc.Row(
        [
            _labelled(
                _("Phone"),
                dbc.Input(id=ids.ORDER_NEW_PHONE, type="tel", autoComplete="off"),
                ids.ORDER_NEW_PHONE,
                md=6,
            ),
            _labelled(
                _("E-mail"),
                html.Div(
                    [
                        dbc.Input(id=ids.ORDER_NEW_EMAIL, type="email", autoComplete="off"),
                    ]
                ),
                ids.ORDER_NEW_EMAIL,
                md=6,
            ),
        ],
        className="g-2 mt-2",
    )
    return dbc.Card(
        [
            dbc.CardHeader(_("Customer")),
            dbc.CardBody(
                [
                    dbc.RadioItems(
                        id=ids.ORDER_NEW_CUSTOMER_MODE,
                        options=[
                            {"label": _("Registered customer"), "value": REGISTERED},
                            {"label": _("New customer"), "value": NEW},
                        ],
                        value=REGISTERED,
                        inline=True,
                        className="mb-3",
                    ),
                    registered,
                    new,
                    contacts,
                    dbc.FormText(
                        _("A phone changed here is kept for this order only."),
                        className="d-block mt-2",
                    ),
                ]
            ),
        ],
        className="h-100",
    )


def _booking_card() -> dbc.Card:
    start = _next_full_hour()
    variant_options = [
        {"label": text, "value": code} for code, text in labels(COWORKING_VARIANT_LABELS).items()
    ]
    return dbc.Card(
        [
            dbc.CardHeader(_("Booking")),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            _labelled(
                                _("Coworking service"),
                                dbc.Select(id=ids.ORDER_NEW_SERVICE, options=[]),
                                ids.ORDER_NEW_SERVICE,
                                md=7,
                            ),
                            _labelled(
                                _("Tariff"),
                                dbc.Select(id=ids.ORDER_NEW_TARIFF, options=[]),
                                ids.ORDER_NEW_TARIFF,
                                md=5,
                            ),
                        ],
                        className="g-2",
                    ),
                    dbc.Row(
                        [
                            _labelled(
                                _("Start date"),
                                dbc.Input(
                                    id=ids.ORDER_NEW_DATE,
                                    type="date",
                                    value=start.date().isoformat(),
                                    required=True,
                                ),
                                ids.ORDER_NEW_DATE,
                                md=5,
                            ),
                            _labelled(
                                _("Start time"),
                                dbc.Input(
                                    id=ids.ORDER_NEW_TIME,
                                    type="time",
                                    value=f"{start:%H:%M}",
                                    required=True,
                                ),
                                ids.ORDER_NEW_TIME,
                                md=4,
                            ),
                            _labelled(
                                _("Quantity"),
                                dbc.Input(
                                    id=ids.ORDER_NEW_QUANTITY,
                                    type="number",
                                    min=1,
                                    step=1,
                                    value=1,
                                    required=True,
                                ),
                                ids.ORDER_NEW_QUANTITY,
                                md=3,
                            ),
                        ],
                        className="g-2 mt-1",
                    ),
                    dbc.Row(
                        [
                            _labelled(
                                _("Seats free for the whole period"),
                                dbc.Select(id=ids.ORDER_NEW_SEAT, options=[]),
                                ids.ORDER_NEW_SEAT,
                                md=7,
                            ),
                            _labelled(
                                _("Variant"),
                                dbc.Select(
                                    id=ids.ORDER_NEW_VARIANT,
                                    options=variant_options,
                                    value=variant_options[0]["value"],
                                ),
                                ids.ORDER_NEW_VARIANT,
                                md=5,
                            ),
                        ],
                        className="g-2 mt-1",
                    ),
                    html.Div(
                        [
                            dbc.Label(_("Modifiers"), html_for=ids.ORDER_NEW_MODIFIERS),
                            dbc.Checklist(
                                id=ids.ORDER_NEW_MODIFIERS, options=[], value=[], inline=True
                            ),
                        ],
                        className="mt-2",
                    ),
                ]
            ),
        ],
        className="h-100",
    )


def _payment_card() -> dbc.Card:
    """The payment taken with the order: the whole total, or a part where allowed."""
    method_options = [
        {"label": label(PAYMENT_METHOD_LABELS, method), "value": method.value}
        for method in DESK_METHODS
    ]
    return dbc.Card(
        [
            dbc.CardHeader(_("Payment")),
            dbc.CardBody(
                dbc.Row(
                    [
                        _labelled(
                            _("Payment method"),
                            dbc.Select(
                                id=ids.ORDER_NEW_METHOD,
                                options=method_options,
                                value=method_options[0]["value"],
                            ),
                            ids.ORDER_NEW_METHOD,
                            md=3,
                        ),
                        _labelled(
                            _("Amount, ₽"),
                            html.Div(
                                [
                                    dbc.Input(
                                        id=ids.ORDER_NEW_AMOUNT,
                                        inputMode="decimal",
                                        autoComplete="off",
                                    ),
                                    html.Div(
                                        id=ids.ORDER_NEW_AMOUNT_HINT,
                                        className="form-text",
                                        role="status",
                                    ),
                                ]
                            ),
                            ids.ORDER_NEW_AMOUNT,
                            md=5,
                        ),
                        _labelled(
                            _("External number (optional)"),
                            dbc.Input(
                                id=ids.ORDER_NEW_NUMBER,
                                autoComplete="off",
                                maxLength=64,
                                placeholder=_("Terminal slip or payment order"),
                            ),
                            ids.ORDER_NEW_NUMBER,
                            md=4,
                        ),
                    ],
                    className="g-2",
                )
            ),
        ],
        className="mt-3",
    )


def layout(**_query: str) -> html.Div:
    """An empty form; services, tariffs, seats and people arrive through callbacks."""
    return html.Div(
        [
            page_header(_("New coworking order")),
            dcc.Store(id=ids.ORDER_NEW_LOAD, data=True),
            dcc.Store(id=ids.ORDER_NEW_KEY),
            dbc.Row(
                [dbc.Col(_customer_card(), lg=5), dbc.Col(_booking_card(), lg=7)],
                className="g-3",
            ),
            _payment_card(),
            dbc.Card(
                dbc.CardBody(
                    dbc.Row(
                        [
                            dbc.Col(html.Div(id=ids.ORDER_NEW_QUOTE, role="status")),
                            dbc.Col(
                                dbc.Button(
                                    [
                                        html.I(className="bi bi-check2-circle me-1"),
                                        _("Create the order and take the payment"),
                                    ],
                                    id=ids.ORDER_NEW_SAVE,
                                    color="primary",
                                    size="lg",
                                ),
                                md="auto",
                                className="d-flex align-items-center",
                            ),
                        ],
                        className="g-3",
                    )
                ),
                className="mt-3",
            ),
            html.Div(id=ids.ORDER_NEW_FEEDBACK, className="mt-3", role="status"),
        ]
    )


def quote_summary(start: datetime, end: datetime, total_kopecks: int) -> dbc.Row:
    """The period and the price of the form as it stands."""
    return dbc.Row(
        [
            dbc.Col(
                field(_("Period"), html.Span(format_period(start, end), id=ids.ORDER_NEW_PERIOD)),
                md="auto",
            ),
            dbc.Col(
                field(
                    _("Total"),
                    html.Span(
                        format_money(total_kopecks),
                        id=ids.ORDER_NEW_TOTAL,
                        className="fs-5 fw-semibold",
                        **{"data-kopecks": total_kopecks},
                    ),
                ),
                md="auto",
            ),
        ],
        className="g-4",
    )


def quote_problem(text: str) -> html.Div:
    return html.Div(text, className="text-danger")


def amount_text(kopecks: int) -> str:
    """Kopecks as the amount field holds them: 1500 or 1500.50."""
    rubles, rest = divmod(kopecks, 100)
    return f"{rubles}.{rest:02d}" if rest else str(rubles)


def amount_hint(allowed: str, problem: str | None) -> list:
    return [allowed, " ", html.Span(problem, className="text-danger")] if problem else [allowed]


def modifier_option(name: str, price_kopecks: int, modifier_id: int) -> dict:
    return {"label": f"{name} · {format_money(price_kopecks)}", "value": str(modifier_id)}


def sold(order_number: int, ticket_number: int, paid_kopecks: int, status: str) -> dbc.Alert:
    """What one submit wrote, with the way to each of the new records."""
    return dbc.Alert(
        [
            html.Div(
                [
                    dcc.Link(
                        _("Order №%(number)s", number=order_number),
                        href=f"/orders/{order_number}",
                        className="alert-link",
                    ),
                    " · ",
                    dcc.Link(
                        _("Ticket №%(number)s", number=ticket_number),
                        href=f"/tickets/{ticket_number}",
                        className="alert-link",
                    ),
                ],
                className="fw-semibold",
            ),
            html.Div(
                _(
                    "Paid %(amount)s; the order is “%(status)s”.",
                    amount=format_money(paid_kopecks),
                    status=label(ORDER_STATUS_LABELS, status),
                )
            ),
            # A full load: a fresh form with a fresh key, so the next submit is a new sale.
            html.A(_("Another new order"), href="/orders/new", className="alert-link"),
        ],
        color="success",
        className="mb-0",
    )
