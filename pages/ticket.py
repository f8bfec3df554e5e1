"""Ticket."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path_template="/tickets/<number>",
    name=N_("Ticket"),
    action=Action.VIEW_TICKETS,
    nav=False,
    order=31,
)


def layout(number: str | None = None, **_query: str) -> html.Div:
    return placeholder(
        _("Ticket"),
        _("Ticket %(number)s: visitor, seat, identification and audit trail.", number=number),
    )
