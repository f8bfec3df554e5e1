"""The events pages: the list, the check-in desk with its ticket grid, and one ticket."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks import live
from callbacks.common import (
    answer_first_block_early,
    now,
    open_row_on_click,
    refusal,
    require_click,
    success,
    sync_grid_with_url,
)
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import _, error_text, format_datetime, language, local_time, ngettext
from pages import event as desk_page
from pages import event_ticket as ticket_page
from pages import events as list_page
from pages.components import forbidden, not_found
from services import audit, events
from services.errors import DomainError, NotFound
from services.events import CheckInRefused, TicketFilters, TicketState
from services.permissions import Action, can

MAX_PAST = 10_000


def _next(version: object) -> int:
    """The grid's next refresh number (whatever the browser sent as the last one)."""
    return version + 1 if isinstance(version, int) else 1


def register(app: Dash, db: Database) -> None:
    _register_list(app, db)
    _register_desk(app, db)
    _register_grid(app, db)
    _register_ticket(app, db)


def _register_list(app: Dash, db: Database) -> None:
    @app.callback(Output(ids.EVENTS_BODY, "children"), Input(ids.EVENTS_PAST_LIMIT, "data"))
    def show_events(limit: int | None):
        if not can(current_user, Action.VIEW_EVENTS):
            return forbidden()
        limit = limit if isinstance(limit, int) else events.PAST_PAGE
        moment = now()
        with db.read() as session:
            listing = events.list_events(session, moment, max(0, min(limit, MAX_PAST)))
        return list_page.body(listing, moment)

    @app.callback(
        Output(ids.EVENTS_PAST_LIMIT, "data"),
        Input(ids.EVENTS_PAST_MORE, "n_clicks"),
        State(ids.EVENTS_PAST_LIMIT, "data"),
        prevent_initial_call=True,
    )
    def show_more(_clicks, limit: int | None):
        require_click(ids.EVENTS_PAST_MORE)
        limit = limit if isinstance(limit, int) else events.PAST_PAGE
        return min(limit + events.PAST_PAGE, MAX_PAST)


