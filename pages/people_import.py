"""Import people from CSV (SPEC §9.2): upload, see what each line would do, confirm."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _
from pages.components import page_header
from services.permissions import Action

PAGE = dict(
    path="/import",
    name=N_("Import"),
    action=Action.IMPORT_PEOPLE,
    nav=True,
    nav_group="setup",
    order=85,
)


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            page_header(
                _("Import people"),
                _(
                    "Bring your customer list in from a CSV file: one line a person with "
                    "the columns name (last, first, middle), phone, e-mail, company; UTF-8, "
                    "separated by ; or ,. People are matched by phone or e-mail, so the same "
                    "file imported twice changes nothing."
                ),
            ),
            dcc.Upload(
                id=ids.IMPORT_UPLOAD,
                children=html.Div(
                    [
                        html.Strong(_("Drop a CSV file here")),
                        html.Span(" " + _("or click to choose one") + " "),
                        html.Span(_("(up to 20 MB)"), className="text-body-secondary"),
                    ]
                ),
                accept=".csv,text/csv,text/plain",
                className="import-drop border rounded p-4 mb-3 text-center",
            ),
            dcc.Store(id=ids.IMPORT_FILE),
            dcc.Loading(html.Div(id=ids.IMPORT_PREVIEW, className="mb-3"), type="dot"),
            dbc.Button(
                _("Import these people"),
                id=ids.IMPORT_CONFIRM,
                color="primary",
                disabled=True,
                className="mb-3",
            ),
            dcc.Loading(html.Div(id=ids.IMPORT_FEEDBACK), type="dot"),
        ]
    )
