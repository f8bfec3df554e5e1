"""The orders register: filters → URL and grid; grid blocks, count and balance from SQL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from flask import current_app
from flask_login import current_user

from callbacks import live
from callbacks.common import answer_first_block_early, open_row_on_click, sync_grid_with_url
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import _, format_datetime, format_money, label, language, ngettext
from models.statuses import ORDER_STATUS_COLOURS, ORDER_STATUS_LABELS, SERVICE_TYPE_LABELS
from pages import orders as page
from services import order_list
from services.order_list import OrderFilters
from services.permissions import Action, can


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.ORDERS_FILTERS, "data"),
        Input(ids.ORDERS_FILTER_NUMBER, "value"),
        Input(ids.ORDERS_FILTER_CUSTOMER, "value"),
        Input(ids.ORDERS_FILTER_TYPE, "value"),
        Input(ids.ORDERS_FILTER_STATUS, "value"),
        Input(ids.ORDERS_FILTER_EXECUTOR, "value"),
        Input(ids.ORDERS_FILTER_FROM, "value"),
        Input(ids.ORDERS_FILTER_TO, "value"),
        Input(ids.ORDERS_FILTER_BALANCE, "value"),
        Input(ids.ORDERS_FILTER_OVERDUE, "value"),
        prevent_initial_call=True,
    )
    def collect_filters(
        number, customer, types, statuses, executor, date_from, date_to, balance, overdue
    ) -> dict[str, Any]:
        return {
            "number": number or "",
            "customer": customer or "",
            "type": types or [],
            "status": statuses or [],
            "executor": executor or "",
            "from": date_from or "",
            "to": date_to or "",
            "balance": "1" if balance else "",
            "overdue": "1" if overdue else "",
        }

    @app.callback(
        Output(ids.ORDERS_FILTER_NUMBER, "value"),
        Output(ids.ORDERS_FILTER_CUSTOMER, "value"),
        Output(ids.ORDERS_FILTER_TYPE, "value"),
        Output(ids.ORDERS_FILTER_STATUS, "value"),
        Output(ids.ORDERS_FILTER_EXECUTOR, "value"),
        Output(ids.ORDERS_FILTER_FROM, "value"),
        Output(ids.ORDERS_FILTER_TO, "value"),
        Output(ids.ORDERS_FILTER_BALANCE, "value"),
        Output(ids.ORDERS_FILTER_OVERDUE, "value"),
        Input(ids.ORDERS_FILTER_RESET, "n_clicks"),
        prevent_initial_call=True,
    )
    def reset_filters(_clicks: int | None) -> tuple:
        return "", "", [], [], None, "", "", [], []

    sync_grid_with_url(app, ids.ORDERS_FILTERS, ids.ORDERS_SYNC, ids.ORDERS_GRID)
    live.refresh_grid_on_change(app, ids.ORDERS_GRID, ids.ORDERS_SYNC, live.BOOKINGS)
    open_row_on_click(app, ids.ORDERS_GRID, "/orders/")

    @app.callback(
        Output(ids.ORDERS_FILTER_EXECUTOR, "options"),
        Input(ids.ORDERS_FILTERS, "id"),
    )
    def executor_options(_store: str):
        if not can(current_user, Action.VIEW_ORDERS):
            return []
        with db.read() as session:
            staff = order_list.executor_choices(session)
        return [{"label": _("Not assigned"), "value": order_list.UNASSIGNED}] + [
            {"label": name, "value": str(user_id)} for user_id, name in staff
        ]

    @app.callback(
        Output(ids.ORDERS_ACTIONS, "children"),
        Input(ids.ORDERS_FILTERS, "data"),
    )
    def actions(filters: dict | None):
        """The export follows the filters; each button only for the roles that may use it."""
        export_query = None
        if can(current_user, Action.EXPORT):
            export_query = urlencode(OrderFilters.parse(filters).query())
        return page.actions(can(current_user, Action.CREATE_COWORKING_ORDER), export_query)

    # grid.js makes each block request carry the sort key of the row before it, so
    # that deep blocks are seeks rather than OFFSETs (services/grid.py).
    app.clientside_callback(
        ClientsideFunction("parkdesk", "seekFromLastRow"),
        Output(ids.ORDERS_SYNC, "data", allow_duplicate=True),
        Input(ids.ORDERS_GRID, "id"),
        prevent_initial_call="initial_duplicate",
    )

    @app.callback(
        Output(ids.ORDERS_GRID, "getRowsResponse"),
        Output(ids.ORDERS_COUNT, "children"),
        Input(ids.ORDERS_GRID, "getRowsRequest"),
        State(ids.ORDERS_FILTERS, "data"),
        # The grid asks once it is ready; nothing to answer before.
        prevent_initial_call=True,
    )
    def rows(request: dict | None, filters: dict | None):
        if request is None or not can(current_user, Action.VIEW_ORDERS):
            return no_update, no_update
        lang = language()
        chosen = OrderFilters.parse(filters)
        with db.read() as session:
            found, count, balance = order_list.list_orders(
                session,
                actor(),
                chosen,
                request,
                current_app.config["PARKDESK"].timezone,
                count_free_filters=False,
            )
        data = [
            {
                "number": row.number,
                "created": format_datetime(row.created_at, lang, short=True),
                "service": row.service,
                "type": label(SERVICE_TYPE_LABELS, row.type, lang),
                "customer": row.customer,
                "status": ORDER_STATUS_COLOURS[row.status],
                "status_label": label(ORDER_STATUS_LABELS, row.status, lang),
                "total": format_money(row.total_kopecks, lang),
                "paid": format_money(row.paid_kopecks, lang),
                "balance": format_money(row.balance_kopecks, lang),
                "executor": row.executor or "—",
                "deadline": format_datetime(row.deadline, lang, short=True) if row.deadline else "",
                "sort_key": row.sort_key,
            }
            for row in found
        ]
        if count is None and not chosen.tallied:
            # Counted apart (``count``): the rows do not wait. The grid learns its length
            # when it reaches a short block.
            response: dict[str, Any] = {"rowData": data}
            wanted = request.get("endRow", 0) - request.get("startRow", 0)
            if len(data) < wanted:
                response["rowCount"] = request.get("startRow", 0) + len(data)
            return response, no_update
        if count is None:  # the grid knows the count and the sum: it keeps them
            return {"rowData": data}, no_update
        return {"rowData": data, "rowCount": count}, _summary(count, balance or 0, lang)

    answer_first_block_early(
        app,
        ids.ORDERS_GRID,
        ids.ORDERS_COUNT,
        [State(ids.ORDERS_FILTERS, "data")],
        rows,
        page.columns,
    )

    @app.callback(
        Output(ids.ORDERS_COUNT, "children", allow_duplicate=True),
        Input(ids.ORDERS_FILTERS, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def count(filters: dict | None):
        """The count and balance of a filter the running totals do not answer (a name,
        a number, dates, overdue): counted while the rows are already shown."""
        chosen = OrderFilters.parse(filters)
        if chosen.tallied or not can(current_user, Action.VIEW_ORDERS):
            return no_update  # the rows' callback says it at once
        with db.read() as session:
            found, balance = order_list.count_orders(
                session, actor(), chosen, current_app.config["PARKDESK"].timezone
            )
        return _summary(found, balance, language())


def _summary(count: int, balance: int, lang: str) -> str:
    return (
        ngettext("%(num)d order", "%(num)d orders", count)
        + " · "
        + _("balance due %(amount)s", amount=format_money(balance, lang))
    )
