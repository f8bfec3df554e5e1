"""The meeting rooms' day timeline: one callback draws the day."""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.exceptions import PreventUpdate
from flask import current_app
from flask_login import current_user

from callbacks.common import now
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import local_time
from pages import rooms as page
from services.permissions import Action, can
from services.rooms import day_timeline


def register(app: Dash, db: Database) -> None:
    @app.callback(Output(ids.ROOMS_TIMELINE, "children"), Input(ids.ROOMS_DATE, "value"))
    def draw_day(value: object):
        if not can(current_user, Action.VIEW_ROOMS):
            raise PreventUpdate
        settings = current_app.config["PARKDESK"]
        day = page.chosen_day(value, local_time(now()).date())
        with db.read() as session:
            data = day_timeline(session, actor(), day, settings.timezone, settings.opening_hours)
        return page.timeline(data)
