"""New coworking order."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/orders/new",
    name=N_("New coworking order"),
    action=Action.CREATE_COWORKING_ORDER,
    nav=False,
    order=21,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("New coworking order"),
        _("Create a coworking order for a customer: customer, tariff, period and a free seat."),
    )