def _register_desk(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.EVENT_HEADER, "children"),
        Output(ids.EVENT_DESK, "hidden"),
        Output(ids.EVENT_TICKETS, "hidden"),
        Output(ids.CHECKIN_COUNTER, "children"),
        Output(ids.CHECKIN_PROGRESS, "value"),
        Output(ids.CHECKIN_PROGRESS, "label"),
        Output(ids.EVENT_REFRESH, "disabled"),
        Input(ids.EVENT_ID, "data"),
    )
    def show_event(event_id: str | None):
        hidden = (True, True, no_update, no_update, no_update, True)
        if not can(current_user, Action.VIEW_EVENTS):
            return forbidden(), *hidden
        moment = now()
        try:
            with db.read() as session:
                event = events.get_event(session, event_id)
        except NotFound as error:
            return not_found(error_text(error)), *hidden
        return (
            desk_page.header(event, moment),
            not can(current_user, Action.CHECK_IN),
            False,
            desk_page.counter(event.checked_in, event.sold),
            desk_page.share(event.checked_in, event.sold),
            desk_page.share_label(event.checked_in, event.sold),
            False,
        )

    @app.callback(
        Output(ids.CHECKIN_COUNTER, "children", allow_duplicate=True),
        Output(ids.CHECKIN_PROGRESS, "value", allow_duplicate=True),
        Output(ids.CHECKIN_PROGRESS, "label", allow_duplicate=True),
        Input(ids.EVENT_REFRESH, "n_intervals"),
        State(ids.EVENT_ID, "data"),
        prevent_initial_call=True,
    )
    def follow_other_doors(_ticks, event_id: str | None):
        if not can(current_user, Action.VIEW_EVENTS):
            raise PreventUpdate
        try:
            number = events.parse_event_id(event_id)
        except NotFound as error:
            raise PreventUpdate from error
        with db.read() as session:
            checked_in, sold = events.attendance(session, number)
        return (
            desk_page.counter(checked_in, sold),
            desk_page.share(checked_in, sold),
            desk_page.share_label(checked_in, sold),
        )

    @app.callback(
        Output(ids.CHECKIN_RESULT, "children"),
        Output(ids.CHECKIN_RESULT, "className"),
        Output(ids.CHECKIN_INPUT, "value"),
        Output(ids.CHECKIN_COUNTER, "children", allow_duplicate=True),
        Output(ids.CHECKIN_PROGRESS, "value", allow_duplicate=True),
        Output(ids.CHECKIN_PROGRESS, "label", allow_duplicate=True),
        Output(ids.EVENT_TICKETS_REFRESH, "data"),
        Input(ids.CHECKIN_INPUT, "n_submit"),
        State(ids.CHECKIN_INPUT, "value"),
        State(ids.EVENT_ID, "data"),
        State(ids.EVENT_TICKETS_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def scan(_submits, code: str | None, event_id: str | None, refresh: int | None):
        """One scan (or a typed number) and Enter: one check-in, its answer at once, and
        the field emptied for the next person."""
        require_click(ids.CHECKIN_INPUT)
        code = code.strip() if isinstance(code, str) else ""
        if not code:
            raise PreventUpdate
        moment = now()
        try:
            number = events.parse_event_id(event_id)
            with db.write() as session:
                result = events.check_in(session, actor(), number, code, moment)
        except CheckInRefused as error:
            children, classes = desk_page.refused(
                error.reason, error_text(error), error.params.get("attendee")
            )
            return children, classes, "", no_update, no_update, no_update, no_update
        except DomainError as error:
            children, classes = desk_page.refused(None, error_text(error), None)
            return children, classes, "", no_update, no_update, no_update, no_update
        children, classes = desk_page.admitted(
            result.attendee, result.ticket_number, f"{local_time(moment):%H:%M}"
        )
        return (
            children,
            classes,
            "",
            desk_page.counter(result.checked_in, result.sold),
            desk_page.share(result.checked_in, result.sold),
            desk_page.share_label(result.checked_in, result.sold),
            _next(refresh),
        )

    # The field keeps the focus: after every answer, when the desk appears, and when
    # the revert dialog has closed (react-bootstrap gives the focus back to the grid
    # after its closing animation, so wait for that).
    app.clientside_callback(
        """
        function () {
            const triggered = window.dash_clientside.callback_context.triggered || [];
            const closing = triggered.some((t) => t.prop_id === "MODAL.is_open");
            window.setTimeout(() => {
                const field = document.getElementById("FIELD");
                if (field && !document.querySelector(".modal.show")) { field.focus(); }
            }, closing ? 400 : 0);
            return window.dash_clientside.no_update;
        }
        """.replace("MODAL", ids.EVENT_REVERT_MODAL).replace("FIELD", ids.CHECKIN_INPUT),
        Output(ids.EVENT_FOCUS, "data"),
        Input(ids.CHECKIN_RESULT, "children"),
        Input(ids.EVENT_DESK, "hidden"),
        Input(ids.EVENT_REVERT_MODAL, "is_open"),
        prevent_initial_call=True,
    )


def _register_grid(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.EVENT_TICKETS_FILTERS, "data"),
        Input(ids.EVENT_TICKETS_SEARCH, "value"),
        Input(ids.EVENT_TICKETS_STATE, "value"),
        prevent_initial_call=True,
    )
    def collect_filters(search: str | None, state: str | None) -> dict[str, str]:
        return TicketFilters.parse({"q": search, "state": state}).query()

    sync_grid_with_url(
        app, ids.EVENT_TICKETS_FILTERS, ids.EVENT_TICKETS_SYNC, ids.EVENT_TICKETS_GRID
    )
    live.refresh_grid_on_change(
        app, ids.EVENT_TICKETS_GRID, ids.EVENT_TICKETS_SYNC, live.EVENT_TICKETS
    )

    # After a check-in or a revert here: the grid asks for its rows again.
    app.clientside_callback(
        """
        function (version) {
            dash_ag_grid.getApiAsync("GRID").then((api) => api.purgeInfiniteCache());
            return window.dash_clientside.no_update;
        }
        """.replace("GRID", ids.EVENT_TICKETS_GRID),
        Output(ids.EVENT_TICKETS_SYNC, "data", allow_duplicate=True),
        Input(ids.EVENT_TICKETS_REFRESH, "data"),
        prevent_initial_call=True,
    )

    # A click on a row opens its ticket; a click on "Revert check-in" asks first.
    open_row_on_click(app, ids.EVENT_TICKETS_GRID, "/event-tickets/", except_column="revert")

    @app.callback(
        Output(ids.EVENT_TICKETS_GRID, "getRowsResponse"),
        Output(ids.EVENT_TICKETS_COUNT, "children"),
        Input(ids.EVENT_TICKETS_GRID, "getRowsRequest"),
        State(ids.EVENT_TICKETS_FILTERS, "data"),
        State(ids.EVENT_ID, "data"),
        # The grid asks once it is ready; nothing to answer before.
        prevent_initial_call=True,
    )
    def rows(request: dict | None, filters: dict | None, event_id: str | None):
        if request is None or not can(current_user, Action.VIEW_EVENTS):
            return no_update, no_update
        try:
            number = events.parse_event_id(event_id)
        except NotFound:
            return {"rowData": [], "rowCount": 0}, ""
        lang = language()
        may_revert = can(current_user, Action.CHECK_IN)
        with db.read() as session:
            found, count = events.list_tickets(
                session, number, TicketFilters.parse(filters), request
            )
        data = [
            {
                "number": str(row.number),  # AG Grid wants row ids as strings
                "attendee": row.attendee,
                "order": row.order_number,
                "status": ticket_page.STATE_COLOURS.get(row.state, "new"),
                "state_label": ticket_page.state_label(row.state),
                "checked_in_at": format_datetime(row.checked_in_at, lang, short=True)
                if row.checked_in_at
                else "",
                "checked_in_by": row.checked_in_by or "",
                "revert": _("Revert check-in")
                if may_revert and row.state == TicketState.CHECKED_IN
                else "",
            }
            for row in found
        ]
        summary = ngettext("%(num)d ticket", "%(num)d tickets", count)
        return {"rowData": data, "rowCount": count}, summary

    answer_first_block_early(
        app,
        ids.EVENT_TICKETS_GRID,
        ids.EVENT_TICKETS_COUNT,
        [State(ids.EVENT_TICKETS_FILTERS, "data"), State(ids.EVENT_ID, "data")],
        rows,
        desk_page.columns,
    )

    @app.callback(
        Output(ids.EVENT_REVERT_MODAL, "is_open"),
        Output(ids.EVENT_REVERT_TEXT, "children"),
        Output(ids.EVENT_REVERT_NUMBER, "data"),
        Input(ids.EVENT_TICKETS_GRID, "cellClicked"),
        prevent_initial_call=True,
    )
    def ask_to_revert(cell: dict | None):
        if not isinstance(cell, dict) or cell.get("colId") != "revert":
            raise PreventUpdate
        if not can(current_user, Action.CHECK_IN):
            raise PreventUpdate
        try:
            with db.read() as session:
                ticket = events.get_ticket(session, cell.get("rowId"))
        except NotFound as error:
            raise PreventUpdate from error
        if ticket.checked_in_at is None:
            raise PreventUpdate
        text = _(
            "Ticket №%(number)s of %(attendee)s was checked in at %(time)s by %(by)s. "
            "After the revert the ticket can be scanned again.",
            number=ticket.number,
            attendee=ticket.attendee,
            time=format_datetime(ticket.checked_in_at),
            by=ticket.checked_in_by or "—",
        )
        return True, text, ticket.number

    @app.callback(
        Output(ids.EVENT_REVERT_MODAL, "is_open", allow_duplicate=True),
        Output(ids.EVENT_FEEDBACK, "children"),
        Output(ids.CHECKIN_COUNTER, "children", allow_duplicate=True),
        Output(ids.CHECKIN_PROGRESS, "value", allow_duplicate=True),
        Output(ids.CHECKIN_PROGRESS, "label", allow_duplicate=True),
        Output(ids.EVENT_TICKETS_REFRESH, "data", allow_duplicate=True),
        Input(ids.EVENT_REVERT_CONFIRM, "n_clicks"),
        State(ids.EVENT_REVERT_NUMBER, "data"),
        State(ids.EVENT_TICKETS_REFRESH, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.EVENT_REVERT_CONFIRM, "disabled"), True, False)],
    )
    def revert(_clicks, number: object, refresh: int | None):
        require_click(ids.EVENT_REVERT_CONFIRM)
        try:
            ticket_number = events.parse_id(number, events.TICKET_NOT_FOUND)
            with db.write() as session:
                result = events.revert_check_in(session, actor(), ticket_number, now())
        except DomainError as error:
            return False, refusal(error), no_update, no_update, no_update, no_update
        done = success(
            _(
                "The check-in of ticket №%(number)s (%(attendee)s) is reverted.",
                number=result.ticket_number,
                attendee=result.attendee,
            )
        )
        return (
            False,
            done,
            desk_page.counter(result.checked_in, result.sold),
            desk_page.share(result.checked_in, result.sold),
            desk_page.share_label(result.checked_in, result.sold),
            _next(refresh),
        )


def _register_ticket(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.EVENT_TICKET_BODY, "children"),
        Input(ids.EVENT_TICKET_NUMBER, "data"),
    )
    def show_ticket(number: str | None):
        if not can(current_user, Action.VIEW_EVENTS):
            return forbidden()
        try:
            with db.read() as session:
                view = events.get_ticket(session, number)
                trail = audit.trail(session, "event_ticket", view.number)
        except NotFound as error:
            return not_found(error_text(error))
        return ticket_page.body(view, trail, show_order_link=can(current_user, Action.VIEW_ORDERS))

    app.clientside_callback(
        "function (clicks) { if (clicks) { window.print(); } return null; }",
        Output(ids.EVENT_TICKET_PRINTED, "data"),
        Input(ids.EVENT_TICKET_PRINT, "n_clicks"),
        prevent_initial_call=True,
    )
