"""Staff."""

from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

PAGE = dict(
    path="/staff",
    name=N_("Staff"),
    action=Action.VIEW_STAFF,
    nav=True,
    order=80,
)


def layout(**_query: str) -> html.Div:
    return placeholder(
        _("Staff"),
        _("Staff accounts and their roles."),
    )
