"""The floor plan (SPEC §9.3): a coworking room's seats where the catalog placed them,
each coloured, marked and labelled by its state at the chosen moment."""

from __future__ import annotations

from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_datetime, format_money, format_period, label, local_time
from pages.components import page_header
from services.floor import SEAT_STATE_LABELS, FloorPlan, FloorRoom, FloorSeat, SeatState
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
            html.Div(id=ids.FLOOR_SUMMARY, className="small text-body-secondary mb-2"),
            html.Div(
                dbc.Spinner(color="secondary"),
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


def seat_name(seat: FloorSeat) -> str:
    return seat.label or _("Seat %(number)s", number=seat.number)


def _title(seat: FloorSeat, state: str) -> str:
    """What hovering a seat says: the seat, its state, the visitor and the period."""
    parts = [seat_name(seat), state]
    ticket = seat.ticket
    if ticket is not None:
        parts += [
            ticket.visitor,
            format_period(ticket.period_start, ticket.period_end),
            _("Ticket %(number)s", number=ticket.number),
        ]
        if ticket.balance_kopecks > 0:
            parts.append(_("balance due %(amount)s", amount=format_money(ticket.balance_kopecks)))
    return " · ".join(parts)


def _tile(seat: FloorSeat, names: dict[SeatState, str]) -> html.Div:
    state = names[seat.state]
    name = seat_name(seat)
    inside = [
        html.I(className=f"bi {STATE_ICONS[seat.state]} floor-icon", **{"aria-hidden": "true"}),
        html.Span(name, className="floor-seat-name"),
        html.Span(state, className="visually-hidden"),
    ]
    if seat.ticket is not None:
        body = dcc.Link(inside, href=f"/tickets/{seat.ticket.number}", className="floor-seat-link")
    else:
        body = html.Span(inside, className="floor-seat-link")
    return html.Div(
        body,
        className=f"floor-seat floor-{seat.state.value}"
        + ("" if seat.active else " floor-seat-retired"),
        title=_title(seat, state),
        style={"gridColumn": seat.x + 1, "gridRow": seat.y + 1},
        **{
            "data-seat-id": str(seat.id),
            "data-seat-label": name,
            "data-state": seat.state.value,
        },
    )


def plan(data: FloorPlan) -> html.Div | html.P:
    """Every seat of the room in its cell, in one piece (one callback draws the room)."""
    if not data.seats:
        return html.P(
            _("This room has no seats yet: the administrator adds them in the catalog."),
            className="text-body-secondary floor-empty",
        )
    names = {state: label(SEAT_STATE_LABELS, state) for state in SeatState}
    return html.Div(
        [_tile(seat, names) for seat in data.seats],
        className="floor-grid",
        style={"gridTemplateColumns": f"repeat({data.columns}, minmax(4.25rem, 1fr))"},
    )


def summary(data: FloorPlan) -> str:
    """The counts by state, at the moment shown."""
    counts = ", ".join(
        f"{label(SEAT_STATE_LABELS, state)}: {data.counts[state]}" for state in STATES
    )
    return f"{data.room_name}, {format_datetime(data.at)} — {counts}"


def no_room(any_room: bool) -> html.P:
    return html.P(
        _("Choose a room.")
        if any_room
        else _("There is no coworking room yet: the administrator adds one in the catalog."),
        className="text-body-secondary floor-empty",
    )
