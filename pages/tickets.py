"""Coworking tickets: the rental manager's daily list (SPEC §5)."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, labels
from models.statuses import TICKET_STATUS_LABELS
from pages.components import infinite_grid, page_header
from services.permissions import Action

dash.register_page(
    __name__,
    path="/tickets",
    name=N_("Coworking tickets"),
    action=Action.VIEW_TICKETS,
    nav=True,
    order=30,
)

DEBOUNCE_SECONDS = 0.35


def _columns() -> list[dict]:
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
    status_options = [
        {"label": text, "value": code} for code, text in labels(TICKET_STATUS_LABELS).items()
    ]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Number"), html_for=ids.TICKETS_FILTER_NUMBER),
                    dcc.Input(
                        id=ids.TICKETS_FILTER_NUMBER,
                        value=number,
                        type="text",
                        inputMode="numeric",
                        debounce=DEBOUNCE_SECONDS,
                        className="form-control",
                        placeholder="500123",
                        autoComplete="off",
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Visitor"), html_for=ids.TICKETS_FILTER_VISITOR),
                    dcc.Input(
                        id=ids.TICKETS_FILTER_VISITOR,
                        value=visitor,
                        type="search",
                        debounce=DEBOUNCE_SECONDS,
                        className="form-control",
                        placeholder=_("Part of the name"),
                        autoComplete="off",
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Status")),
                    dbc.Checklist(
                        id=ids.TICKETS_FILTER_STATUS,
                        options=status_options,
                        value=statuses,
                        inline=True,
                        className="pt-1",
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(_("From"), html_for=ids.TICKETS_FILTER_FROM),
                    dcc.Input(
                        id=ids.TICKETS_FILTER_FROM,
                        value=date_from,
                        type="date",
                        className="form-control",
                    ),
                ],
                md=True,
            ),
            dbc.Col(
                [
                    dbc.Label(_("To"), html_for=ids.TICKETS_FILTER_TO),
                    dcc.Input(
                        id=ids.TICKETS_FILTER_TO,
                        value=date_to,
                        type="date",
                        className="form-control",
                    ),
                ],
                md=True,
            ),
            dbc.Col(
                dbc.Button(
                    [html.I(className="bi bi-x-circle me-1"), _("Reset filters")],
                    id=ids.TICKETS_FILTER_RESET,
                    color="secondary",
                    outline=True,
                ),
                md="auto",
                className="d-flex align-items-end",
            ),
        ],
        className="filters g-2 mb-2",
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
            page_header(_("Coworking tickets")),
            dcc.Store(id=ids.TICKETS_FILTERS, data=initial),
            dcc.Store(id=ids.TICKETS_SYNC),
            _filters(number, visitor, statuses, date_from, date_to),
            html.Div(id=ids.TICKETS_COUNT, className="grid-count mb-2", children="…"),
            infinite_grid(ids.TICKETS_GRID, _columns(), height="calc(100vh - 270px)"),
        ]
    )
