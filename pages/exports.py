"""Exports for accounting (SPEC §5): payments journal, orders register and balances at
a date as CSV files that open right in Excel and LibreOffice."""

from __future__ import annotations

from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, local_time
from pages.components import page_header
from services.permissions import Action

PAGE = dict(
    path="/exports",
    name=N_("Exports"),
    action=Action.VIEW_EXPORTS,
    nav=True,
    order=70,
)


def _separator(component_id: str) -> html.Div:
    return html.Div(
        [
            dbc.Label(_("Separator"), className="mb-1"),
            dbc.RadioItems(
                id=component_id,
                value=";",
                options=[
                    {"label": _("Semicolon and decimal comma (Excel in Russian)"), "value": ";"},
                    {"label": _("Comma and decimal point"), "value": ","},
                ],
            ),
        ],
        className="mb-3",
    )


def _date(component_id: str, title: str, value: str) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(title, html_for=component_id, className="mb-1"),
            dcc.Input(id=component_id, value=value, type="date", className="form-control"),
        ],
        width=6,
    )


def _card(title: str, text: str, dates: list[dbc.Col], sep_id: str, link_id: str, note_id: str):
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2(title, className="h5"),
                    html.P(text, className="text-body-secondary small"),
                    dbc.Row(dates, className="g-2 mb-3"),
                    _separator(sep_id),
                    dbc.Button(
                        [html.I(className="bi bi-download me-1"), _("Download CSV")],
                        id=link_id,
                        href="",
                        external_link=True,
                        disabled=True,
                        color="primary",
                    ),
                    html.Div(id=note_id, className="small text-danger mt-2"),
                ]
            ),
            className="h-100",
        ),
        lg=4,
    )


def layout(**_query: str) -> html.Div:
    """The dates default to this month (the balances: today) in the operator's time
    zone; the links come from a callback that checks the role."""
    today = local_time(datetime.now(UTC)).date()
    first, last = today.replace(day=1).isoformat(), today.isoformat()
    return html.Div(
        [
            page_header(
                _("Exports"),
                _(
                    "CSV files for accounting: payments journal, orders register, "
                    "balances at a date."
                ),
            ),
            dbc.Row(
                [
                    _card(
                        _("Payments journal"),
                        _(
                            "Every payment and refund paid on the chosen days: date, order, "
                            "customer, service, method, amount (refunds negative), recorded by."
                        ),
                        [
                            _date(ids.EXPORTS_PAYMENTS_FROM, _("From"), first),
                            _date(ids.EXPORTS_PAYMENTS_TO, _("To"), last),
                        ],
                        ids.EXPORTS_PAYMENTS_SEP,
                        ids.EXPORTS_PAYMENTS_LINK,
                        ids.EXPORTS_PAYMENTS_NOTE,
                    ),
                    _card(
                        _("Orders register"),
                        _(
                            "Orders created on the chosen days with total, paid and balance. "
                            "For other filters use “Export CSV” on the Orders page."
                        ),
                        [
                            _date(ids.EXPORTS_ORDERS_FROM, _("From"), first),
                            _date(ids.EXPORTS_ORDERS_TO, _("To"), last),
                        ],
                        ids.EXPORTS_ORDERS_SEP,
                        ids.EXPORTS_ORDERS_LINK,
                        ids.EXPORTS_ORDERS_NOTE,
                    ),
                    _card(
                        _("Balances at a date"),
                        _(
                            "Orders created by the end of the date and not cancelled that "
                            "still owed something then: total, paid by that date, balance."
                        ),
                        [_date(ids.EXPORTS_BALANCES_AT, _("Date"), last)],
                        ids.EXPORTS_BALANCES_SEP,
                        ids.EXPORTS_BALANCES_LINK,
                        ids.EXPORTS_BALANCES_NOTE,
                    ),
                ],
                className="g-3 mb-3",
            ),
            html.P(
                _(
                    "The files are UTF-8 with a byte order mark and open with Cyrillic text "
                    "in Excel and LibreOffice. Times are in the operator's time zone."
                ),
                className="text-body-secondary small",
            ),
        ]
    )
