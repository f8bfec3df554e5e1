"""The occupancy page: period and place → figures and charts; chart data as CSV."""

from __future__ import annotations

from datetime import date, timedelta

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask import current_app
from flask_login import current_user

from callbacks.common import now
from callbacks.inputs import record_id
from dashboard import ids
from dashboard.db import Database
from dashboard.i18n import _
from pages import occupancy as page
from services import exports, occupancy
from services.filter_values import a_date
from services.permissions import Action, can

MAX_DAYS = 400
ALL_PLACES = "all"


# The charts whose data can be downloaded as CSV.
CHART_TABLES = frozenset({ids.OCCUPANCY_DAILY, ids.OCCUPANCY_HEATMAP, ids.OCCUPANCY_BY_ROOM})


def _place(value: object) -> int | None:
    """A building or room id from a select; "all" (or anything else) means no filter."""
    return record_id(value)


def preset_period(
    preset: str, today: date, first: str | None, last: str | None
) -> tuple[date, date]:
    """The days a preset means, ending today (custom: the dates typed, at most 400 days)."""
    if preset == "week":
        return today - timedelta(days=today.weekday()), today
    if preset == "quarter":
        start_month = (today.month - 1) // 3 * 3 + 1
        return date(today.year, start_month, 1), today
    if preset == "year":
        return today - timedelta(days=364), today
    if preset == "custom":
        start, end = a_date(first), a_date(last)
        if start is None or end is None:
            return today.replace(day=1), today
        if end < start:
            start, end = end, start
        return max(start, end - timedelta(days=MAX_DAYS - 1)), end
    return today.replace(day=1), today


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.OCCUPANCY_BUILDING, "options"),
        Output(ids.OCCUPANCY_ROOM, "options"),
        Input(ids.OCCUPANCY_BUILDING, "value"),
    )
    def places(building: str | None):
        if not can(current_user, Action.VIEW_OCCUPANCY):
            return [], []
        with db.read() as session:
            buildings, rooms = occupancy.places(session, _place(building))
        return (
            [{"label": _("All buildings"), "value": ALL_PLACES}]
            + [{"label": name, "value": str(i)} for i, name in buildings],
            [{"label": _("All rooms"), "value": ALL_PLACES}]
            + [{"label": name, "value": str(i)} for i, name in rooms],
        )

    @app.callback(
        Output(ids.OCCUPANCY_FIGURES, "children"),
        Output(ids.OCCUPANCY_DAILY, "figure"),
        Output(ids.OCCUPANCY_HEATMAP, "figure"),
        Output(ids.OCCUPANCY_BY_ROOM, "figure"),
        Output(ids.OCCUPANCY_DATA, "data"),
        Output(ids.OCCUPANCY_FROM, "value"),
        Output(ids.OCCUPANCY_TO, "value"),
        Input(ids.OCCUPANCY_PRESET, "value"),
        Input(ids.OCCUPANCY_FROM, "value"),
        Input(ids.OCCUPANCY_TO, "value"),
        Input(ids.OCCUPANCY_BUILDING, "value"),
        Input(ids.OCCUPANCY_ROOM, "value"),
    )
    def show(preset, first, last, building, room):
        if not can(current_user, Action.VIEW_OCCUPANCY):
            raise PreventUpdate
        settings = current_app.config["PARKDESK"]
        moment = now()
        if ctx.triggered_id in (ids.OCCUPANCY_FROM, ids.OCCUPANCY_TO):
            preset = "custom"
        today = moment.astimezone(
            occupancy.Period(moment.date(), moment.date(), settings.timezone).zone
        ).date()
        start, end = preset_period(preset or "month", today, first, last)
        period = occupancy.Period(
            start,
            end,
            settings.timezone,
            settings.opening_hours,
            _place(building),
            _place(room),
        )
        with db.read() as session:
            data = occupancy.occupancy(session, period, moment, books=False)
        cards = [
            html.P(page.period_text(data), className="text-body-secondary mb-2"),
            page.figure_cards(data),
        ]
        if data.seats == 0 and period.building_id is None and period.room_id is None:
            cards.insert(0, page.no_seats(can(current_user, Action.MANAGE_CATALOG)))
        table = {
            "daily": [
                [d.isoformat(), s, u]
                for d, s, u in zip(data.days, data.sold_percent, data.used_percent, strict=True)
            ],
            "heatmap": [
                [page.WEEKDAYS[w], f"{h:02d}:00", value]
                for w, row in enumerate(data.heatmap)
                for h, value in zip(data.heatmap_hours, row, strict=True)
            ],
            "rooms": [[name, value] for name, value in data.rooms],
        }
        keep = ctx.triggered_id in (ids.OCCUPANCY_FROM, ids.OCCUPANCY_TO)
        return (
            cards,
            page.daily_figure(data),
            page.heatmap_figure(data),
            page.rooms_figure(data),
            table,
            no_update if keep else start.isoformat(),
            no_update if keep else end.isoformat(),
        )

    @app.callback(
        Output(ids.OCCUPANCY_BOOKS, "children"),
        Input(ids.OCCUPANCY_BUILDING, "value"),
        Input(ids.OCCUPANCY_ROOM, "value"),
    )
    def books(building, room):
        """ "On the books" for the place: the next 90 days from today, whatever the
        period shown (so the period's figures do not wait for it)."""
        if not can(current_user, Action.VIEW_OCCUPANCY):
            raise PreventUpdate
        settings = current_app.config["PARKDESK"]
        moment = now()
        place = occupancy.Period(
            moment.date(),
            moment.date(),
            settings.timezone,
            settings.opening_hours,
            _place(building),
            _place(room),
        )
        with db.read() as session:
            ahead = occupancy.on_the_books(session, place, moment)
        return page.books(ahead)

    @app.callback(
        Output(ids.OCCUPANCY_DOWNLOAD, "data"),
        Input({"type": ids.OCCUPANCY_CSV, "chart": ALL}, "n_clicks"),
        State(ids.OCCUPANCY_DATA, "data"),
        prevent_initial_call=True,
    )
    def download(_clicks, table):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered[0]["value"] or not table:
            raise PreventUpdate
        if not isinstance(table, dict) or trigger.get("chart") not in CHART_TABLES:
            raise PreventUpdate
        if not can(current_user, Action.VIEW_OCCUPANCY):
            raise PreventUpdate
        key, headers = {
            ids.OCCUPANCY_DAILY: ("daily", [_("Day"), _("Sold, %"), _("Used, %")]),
            ids.OCCUPANCY_HEATMAP: ("heatmap", [_("Weekday"), _("Hour"), _("Sold, %")]),
            ids.OCCUPANCY_BY_ROOM: ("rooms", [_("Room"), _("Sold, %")]),
        }[trigger["chart"]]
        rows = table.get(key)
        if not isinstance(rows, list):
            raise PreventUpdate
        data = exports.table_csv(headers, (r for r in rows if isinstance(r, list | tuple)))
        return dcc.send_bytes(data, f"occupancy-{key}.csv")
