"""Event."""

import dash
from dash import html

from dashboard.i18n import N_, _
from pages.components import placeholder
from services.permissions import Action

dash.register_page(
    __name__,
    path_template="/events/<event_id>",
    name=N_("Event"),
    action=Action.VIEW_EVENTS,
    nav=False,
    order=61,
)


def layout(event_id: str | None = None, **_query: str) -> html.Div:
    return placeholder(
        _("Event"),
        _("The check-in desk of event %(event_id)s.", event_id=event_id),
    )
