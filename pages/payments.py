"""Payments & balances."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/payments",
    name=N_("Payments & balances"),
    action=Action.VIEW_PAYMENTS,
    nav=True,
    order=50,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Payments & balances"),
        _("Outstanding balances by age, the payments journal and revenue."),
    )
