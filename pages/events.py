"""Events."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path="/events",
    name=N_("Events"),
    action=Action.VIEW_EVENTS,
    nav=True,
    order=60,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Events"),
        _("Upcoming and past events with sold and checked-in tickets."),
    )
