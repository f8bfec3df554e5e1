"""The orders register (SPEC §5 "Orders")."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _
from models.statuses import ORDER_STATUS_LABELS, SERVICE_TYPE_LABELS
from pages.components import (
    date_input,
    dropdown_labels,
    filter_field,
    filter_row,
    infinite_grid,
    label_options,
    multi_select,
    name_filter,
    number_filter,
    page_header,
    reset_button,
)
from services.permissions import Action

PAGE = dict(
    path="/orders",
    name=N_("Orders"),
    action=Action.VIEW_ORDERS,
    nav=True,
    order=20,
)

# Fixed columns as narrow as their contents, so that the service, the customer and the
# status keep the width a 1,440-pixel screen has left (11 columns in all).
MONEY = {"type": "rightAligned", "maxWidth": 115}


def columns() -> list[dict]:
    return [
        {
            "field": "number",
            "headerName": _("Number"),
            "colId": "number",
            "maxWidth": 100,
            "sort": "desc",
        },
        {"field": "created", "headerName": _("Created"), "colId": "created", "maxWidth": 145},
        {"field": "service", "headerName": _("Service"), "colId": "service", "flex": 2},
        {"field": "type", "headerName": _("Type"), "colId": "type", "maxWidth": 150},
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
        {
            "field": "executor",
            "headerName": _("Executor"),
            "colId": "executor",
            "flex": 1,
            "minWidth": 125,
        },
        {"field": "deadline", "headerName": _("Deadline"), "colId": "deadline", "maxWidth": 120},
    ]


def layout(
    number: str = "",
    customer: str = "",
    status: str = "",
    type: str = "",
    executor: str = "",
    balance: str = "",
    overdue: str = "",
    **query: str,
) -> html.Div:
    """Filters come back from the URL query; options that need data (executors) come
    through a callback."""
    statuses = [s for s in status.split(",") if s]
    types = [t for t in type.split(",") if t]
    date_from, date_to = query.get("from", ""), query.get("to", "")
    balance_due = balance in ("1", "true", "on")
    late = overdue in ("1", "true", "on")
    initial = {
        "number": number,
        "customer": customer,
        "status": statuses,
        "type": types,
        "executor": executor,
        "from": date_from,
        "to": date_to,
        "balance": "1" if balance_due else "",
        "overdue": "1" if late else "",
    }
    filters = filter_row(
        [
            number_filter(ids.ORDERS_FILTER_NUMBER, number, "100123", 1),
            name_filter(_("Customer"), ids.ORDERS_FILTER_CUSTOMER, customer, 2),
            filter_field(
                _("Type"),
                multi_select(
                    ids.ORDERS_FILTER_TYPE, label_options(SERVICE_TYPE_LABELS), types, _("Any type")
                ),
                2,
            ),
            filter_field(
                _("Status"),
                multi_select(
                    ids.ORDERS_FILTER_STATUS,
                    label_options(ORDER_STATUS_LABELS),
                    statuses,
                    _("Any status"),
                ),
                2,
            ),
            filter_field(
                _("Executor"),
                dcc.Dropdown(
                    id=ids.ORDERS_FILTER_EXECUTOR,
                    labels=dropdown_labels(),
                    options=[],
                    value=executor or None,
                    placeholder=_("Anyone"),
                ),
                2,
            ),
            filter_field(_("Created from"), date_input(ids.ORDERS_FILTER_FROM, date_from), "auto"),
            filter_field(_("to"), date_input(ids.ORDERS_FILTER_TO, date_to), "auto"),
            filter_field(
                None,
                dbc.Checklist(
                    id=ids.ORDERS_FILTER_BALANCE,
                    options=[{"label": _("Balance due only"), "value": "1"}],
                    value=["1"] if balance_due else [],
                    switch=True,
                ),
                "auto",
            ),
            filter_field(
                None,
                dbc.Checklist(
                    id=ids.ORDERS_FILTER_OVERDUE,
                    options=[{"label": _("Overdue only"), "value": "1"}],
                    value=["1"] if late else [],
                    switch=True,
                ),
                "auto",
            ),
        ]
    )
    return html.Div(
        [
            html.Div(
                [
                    page_header(_("Orders")),
                    html.Div(id=ids.ORDERS_ACTIONS, className="d-flex gap-2"),
                ],
                className="d-flex justify-content-between align-items-start",
            ),
            dcc.Store(id=ids.ORDERS_FILTERS, data=initial),
            dcc.Store(id=ids.ORDERS_SYNC),
            filters,
            html.Div(
                [
                    html.Div(id=ids.ORDERS_COUNT, className="grid-count", children="…"),
                    reset_button(ids.ORDERS_FILTER_RESET),
                ],
                className="d-flex align-items-center gap-3 mb-2",
            ),
            infinite_grid(
                ids.ORDERS_GRID,
                columns(),
                empty=_("No orders yet."),
                filter_keys=initial,
                height="calc(100vh - 290px)",
            ),
        ]
    )


def actions(may_create: bool, export_query: str | None) -> list:
    """The register's buttons: a new coworking order, and the export of what the filters
    show (``export_query`` is None for a role that may not export)."""
    buttons = []
    if may_create:
        buttons.append(
            dbc.Button(
                [html.I(className="bi bi-plus-lg me-1"), _("New coworking order")],
                href="/orders/new",
                id=ids.ORDERS_NEW,
                color="primary",
            )
        )
    if export_query is not None:
        buttons.append(
            dbc.Button(
                [html.I(className="bi bi-download me-1"), _("Export CSV")],
                href=f"/exports/orders.csv?{export_query}",
                external_link=True,
                id=ids.ORDERS_EXPORT,
                color="secondary",
                outline=True,
            )
        )
    return buttons
