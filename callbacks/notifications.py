"""The navbar's notifications: the unread count on every page and live tick, the list
when the count changes, and opening one (marked read, its order opened) or marking all
read. Every user reads and marks only their own: the services select by the logged-in
user's id, never by an id the browser sends alone."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks import inputs
from callbacks.common import now, require_click
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import language
from pages import notifications as page
from services import notifications
from services.errors import NotFound


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.NAV_NOTIFICATIONS, "children"),
        Output(ids.NAV_NOTIFICATIONS, "color"),
        # Called when the page loads, on every live tick, and when the user marked some.
        Input(ids.LIVE_REVISION, "data"),
        Input(ids.NOTIFICATIONS_VERSION, "data"),
        State(ids.NAV_NOTIFICATIONS, "children"),
    )
    def count(_revision, _version, shown):
        with db.read() as session:
            unread = notifications.unread_count(session, current_user.id)
        if shown == str(unread):  # the list below is read again only when this changes
            raise PreventUpdate
        return str(unread), page.badge_color(unread)

    @app.callback(
        Output(ids.NOTIFICATIONS_LIST, "children"),
        Input(ids.NAV_NOTIFICATIONS, "children"),
        # The count always comes first on a page load (the badge starts empty): one read.
        prevent_initial_call=True,
    )
    def listed(_count):
        with db.read() as session:
            rows = notifications.recent(session, current_user.id)
        return page.items(rows, language())

    @app.callback(
        Output(ids.PAGES_LOCATION, "href", allow_duplicate=True),
        Output(ids.NOTIFICATIONS_VERSION, "data"),
        Input({"type": ids.NOTIFICATIONS_ITEM, "id": ALL}, "n_clicks"),
        State(ids.NOTIFICATIONS_VERSION, "data"),
        prevent_initial_call=True,
    )
    def open_one(_clicks, version):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        try:
            with db.write() as session:
                number = notifications.open_notification(session, actor(), trigger.get("id"), now())
        except NotFound:
            raise PreventUpdate from None  # not the user's: no page can have offered it
        return f"/orders/{number}", inputs.counter(version) + 1

    @app.callback(
        Output(ids.NOTIFICATIONS_VERSION, "data", allow_duplicate=True),
        Input(ids.NOTIFICATIONS_READ_ALL, "n_clicks"),
        State(ids.NOTIFICATIONS_VERSION, "data"),
        prevent_initial_call=True,
    )
    def read_all(_clicks, version):
        require_click(ids.NOTIFICATIONS_READ_ALL)
        with db.write() as session:
            notifications.mark_all_read(session, actor(), now())
        return inputs.counter(version) + 1
