"""Occupancy."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/occupancy",
    name=N_("Occupancy"),
    action=Action.VIEW_OCCUPANCY,
    nav=True,
    order=40,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Occupancy"),
        _("Seat, room, hotel and event occupancy for a period."),
    )
