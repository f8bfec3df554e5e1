"""The frame around every page: the navbar built from the page registry and
the role of the current user, and the role guard of every page."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from dashboard import delivery, ids
from dashboard.dash_compat import page_container_showing, query_parameters
from dashboard.dash_compat import path_to_page as _path_to_page  # the router's own matching
from dashboard.i18n import _, label, language, translate
from models.statuses import ROLE_LABELS
from pages import PAGE_MODULES
from pages.components import forbidden
from pages.notifications import bell
from services import live
from services.permissions import can

PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})


def page_key(page: dict[str, Any]) -> str:
    return page["module"].rsplit(".", 1)[-1].replace("_", "-")


def nav_pages(user: Any) -> list[dict[str, Any]]:
    """The pages of the navbar that this user's role may open, in order."""
    return [
        page
        for page in dash.page_registry.values()
        if page.get("nav") and can(user, page["action"])
    ]


def _navbar() -> dbc.Navbar:
    lang = language()
    pages = nav_pages(current_user)
    links: list[Any] = [
        dbc.NavItem(
            dbc.NavLink(
                translate(page["name"]),
                href=page["relative_path"],
                active="exact",
                id=ids.nav_link(page_key(page)),
            )
        )
        for page in pages
        if not page.get("nav_group")
    ]
    # The pages an operator opens while setting the house up, not every day: one menu,
    # so that the admin's navbar stays one line in either language.
    setup = [page for page in pages if page.get("nav_group") == "setup"]
    if setup:
        links.append(
            dbc.DropdownMenu(
                [
                    dbc.DropdownMenuItem(
                        translate(page["name"]),
                        href=page["relative_path"],
                        id=ids.nav_link(page_key(page)),
                    )
                    for page in setup
                ],
                label=_("Setup"),
                id=ids.NAV_SETUP,
                nav=True,
                in_navbar=True,
            )
        )
    languages = dbc.ButtonGroup(
        [
            dbc.Button(
                "EN",
                id=ids.NAV_LANG_EN,
                size="sm",
                outline=lang != "en",
                color="light",
                title="English",
            ),
            dbc.Button(
                "RU",
                id=ids.NAV_LANG_RU,
                size="sm",
                outline=lang != "ru",
                color="light",
                title="Русский",
            ),
        ],
        className="me-3",
    )
    user = html.Span(
        [
            html.Span(current_user.name, id=ids.NAV_USER, className="fw-semibold"),
            html.Small(" · " + label(ROLE_LABELS, current_user.role, lang), className="opacity-75"),
        ],
        className="navbar-text text-light me-3",
    )
    logout = html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            dbc.Button(
                _("Log out"), id=ids.LOGOUT, type="submit", size="sm", color="light", outline=True
            ),
        ],
        action="/logout",
        method="POST",
        className="d-inline",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Parkdesk", href="/"),
                dbc.NavbarToggler(id=ids.NAV_TOGGLER),
                dbc.Collapse(
                    [
                        dbc.Nav(links, navbar=True, className="me-auto"),
                        html.Div(
                            [bell(), languages, user, logout],
                            className="d-flex align-items-center",
                        ),
                    ],
                    id=ids.NAV_COLLAPSE,
                    navbar=True,
                    is_open=False,
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="lg",
        className="mb-3",
    )


def layout() -> html.Div:
    """The app layout, built per request for the logged-in user (no data, no I/O
    beyond the user the guard has already loaded)."""
    if not current_user.is_authenticated:  # the guard answers 401 first; never shown
        return html.Div()
    # The revision the page is built at, read before any of its data: live.js polls from
    # it, so a change committed while the page loads is not missed.
    with current_app.extensions["parkdesk_db"].read() as session:
        revision = live.revision(session).token
    return html.Div(
        [
            dcc.Store(id=ids.SHELL_LANGUAGE),
            dcc.Store(id=ids.LIVE_REVISION),
            html.Div(id=ids.LIVE_START, hidden=True, **{"data-token": revision}),
            dcc.Store(id=ids.NOTIFICATIONS_VERSION, data=0),
            _navbar(),
            dbc.Container(
                [
                    dbc.Alert(
                        id=ids.SHELL_ALERT,
                        is_open=False,
                        color="warning",
                        dismissable=True,
                        className="mt-3",
                    ),
                    _page_container(),
                ],
                fluid=True,
                className="pb-5",
            ),
        ]
    )


