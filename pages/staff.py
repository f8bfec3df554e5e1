"""Staff accounts (SPEC §9.2): the accounts in a grid; one form adds an account or, for
the account clicked in the grid, changes its role, resets its password, deactivates or
activates it."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_datetime, label, labels, language
from models.statuses import ROLE_LABELS
from pages.components import page_header, row_id_getter
from services.permissions import Action
from services.staff_admin import StaffRow

PAGE = dict(
    path="/staff",
    name=N_("Staff"),
    action=Action.VIEW_STAFF,
    nav=True,
    nav_group="setup",
    order=80,
)

HIDDEN = "d-none"


def layout(**_query: str) -> html.Div:
    """The grid, and where the form opens; the accounts arrive through a callback."""
    return html.Div(
        [
            page_header(_("Staff"), _("Staff accounts and their roles.")),
            dcc.Store(id=ids.STAFF_VERSION, data=0),
            dcc.Store(id=ids.STAFF_ACCOUNT, data=None),
            dbc.Button(
                [html.I(className="bi bi-person-plus me-1"), _("Add a staff member")],
                id=ids.STAFF_ADD,
                color="primary",
                className="mb-3",
            ),
            html.Div(id=ids.STAFF_FORM, className="mb-3"),
            html.Div(id=ids.STAFF_FEEDBACK, className="mb-3", role="status"),
            dag.AgGrid(
                id=ids.STAFF_GRID,
                columnDefs=[
                    {"field": "name", "headerName": _("Name"), "flex": 2},
                    {"field": "email", "headerName": _("E-mail"), "flex": 2},
                    {"field": "role", "headerName": _("Role"), "flex": 1},
                    {"field": "state", "headerName": _("Status"), "flex": 1},
                    {
                        "field": "last_login",
                        "headerName": _("Last login"),
                        "flex": 1,
                        "valueFormatter": {"function": "params.data.last_login_text"},
                    },
                ],
                defaultColDef={"sortable": True, "resizable": True},
                rowData=[],
                getRowId=row_id_getter("id"),
                dashGridOptions={
                    # A click opens the account (cellClicked); from the keyboard, Space
                    # on a row selects it, which opens it too.
                    "rowSelection": {
                        "mode": "singleRow",
                        "checkboxes": False,
                        "enableClickSelection": False,
                    },
                    "rowHeight": 40,
                    "domLayout": "autoHeight",
                    "localeText": {
                        "noRowsToShow": _("No staff accounts yet."),
                        "loadingOoo": _("Loading…"),
                    },
                },
            ),
        ]
    )


def grid_rows(rows: list[StaffRow]) -> list[dict]:
    """The accounts as grid rows: role and state in the user's words, the last login
    formatted in the user's language (sorted by its ISO time)."""
    lang = language()
    return [
        {
            "id": str(row.id),
            "name": row.name,
            "email": row.email,
            "role": label(ROLE_LABELS, row.role, lang),
            "state": _("Active") if row.active else _("Deactivated"),
            "last_login": row.last_login.isoformat() if row.last_login else "",
            "last_login_text": format_datetime(row.last_login, lang, short=True)
            if row.last_login
            else "—",
        }
        for row in rows
    ]


def _labelled(text: str, component, md: int) -> dbc.Col:
    return dbc.Col([dbc.Label(text, html_for=component.id), component], md=md)


def _shown(visible: bool) -> str:
    return "" if visible else HIDDEN


def staff_form(account: StaffRow | None) -> dbc.Card:
    """The form for a new account (``account`` None) or for one account. Every element
    is there in both modes (the callbacks read them all), hidden where it does not apply."""
    new = account is None
    role_options = [{"label": text, "value": code} for code, text in labels(ROLE_LABELS).items()]
    if new:
        title = _("New staff member")
    else:
        last_login = format_datetime(account.last_login, short=True) if account.last_login else "—"
        title = [
            account.name,
            dbc.Badge(
                _("Active") if account.active else _("Deactivated"),
                color="success" if account.active else "secondary",
                className="ms-2 align-middle",
            ),
            html.Small(
                f"{_('Last login')}: {last_login}",
                className="ms-3 fw-normal text-body-secondary",
            ),
        ]
    fields = dbc.Row(
        [
            _labelled(
                _("E-mail"),
                dbc.Input(
                    id=ids.STAFF_EMAIL,
                    type="email",
                    value="" if new else account.email,
                    disabled=not new,
                    autoComplete="off",
                    autoFocus=new,
                ),
                md=4,
            ),
            _labelled(
                _("Name"),
                dbc.Input(
                    id=ids.STAFF_NAME,
                    value="" if new else account.name,
                    disabled=not new,
                    autoComplete="off",
                ),
                md=4,
            ),
            _labelled(
                _("Role"),
                dbc.Select(
                    id=ids.STAFF_ROLE,
                    options=role_options,
                    value=None if new else account.role,
                    placeholder=_("Choose…"),
                ),
                md=4,
            ),
        ],
        className="g-2",
    )
    password = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(
                        _("Initial password") if new else _("New password"),
                        html_for=ids.STAFF_PASSWORD,
                    ),
                    dbc.InputGroup(
                        [
                            dbc.Input(
                                id=ids.STAFF_PASSWORD,
                                type="password",
                                value="",
                                autoComplete="new-password",
                            ),
                            dbc.Button(
                                _("Reset the password"),
                                id=ids.STAFF_RESET_PASSWORD,
                                color="secondary",
                                outline=True,
                                className=_shown(not new),
                            ),
                        ]
                    ),
                    dbc.FormText(
                        _("At least 4 characters.")
                        if new
                        else _("A new password logs the account out everywhere.")
                    ),
                ],
                md=6,
            ),
        ],
        className="g-2 mt-1",
    )
    active = bool(account and account.active)
    buttons = html.Div(
        [
            dbc.Button(
                _("Add the account") if new else _("Change the role"),
                id=ids.STAFF_SAVE,
                color="primary",
            ),
            dbc.Button(
                _("Deactivate"),
                id=ids.STAFF_DEACTIVATE,
                color="danger",
                outline=True,
                className=_shown(not new and active),
            ),
            dbc.Button(
                _("Activate"),
                id=ids.STAFF_ACTIVATE,
                color="success",
                outline=True,
                className=_shown(not new and not active),
            ),
            dbc.Button(_("Cancel"), id=ids.STAFF_CANCEL, color="link"),
        ],
        className="d-flex flex-wrap gap-2 mt-3",
    )
    confirm = html.Div(
        dbc.Alert(
            [
                html.Div(
                    _(
                        "Deactivate %(name)s? The account is logged out everywhere and "
                        "cannot log in until it is activated again.",
                        name=account.name if account else "",
                    ),
                    className="mb-2",
                ),
                dbc.Button(
                    _("Yes, deactivate"),
                    id=ids.STAFF_DEACTIVATE_CONFIRM,
                    color="danger",
                    className="me-2",
                ),
                dbc.Button(_("Keep it active"), id=ids.STAFF_CONFIRM_CANCEL, color="link"),
            ],
            color="warning",
            className="mb-0 mt-3",
        ),
        id=ids.STAFF_CONFIRM,
        hidden=True,
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(title, className="h5 mb-0")),
            dbc.CardBody([fields, password, buttons, confirm]),
        ]
    )
