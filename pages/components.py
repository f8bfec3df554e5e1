"""Small layout pieces that several pages share."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import _


def page_header(title: str, subtitle: str | None = None) -> html.Div:
    return html.Div(
        [
            html.H1(title, className="page-title mb-1"),
            html.P(subtitle, className="text-body-secondary") if subtitle else None,
        ],
        className="mb-3",
    )


def placeholder(title: str, text: str) -> html.Div:
    """A page that exists in the navigation but whose content comes in a later release."""
    return html.Div(
        [page_header(title), dbc.Alert(text, color="light", className="placeholder-page")]
    )


def forbidden() -> html.Div:
    return html.Div(
        [
            page_header(_("No access")),
            dbc.Alert(
                [
                    html.Strong(_("Your role may not open this page.")),
                    " ",
                    _("Ask an administrator if you need it for your work."),
                ],
                color="warning",
                id="page-forbidden",
            ),
            dbc.Button(_("Back to the overview"), href="/", color="primary", outline=True),
        ]
    )


def not_found(text: str | None = None) -> html.Div:
    return html.Div(
        [
            page_header(_("Page not found")),
            dbc.Alert(
                text or _("There is no such page. Check the address or use the menu above."),
                color="light",
                id="page-not-found",
            ),
            dbc.Button(_("Back to the overview"), href="/", color="primary", outline=True),
        ]
    )