def _page_container() -> html.Div:
    """Dash pages' container; with the page already in it when a page of this app asks
    for the app's layout (its address is the request's Referer): the page then shows
    with the first layout instead of one round trip of the router's later."""
    address = _page_address()
    if address is None:
        return dash.page_container
    pathname, search = address
    content, title = page_at(pathname, search)
    return page_container_showing(pathname, search, content, title)


def _page_address() -> tuple[str, str] | None:
    """The path and query string of the page that asked for the app's layout (the
    browser sends its address as the Referer: the app's Referrer-Policy is same-origin),
    or None for any other request."""
    if not request.path.endswith("/_dash-layout") or not request.referrer:
        return None
    address = urlsplit(request.referrer)
    if address.netloc != request.host or not address.path:
        return None
    return address.path, f"?{address.query}" if address.query else ""


def page_entry(pathname: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The registry entry of the page at a path and its path variables, as Dash's router
    finds them: the 404 page when none matches."""
    page, variables = _path_to_page(dash.get_app().strip_relative_path(pathname))
    if not page:
        return _not_found_page(), {}
    return page, variables or {}


def _not_found_page() -> dict[str, Any]:
    return next(entry for entry in dash.page_registry.values() if _is_not_found(entry))


def _is_not_found(page: dict[str, Any]) -> bool:
    return page["module"].endswith("not_found_404")


def page_at(pathname: str, search: str) -> tuple[Any, str]:
    """The layout and title of the page at an address, as Dash's router shows it (the
    404 page when none matches)."""
    page, variables = page_entry(pathname)
    # As the router merges them: a query parameter wins over a path variable.
    layout = page["layout"](**{**variables, **query_parameters(search)})
    title = page["title"](**variables) if callable(page["title"]) else page["title"]
    return layout, title


def guarded(page_layout: Callable[..., Any], action: str | None) -> Callable[..., Any]:
    """The page's layout, or a "no access" page when the role may not open it."""

    def layout(**kwargs: Any) -> Any:
        if action is not None and not can(current_user, action):
            return forbidden()
        return page_layout(**kwargs)

    return layout


def register_pages() -> None:
    """Register every page of ``pages.PAGE_MODULES`` with Dash: its ``PAGE`` entry, its
    layout behind the role guard, and a translated title.

    Called by the app factory once the Dash app exists (Dash refuses pages before). The
    registry is Dash's, per process: registering again replaces each entry, so every app a
    process creates (tests make many) sees the same pages.
    """
    for name in PAGE_MODULES:
        module = importlib.import_module(name)
        page = module.PAGE
        dash.register_page(
            name,
            layout=guarded(module.layout, page.get("action")),
            title=lambda _name=page["name"], **_kw: f"{translate(_name)} · Parkdesk",
            **page,
        )


def page_status(response):
    """Full page loads answer 404 for unknown addresses and 403 for pages the
    role may not open; the browser still gets the app, which shows why."""
    if (
        request.endpoint not in PAGE_ENDPOINTS
        or response.status_code != 200
        or not current_user.is_authenticated
    ):
        return response
    page, _variables = page_entry(request.path)
    if _is_not_found(page):
        response.status_code = 404
    elif page.get("action") and not can(current_user, page["action"]):
        response.status_code = 403
    return response


def preload_page_chunks(app: dash.Dash) -> None:
    """The HTML of a page names, as preloads, the lazy chunks its own layout will load
    (``delivery.preload_tags``): its grid's, its dropdowns', its charts'. Worked out
    from the layout the page shows at this address to this user, so only what it will
    use (a preload left unused is a console warning)."""
    interpolate = app.interpolate_index
    prefix = app.config.requests_pathname_prefix

    def with_preloads(**parts: str) -> str:
        if request.endpoint in PAGE_ENDPOINTS and current_user.is_authenticated:
            query = request.query_string.decode("latin-1")
            layout, _title = page_at(request.path, f"?{query}" if query else "")
            parts["css"] += delivery.preload_app_tags(prefix)
            parts["css"] += delivery.preload_tags(layout, prefix)
        return interpolate(**parts)

    app.interpolate_index = with_preloads
