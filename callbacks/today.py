"""Today's sections, for the role of the user (services.today.parts_for)."""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.exceptions import PreventUpdate
from flask import current_app
from flask_login import current_user

from callbacks import live
from callbacks.common import now
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from pages import today as page
from services.permissions import Action, can
from services.today import today


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.TODAY_BODY, "children"),
        Input(ids.TODAY_BODY, "id"),
        Input(ids.TODAY_VERSION, "data"),
    )
    def sections(_id: str, _version: object):
        if not can(current_user, Action.VIEW_TODAY):
            raise PreventUpdate
        with db.read() as session:
            data = today(session, actor(), now(), current_app.config["PARKDESK"].timezone)
        return page.body(data)

    live.refresh_on_change(app, ids.TODAY_VERSION, live.TODAY)
