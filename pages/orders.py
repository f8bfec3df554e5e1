"""Orders."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/orders",
    name=N_("Orders"),
    action=Action.VIEW_ORDERS,
    nav=True,
    order=20,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Orders"),
        _("The register of all orders with filters, balances and the accounting export."),
    )
