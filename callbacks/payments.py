"""Payments & balances: two grids with their filters in the URL, the bucket totals,
and revenue charts for the journal's period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask import current_app
from flask_login import current_user

from callbacks import live
from callbacks.common import answer_first_block_early, now, open_row_on_click, sync_grid_with_url
from dashboard import ids
from dashboard.db import Database
from dashboard.i18n import _, format_datetime, format_money, label, language, ngettext
from models.statuses import (
    ORDER_STATUS_COLOURS,
    ORDER_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
    SERVICE_TYPE_LABELS,
    PaymentKind,
)
from pages import payments as page
from services import balances
from services.balances import BUCKET_CODES, BalanceFilters, JournalFilters
from services.permissions import Action, can

MAX_CHART_DAYS = 731  # the charts show at most two years; the grid takes any period


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """The days a period button means, ending today (last month: the whole of it)."""
    if preset == "last-month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "30-days":
        return today - timedelta(days=29), today
    if preset == "year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


def chart_period(filters: JournalFilters, today: date) -> tuple[date, date]:
    """The journal's period for the charts: an open end is today, an open start the
    first of that month; at most two years, ending at the chosen end."""
    last = filters.date_to or today
    first = filters.date_from or last.replace(day=1)
    if first > last:
        first, last = last, first
    return max(first, last - timedelta(days=MAX_CHART_DAYS - 1)), last


def _today() -> date:
    return balances.local_today(now(), current_app.config["PARKDESK"].timezone)


def register(app: Dash, db: Database) -> None:
    register_balances(app, db)
    register_journal(app, db)


def register_balances(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.BALANCES_FILTERS, "data"),
        Input(ids.BALANCES_FILTER_BUCKET, "value"),
        Input(ids.BALANCES_FILTER_CUSTOMER, "value"),
        Input(ids.BALANCES_FILTER_TYPE, "value"),
        prevent_initial_call=True,
    )
    def collect_filters(buckets, customer, types) -> dict[str, Any]:
        return {"bucket": buckets or [], "customer": customer or "", "type": types or []}

    @app.callback(
        Output(ids.BALANCES_FILTER_BUCKET, "value"),
        Output(ids.BALANCES_FILTER_CUSTOMER, "value"),
        Output(ids.BALANCES_FILTER_TYPE, "value"),
        Input(ids.BALANCES_FILTER_RESET, "n_clicks"),
        prevent_initial_call=True,
    )
    def reset_filters(_clicks: int | None) -> tuple:
        return [], "", []

    @app.callback(
        Output(ids.BALANCES_FILTER_BUCKET, "value", allow_duplicate=True),
        Input({"type": ids.BALANCES_BUCKET, "bucket": ALL}, "n_clicks"),
        State(ids.BALANCES_FILTER_BUCKET, "value"),
        prevent_initial_call=True,
    )
    def choose_bucket(_clicks: list, chosen: list[str] | None) -> list[str]:
        """A click on a bucket's card shows only that bucket; a second click, all."""
        if not isinstance(ctx.triggered_id, dict) or not (
            ctx.triggered and ctx.triggered[0]["value"]
        ):
            raise PreventUpdate  # the cards were drawn again, nobody clicked
        code = ctx.triggered_id["bucket"]
        return [] if (chosen or []) == [code] else [code]

    sync_grid_with_url(
        app, ids.BALANCES_FILTERS, ids.BALANCES_SYNC, ids.BALANCES_GRID, other_grid=True
    )
    live.refresh_grid_on_change(app, ids.BALANCES_GRID, ids.BALANCES_SYNC, live.MONEY)
    open_row_on_click(app, ids.BALANCES_GRID, "/orders/")

    @app.callback(
        *(
            Output(ids.one_of(ids.BALANCES_BUCKET_FIGURES, code), "children")
            for code in BUCKET_CODES
        ),
        *(Output(ids.one_of(ids.BALANCES_BUCKET_CARD, code), "className") for code in BUCKET_CODES),
        Input(ids.BALANCES_FILTERS, "data"),
    )
    def buckets(filters: dict | None) -> tuple:
        if not can(current_user, Action.VIEW_PAYMENTS):
            raise PreventUpdate
        chosen = BalanceFilters.parse(filters)
        with db.read() as session:
            totals = balances.bucket_totals(
                session, chosen, now(), current_app.config["PARKDESK"].timezone
            )
        by_code = {total.code: total for total in totals}
        return (
            *(page.bucket_figures(code, by_code[code]) for code in BUCKET_CODES),
            *(page.bucket_card_class(code in chosen.buckets) for code in BUCKET_CODES),
        )

    @app.callback(
        Output(ids.BALANCES_GRID, "getRowsResponse"),
        Output(ids.BALANCES_COUNT, "children"),
        Input(ids.BALANCES_GRID, "getRowsRequest"),
        State(ids.BALANCES_FILTERS, "data"),
        # The grid asks once it is ready; nothing to answer before.
        prevent_initial_call=True,
    )
    def rows(request: dict | None, filters: dict | None):
        if request is None or not can(current_user, Action.VIEW_PAYMENTS):
            return no_update, no_update
        lang = language()
        with db.read() as session:
            found = balances.list_balances(
                session,
                BalanceFilters.parse(filters),
                request,
                now(),
                current_app.config["PARKDESK"].timezone,
            )
        data = [
            {
                "number": row.number,
                "created": format_datetime(row.created_at, lang, short=True),
                "age": row.age_days,
                "customer": row.customer,
                "service": row.service,
                "type": label(SERVICE_TYPE_LABELS, row.type, lang),
                "status": ORDER_STATUS_COLOURS[row.status],
                "status_label": label(ORDER_STATUS_LABELS, row.status, lang),
                "total": format_money(row.total_kopecks, lang),
                "paid": format_money(row.paid_kopecks, lang),
                "balance": format_money(row.balance_kopecks, lang),
            }
            for row in found.rows
        ]
        summary = (
            ngettext("%(num)d order", "%(num)d orders", found.count)
            + " · "
            + _("balance due %(amount)s", amount=format_money(found.kopecks, lang))
        )
        return {"rowData": data, "rowCount": found.count}, summary

    answer_first_block_early(
        app,
        ids.BALANCES_GRID,
        ids.BALANCES_COUNT,
        [State(ids.BALANCES_FILTERS, "data")],
        rows,
        page.balance_columns,
    )


