"""The navbar: the language switch (remembered per user) and the mobile toggler."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update
from flask_login import current_user

from dashboard import ids
from dashboard.db import Database
from services import staff


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.SHELL_LANGUAGE, "data"),
        Input(ids.NAV_LANG_EN, "n_clicks"),
        Input(ids.NAV_LANG_RU, "n_clicks"),
        prevent_initial_call=True,
    )
    def switch_language(_en: int | None, _ru: int | None) -> str:
        locale = {ids.NAV_LANG_EN: "en", ids.NAV_LANG_RU: "ru"}.get(ctx.triggered_id)
        if locale is None or locale == current_user.locale:
            return no_update
        with db.write() as session:
            staff.set_locale(session, current_user.id, locale)
        return locale

    # A full reload renders every label, date and amount in the new language.
    app.clientside_callback(
        "function(locale) { if (locale) { window.location.reload(); } return null; }",
        Output(ids.SHELL_LANGUAGE, "clear_data"),
        Input(ids.SHELL_LANGUAGE, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.NAV_COLLAPSE, "is_open"),
        Input(ids.NAV_TOGGLER, "n_clicks"),
        State(ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )
    def toggle_navbar(_clicks: int | None, is_open: bool) -> bool:
        return not is_open
