"""Pages that follow what others change (SPEC §9.3 "Live"): a clientside callback per
page from the shell's ``live-revision`` store (dashboard/assets/live.js) to the page's
own refresh — its version store, or its grid refreshed in place. Nothing runs on the
server unless a change concerns the page: 50 open tabs do not all reload on every
write.

``tables`` are the tables whose changes the page shows (models/changes.py names a
change by its table). A page of one order or ticket passes its ``seen`` store
({"order": id, "mark": …}, written when it was shown): then only changes of that
order concern it, and its actions are refused when the mark is stale
(``services.live.unless_stale``)."""

from __future__ import annotations

import json

from dash import Dash, Input, Output, State, ctx

from dashboard import ids

# What a ticket, a booking or a payment changes: the lists, the floor and Today.
BOOKINGS = ("orders", "coworking_tickets", "payments", "persons")
MONEY = ("orders", "payments")
EVENT_TICKETS = ("event_tickets", "orders", "payments", "persons")
FLOOR = ("orders", "coworking_tickets", "payments", "seats", "rooms")
TODAY = (
    "orders",
    "coworking_tickets",
    "payments",
    "persons",
    "messages",
    "events",
    "event_tickets",
)


def refresh_on_change(
    app: Dash, version_store: str, tables: tuple[str, ...], seen_store: str | None = None
) -> None:
    """Bump ``version_store`` (which the page's load callback listens to) when a change
    concerns the page."""
    seen = [State(seen_store, "data")] if seen_store else []
    app.clientside_callback(
        """
        function (revision, version, seen) {
            const live = window.dash_clientside.parkdesk_live;
            return live.bump(revision, version, seen || null, TABLES);
        }
        """.replace("TABLES", json.dumps(list(tables))),
        Output(version_store, "data", allow_duplicate=True),
        Input(ids.LIVE_REVISION, "data"),
        State(version_store, "data"),
        *seen,
        prevent_initial_call=True,
    )


def already_shown(version_store: str, seen: object, shown: object) -> bool:
    """Whether a page of one order, asked to read itself again by ``version_store``,
    holds what it shows already: the order's mark is the one the page was drawn at. A
    poll can bring the page's own action's change before the page has its new mark;
    drawing the page again would replace its buttons and fields under the user."""
    return ctx.triggered_id == version_store and seen is not None and seen == shown


def refresh_grid_on_change(app: Dash, grid_id: str, sync_store: str, tables: tuple[str, ...]):
    """Ask an infinite grid for its rows again, in place, when a change concerns it."""
    app.clientside_callback(
        """
        function (revision) {
            return window.dash_clientside.parkdesk_live.refreshGrid(revision, GRID, TABLES);
        }
        """.replace("GRID", json.dumps(grid_id)).replace("TABLES", json.dumps(list(tables))),
        Output(sync_store, "data", allow_duplicate=True),
        Input(ids.LIVE_REVISION, "data"),
        prevent_initial_call=True,
    )
