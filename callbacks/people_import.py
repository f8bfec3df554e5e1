"""The import page: the uploaded file is read once as a dry run (the preview), and
taken when the admin confirms — the same file, decided the same way."""

from __future__ import annotations

import base64
import binascii

import dash_bootstrap_components as dbc
from babel.numbers import format_decimal
from dash import Dash, Input, Output, State, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import now, refusal, require_click, success
from dashboard import ids
from dashboard.auth import actor
from dashboard.i18n import _, error_text, language
from services import people_import
from services.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
PREVIEW_LINES = 200  # lines listed; the counts are of the whole file
REFUSED_LISTED = 500


def _file(contents: object) -> bytes:
    """The bytes of an upload ("data:…;base64,…"), refused in words when it is not one."""
    if not isinstance(contents, str) or "," not in contents:
        raise DomainError("Choose a CSV file.")
    encoded = contents.split(",", 1)[1]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise DomainError("The file is larger than 20 MB; split it into parts.")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("Choose a CSV file.") from None


def _run(db, contents: object, name: object, *, dry_run: bool) -> people_import.ImportReport:
    data = _file(contents)
    source = name if isinstance(name, str) else ""
    session_of = db.read if dry_run else db.write
    with session_of() as session:
        return people_import.import_people(
            session,
            actor(),
            people_import.read_bytes(data),
            now(),
            dry_run=dry_run,
            preview_limit=PREVIEW_LINES if dry_run else 0,
            source=source,
        )


def _counts(report: people_import.ImportReport) -> html.Div:
    def badge(text: str, count: int, colour: str) -> dbc.Badge:
        figure = format_decimal(count, locale=language())
        return dbc.Badge(f"{text}: {figure}", color=colour, className="me-2")

    return html.Div(
        [
            badge(_("New"), report.new, "success"),
            badge(_("Updated"), report.updated, "info"),
            badge(_("Unchanged"), report.unchanged, "secondary"),
            badge(_("Not taken"), len(report.refused), "danger"),
        ],
        className="mb-2 fs-6",
    )


def _preview(report: people_import.ImportReport) -> html.Div:
    words = {
        people_import.NEW: _("new"),
        people_import.UPDATED: _("updated"),
        people_import.UNCHANGED: _("unchanged"),
        people_import.REFUSED: _("refused"),
    }
    reasons = {line.number: error_text(line.reason) for line in report.refused}
    lines = html.Table(
        [
            html.Thead(html.Tr([html.Th(_("Line")), html.Th(_("Person")), html.Th(_("Result"))])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(number),
                            html.Td(name),
                            html.Td(
                                [words[outcome]]
                                + ([" — ", reasons[number]] if number in reasons else []),
                                className="text-danger" if outcome == people_import.REFUSED else "",
                            ),
                        ]
                    )
                    for number, outcome, name in report.preview
                ]
            ),
        ],
        className="table table-sm",
    )
    refused = [
        html.Li(_("Line %(number)d: %(reason)s", number=line.number, reason=reasons[line.number]))
        for line in report.refused[:REFUSED_LISTED]
    ]
    more = len(report.refused) - REFUSED_LISTED
    return html.Div(
        [
            html.H2(_("What the import would do"), className="h5"),
            _counts(report),
            html.Details(
                [html.Summary(_("Refused lines")), html.Ul(refused)]
                + ([html.P(_("and %(count)d more", count=more))] if more > 0 else []),
                open=True,
                className="mb-3",
            )
            if refused
            else None,
            html.P(
                _("The first %(count)d lines:", count=len(report.preview)),
                className="text-body-secondary small mb-1",
            ),
            lines,
        ]
    )


def register(app: Dash, db) -> None:
    @app.callback(
        Output(ids.IMPORT_PREVIEW, "children"),
        Output(ids.IMPORT_FILE, "data"),
        Output(ids.IMPORT_CONFIRM, "disabled"),
        Output(ids.IMPORT_FEEDBACK, "children"),
        Input(ids.IMPORT_UPLOAD, "contents"),
        State(ids.IMPORT_UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def preview(contents, filename):
        """A dry run of the uploaded file: nothing is written."""
        if contents is None:  # the upload was cleared after an import
            raise PreventUpdate
        try:
            report = _run(db, contents, filename, dry_run=True)
        except DomainError as error:
            return refusal(error), None, True, None
        nothing = report.new + report.updated == 0
        return _preview(report), {"contents": contents, "filename": filename}, nothing, None

    @app.callback(
        Output(ids.IMPORT_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.IMPORT_CONFIRM, "disabled", allow_duplicate=True),
        Output(ids.IMPORT_FILE, "data", allow_duplicate=True),
        Output(ids.IMPORT_UPLOAD, "contents"),
        Input(ids.IMPORT_CONFIRM, "n_clicks"),
        State(ids.IMPORT_FILE, "data"),
        prevent_initial_call=True,
    )
    def confirm(_clicks, uploaded):
        require_click(ids.IMPORT_CONFIRM)
        if not isinstance(uploaded, dict):
            return refusal(DomainError("Choose a CSV file.")), True, no_update, no_update
        try:
            report = _run(db, uploaded.get("contents"), uploaded.get("filename"), dry_run=False)
        except DomainError as error:
            return refusal(error), no_update, no_update, no_update
        text = _(
            "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(refused)d refused.",
            new=report.new,
            updated=report.updated,
            unchanged=report.unchanged,
            refused=len(report.refused),
        )
        # The upload is cleared, so that the same file chosen again is read again.
        return success(text), True, None, None
