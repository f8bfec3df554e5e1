"""Events: upcoming and past, with sold and checked-in tickets (SPEC §5 "Events")."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import dash_bootstrap_components as dbc
from babel.numbers import format_decimal
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_datetime, language, local_time
from pages.components import page_header
from services.events import PAST_PAGE, EventList, EventRow
from services.permissions import Action

PAGE = dict(
    path="/events",
    name=N_("Events"),
    action=Action.VIEW_EVENTS,
    nav=True,
    order=60,
)


def layout(**_query: str) -> html.Div:
    """An empty shell; the events arrive through a callback that checks the role."""
    return html.Div(
        [
            page_header(
                _("Events"), _("Upcoming and past events with sold and checked-in tickets.")
            ),
            dcc.Store(id=ids.EVENTS_PAST_LIMIT, data=PAST_PAGE),
            html.Div(dbc.Spinner(color="secondary"), id=ids.EVENTS_BODY),
        ]
    )


def number(value: int, lang: str | None = None) -> str:
    return _decimal(value, lang or language())


@lru_cache(maxsize=4096)
def _decimal(value: int, lang: str) -> str:
    """Babel's grouped number (parsing the locale each time was a fifth of the list's
    rendering)."""
    return format_decimal(value, locale=lang)


def percent(value: float, lang: str | None = None) -> str:
    """``75%`` / ``75 %`` (Russian puts a no-break space before the sign)."""
    lang = lang or language()
    return f"{round(value)}\u00a0%" if lang == "ru" else f"{round(value)}%"


def attendance_bar(checked_in: int, sold: int, **props: object) -> dbc.Progress:
    share = 100.0 * checked_in / sold if sold else 0.0
    return dbc.Progress(
        value=share,
        label=percent(share) if checked_in else "",
        color="success",
        className="attendance-bar",
        style={"height": "1.1rem", "minWidth": "8rem"},
        **props,
    )


def attendance_cell(event: EventRow, lang: str) -> html.Div:
    """The bar of checked-in ÷ sold, and the share in figures beside it."""
    return html.Div(
        [
            dbc.Progress(
                value=event.attendance_percent,
                color="success",
                style={"height": ".6rem"},
                className="flex-grow-1",
            ),
            html.Span(
                percent(event.attendance_percent, lang) if event.sold else "—",
                className="text-end text-body-secondary small",
                style={"width": "3rem"},
            ),
        ],
        className="d-flex align-items-center gap-2",
    )


def period(starts_at: datetime, ends_at: datetime, lang: str) -> str:
    """``September 23, 2024, 19:00–21:30``; the end with its date when on another day."""
    if local_time(starts_at).date() == local_time(ends_at).date():
        return f"{format_datetime(starts_at, lang)}–{local_time(ends_at):%H:%M}"
    return f"{format_datetime(starts_at, lang)} – {format_datetime(ends_at, lang)}"


def _table(rows: list[EventRow], now: datetime, table_id: str) -> dbc.Table:
    lang = language()
    head = html.Thead(
        html.Tr(
            [
                html.Th(_("Date")),
                html.Th(_("Event")),
                html.Th(_("Hall")),
                html.Th(_("Capacity"), className="text-end text-nowrap"),
                html.Th(_("Sold"), className="text-end text-nowrap"),
                html.Th(_("Checked in"), className="text-end text-nowrap"),
                html.Th(_("Attendance"), style={"width": "14rem"}),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(period(event.starts_at, event.ends_at, lang), className="text-nowrap"),
                    html.Td(
                        [
                            dcc.Link(event.title, href=f"/events/{event.id}"),
                            html.Span(
                                _("on now"), className="badge rounded-pill status-active ms-2"
                            )
                            if event.is_on(now)
                            else None,
                        ]
                    ),
                    html.Td(event.hall, className="text-nowrap"),
                    html.Td(number(event.capacity, lang), className="text-end"),
                    html.Td(number(event.sold, lang), className="text-end"),
                    html.Td(number(event.checked_in, lang), className="text-end"),
                    html.Td(attendance_cell(event, lang)),
                ],
                **{"data-event-id": str(event.id)},
            )
            for event in rows
        ]
    )
    return dbc.Table([head, body], hover=True, responsive=True, id=table_id, className="events")


def body(listing: EventList, now: datetime) -> html.Div:
    upcoming = (
        _table(listing.upcoming, now, "events-upcoming")
        if listing.upcoming
        else html.P(_("No events are planned."), className="text-body-secondary")
    )
    past = (
        _table(listing.past, now, "events-past")
        if listing.past
        else html.P(_("No events have taken place yet."), className="text-body-secondary")
    )
    more = (
        dbc.Button(
            _("Show %(count)s more", count=min(PAST_PAGE, listing.past_total - len(listing.past))),
            id=ids.EVENTS_PAST_MORE,
            color="secondary",
            outline=True,
            size="sm",
        )
        if listing.past_total > len(listing.past)
        else None
    )
    return html.Div(
        [
            html.H2(_("Upcoming"), className="h5"),
            upcoming,
            html.H2(_("Past"), className="h5 mt-4"),
            past,
            html.Div(
                [
                    html.Span(
                        _(
                            "%(shown)s of %(total)s past events",
                            shown=len(listing.past),
                            total=listing.past_total,
                        ),
                        className="grid-count me-3",
                    ),
                    more,
                ],
                className="d-flex align-items-center",
            )
            if listing.past
            else None,
        ]
    )
