"""One event: the check-in desk at the door and the event's tickets (SPEC §4.10, §5)."""

from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, language, translate
from pages.components import infinite_grid, page_header
from pages.events import attendance_bar, number, percent, period
from services.events import EventRow, TicketFilters, TicketState
from services.permissions import Action

PAGE = dict(
    path_template="/events/<event_id>",
    name=N_("Event"),
    action=Action.VIEW_EVENTS,
    nav=False,
    order=61,
)

# Other doors check people in too: the counters follow them this often.
COUNTER_REFRESH_MS = 10_000
DEBOUNCE_MS = 350


def columns() -> list[dict]:
    return [
        {"field": "number", "headerName": _("Ticket"), "colId": "number", "maxWidth": 130},
        {
            "field": "attendee",
            "headerName": _("Attendee"),
            "colId": "attendee",
            "flex": 2,
            "sort": "asc",
        },
        {"field": "order", "headerName": _("Order"), "colId": "order", "maxWidth": 130},
        {
            "field": "state_label",
            "headerName": _("Status"),
            "colId": "state",
            "cellRenderer": "StatusBadge",
            "sortable": False,
            "flex": 1,
        },
        {
            "field": "checked_in_at",
            "headerName": _("Checked in at"),
            "colId": "checked_in_at",
            "flex": 1,
        },
        {
            "field": "checked_in_by",
            "headerName": _("Checked in by"),
            "colId": "checked_in_by",
            "flex": 1,
        },
        {
            "field": "revert",
            "headerName": "",
            "colId": "revert",
            "sortable": False,
            "cellClass": "text-danger",
            "maxWidth": 190,
        },
    ]


def layout(event_id: str | None = None, q: str = "", state: str = "", **_query: str) -> html.Div:
    """An empty shell; the event arrives through a callback that checks the role. The
    desk and the ticket list stay hidden until it has."""
    filters = TicketFilters.parse({"q": q, "state": state})
    desk = dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(
                                _("Scan the ticket's QR code, or type its number and press Enter"),
                                html_for=ids.CHECKIN_INPUT,
                            ),
                            # dbc.Input: a plain <input> that sends the value and n_submit
                            # together on Enter (dcc.Input wraps it in a flex box that
                            # Bootstrap's form-control squeezes to 20 characters).
                            dbc.Input(
                                id=ids.CHECKIN_INPUT,
                                type="text",
                                debounce=True,
                                n_submit=0,
                                autofocus=True,
                                autocomplete="off",
                                placeholder=_("QR code or ticket number"),
                                size="lg",
                            ),
                            html.Div(
                                html.Div(_("Ready for the next ticket."), className="fs-5"),
                                id=ids.CHECKIN_RESULT,
                                className="alert alert-light checkin-result mt-3 mb-0",
                                role="status",
                                **{"aria-live": "assertive"},
                            ),
                        ],
                        lg=8,
                    ),
                    dbc.Col(
                        [
                            html.Div(_("Attendance"), className="detail-label"),
                            html.Div(id=ids.CHECKIN_COUNTER, className="fs-3 fw-semibold mb-2"),
                            attendance_bar(0, 0, id=ids.CHECKIN_PROGRESS),
                        ],
                        lg=4,
                        className="mt-3 mt-lg-0",
                    ),
                ]
            )
        ),
        className="checkin-desk",
    )
    state_options = [
        {"label": _("All"), "value": ""},
        {"label": _("Checked in"), "value": TicketState.CHECKED_IN},
        {"label": _("Not checked in yet"), "value": TicketState.EXPECTED},
    ]
    tickets = html.Div(
        [
            html.H2(_("Tickets"), className="h5 mt-4"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Input(
                            id=ids.EVENT_TICKETS_SEARCH,
                            value=filters.search,
                            type="search",
                            debounce=DEBOUNCE_MS,
                            placeholder=_("Ticket or order number, or part of the name"),
                            autocomplete="off",
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        dbc.RadioItems(
                            id=ids.EVENT_TICKETS_STATE,
                            options=state_options,
                            value=filters.state,
                            inline=True,
                        ),
                        md="auto",
                        className="d-flex align-items-center",
                    ),
                    dbc.Col(
                        html.Div(id=ids.EVENT_TICKETS_COUNT, className="grid-count", children="…"),
                        className="d-flex align-items-center justify-content-md-end",
                    ),
                ],
                className="g-2 mb-2",
            ),
            html.Div(id=ids.EVENT_FEEDBACK, className="mb-2", role="status"),
            infinite_grid(
                ids.EVENT_TICKETS_GRID,
                columns(),
                empty=_("No tickets for this event yet."),
                filter_keys=("q", "state"),
                height="calc(100vh - 200px)",
            ),
        ]
    )
    return html.Div(
        [
            dcc.Store(id=ids.EVENT_ID, data=event_id),
            dcc.Store(id=ids.EVENT_FOCUS),
            dcc.Store(id=ids.EVENT_TICKETS_FILTERS, data=filters.query()),
            dcc.Store(id=ids.EVENT_TICKETS_SYNC),
            dcc.Store(id=ids.EVENT_TICKETS_REFRESH, data=0),
            dcc.Store(id=ids.EVENT_REVERT_NUMBER),
            dcc.Interval(id=ids.EVENT_REFRESH, interval=COUNTER_REFRESH_MS, disabled=True),
            html.Div(dbc.Spinner(color="secondary"), id=ids.EVENT_HEADER),
            html.Div(desk, id=ids.EVENT_DESK, hidden=True),
            html.Div(tickets, id=ids.EVENT_TICKETS, hidden=True),
            _revert_modal(),
        ]
    )


