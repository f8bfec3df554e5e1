"""The floor plan (SPEC §9.3): a coworking room's seats where the catalog placed them,
each coloured, marked and labelled by its state at the chosen moment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import (
    N_,
    _,
    format_datetime,
    format_money,
    format_period,
    label,
    language,
    local_time,
)
from pages.components import page_header
from services.floor import SEAT_STATE_LABELS, FloorPlan, FloorRoom, SeatState
from services.permissions import Action

PAGE = dict(
    path="/floor",
    name=N_("Floor plan"),
    action=Action.VIEW_FLOOR,
    nav=True,
    order=35,
)

# Each state's mark, besides its colour: an icon in the tile and a pattern behind it
# (dashboard/assets/floor.css), so the plan reads without colour too.
STATE_ICONS = {
    SeatState.FREE: "bi-circle",
    SeatState.BOOKED: "bi-bookmark-fill",
    SeatState.OCCUPIED: "bi-person-fill",
    SeatState.NO_SHOW: "bi-person-x-fill",
    SeatState.UNPAID: "bi-currency-exchange",
}
STATES = (
    SeatState.FREE,
    SeatState.BOOKED,
    SeatState.UNPAID,
    SeatState.OCCUPIED,
    SeatState.NO_SHOW,
)


def moment_value(moment: datetime) -> str:
    """A moment as a datetime-local input shows it: the operator's local time."""
    return local_time(moment).strftime("%Y-%m-%dT%H:%M")


def layout(room: str = "", at: str = "", **_query: str) -> html.Div:
    """An empty shell: the rooms and the plan arrive through one callback that checks
    the role. The moment is now unless the address names one (``?at=``)."""
    return html.Div(
        [
            page_header(_("Floor plan")),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_("Room"), html_for=ids.FLOOR_ROOM),
                            dbc.Select(id=ids.FLOOR_ROOM, options=[], value=room or None),
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_("Moment"), html_for=ids.FLOOR_AT),
                            dbc.Input(
                                id=ids.FLOOR_AT,
                                type="datetime-local",
                                value=at or moment_value(datetime.now(UTC)),
                            ),
                        ],
                        md=3,
                    ),
                    dbc.Col(legend(), md=True, className="d-flex align-items-end"),
                ],
                className="filters g-2 mb-3",
            ),
            html.Div(
                dbc.Spinner(size="sm", color="secondary"),
                id=ids.FLOOR_SUMMARY,
                className="small text-body-secondary mb-2",
                role="status",
            ),
            dcc.Store(id=ids.FLOOR_PLAN),
            dcc.Store(id=ids.FLOOR_DRAWN),
            dcc.Store(id=ids.FLOOR_VERSION, data=0),
            # Whether the plan shows "now" (no moment asked for): a live refresh then
            # moves the moment on to the present.
            dcc.Store(id=ids.FLOOR_FOLLOW, data=not at),
            # Drawn by dashboard/assets/floor.js from FLOOR_PLAN; no React children.
            html.Div(
                id=ids.FLOOR_MAP,
                className="floor-map",
                role="region",
                **{"aria-label": _("Floor plan")},
            ),
        ]
    )


def legend() -> html.Ul:
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(
                        html.I(className=f"bi {STATE_ICONS[state]}"),
                        className=f"floor-swatch floor-{state.value}",
                        **{"aria-hidden": "true"},
                    ),
                    label(SEAT_STATE_LABELS, state),
                ],
                className="floor-legend-item",
            )
            for state in STATES
        ],
        id=ids.FLOOR_LEGEND,
        className="floor-legend list-unstyled d-flex flex-wrap gap-3 mb-1",
    )


def room_options(rows: list[FloorRoom]) -> list[dict[str, str]]:
    """A native select's options: the room's name (with its building when two buildings
    have a room of that name)."""
    names = [row.name for row in rows]
    return [
        {
            "label": row.name if names.count(row.name) == 1 else f"{row.name} ({row.building})",
            "value": str(row.id),
        }
        for row in rows
    ]


def plan_data(data: FloorPlan) -> dict[str, Any]:
    """The room as the browser draws it (dashboard/assets/floor.js): per seat ``[id, name,
    state, x, y, in use, ticket number or None, hover text, label for screen readers,
    icon]``, the texts in the reader's language. Data, not components: Dash's renderer
    takes seconds for the thousand components of 500 seats; the script, milliseconds.

    Hovering a seat says the seat, its state, the visitor, the period, the ticket and
    any balance due. Each message is translated once for the room (the catalog's lookup
    costs more than the rest of a seat), then filled in per seat."""
    lang = language()
    names = {state: label(SEAT_STATE_LABELS, state, lang) for state in SeatState}
    seat_text, ticket_text = _("Seat %(number)s"), _("Ticket %(number)s")
    due_text = _("balance due %(amount)s")
    periods: dict[tuple[datetime, datetime], str] = {}  # tickets share periods: format once
    seats = []
    for seat in data.seats:
        state, ticket = names[seat.state], seat.ticket
        name = seat.label or seat_text % {"number": seat.number}
        hover = [name, state]
        if ticket is not None:
            key = (ticket.period_start, ticket.period_end)
            if key not in periods:
                periods[key] = format_period(*key, lang)
            hover += [ticket.visitor, periods[key], ticket_text % {"number": ticket.number}]
            if ticket.balance_kopecks > 0:
                hover.append(due_text % {"amount": format_money(ticket.balance_kopecks, lang)})
        seats.append(
            [
                seat.id,
                name,
                seat.state.value,
                seat.x,
                seat.y,
                seat.active,
                None if ticket is None else ticket.number,
                " · ".join(hover),
                f"{name}: {state}",
                STATE_ICONS[seat.state],
            ]
        )
    return {"columns": data.columns, "seats": seats}


def summary(data: FloorPlan) -> str | html.P:
    """The counts by state, at the moment shown (or what to do about a room with no
    seat)."""
    if not data.seats:
        return html.P(
            _("This room has no seats yet: the administrator adds them in the catalog."),
            className="text-body-secondary floor-empty mb-0",
        )
    counts = ", ".join(
        f"{label(SEAT_STATE_LABELS, state)}: {data.counts[state]}" for state in STATES
    )
    return f"{data.room_name}, {format_datetime(data.at)} — {counts}"


def no_room(any_room: bool) -> html.P:
    return html.P(
        _("Choose a room.")
        if any_room
        else _("There is no coworking room yet: the administrator adds one in the catalog."),
        className="text-body-secondary floor-empty mb-0",
    )
