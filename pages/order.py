"""Order."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path_template="/orders/<number>",
    name=N_("Order"),
    action=Action.VIEW_ORDERS,
    nav=False,
    order=22,
)


def layout(number: str | None = None, **_query: str) -> html.Div:
    return placeholder(
        _("Order"),
        _("Order %(number)s: items, payments, executor, chat and audit trail.", number=number),
    )