def _revert_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(_("Revert the check-in?"))),
            dbc.ModalBody(id=ids.EVENT_REVERT_TEXT),
            dbc.ModalFooter(
                dbc.Button(_("Revert check-in"), id=ids.EVENT_REVERT_CONFIRM, color="danger")
            ),
        ],
        id=ids.EVENT_REVERT_MODAL,
        is_open=False,
    )


def header(event: EventRow, now: datetime) -> html.Div:
    lang = language()
    facts = [
        period(event.starts_at, event.ends_at, lang),
        event.hall,
        _("capacity %(count)s", count=number(event.capacity, lang)),
        _("%(count)s sold", count=number(event.sold, lang)),
    ]
    return html.Div(
        [
            dcc.Link(
                [html.I(className="bi bi-arrow-left me-1"), _("All events")],
                href="/events",
                className="small",
            ),
            page_header(event.title),
            html.Div(
                [
                    html.Span(_("on now"), className="badge rounded-pill status-active me-2")
                    if event.is_on(now)
                    else None,
                    html.Span(" · ".join(facts), className="text-body-secondary"),
                ],
                className="mb-3",
                style={"marginTop": "-.75rem"},
            ),
        ]
    )


def counter(checked_in: int, sold: int) -> str:
    lang = language()
    return _(
        "Checked in %(checked_in)s of %(sold)s",
        checked_in=number(checked_in, lang),
        sold=number(sold, lang),
    )


def share(checked_in: int, sold: int) -> float:
    return 100.0 * checked_in / sold if sold else 0.0


def share_label(checked_in: int, sold: int) -> str:
    return percent(share(checked_in, sold)) if checked_in else ""


# How the desk shows a refusal, by ``CheckInRefused.reason``: the headline and colour.
REFUSAL_HEADLINES = {
    "already": N_("Already checked in"),
    "cancelled": N_("Cancelled ticket"),
    "other_event": N_("Ticket for another event"),
    "unknown": N_("Unknown code"),
    "unpaid": N_("Ticket not paid"),
}
AMBER_REASONS = frozenset({"already"})


def admitted(attendee: str, ticket_number: int, when: str) -> tuple[list, str]:
    """The desk's answer to a ticket that may pass: children and classes of the result."""
    return (
        [
            html.Div(
                [html.I(className="bi bi-check-circle-fill me-2"), _("Welcome!")],
                className="fs-5",
            ),
            html.Div(attendee, className="display-6 fw-semibold checkin-attendee"),
            html.Div(
                _("Ticket №%(number)s · checked in at %(time)s", number=ticket_number, time=when),
                className="fs-5",
            ),
        ],
        "alert alert-success checkin-result checkin-ok mt-3 mb-0",
    )


def refused(reason: str | None, text: str, attendee: str | None) -> tuple[list, str]:
    """A refusal: amber when the ticket is good but already used, red otherwise."""
    headline = REFUSAL_HEADLINES.get(reason or "", N_("Refused"))
    amber = reason in AMBER_REASONS
    icon = "bi-exclamation-triangle-fill" if amber else "bi-x-octagon-fill"
    return (
        [
            html.Div([html.I(className=f"bi {icon} me-2"), translate(headline)], className="fs-5"),
            html.Div(attendee, className="display-6 fw-semibold checkin-attendee")
            if attendee
            else None,
            html.Div(text, className="fs-5 checkin-reason"),
        ],
        "alert {} checkin-result checkin-{} mt-3 mb-0".format(
            "alert-warning" if amber else "alert-danger", "already" if amber else "refused"
        ),
    )
