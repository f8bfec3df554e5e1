"""The overview's figures, for the roles that may read each of them."""

from __future__ import annotations

from dash import Dash, Input, Output
from flask import current_app
from flask_login import current_user

from callbacks.common import now
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from pages import overview as page
from services.overview import overview
from services.permissions import Action, can

FIGURE_ACTIONS = (Action.VIEW_TICKETS, Action.VIEW_ORDERS, Action.VIEW_PAYMENTS, Action.VIEW_EVENTS)


def register(app: Dash, db: Database) -> None:
    @app.callback(Output(ids.OVERVIEW_FIGURES, "children"), Input(ids.OVERVIEW_FIGURES, "id"))
    def figures(_id: str):
        allowed = {action for action in FIGURE_ACTIONS if can(current_user, action)}
        if not allowed:
            return page.figures(None, allowed)
        with db.read() as session:
            data = overview(
                session,
                actor(),
                now(),
                current_app.config["PARKDESK"].timezone,
                shown=allowed,
            )
        may_set_up = can(current_user, Action.MANAGE_CATALOG)
        return page.figures(data, allowed, may_set_up=may_set_up)
