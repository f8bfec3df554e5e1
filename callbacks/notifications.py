"""The navbar's notifications: the unread count on every page and live tick, the list
when the menu is opened (and on each new count after that), and opening one (marked
read, its order opened) or marking all read. Every user reads and marks only their own:
the services select by the logged-in user's id, never by an id the browser sends alone."""

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

    # The list is wanted once the menu has been opened: then again on every new count.
    app.clientside_callback(
        """
        function (clicks, count) {
            return clicks ? {clicks: clicks, count: count} : window.dash_clientside.no_update;
        }
        """,
        Output(ids.NOTIFICATIONS_WANTED, "data"),
        Input(ids.NOTIFICATIONS_OPENER, "n_clicks"),
        Input(ids.NAV_NOTIFICATIONS, "children"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.NOTIFICATIONS_LIST, "children"),
        Input(ids.NOTIFICATIONS_WANTED, "data"),
        prevent_initial_call=True,
    )
    def listed(_wanted):
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
