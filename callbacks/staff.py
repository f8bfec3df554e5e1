"""The Staff page: the accounts grid, the form (a new account, or the account clicked),
and one callback per action, each one service call in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy.orm import Session

from callbacks import inputs
from callbacks.common import clicked, now, refusal, require_click, success
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import _, label
from models.statuses import ROLE_LABELS
from pages import staff as page
from services import staff_admin
from services.errors import DomainError, NotFound, PermissionDenied
from services.permissions import Action, can
from services.staff import StaffMember


def _may() -> bool:
    return can(current_user, Action.MANAGE_STAFF)


def _account(value: object) -> int:
    """The account id the form holds, or 0 (which the services refuse in words)."""
    return inputs.record_id(value) or 0


def _answer(db: Database, call: Callable[[Session], StaffMember], done, version):
    """(feedback, new version): the refusal in words and nothing written, or what was done
    and a version bump (the grid reads itself again, the form closes)."""
    if not _may():
        return refusal(PermissionDenied("Your role may not do this.")), no_update
    try:
        with db.write() as session:
            member = call(session)
    except DomainError as error:
        return refusal(error), no_update
    return success(done(member)), inputs.counter(version) + 1


def _chosen_row(cell: object, selected: object) -> int | None:
    """The account of the row clicked (``cellClicked``) or selected from the keyboard
    (Space: ``selectedRows``), by which of the two changed."""
    changed = {item["prop_id"] for item in ctx.triggered}
    if f"{ids.STAFF_GRID}.cellClicked" in changed and isinstance(cell, dict):
        return inputs.record_id(cell.get("rowId"))
    if isinstance(selected, list) and len(selected) == 1 and isinstance(selected[0], dict):
        return inputs.record_id(selected[0].get("id"))
    return None


def _role(member: StaffMember) -> str:
    return label(ROLE_LABELS, member.role)


def register(app: Dash, db: Database) -> None:
    @app.callback(Output(ids.STAFF_GRID, "rowData"), Input(ids.STAFF_VERSION, "data"))
    def rows(_version):
        if not _may():
            raise PreventUpdate
        with db.read() as session:
            return page.grid_rows(staff_admin.list_staff(session, actor()))

    @app.callback(
        Output(ids.STAFF_FORM, "children"),
        Output(ids.STAFF_ACCOUNT, "data"),
        Output(ids.STAFF_FEEDBACK, "children"),
        Input(ids.STAFF_GRID, "cellClicked"),
        Input(ids.STAFF_ADD, "n_clicks"),
        Input(ids.STAFF_VERSION, "data"),
        Input(ids.STAFF_GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def open_form(cell, _add, _version, selected):
        """A new account's form, the clicked account's (without the last answer), or none
        (done: the answer stays). A closed form is gone, not hidden: an opened one is the
        only one in the page."""
        if not _may():
            raise PreventUpdate
        if ctx.triggered_id == ids.STAFF_VERSION:
            return None, None, no_update
        if clicked(ids.STAFF_ADD):
            return page.staff_form(None), None, None
        if ctx.triggered_id != ids.STAFF_GRID:
            raise PreventUpdate
        account_id = _chosen_row(cell, selected)
        if account_id is None:
            raise PreventUpdate
        try:
            with db.read() as session:
                account = staff_admin.get_staff(session, actor(), account_id)
        except NotFound as error:
            raise PreventUpdate from error
        return page.staff_form(account), account.id, None

    # Every input of a callback must be in the page for it to run: the form's own
    # buttons (absent while it is closed) have callbacks of their own.
    app.clientside_callback(
        """
        function (clicks) {
            return clicks ? [null, null, null] : window.dash_clientside.no_update;
        }
        """,
        Output(ids.STAFF_FORM, "children", allow_duplicate=True),
        Output(ids.STAFF_ACCOUNT, "data", allow_duplicate=True),
        Output(ids.STAFF_FEEDBACK, "children", allow_duplicate=True),
        Input(ids.STAFF_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        """
        function (_ask, _keep) {
            const asked = window.dash_clientside.callback_context.triggered_id;
            return asked !== "STAFF_DEACTIVATE";
        }
        """.replace("STAFF_DEACTIVATE", ids.STAFF_DEACTIVATE),
        Output(ids.STAFF_CONFIRM, "hidden"),
        Input(ids.STAFF_DEACTIVATE, "n_clicks"),
        Input(ids.STAFF_CONFIRM_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )

    feedback = (
        Output(ids.STAFF_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.STAFF_VERSION, "data", allow_duplicate=True),
    )

    @app.callback(
        *feedback,
        Input(ids.STAFF_SAVE, "n_clicks"),
        State(ids.STAFF_ACCOUNT, "data"),
        State(ids.STAFF_EMAIL, "value"),
        State(ids.STAFF_NAME, "value"),
        State(ids.STAFF_ROLE, "value"),
        State(ids.STAFF_PASSWORD, "value"),
        State(ids.STAFF_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.STAFF_SAVE, "disabled"), True, False)],
    )
    def save(_clicks, account, email, name, role, password, version):
        """A new account (the form holds none), or the account's new role."""
        require_click(ids.STAFF_SAVE)
        role = inputs.text(role)
        if account is None:
            return _answer(
                db,
                lambda session: staff_admin.add_staff(
                    session,
                    actor(),
                    email=inputs.text(email),
                    name=inputs.text(name),
                    role=role,
                    password=inputs.text(password),
                    now=now(),
                ),
                lambda m: _("%(email)s is added as %(role)s.", email=m.email, role=_role(m)),
                version,
            )
        return _answer(
            db,
            lambda session: staff_admin.change_role(
                session, actor(), _account(account), role, now()
            ),
            lambda m: _("%(name)s is now %(role)s.", name=m.name, role=_role(m)),
            version,
        )

    @app.callback(
        *feedback,
        Input(ids.STAFF_RESET_PASSWORD, "n_clicks"),
        State(ids.STAFF_ACCOUNT, "data"),
        State(ids.STAFF_PASSWORD, "value"),
        State(ids.STAFF_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.STAFF_RESET_PASSWORD, "disabled"), True, False)],
    )
    def reset_password(_clicks, account, password, version):
        require_click(ids.STAFF_RESET_PASSWORD)
        return _answer(
            db,
            lambda session: staff_admin.reset_password(
                session, actor(), _account(account), inputs.text(password), now()
            ),
            lambda m: _(
                "The password of %(name)s is reset; the account is logged out everywhere.",
                name=m.name,
            ),
            version,
        )

    @app.callback(
        *feedback,
        Input(ids.STAFF_DEACTIVATE_CONFIRM, "n_clicks"),
        State(ids.STAFF_ACCOUNT, "data"),
        State(ids.STAFF_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.STAFF_DEACTIVATE_CONFIRM, "disabled"), True, False)],
    )
    def deactivate(_clicks, account, version):
        require_click(ids.STAFF_DEACTIVATE_CONFIRM)
        return _answer(
            db,
            lambda session: staff_admin.set_active(
                session, actor(), _account(account), False, now()
            ),
            lambda m: _("%(name)s is deactivated and logged out everywhere.", name=m.name),
            version,
        )

    @app.callback(
        *feedback,
        Input(ids.STAFF_ACTIVATE, "n_clicks"),
        State(ids.STAFF_ACCOUNT, "data"),
        State(ids.STAFF_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.STAFF_ACTIVATE, "disabled"), True, False)],
    )
    def activate(_clicks, account, version):
        require_click(ids.STAFF_ACTIVATE)
        return _answer(
            db,
            lambda session: staff_admin.set_active(
                session, actor(), _account(account), True, now()
            ),
            lambda m: _("%(name)s may log in again.", name=m.name),
            version,
        )
