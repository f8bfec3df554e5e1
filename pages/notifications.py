"""The notifications of the navbar (SPEC §9.3): the bell with the unread count, and the
list it opens. Not a page: the shell puts the bell in the navbar, the callbacks
(callbacks/notifications.py) fill it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import _, format_datetime, localize


def bell() -> html.Div:
    """The bell: its badge (``#nav-notifications``) shows the unread count — empty until
    counted — and opens the list (``#notifications-list``). A dropdown, so that the
    keyboard reaches it: Enter or Space opens, the arrows move, Escape closes.

    The list is read when the menu is opened (a click on the bell's box, which Enter and
    Space on the toggle are too) and, once it has been, whenever the count changes: a
    page load does not wait for a list nobody has asked to see."""
    menu = dbc.DropdownMenu(
        [
            dbc.DropdownMenuItem(_("Notifications"), header=True),
            html.Div(
                html.Div(_("Loading…"), className="px-3 py-2 text-body-secondary"),
                id=ids.NOTIFICATIONS_LIST,
                className="notifications-list",
            ),
            dbc.DropdownMenuItem(divider=True),
            dbc.DropdownMenuItem(_("Mark all as read"), id=ids.NOTIFICATIONS_READ_ALL),
        ],
        label=[
            html.I(className="bi bi-bell", **{"aria-hidden": "true"}),
            html.Span(_("Notifications"), className="visually-hidden"),
            dbc.Badge(id=ids.NAV_NOTIFICATIONS, pill=True, color="secondary", class_name="ms-1"),
        ],
        id=ids.NOTIFICATIONS_MENU,
        in_navbar=True,
        align_end=True,
        caret=False,
        color="dark",
        toggle_class_name="notifications-toggle",
        class_name="me-3",
    )
    return html.Div(
        [menu, dcc.Store(id=ids.NOTIFICATIONS_WANTED)], id=ids.NOTIFICATIONS_OPENER, n_clicks=0
    )


def badge_color(count: int) -> str:
    return "danger" if count else "secondary"


def items(rows: Sequence[Any], lang: str) -> list[Any]:
    """One entry per notification, newest first; the unread ones marked so. A click
    (or Enter) opens the order and marks the entry read."""
    if not rows:
        return [html.Div(_("No notifications"), className="px-3 py-2 text-body-secondary")]
    return [
        dbc.DropdownMenuItem(
            [
                html.Div(
                    [
                        *(
                            []
                            if row.read
                            else [html.Span(_("Unread"), className="badge text-bg-primary"), " "]
                        ),
                        localize(row.text, row.params, lang),
                    ],
                    className="fw-semibold" if not row.read else "",
                ),
                html.Small(
                    format_datetime(row.created_at, lang, short=True),
                    className="text-body-secondary",
                ),
            ],
            id={"type": ids.NOTIFICATIONS_ITEM, "id": row.id},
            class_name="text-wrap notifications-item" + ("" if row.read else " unread"),
        )
        for row in rows
    ]
