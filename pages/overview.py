"""Overview."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/",
    name=N_("Overview"),
    action=Action.VIEW_OVERVIEW,
    nav=True,
    order=10,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Overview"),
        _(
            "Today's figures: occupancy, tickets starting today, orders waiting for action, "
            "balances and revenue."
        ),
    )
