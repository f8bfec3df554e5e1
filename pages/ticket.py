"""One coworking ticket: visitor, details, identification, audit (SPEC §5 "Ticket")."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_datetime, format_period, label, language
from models.statuses import COWORKING_VARIANT_LABELS, TICKET_STATUS_LABELS
from pages.components import audit_table, field, page_header
from services.audit import AuditRow
from services.floor import PickSeat
from services.permissions import Action
from services.tickets import TicketView

PAGE = dict(
    path_template="/tickets/<number>",
    name=N_("Ticket"),
    action=Action.VIEW_TICKETS,
    nav=False,
    order=31,
)

MODIFIER_LABELS = {
    "locker": N_("Locker"),
    "printer": N_("Printer"),
    "legal_support": N_("Legal support"),
}


def layout(number: str | None = None, **_query: str) -> html.Div:
    """An empty shell; the ticket arrives through a callback that checks the role."""
    return html.Div(
        [
            dcc.Store(id=ids.TICKET_NUMBER, data=number),
            dcc.Store(id=ids.TICKET_VERSION, data=0),
            dcc.Store(id=ids.TICKET_SEEN),
            html.Div(dbc.Spinner(color="secondary"), id=ids.TICKET_BODY),
            html.Div(id=ids.TICKET_FEEDBACK, className="mt-3", role="status"),
            _seat_modal(),
            _visitor_modal(),
        ]
    )


def _seat_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(_("Change the seat"))),
            dbc.ModalBody(
                [
                    dbc.Label(
                        _("Seats free for the whole period"), html_for=ids.TICKET_SEAT_SELECT
                    ),
                    dbc.Select(id=ids.TICKET_SEAT_SELECT, options=[]),
                    html.P(
                        _("Or pick a free seat on the room's plan:"),
                        className="small text-body-secondary mt-3 mb-1",
                    ),
                    dcc.Store(id=ids.TICKET_SEAT_PLAN),
                    dcc.Store(id=ids.TICKET_SEAT_DRAWN),
                    # Drawn by dashboard/assets/floor.js; a click chooses the select's value.
                    html.Div(
                        id=ids.TICKET_SEAT_MAP,
                        className="floor-map floor-pick",
                        role="group",
                        **{"aria-label": _("Seats of the room")},
                    ),
                ]
            ),
            dbc.ModalFooter(dbc.Button(_("Save"), id=ids.TICKET_SEAT_SAVE, color="primary")),
        ],
        id=ids.TICKET_SEAT_MODAL,
        is_open=False,
        size="xl",
    )


def _visitor_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(_("Change the visitor"))),
            dbc.ModalBody(
                [
                    dbc.Label(_("Find a registered person"), html_for=ids.TICKET_VISITOR_SEARCH),
                    dcc.Input(
                        id=ids.TICKET_VISITOR_SEARCH,
                        type="search",
                        debounce=0.3,
                        className="form-control mb-2",
                        placeholder=_("Part of the name"),
                        autoComplete="off",
                    ),
                    dbc.RadioItems(id=ids.TICKET_VISITOR_CHOICE, options=[], className="mb-3"),
                    html.Hr(),
                    html.P(
                        _("…or register a new person (name and phone are required):"),
                        className="detail-label",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                dbc.Input(id=ids.TICKET_VISITOR_LAST, placeholder=_("Last name")),
                                md=6,
                            ),
                            dbc.Col(
                                dbc.Input(id=ids.TICKET_VISITOR_FIRST, placeholder=_("First name")),
                                md=6,
                            ),
                            dbc.Col(
                                dbc.Input(
                                    id=ids.TICKET_VISITOR_PHONE, placeholder=_("Phone"), type="tel"
                                ),
                                md=6,
                                className="mt-2",
                            ),
                            dbc.Col(
                                dbc.Input(
                                    id=ids.TICKET_VISITOR_EMAIL,
                                    placeholder=_("E-mail"),
                                    type="email",
                                ),
                                md=6,
                                className="mt-2",
                            ),
                        ]
                    ),
                ]
            ),
            dbc.ModalFooter(dbc.Button(_("Save"), id=ids.TICKET_VISITOR_SAVE, color="primary")),
        ],
        id=ids.TICKET_VISITOR_MODAL,
        is_open=False,
        size="xl",
    )


def status_badge(status: str) -> html.Span:
    return html.Span(
        label(TICKET_STATUS_LABELS, status, language()),
        id=ids.TICKET_STATUS,
        className=f"badge rounded-pill status-badge status-{status} fs-6",
    )


def body(
    view: TicketView,
    *,
    can_validate: bool,
    can_reset: bool,
    can_change_visitor: bool,
    can_change_seat: bool,
    show_contacts: bool,
    trail: list[AuditRow],
) -> html.Div:
    """The ticket as plain data turned into components; buttons only where allowed."""
    lang = language()
    header = html.Div(
        [
            page_header(_("Ticket №%(number)s", number=view.number)),
            html.Div(
                [
                    status_badge(view.status),
                    html.Span(
                        _("created %(when)s", when=format_datetime(view.created_at, lang)),
                        className="text-body-secondary ms-3",
                    ),
                    html.Span(" · ", className="text-body-secondary"),
                    dcc.Link(
                        _("order №%(number)s", number=view.order_number),
                        href=f"/orders/{view.order_number}",
                        id=ids.TICKET_ORDER_LINK,
                    ),
                    html.Span(f" · {view.service_name}", className="text-body-secondary"),
                ],
                className="mb-3",
            ),
        ]
    )
    visitor = dbc.Card(
        [
            dbc.CardHeader(_("Visitor")),
            dbc.CardBody(
                [
                    html.Div(view.visitor_name, id=ids.TICKET_VISITOR, className="fs-5"),
                    html.Div(view.visitor_phone or "—", className="text-body-secondary")
                    if show_contacts
                    else None,
                    html.Div(view.visitor_email or "—", className="text-body-secondary")
                    if show_contacts
                    else None,
                    dbc.Button(
                        _("Change the visitor"),
                        id=ids.TICKET_CHANGE_VISITOR,
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="mt-2",
                    )
                    if can_change_visitor
                    else None,
                ]
            ),
        ],
        className="h-100",
    )
    seat = _("Seat %(number)s", number=view.seat_number)
    details = dbc.Card(
        [
            dbc.CardHeader(_("Details")),
            dbc.CardBody(
                [
                    field(_("Period"), format_period(view.period_start, view.period_end, lang)),
                    field(_("Tariff"), view.tariff_name),
                    field(
                        _("Variant"),
                        html.Span(
                            label(COWORKING_VARIANT_LABELS, view.variant, lang)
                            if view.variant
                            else "—",
                            id=ids.TICKET_VARIANT,
                        ),
                    ),
                    field(_("Seat"), html.Span(seat, id=ids.TICKET_SEAT)),
                    field(_("Room"), view.room_name),
                    field(
                        _("Modifiers"),
                        html.Span(
                            ", ".join(_(MODIFIER_LABELS.get(m, m)) for m in view.modifiers) or "—",
                            id=ids.TICKET_MODIFIERS,
                        ),
                    ),
                    dbc.Button(
                        _("Change the seat"),
                        id=ids.TICKET_CHANGE_SEAT,
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="mt-2",
                    )
                    if can_change_seat
                    else None,
                ]
            ),
        ],
        className="h-100",
    )
    validated = view.validated_at is not None
    identification = dbc.Card(
        [
            dbc.CardHeader(_("Identification")),
            dbc.CardBody(
                [
                    field(
                        _("Validated at"),
                        html.Span(
                            format_datetime(view.validated_at, lang) if validated else "—",
                            id=ids.TICKET_VALIDATED_AT,
                        ),
                    ),
                    field(
                        _("Validated by"),
                        html.Span(view.validated_by or "—", id=ids.TICKET_VALIDATED_BY),
                    ),
                    html.Div(
                        [
                            html.P(
                                _(
                                    "Check the visitor's identity document against the name on the "
                                    "ticket, then confirm."
                                ),
                                className="detail-label mb-2",
                            ),
                            dbc.Button(
                                [
                                    html.I(className="bi bi-person-check me-1"),
                                    _("Identity checked"),
                                ],
                                id=ids.TICKET_VALIDATE,
                                color="primary",
                            ),
                        ]
                    )
                    if can_validate
                    else None,
                    dbc.Button(
                        _("Reset the check"),
                        id=ids.TICKET_RESET_VALIDATION,
                        color="secondary",
                        outline=True,
                        size="sm",
                        className="mt-2",
                    )
                    if can_reset
                    else None,
                ]
            ),
        ],
        className="h-100",
    )
    return html.Div(
        [
            header,
            dbc.Row(
                [dbc.Col(visitor, md=4), dbc.Col(details, md=4), dbc.Col(identification, md=4)],
                className="g-3",
            ),
            html.H2(_("Audit trail"), className="h5 mt-4"),
            audit_table(trail, id=ids.TICKET_AUDIT),
        ]
    )


def seat_plan(rows: list[PickSeat]) -> dict[str, Any]:
    """The ticket's room for picking a seat (dashboard/assets/floor.js, ``pick``): per seat
    ``[id, name, x, y, free, current, hover text]``."""
    seat_text = _("Seat %(number)s")
    names = {row.id: row.label or seat_text % {"number": row.number} for row in rows}
    states = {
        "current": _("the ticket's seat"),
        "free": _("free for the whole period"),
        "taken": _("taken during the period"),
    }

    def state(row: PickSeat) -> str:
        return "current" if row.current else "free" if row.free else "taken"

    return {
        "columns": max((row.x for row in rows), default=0) + 1,
        "seats": [
            [
                row.id,
                names[row.id],
                row.x,
                row.y,
                row.free,
                row.current,
                f"{names[row.id]}: {states[state(row)]}",
            ]
            for row in rows
        ],
    }
