"""The navbar: the language switch (remembered per user) and the mobile toggler."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update
from flask_login import current_user

from dashboard import ids
from dashboard.db import Database
from services import staff


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.SHELL_RELOAD, "href"),
        Input(ids.NAV_LANG_EN, "n_clicks"),
        Input(ids.NAV_LANG_RU, "n_clicks"),
        State(ids.PAGES_LOCATION, "href"),
        prevent_initial_call=True,
    )
    def switch_language(_en: int | None, _ru: int | None, href: str | None) -> str:
        locale = {ids.NAV_LANG_EN: "en", ids.NAV_LANG_RU: "ru"}.get(ctx.triggered_id)
        if locale is None or locale == current_user.locale:
            return no_update
        with db.write() as session:
            staff.set_locale(session, current_user.id, locale)
        # A full reload renders every label in the new language.
        return href or "/"

    @app.callback(
        Output("nav-collapse", "is_open"),
        Input("nav-toggler", "n_clicks"),
        State("nav-collapse", "is_open"),
        prevent_initial_call=True,
    )
    def toggle_navbar(_clicks: int | None, is_open: bool) -> bool:
        return not is_open
