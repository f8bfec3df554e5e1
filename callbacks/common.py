"""What every page's callbacks share: the acting user, the clock, and how a
service's answer or refusal is shown."""

from __future__ import annotations

from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import ctx
from dash.exceptions import PreventUpdate
from flask import request
from flask_login import current_user

from dashboard.i18n import error_text
from services.context import Actor
from services.errors import DomainError


def actor() -> Actor:
    """The logged-in staff user, as the services receive it (role read from the database)."""
    return Actor(current_user.id, current_user.name, current_user.role, request.remote_addr)


def clicked(component_id: str) -> bool:
    """Whether this callback runs because the user clicked that button.

    Dash also calls a callback when its button is first rendered (even with
    ``prevent_initial_call`` when the button arrives inside another callback's
    output); an action must never run then.
    """
    return ctx.triggered_id == component_id and bool(ctx.triggered and ctx.triggered[0]["value"])


def require_click(component_id: str) -> None:
    if not clicked(component_id):
        raise PreventUpdate


def now() -> datetime:
    return datetime.now(UTC)


def success(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", dismissable=True, className="mb-0")


def refusal(error: DomainError) -> dbc.Alert:
    """A refusal in the user's language: what is wrong and what is allowed."""
    return dbc.Alert(error_text(error), color="danger", dismissable=True, className="mb-0")