def register_journal(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.PAYMENTS_FILTERS, "data"),
        Input(ids.PAYMENTS_FILTER_FROM, "value"),
        Input(ids.PAYMENTS_FILTER_TO, "value"),
        Input(ids.PAYMENTS_FILTER_METHOD, "value"),
        prevent_initial_call=True,
    )
    def collect_filters(date_from, date_to, methods) -> dict[str, Any]:
        return {"from": date_from or "", "to": date_to or "", "method": methods or []}

    @app.callback(
        Output(ids.PAYMENTS_FILTER_FROM, "value"),
        Output(ids.PAYMENTS_FILTER_TO, "value"),
        Input({"type": ids.PAYMENTS_PRESET, "preset": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def choose_period(_clicks: list) -> tuple[str, str]:
        if not isinstance(ctx.triggered_id, dict) or not (
            ctx.triggered and ctx.triggered[0]["value"]
        ):
            raise PreventUpdate
        first, last = preset_period(ctx.triggered_id["preset"], _today())
        return first.isoformat(), last.isoformat()

    sync_grid_with_url(
        app, ids.PAYMENTS_FILTERS, ids.PAYMENTS_SYNC, ids.PAYMENTS_GRID, other_grid=True
    )
    live.refresh_grid_on_change(app, ids.PAYMENTS_GRID, ids.PAYMENTS_SYNC, live.MONEY)
    # Rows are "<order number>-<payment id>": a click opens the order.
    open_row_on_click(app, ids.PAYMENTS_GRID, "/orders/")

    # grid.js makes each block request carry the sort key of the row before it, so
    # that deep blocks are seeks rather than OFFSETs (services/grid.py).
    app.clientside_callback(
        ClientsideFunction("parkdesk", "seekFromLastRow"),
        Output(ids.PAYMENTS_SYNC, "data", allow_duplicate=True),
        Input(ids.PAYMENTS_GRID, "id"),
        prevent_initial_call="initial_duplicate",
    )

    # The charts follow the journal: their filters are handed on once the journal has
    # shown its first rows, and on every change of the filters after that. The first
    # block answered early (answer_first_block_early) is not shown when it arrives: the
    # grid shows it when it asks, and then empties getRowsResponse, which hands them on.
    app.clientside_callback(
        """
        function (response, filters, shown) {
            const triggered = window.dash_clientside.callback_context.triggered;
            const byRows = triggered.every((t) => t.prop_id.endsWith(".getRowsResponse"));
            if (byRows && ((shown !== null && shown !== undefined) ||
                           (response && response.prefetched))) {
                return window.dash_clientside.no_update;  // not (yet) the first rows shown
            }
            return filters;
        }
        """,
        Output(ids.PAYMENTS_CHARTS_FOR, "data"),
        Input(ids.PAYMENTS_GRID, "getRowsResponse"),
        Input(ids.PAYMENTS_FILTERS, "data"),
        State(ids.PAYMENTS_CHARTS_FOR, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.PAYMENTS_REVENUE, "children"),
        Output(ids.PAYMENTS_CHARTS, "children"),
        Input(ids.PAYMENTS_CHARTS_FOR, "data"),
        prevent_initial_call=True,
    )
    def revenue(filters: dict | None):
        if not can(current_user, Action.VIEW_PAYMENTS):
            raise PreventUpdate
        first, last = chart_period(JournalFilters.parse(filters), _today())
        with db.read() as session:
            data = balances.revenue(session, first, last, current_app.config["PARKDESK"].timezone)
        text = html.Div(
            [
                html.Strong(page.revenue_text(data, first, last)),
                html.Span(" · " + _("all methods"), className="text-body-secondary"),
            ]
        )
        return text, page.revenue_charts(page.daily_figure(data), page.methods_figure(data))

    @app.callback(
        Output(ids.PAYMENTS_GRID, "getRowsResponse"),
        Output(ids.PAYMENTS_COUNT, "children"),
        Input(ids.PAYMENTS_GRID, "getRowsRequest"),
        State(ids.PAYMENTS_FILTERS, "data"),
        # The grid asks once it is ready; nothing to answer before.
        prevent_initial_call=True,
    )
    def rows(request: dict | None, filters: dict | None):
        if request is None or not can(current_user, Action.VIEW_PAYMENTS):
            return no_update, no_update
        lang = language()
        with db.read() as session:
            found = balances.list_journal(
                session,
                JournalFilters.parse(filters),
                request,
                current_app.config["PARKDESK"].timezone,
            )
        data = [
            {
                "row_id": f"{row.order_number}-{row.id}",
                "paid_at": format_datetime(row.paid_at, lang, short=True),
                "order": row.order_number,
                "customer": row.customer,
                "method": label(PAYMENT_METHOD_LABELS, row.method, lang),
                "amount": format_money(row.amount_kopecks, lang),
                "refund": row.kind == PaymentKind.REFUND.value,
                "recorded_by": row.recorded_by or "—",
                "sort_key": row.sort_key,
            }
            for row in found.rows
        ]
        if found.count is None:  # the grid knows the count and the sum: it keeps them
            return {"rowData": data}, no_update
        summary = (
            ngettext("%(num)d entry", "%(num)d entries", found.count)
            + " · "
            + _("sum %(amount)s", amount=format_money(found.kopecks, lang))
        )
        return {"rowData": data, "rowCount": found.count}, summary

    answer_first_block_early(
        app,
        ids.PAYMENTS_GRID,
        ids.PAYMENTS_COUNT,
        [State(ids.PAYMENTS_FILTERS, "data")],
        rows,
        page.journal_columns,
    )
