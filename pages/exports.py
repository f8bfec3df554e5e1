"""Exports."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/exports",
    name=N_("Exports"),
    action=Action.VIEW_EXPORTS,
    nav=True,
    order=70,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Exports"),
        _("CSV files for accounting: payments journal, orders register, balances at a date."),
    )
