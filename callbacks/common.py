"""What every page's callbacks share: the acting user, the clock, and how a
service's answer or refusal is shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.i18n import error_text
from pages.components import first_block_request
from services import live
from services.errors import DomainError


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


def act(db, service_call, done_text: str, version: int | None, seen: object = None):
    """Run one service call in one transaction (a write: rolled back on refusal) and
    answer (feedback, new page version): the refusal in words and no refresh, or the
    outcome and a version bump that makes the page re-read itself.

    ``seen`` is the page's seen store (services.live.seen_order): when the order changed
    since the page showed it, the action is refused as stale — also when the service
    refused it for a reason of its own first, as the page showed old facts — and the
    page re-reads itself."""
    known = version if isinstance(version, int) and not isinstance(version, bool) else 0
    order_id, seen_mark = live.parse_seen(seen)
    try:
        with db.write() as session:
            live.unless_stale(session, order_id, seen_mark, service_call)
    except live.StaleError as error:
        return refusal(error), known + 1
    except DomainError as error:
        if order_id is not None and seen_mark is not None:
            with db.read() as session:
                if live.is_stale(session, order_id, seen_mark):
                    return refusal(live.StaleError()), known + 1
        return refusal(error), no_update
    return success(done_text), known + 1


def answer_first_block_early(
    app: Dash,
    grid_id: str,
    count_id: str,
    states: list[State],
    rows: Callable[..., tuple[Any, Any]],
    columns: Callable[[], list[dict]],
) -> None:
    """Answer an infinite grid's first request as the page opens, before the grid asks.

    ``rows`` is the grid's own rows callback (the request, then ``states``' values →
    the grid's answer and its count's text). Called here with the request the grid will
    send first (``pages.components.first_block_request``), together with the page's other
    first callbacks, while the browser is still loading and building the grid: the grid
    finds its first block waiting (the answer names the request it answers:
    ``prefetched``; the vendored dash-ag-grid takes it, dashboard/vendor/README.md) and
    its count shows with it, instead of one more round trip once the grid is ready. A
    first request of another kind (the user sorted already) goes to ``rows`` as always."""
    app.callback(
        Output(grid_id, "getRowsResponse", allow_duplicate=True),
        Output(count_id, "children", allow_duplicate=True),
        Input(grid_id, "id"),
        *states,
        prevent_initial_call="initial_duplicate",
    )(_first_block(rows, columns))


def _first_block(rows, columns):
    def first_block(_grid_id: str, *values: Any):
        request = first_block_request(columns())
        response, count = rows(request, *values)
        if not isinstance(response, dict):  # refused, or nothing to answer
            return no_update, no_update
        prefetched = {key: request[key] for key in ("startRow", "endRow", "sortModel")}
        return {**response, "prefetched": prefetched}, count

    return first_block


def sync_grid_with_url(
    app: Dash, filters_store: str, sync_store: str, grid_id: str, *, other_grid: bool = False
) -> None:
    """When the filters change: put them in the URL (replaceState — no navigation, no
    re-render of the page) and make the infinite grid drop its blocks and ask again.

    On a page with two grids (``other_grid``), each store writes only its own keys into
    the query and the other grid's stay."""
    app.clientside_callback(
        """
        function (filters) {
            const params = new URLSearchParams(KEEP ? window.location.search : "");
            for (const [key, value] of Object.entries(filters || {})) {
                const text = Array.isArray(value) ? value.join(",") : value;
                if (text) { params.set(key, text); } else { params.delete(key); }
            }
            const query = params.toString();
            window.history.replaceState(window.history.state, "",
                window.location.pathname + (query ? "?" + query : ""));
            dash_ag_grid.getApiAsync("GRID_ID").then((api) => api.purgeInfiniteCache());
            return query;
        }
        """.replace("GRID_ID", grid_id).replace("KEEP", "true" if other_grid else "false"),
        Output(sync_store, "data"),
        Input(filters_store, "data"),
        prevent_initial_call=True,
    )


def open_row_on_click(
    app: Dash, grid_id: str, path_prefix: str, *, except_column: str | None = None
) -> None:
    """A click on a row opens its page: the prefix and the row's number (a row id is the
    number, or the number, a dash and what makes the row unique). A click in
    ``except_column`` is left to that column's own callback."""
    app.clientside_callback(
        """
        function (cell) {
            if (!cell || !cell.rowId || cell.colId === EXCEPT) {
                return window.dash_clientside.no_update;
            }
            return PREFIX + String(cell.rowId).split("-")[0];
        }
        """.replace("PREFIX", json.dumps(path_prefix)).replace("EXCEPT", json.dumps(except_column)),
        Output(ids.PAGES_LOCATION, "href", allow_duplicate=True),
        Input(grid_id, "cellClicked"),
        prevent_initial_call=True,
    )
