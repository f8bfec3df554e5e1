"""The floor plan: the room and the moment → the whole room, in one callback; the
browser draws its seats (dashboard/assets/floor.js)."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import current_app
from flask_login import current_user

from callbacks import inputs, live
from callbacks.common import now, refusal
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from pages import floor as page
from pages.floor import moment_value
from services import floor
from services.errors import DomainError
from services.permissions import Action, can


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.FLOOR_ROOM, "options"),
        Output(ids.FLOOR_ROOM, "value"),
        Output(ids.FLOOR_PLAN, "data"),
        Output(ids.FLOOR_SUMMARY, "children"),
        Output(ids.FLOOR_AT, "value"),
        Output(ids.FLOOR_FOLLOW, "data"),
        Input(ids.FLOOR_ROOM, "value"),
        Input(ids.FLOOR_AT, "value"),
        Input(ids.FLOOR_VERSION, "data"),
        State(ids.FLOOR_FOLLOW, "data"),
    )
    def draw(room: object, at: object, _version: object, follow: object):
        """The rooms to choose from and the chosen one's plan (the first room until one
        is chosen), in one answer: no callback per seat, no second round trip. A live
        refresh of a plan that shows now shows the present moment."""
        if not can(current_user, Action.VIEW_FLOOR):
            raise PreventUpdate
        moment = now()
        # A plan that shows now (no moment asked for) shows the present to the second,
        # and a live refresh moves the moment field on with it.
        follow = follow is True and ctx.triggered_id != ids.FLOOR_AT
        shown_value = moment_value(moment) if ctx.triggered_id == ids.FLOOR_VERSION else no_update
        if follow:
            shown_at = moment
        else:
            shown_value = no_update
            try:
                shown_at = floor.parse_moment(at, current_app.config["PARKDESK"].timezone, moment)
            except DomainError as error:
                shown_at, problem = None, error
        with db.read() as session:
            rooms = floor.rooms(session, actor())
            chosen = inputs.record_id(room)
            if chosen not in {r.id for r in rooms}:
                chosen = rooms[0].id if rooms else None
            data = None
            if chosen is not None and shown_at is not None:
                data = floor.floor(session, actor(), chosen, shown_at, moment)
        options = page.room_options(rooms)
        value = str(chosen) if chosen is not None else None
        if shown_at is None:
            return options, value, None, refusal(problem), shown_value, follow
        if data is None:
            return options, value, None, page.no_room(bool(rooms)), shown_value, follow
        return options, value, page.plan_data(data), page.summary(data), shown_value, follow

    live.refresh_on_change(app, ids.FLOOR_VERSION, live.FLOOR)

    app.clientside_callback(
        ClientsideFunction(namespace="parkdesk_floor", function_name="draw"),
        Output(ids.FLOOR_DRAWN, "data"),
        Input(ids.FLOOR_PLAN, "data"),
    )
