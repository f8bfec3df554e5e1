"""Small layout pieces that several pages share."""

from __future__ import annotations

from collections.abc import Iterable

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_datetime, labels, language, translate
from services.audit import AuditRow

# A filter typed into asks for rows once the typing pauses, not at every key.
DEBOUNCE_SECONDS = 0.35

ACTION_LABELS = {
    "ticket.validate": N_("Identity checked"),
    "ticket.reset_validation": N_("Identity check reset"),
    "ticket.change_visitor": N_("Visitor changed"),
    "ticket.change_seat": N_("Seat changed"),
    "order.record_payment": N_("Payment recorded"),
    "order.refund_payment": N_("Refund recorded"),
    "order.record_refund": N_("Refund recorded"),
    "order.close": N_("Order closed"),
    "order.cancel": N_("Order cancelled"),
    "order.assign_executor": N_("Executor assigned"),
    "order.message": N_("Message written"),
    "order.create_coworking": N_("Order created"),
    "order.issue_invoice": N_("Invoice issued"),
    "order.start_work": N_("Taken into work"),
    "order.finish_work": N_("Marked as done"),
    "order.complete": N_("Completed"),
    "order.return_to_work": N_("Returned to work"),
    "order.auto_complete": N_("Completed automatically"),
    "event_ticket.check_in": N_("Checked in"),
    "event_ticket.revert_check_in": N_("Check-in reverted"),
}


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


def forbidden(reason: str | None = None) -> html.Div:
    return html.Div(
        [
            page_header(_("No access")),
            dbc.Alert(
                [html.Strong(reason)]
                if reason
                else [
                    html.Strong(_("Your role may not open this page.")),
                    " ",
                    _("Ask an administrator if you need it for your work."),
                ],
                color="warning",
                id=ids.PAGE_FORBIDDEN,
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
                id=ids.PAGE_NOT_FOUND,
            ),
            dbc.Button(_("Back to the overview"), href="/", color="primary", outline=True),
        ]
    )


def field(name: str, value: object) -> html.Div:
    """A label and its value, one per line, in a details card."""
    return html.Div([html.Div(name, className="detail-label"), html.Div(value)], className="mb-2")


def audit_table(rows: list[AuditRow], id: str) -> html.Div:
    """Who did what and when, newest first."""
    if not rows:
        return html.Div(
            _("Nothing has been done to it in Parkdesk yet."),
            id=id,
            className="text-body-secondary",
        )
    lang = language()
    return html.Div(
        dbc.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_("When")),
                            html.Th(_("Who")),
                            html.Th(_("What")),
                            html.Th(_("From address")),
                        ]
                    )
                ),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td(format_datetime(row.at, lang)),
                                html.Td(row.user_name or _("Parkdesk")),
                                html.Td(translate(ACTION_LABELS.get(row.action, row.action))),
                                html.Td(row.address or "—"),
                            ]
                        )
                        for row in rows
                    ]
                ),
            ],
            size="sm",
            hover=True,
            className="audit-table",
        ),
        id=id,
    )


