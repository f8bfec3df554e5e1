"""The coworking tickets list: filters → URL and grid; grid blocks from SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from flask import current_app
from flask_login import current_user

from callbacks import live
from callbacks.common import answer_first_block_early, open_row_on_click, sync_grid_with_url
from dashboard import ids
from dashboard.db import Database
from dashboard.i18n import _, format_period, label, language, ngettext
from models.statuses import TICKET_STATUS_LABELS
from pages import tickets as page
from services.permissions import Action, can
from services.ticket_list import TicketFilters, list_tickets


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.TICKETS_ACTIONS, "children"),
        Input(ids.TICKETS_FILTERS, "data"),
    )
    def actions(_filters: dict | None):
        return page.actions(can(current_user, Action.CREATE_COWORKING_ORDER))

    @app.callback(
        Output(ids.TICKETS_FILTERS, "data"),
        Input(ids.TICKETS_FILTER_NUMBER, "value"),
        Input(ids.TICKETS_FILTER_VISITOR, "value"),
        Input(ids.TICKETS_FILTER_STATUS, "value"),
        Input(ids.TICKETS_FILTER_FROM, "value"),
        Input(ids.TICKETS_FILTER_TO, "value"),
        prevent_initial_call=True,
    )
    def collect_filters(number, visitor, statuses, date_from, date_to) -> dict[str, Any]:
        return {
            "number": number or "",
            "visitor": visitor or "",
            "status": statuses or [],
            "from": date_from or "",
            "to": date_to or "",
        }

    @app.callback(
        Output(ids.TICKETS_FILTER_NUMBER, "value"),
        Output(ids.TICKETS_FILTER_VISITOR, "value"),
        Output(ids.TICKETS_FILTER_STATUS, "value"),
        Output(ids.TICKETS_FILTER_FROM, "value"),
        Output(ids.TICKETS_FILTER_TO, "value"),
        Input(ids.TICKETS_FILTER_RESET, "n_clicks"),
        prevent_initial_call=True,
    )
    def reset_filters(_clicks: int | None) -> tuple:
        return "", "", [], "", ""

    sync_grid_with_url(app, ids.TICKETS_FILTERS, ids.TICKETS_SYNC, ids.TICKETS_GRID)
    live.refresh_grid_on_change(app, ids.TICKETS_GRID, ids.TICKETS_SYNC, live.BOOKINGS)
    open_row_on_click(app, ids.TICKETS_GRID, "/tickets/")

    # grid.js makes each block request carry the sort key of the row before it, so
    # that deep blocks are seeks rather than OFFSETs (services/grid.py).
    app.clientside_callback(
        ClientsideFunction("parkdesk", "seekFromLastRow"),
        Output(ids.TICKETS_SYNC, "data", allow_duplicate=True),
        Input(ids.TICKETS_GRID, "id"),
        prevent_initial_call="initial_duplicate",
    )

    @app.callback(
        Output(ids.TICKETS_GRID, "getRowsResponse"),
        Output(ids.TICKETS_COUNT, "children"),
        Input(ids.TICKETS_GRID, "getRowsRequest"),
        State(ids.TICKETS_FILTERS, "data"),
        # The grid asks once it is ready; nothing to answer before.
        prevent_initial_call=True,
    )
    def rows(request: dict | None, filters: dict | None):
        if request is None or not can(current_user, Action.VIEW_TICKETS):
            return no_update, no_update
        lang = language()
        with db.read() as session:
            found, count = list_tickets(
                session,
                TicketFilters.parse(filters),
                request,
                datetime.now(UTC),
                current_app.config["PARKDESK"].timezone,
            )
        data = [
            {
                "number": row.number,
                "period": format_period(row.period_start, row.period_end, lang),
                "visitor": row.visitor,
                "status": row.status,
                "status_label": label(TICKET_STATUS_LABELS, row.status, lang),
                "seat": _("Seat %(number)s", number=row.seat),
                "room": row.room,
                "sort_key": row.sort_key,
            }
            for row in found
        ]
        if count is None:  # the grid knows the count: it keeps it
            return {"rowData": data}, no_update
        counted = ngettext("%(num)d ticket", "%(num)d tickets", count)
        return {"rowData": data, "rowCount": count}, counted

    answer_first_block_early(
        app,
        ids.TICKETS_GRID,
        ids.TICKETS_COUNT,
        [State(ids.TICKETS_FILTERS, "data")],
        rows,
        page.columns,
    )
