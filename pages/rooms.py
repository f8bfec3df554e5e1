"""Meeting rooms: a day's bookings room by room on a time axis, free slots between them
(SPEC §9.3). Plain blocks placed by percentage; each booking links to its order, each
block says in words what it is (readable without colour)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_date, label, language, local_time
from models.statuses import ORDER_STATUS_LABELS
from pages.components import date_input, page_header
from services.filter_values import a_date
from services.permissions import Action
from services.rooms import Booking, RoomLine, Slot, Timeline

PAGE = dict(
    path="/rooms",
    name=N_("Meeting rooms"),
    action=Action.VIEW_ROOMS,
    nav=True,
    order=35,
)


def layout(date: str | None = None, **_query: str) -> html.Div:
    """An empty shell: the date from the URL (the callback falls back to today)."""
    day = a_date(date) or local_time(datetime.now(UTC)).date()
    return html.Div(
        [
            page_header(_("Meeting rooms"), _("The day's bookings, room by room.")),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label(_("Date"), html_for=ids.ROOMS_DATE, className="small"),
                        date_input(ids.ROOMS_DATE, day.isoformat()),
                    ],
                    width="auto",
                    style={"minWidth": "12rem"},
                ),
                className="mb-3 filters",
            ),
            html.Div(dbc.Spinner(color="secondary"), id=ids.ROOMS_TIMELINE),
        ]
    )


def _hm(moment) -> str:
    return f"{local_time(moment):%H:%M}"


def _block(timeline: Timeline, start, end) -> dict[str, str]:
    left = timeline.percent(start)
    return {"left": f"{left}%", "width": f"{max(timeline.percent(end) - left, 0.4)}%"}


def _booking(timeline: Timeline, booking: Booking, lang: str) -> html.Div:
    when = f"{_hm(booking.starts_at)}–{_hm(booking.ends_at)}"
    status = label(ORDER_STATUS_LABELS, booking.status, lang)
    title = f"{when} · №{booking.number} · {booking.customer} · {status}"
    if booking.owes:
        title += " · " + _("balance due")
    return html.Div(
        dcc.Link(
            [
                html.Span(when, className="rooms-block-time"),
                html.Span(f" №{booking.number}", className="rooms-block-number"),
                html.Span(f" {booking.customer}", className="rooms-block-who"),
            ],
            href=f"/orders/{booking.number}",
            title=title,
            className="rooms-booking-link",
        ),
        className="rooms-block rooms-booking" + (" rooms-owes" if booking.owes else ""),
        style=_block(timeline, booking.starts_at, booking.ends_at),
        **{"data-order": str(booking.number)},
    )


def _free(timeline: Timeline, slot: Slot) -> html.Div:
    when = f"{_hm(slot.starts_at)}–{_hm(slot.ends_at)}"
    return html.Div(
        html.Span(_("free") + " " + when, className="rooms-free-text"),
        className="rooms-block rooms-free",
        title=_("Free") + " " + when,
        style=_block(timeline, slot.starts_at, slot.ends_at),
    )


def _line(timeline: Timeline, room: RoomLine, lang: str) -> html.Div:
    closed = []
    if room.opens_at > timeline.starts_at:
        closed.append((timeline.starts_at, room.opens_at))
    if room.closes_at < timeline.ends_at:
        closed.append((room.closes_at, timeline.ends_at))
    return html.Div(
        [
            html.Div(
                [html.Div(room.name, className="fw-semibold"), html.Small(room.building)],
                className="rooms-name",
            ),
            html.Div(
                [
                    *(
                        html.Div(
                            className="rooms-block rooms-closed",
                            style=_block(timeline, start, end),
                            title=_("Closed"),
                        )
                        for start, end in closed
                    ),
                    *(_free(timeline, slot) for slot in room.free),
                    *(_booking(timeline, booking, lang) for booking in room.bookings),
                ],
                className="rooms-track",
            ),
        ],
        className="rooms-line",
        **{"data-room-id": str(room.id), "data-bookings": str(len(room.bookings))},
    )


def timeline(data: Timeline) -> html.Div:
    """The day: the hour ticks, then one line per room."""
    lang = language()
    if not data.rooms:
        return html.P(_("There are no meeting rooms yet."), className="text-body-secondary")
    ticks = html.Div(
        [
            html.Div(
                html.Span(f"{local_time(hour):%H}:00"),
                className="rooms-tick",
                style={"left": f"{data.percent(hour)}%"},
            )
            for hour in data.hours
        ],
        className="rooms-track rooms-axis",
    )
    count = sum(len(room.bookings) for room in data.rooms)
    return html.Div(
        [
            html.P(
                [
                    format_date(data.day, lang),
                    " · ",
                    _("%(count)d bookings", count=count),
                ],
                className="text-body-secondary",
            ),
            html.Div(
                [
                    html.Div([html.Div(className="rooms-name"), ticks], className="rooms-line"),
                    *(_line(data, room, lang) for room in data.rooms),
                ],
                className="rooms-timeline",
            ),
            html.P(
                _(
                    "A booking opens its order (a dashed border: a balance is due); "
                    "a hatched gap is free; grey is closed."
                ),
                className="text-body-secondary small mt-2",
            ),
        ]
    )


def chosen_day(value: object, default: date) -> date:
    return a_date(value) or default
