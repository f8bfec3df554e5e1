"""The orders register (SPEC §5 "Orders")."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, labels
from models.statuses import ORDER_STATUS_LABELS, SERVICE_TYPE_LABELS
from pages.components import dropdown_labels, infinite_grid, page_header
from services.permissions import Action

dash.register_page(
    __name__,
    path="/orders",
    name=N_("Orders"),
    action=Action.VIEW_ORDERS,
    nav=True,
    order=20,
)

DEBOUNCE_SECONDS = 0.35
MONEY = {"type": "rightAligned", "maxWidth": 140}


def _columns() -> list[dict]:
    return [
        {
            "field": "number",
            "headerName": _("Number"),
            "colId": "number",
            "maxWidth": 120,
            "sort": "desc",
        },
        {"field": "created", "headerName": _("Created"), "colId": "created", "maxWidth": 170},
        {"field": "service", "headerName": _("Service"), "colId": "service", "flex": 2},
        {"field": "type", "headerName": _("Type"), "colId": "type", "maxWidth": 170},
        {"field": "customer", "headerName": _("Customer"), "colId": "customer", "flex": 2},
        {
            "field": "status_label",
            "headerName": _("Status"),
            "colId": "status",
            "cellRenderer": "StatusBadge",
            "flex": 2,
        },
        {"field": "total", "headerName": _("Total"), "colId": "total", **MONEY},
        {"field": "paid", "headerName": _("Paid"), "colId": "paid", **MONEY},
        {"field": "balance", "headerName": _("Balance"), "colId": "balance", **MONEY},
        {"field": "executor", "headerName": _("Executor"), "colId": "executor", "flex": 1},
    ]


def _options(table: dict) -> list[dict]:
    return [{"label": text, "value": code} for code, text in labels(table).items()]


def _text(component_id: str, value: str, placeholder: str, input_mode: str = "text"):
    return dcc.Input(
        id=component_id,
        value=value,
        type="search",
        debounce=DEBOUNCE_SECONDS,
        className="form-control",
        placeholder=placeholder,
        autoComplete="off",
        inputMode=input_mode,
    )


def layout(
    number: str = "",
    customer: str = "",
    status: str = "",
    type: str = "",
    executor: str = "",
    balance: str = "",
    **query: str,
) -> html.Div:
    """Filters come back from the URL query; options that need data (executors) come
    through a callback."""
    statuses = [s for s in status.split(",") if s]
    types = [t for t in type.split(",") if t]
    date_from, date_to = query.get("from", ""), query.get("to", "")
    balance_due = balance in ("1", "true", "on")
    initial = {
        "number": number,
        "customer": customer,
        "status": statuses,
        "type": types,
        "executor": executor,
        "from": date_from,
        "to": date_to,
        "balance": "1" if balance_due else "",
    }
    label = dbc.Label
    filters = dbc.Row(
        [
            dbc.Col(
                [
                    label(_("Number"), html_for=ids.ORDERS_FILTER_NUMBER),
                    _text(ids.ORDERS_FILTER_NUMBER, number, "100123", "numeric"),
                ],
                md=1,
            ),
            dbc.Col(
                [
                    label(_("Customer"), html_for=ids.ORDERS_FILTER_CUSTOMER),
                    _text(ids.ORDERS_FILTER_CUSTOMER, customer, _("Part of the name")),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    label(_("Type")),
                    dcc.Dropdown(
                        id=ids.ORDERS_FILTER_TYPE,
                        labels=dropdown_labels(),
                        options=_options(SERVICE_TYPE_LABELS),
                        value=types,
                        multi=True,
                        placeholder=_("Any type"),
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    label(_("Status")),
                    dcc.Dropdown(
                        id=ids.ORDERS_FILTER_STATUS,
                        labels=dropdown_labels(),
                        options=_options(ORDER_STATUS_LABELS),
                        value=statuses,
                        multi=True,
                        placeholder=_("Any status"),
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    label(_("Executor")),
                    dcc.Dropdown(
                        id=ids.ORDERS_FILTER_EXECUTOR,
                        labels=dropdown_labels(),
                        options=[],
                        value=executor or None,
                        placeholder=_("Anyone"),
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    label(_("Created from"), html_for=ids.ORDERS_FILTER_FROM),
                    dcc.Input(
                        id=ids.ORDERS_FILTER_FROM,
                        value=date_from,
                        type="date",
                        className="form-control",
                    ),
                ],
                md=1,
            ),
            dbc.Col(
                [
                    label(_("to"), html_for=ids.ORDERS_FILTER_TO),
                    dcc.Input(
                        id=ids.ORDERS_FILTER_TO,
                        value=date_to,
                        type="date",
                        className="form-control",
                    ),
                ],
                md=1,
            ),
            dbc.Col(
                dbc.Checklist(
                    id=ids.ORDERS_FILTER_BALANCE,
                    options=[{"label": _("Balance due only"), "value": "1"}],
                    value=["1"] if balance_due else [],
                    switch=True,
                ),
                md="auto",
                className="d-flex align-items-end",
            ),
        ],
        className="filters g-2 mb-2",
    )
    return html.Div(
        [
            html.Div(
                [
                    page_header(_("Orders")),
                    html.Div(id="orders-actions", className="d-flex gap-2"),
                ],
                className="d-flex justify-content-between align-items-start",
            ),
            dcc.Store(id=ids.ORDERS_FILTERS, data=initial),
            dcc.Store(id=ids.ORDERS_SYNC),
            filters,
            html.Div(
                [
                    html.Div(id=ids.ORDERS_COUNT, className="grid-count", children="…"),
                    dbc.Button(
                        [html.I(className="bi bi-x-circle me-1"), _("Reset filters")],
                        id=ids.ORDERS_FILTER_RESET,
                        color="link",
                        size="sm",
                    ),
                ],
                className="d-flex align-items-center gap-3 mb-2",
            ),
            infinite_grid(ids.ORDERS_GRID, _columns(), height="calc(100vh - 290px)"),
        ]
    )
