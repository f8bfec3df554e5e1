"""Coworking tickets."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/tickets",
    name=N_("Coworking tickets"),
    action=Action.VIEW_TICKETS,
    nav=True,
    order=30,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Coworking tickets"),
        _("All coworking tickets with their period, visitor, status and seat."),
    )
