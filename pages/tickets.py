"""Coworking tickets: the rental manager's daily list (SPEC §5)."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _
from models.statuses import TICKET_STATUS_LABELS
from pages.components import (
    date_input,
    filter_field,
    filter_row,
    infinite_grid,
    label_options,
    name_filter,
    number_filter,
    page_header,
    reset_button,
)
from services.permissions import Action

PAGE = dict(
    path="/tickets",
    name=N_("Coworking tickets"),
    action=Action.VIEW_TICKETS,
    nav=True,
    order=30,
)


def columns() -> list[dict]:
    return [
        {
            "field": "number",
            "headerName": _("Number"),
            "colId": "number",
            "maxWidth": 130,
            "sort": "desc",
        },
        {"field": "period", "headerName": _("Rental period"), "colId": "period", "flex": 2},
        {"field": "visitor", "headerName": _("Visitor"), "colId": "visitor", "flex": 2},
        {
            "field": "status_label",
            "headerName": _("Status"),
            "colId": "status",
            "cellRenderer": "StatusBadge",
            "maxWidth": 170,
        },
        {"field": "seat", "headerName": _("Seat"), "colId": "seat", "maxWidth": 140},
        {"field": "room", "headerName": _("Room"), "colId": "room", "flex": 1},
    ]


def _filters(
    number: str, visitor: str, statuses: list[str], date_from: str, date_to: str
) -> dbc.Row:
    return filter_row(
        [
            number_filter(ids.TICKETS_FILTER_NUMBER, number, "500123", 2),
            name_filter(_("Visitor"), ids.TICKETS_FILTER_VISITOR, visitor, 2),
            filter_field(
                _("Status"),
                dbc.Checklist(
                    id=ids.TICKETS_FILTER_STATUS,
                    options=label_options(TICKET_STATUS_LABELS),
                    value=statuses,
                    inline=True,
                    className="pt-1",
                ),
                4,
            ),
            filter_field(_("From"), date_input(ids.TICKETS_FILTER_FROM, date_from), True),
            filter_field(_("To"), date_input(ids.TICKETS_FILTER_TO, date_to), True),
            filter_field(None, reset_button(ids.TICKETS_FILTER_RESET), "auto"),
        ]
    )


def layout(number: str = "", visitor: str = "", status: str = "", **query: str) -> html.Div:
    """The filters come back from the URL query, so a filtered view can be shared."""
    statuses = [s for s in status.split(",") if s]
    date_from, date_to = query.get("from", ""), query.get("to", "")
    initial = {
        "number": number,
        "visitor": visitor,
        "status": statuses,
        "from": date_from,
        "to": date_to,
    }
    return html.Div(
        [
            html.Div(
                [
                    page_header(_("Coworking tickets")),
                    html.Div(id=ids.TICKETS_ACTIONS, className="d-flex gap-2"),
                ],
                className="d-flex justify-content-between align-items-start",
            ),
            dcc.Store(id=ids.TICKETS_FILTERS, data=initial),
            dcc.Store(id=ids.TICKETS_SYNC),
            _filters(number, visitor, statuses, date_from, date_to),
            html.Div(id=ids.TICKETS_COUNT, className="grid-count mb-2", children="…"),
            infinite_grid(
                ids.TICKETS_GRID,
                columns(),
                empty=_("No coworking tickets yet."),
                filter_keys=initial,
                height="calc(100vh - 270px)",
            ),
        ]
    )


def actions(may_create: bool) -> list:
    """The list's buttons: a new coworking order (seed 004, «Добавить заказ»), for the
    roles that may create one."""
    if not may_create:
        return []
    return [
        dbc.Button(
            [html.I(className="bi bi-plus-lg me-1"), _("New coworking order")],
            href="/orders/new",
            id=ids.TICKETS_NEW_ORDER,
            color="primary",
        )
    ]
