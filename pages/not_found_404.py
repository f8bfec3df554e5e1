"""Any address that is no page (Dash pages looks for a module of this name)."""

from dash import html

from dashboard.i18n import N_
from pages.components import not_found

PAGE = dict(
    path="/404",
    name=N_("Page not found"),
    nav=False,
    order=999,
)


def layout(**_query: str) -> html.Div:
    return not_found()