def chart_config() -> dict:
    """dcc.Graph's config for every chart: no plotly logo, a sharp PNG download, and the
    axes' dates and numbers and the mode bar's words in the user's language (the
    vendored plotly.js carries its Russian locale: scripts/plotly_bundle)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2},
        "locale": language(),
    }


def dropdown_labels() -> dict[str, str]:
    """dcc.Dropdown's own words (its defaults are English) in the user's language."""
    return {
        "select_all": _("Select all"),
        "deselect_all": _("Deselect all"),
        # The dropdown puts the number in place of {num_selected}.
        "selected_count": _("{num_selected} selected"),
        "search": _("Search"),
        "clear_search": _("Clear search"),
        "clear_selection": _("Clear selection"),
        "no_options_found": _("No options found"),
    }


def row_id_getter(field: str) -> str:
    """AG Grid's getRowId for a row field: AG Grid wants a string (warning #25 for a
    number), and the rows carry numbers. (dash-ag-grid evaluates the expression itself,
    without JavaScript's globals: ``String(…)`` would be undefined, ``+ ""`` is not.)"""
    return f'params.data.{field} + ""'


# The rows of one block an infinite grid asks for at a time.
BLOCK_ROWS = 100


def first_block_request(columns: list[dict]) -> dict:
    """The first request an infinite grid with these columns sends, as AG Grid sends it:
    the first block, sorted as the columns say by default, no filter of the grid's own
    (the page's filters live in its store). ``callbacks.common.answer_first_block_early``
    answers it before the grid asks."""
    return {
        "startRow": 0,
        "endRow": BLOCK_ROWS,
        "sortModel": [
            {"colId": column.get("colId", column.get("field")), "sort": column["sort"]}
            for column in columns
            if column.get("sort")
        ],
        "filterModel": {},
    }


def infinite_grid(
    grid_id: str,
    columns: list[dict],
    *,
    empty: str,
    filter_keys: Iterable[str] = (),
    height: str = "calc(100vh - 270px)",
    row_id: str = "number",
) -> dag.AgGrid:
    """A server-side grid: AG Grid's infinite row model asks for blocks of 100 rows,
    which a callback answers from SQL; sorting is done there too. ``row_id`` names the
    field of a row that identifies it.

    With no rows the grid says ``empty`` (there is nothing yet), or that nothing matches
    when one of its filters is set: ``filter_keys`` are their names in the page's
    address (assets/grid.js, ``NoRows``)."""
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True},
        rowModelType="infinite",
        getRowId=row_id_getter(row_id),
        dashGridOptions={
            "rowBuffer": 0,
            "cacheBlockSize": BLOCK_ROWS,
            "maxBlocksInCache": 10,
            "infiniteInitialRowCount": 1,
            "maxConcurrentDatasourceRequests": 1,
            "rowHeight": 40,
            # AG Grid's own words, in the user's language (its "no rows" is ours: NoRows).
            "localeText": {"loadingOoo": _("Loading…")},
            "noRowsOverlayComponent": "NoRows",
            "noRowsOverlayComponentParams": {
                "keys": list(filter_keys),
                "filtered": _("Nothing matches these filters."),
                "empty": empty,
            },
        },
        style={"height": height, "minHeight": "360px"},
    )


# Filter rows above the grids ---------------------------------------------------------


def filter_row(fields: list, *, spaced: bool = False) -> dbc.Row:
    """The filters of a grid, one labelled field a column (``filter_field``)."""
    return dbc.Row(fields, className="filters g-2 " + ("mb-3" if spaced else "mb-2"))


def filter_field(title: str | None, control, width: int | str | bool) -> dbc.Col:
    """One filter: its label (tied to a typed-in control, so a click on it focuses the
    control) above the control; no title for a button or a switch, aligned at the bottom."""
    if title is None:
        return dbc.Col(control, md=width, className="d-flex align-items-end")
    typed = isinstance(control, dcc.Input)
    label = dbc.Label(title, html_for=control.id if typed else None)
    return dbc.Col([label, control], md=width)


def search_input(component_id: str, value: str, placeholder: str, *, numeric: bool = False):
    """A typed filter (a number or part of a name), debounced."""
    return dcc.Input(
        id=component_id,
        value=value,
        type="search",
        debounce=DEBOUNCE_SECONDS,
        className="form-control",
        placeholder=placeholder,
        autoComplete="off",
        inputMode="numeric" if numeric else "text",
    )


def number_filter(component_id: str, value: str, example: str, width: int) -> dbc.Col:
    """A filter by (the first digits of) a number; ``example`` shows what one looks like."""
    return filter_field(
        _("Number"), search_input(component_id, value, example, numeric=True), width
    )


def name_filter(title: str, component_id: str, value: str, width: int) -> dbc.Col:
    """A filter by part of a person's name."""
    return filter_field(title, search_input(component_id, value, _("Part of the name")), width)


def date_input(component_id: str, value: str) -> dcc.Input:
    return dcc.Input(id=component_id, value=value, type="date", className="form-control date-input")


def label_options(table: dict) -> list[dict]:
    """The options of a filter of codes (statuses, types, methods), in the user's words."""
    return [{"label": text, "value": code} for code, text in labels(table).items()]


def multi_select(component_id: str, options: list[dict], value: list, placeholder: str):
    """A filter that takes several codes (statuses, types, methods) in the user's words."""
    return dcc.Dropdown(
        id=component_id,
        labels=dropdown_labels(),
        options=options,
        value=value,
        multi=True,
        placeholder=placeholder,
    )


def reset_button(component_id: str) -> dbc.Button:
    return dbc.Button(
        [html.I(className="bi bi-x-circle me-1"), _("Reset filters")],
        id=component_id,
        color="link",
        size="sm",
    )
