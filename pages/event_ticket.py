"""One event ticket: its QR code, where it stands at the door, and a printable ticket."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_datetime, language, translate
from pages.components import audit_table, field, page_header
from pages.events import period
from services.audit import AuditRow
from services.events import EventTicketView, TicketState
from services.permissions import Action

PAGE = dict(
    path_template="/event-tickets/<number>",
    name=N_("Event ticket"),
    action=Action.VIEW_EVENTS,
    nav=False,
    order=62,
)

STATE_LABELS = {
    TicketState.CHECKED_IN: N_("Checked in"),
    TicketState.EXPECTED: N_("Not checked in yet"),
    TicketState.UNPAID: N_("Not paid"),
    TicketState.CANCELLED: N_("Cancelled"),
}
# Badge colours (CSS classes status-*, shared with the other lists).
STATE_COLOURS = {
    TicketState.CHECKED_IN: "active",
    TicketState.EXPECTED: "confirmed",
    TicketState.UNPAID: "new",
    TicketState.CANCELLED: "cancelled",
}


def state_label(state: str) -> str:
    return translate(STATE_LABELS.get(state, state))


def qr_url(number: int) -> str:
    return f"/event-tickets/{number}/qr.png"


def layout(number: str | None = None, **_query: str) -> html.Div:
    """An empty shell; the ticket arrives through a callback that checks the role."""
    return html.Div(
        [
            dcc.Store(id=ids.EVENT_TICKET_NUMBER, data=number),
            dcc.Store(id=ids.EVENT_TICKET_PRINTED),
            html.Div(dbc.Spinner(color="secondary"), id=ids.EVENT_TICKET_BODY),
        ]
    )


def printable(view: EventTicketView) -> html.Div:
    """The ticket as it is printed: QR code, event, date, hall, attendee, number."""
    lang = language()
    when = period(view.starts_at, view.ends_at, lang)
    return html.Div(
        [
            html.Div(_("Ticket"), className="detail-label text-uppercase"),
            html.H2(view.event_title, className="h4 mb-1"),
            html.Div(when, className="fs-5"),
            html.Div(view.hall, className="text-body-secondary mb-3"),
            html.Img(
                src=qr_url(view.number),
                id=ids.EVENT_TICKET_QR,
                alt=_("QR code of ticket №%(number)s", number=view.number),
                width=240,
                height=240,
                className="printable-ticket-qr",
            ),
            html.Div(view.attendee, className="fs-4 fw-semibold mt-2"),
            html.Div(_("Ticket №%(number)s", number=view.number), className="fs-5"),
            html.Div(
                _("Show this code at the entrance."),
                className="text-body-secondary small mt-2",
            ),
        ],
        className="printable-ticket text-center",
    )


def body(view: EventTicketView, trail: list[AuditRow], *, show_order_link: bool) -> html.Div:
    lang = language()
    state = view.state
    order = (
        dcc.Link(f"№{view.order_number}", href=f"/orders/{view.order_number}")
        if show_order_link
        else f"№{view.order_number}"
    )
    details = dbc.Card(
        [
            dbc.CardHeader(_("At the door")),
            dbc.CardBody(
                [
                    field(
                        _("Status"),
                        html.Span(
                            state_label(state),
                            id=ids.EVENT_TICKET_STATE,
                            className=f"badge rounded-pill status-badge status-"
                            f"{STATE_COLOURS.get(state, 'new')} fs-6",
                        ),
                    ),
                    field(
                        _("Checked in at"),
                        format_datetime(view.checked_in_at, lang) if view.checked_in_at else "—",
                    ),
                    field(_("Checked in by"), view.checked_in_by or "—"),
                    field(_("Attendee"), view.attendee),
                    field(_("Order"), order),
                    field(_("Event"), dcc.Link(view.event_title, href=f"/events/{view.event_id}")),
                ]
            ),
        ],
        className="h-100",
    )
    actions = html.Div(
        [
            dbc.Button(
                [html.I(className="bi bi-printer me-1"), _("Print the ticket")],
                id=ids.EVENT_TICKET_PRINT,
                color="primary",
            ),
            dbc.Button(
                [html.I(className="bi bi-download me-1"), _("QR code (PNG)")],
                href=qr_url(view.number),
                download=f"ticket-{view.number}.png",
                external_link=True,
                color="secondary",
                outline=True,
            ),
            dbc.Button(
                [html.I(className="bi bi-upc-scan me-1"), _("Check-in desk")],
                href=f"/events/{view.event_id}",
                color="secondary",
                outline=True,
            ),
        ],
        className="d-flex flex-wrap gap-2 mt-3 d-print-none",
    )
    return html.Div(
        [
            html.Div(
                page_header(_("Event ticket №%(number)s", number=view.number)),
                className="d-print-none",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [dbc.Card(dbc.CardBody(printable(view))), actions],
                        lg=5,
                        className="printable-ticket-column",
                    ),
                    dbc.Col(
                        [
                            details,
                            html.H2(_("Audit trail"), className="h5 mt-4"),
                            audit_table(trail, id=ids.EVENT_TICKET_AUDIT),
                        ],
                        lg=7,
                        className="d-print-none",
                    ),
                ],
                className="g-3",
            ),
        ]
    )
