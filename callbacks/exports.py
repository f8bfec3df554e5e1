"""The exports page: dates and separator → the link to the streamed CSV route."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import Dash, Input, Output
from flask_login import current_user

from dashboard import ids
from dashboard.i18n import _
from services.filter_values import a_date
from services.permissions import Action, can

EXPORTS = (
    (
        "/exports/payments.csv",
        ids.EXPORTS_PAYMENTS_FROM,
        ids.EXPORTS_PAYMENTS_TO,
        ids.EXPORTS_PAYMENTS_SEP,
        ids.EXPORTS_PAYMENTS_LINK,
        ids.EXPORTS_PAYMENTS_NOTE,
    ),
    (
        "/exports/orders.csv",
        ids.EXPORTS_ORDERS_FROM,
        ids.EXPORTS_ORDERS_TO,
        ids.EXPORTS_ORDERS_SEP,
        ids.EXPORTS_ORDERS_LINK,
        ids.EXPORTS_ORDERS_NOTE,
    ),
)


SEPARATORS = (";", ",")


def _separator(value: object) -> str:
    """The CSV separator chosen (";" unless "," is)."""
    return value if value in SEPARATORS else ";"


def export_link(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode({key: value for key, value in params.items() if value})}"


def period_link(
    path: str, first: str | None, last: str | None, sep: str | None
) -> tuple[str, bool, str]:
    """The link for a period (either end may be open), whether it is disabled, and why."""
    start, end = a_date(first), a_date(last)
    if start and end and start > end:
        return "", True, _("The period starts after it ends.")
    params = {
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
        "sep": _separator(sep),
    }
    return export_link(path, params), False, ""


def register(app: Dash, _db: object) -> None:
    for path, first_id, last_id, sep_id, link_id, note_id in EXPORTS:

        @app.callback(
            Output(link_id, "href"),
            Output(link_id, "disabled"),
            Output(note_id, "children"),
            Input(first_id, "value"),
            Input(last_id, "value"),
            Input(sep_id, "value"),
        )
        def link(first, last, sep, path=path):
            if not can(current_user, Action.EXPORT):
                return "", True, _("Your role may not do this.")
            return period_link(path, first, last, sep)

    @app.callback(
        Output(ids.EXPORTS_BALANCES_LINK, "href"),
        Output(ids.EXPORTS_BALANCES_LINK, "disabled"),
        Output(ids.EXPORTS_BALANCES_NOTE, "children"),
        Input(ids.EXPORTS_BALANCES_AT, "value"),
        Input(ids.EXPORTS_BALANCES_SEP, "value"),
    )
    def balances_link(at, sep):
        if not can(current_user, Action.EXPORT):
            return "", True, _("Your role may not do this.")
        day = a_date(at)
        if day is None:
            return "", True, _("Choose the date.")
        params = {"to": day.isoformat(), "sep": _separator(sep)}
        return export_link("/exports/balances.csv", params), False, ""
