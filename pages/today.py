"""Today: what needs the desk now, section by section, each row a link to the ticket,
order or event it is about (SPEC §9.3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_date, format_money, label, language, local_time
from models.statuses import ORDER_STATUS_LABELS, SERVICE_TYPE_LABELS
from pages.components import page_header
from pages.events import attendance_bar
from services.events import EventRow
from services.permissions import Action
from services.today import DueBooking, OpenRequest, Part, Section, Today, VisitorTicket

PAGE = dict(
    path="/today",
    name=N_("Today"),
    action=Action.VIEW_TODAY,
    nav=True,
    order=12,
)


def layout(**_query: str) -> html.Div:
    """An empty shell; the sections arrive through a callback that checks the role."""
    return html.Div(
        [
            page_header(_("Today"), _("What needs the desk now.")),
            html.Div(dbc.Spinner(color="secondary"), id=ids.TODAY_BODY),
        ]
    )


def _time(moment: datetime) -> str:
    return f"{local_time(moment):%H:%M}"


def _span(start: datetime, end: datetime, day) -> str:
    """``09:00–18:00`` within the day; a period over several days with its dates."""
    first, last = local_time(start), local_time(end)
    if first.date() == day and last.date() == day:
        return f"{first:%H:%M}–{last:%H:%M}"
    return f"{first:%d.%m %H:%M} – {last:%d.%m %H:%M}"


def _row(href: str, main: Sequence, side: Sequence, *, tone: str = "") -> html.Li:
    return html.Li(
        dcc.Link(
            [
                html.Div(main, className="today-row-main"),
                html.Div(side, className="today-row-side text-body-secondary small"),
            ],
            href=href,
            className=f"today-row list-group-item list-group-item-action {tone}".strip(),
        ),
        className="list-unstyled",
    )


def _ticket(ticket: VisitorTicket, day, note: str) -> html.Li:
    return _row(
        f"/tickets/{ticket.number}",
        [
            html.Strong(ticket.visitor),
            html.Span(f" · {ticket.room}, {ticket.seat}", className="text-body-secondary"),
        ],
        [
            html.Span(_span(ticket.period_start, ticket.period_end, day)),
            html.Span(f" · {_('Ticket')} №{ticket.number}"),
            html.Span(f" · {note}") if note else None,
        ],
    )


def _due(row: DueBooking, day, lang: str) -> html.Li:
    return _row(
        f"/orders/{row.number}",
        [
            html.Strong(row.customer),
            html.Span(f" · {row.place}", className="text-body-secondary"),
        ],
        [
            html.Span(
                _("Balance %(amount)s", amount=format_money(row.balance_kopecks, lang)),
                className="fw-semibold text-body",
            ),
            html.Span(f" · {label(SERVICE_TYPE_LABELS, row.service_type, lang)}"),
            html.Span(f" · {_span(row.starts_at, row.ends_at, day)}"),
            html.Span(f" · {_('Order')} №{row.number}"),
        ],
    )


def _request(row: OpenRequest, lang: str) -> html.Li:
    when = _("Deadline %(when)s", when=f"{format_date(row.deadline, lang)}, {_time(row.deadline)}")
    return _row(
        f"/orders/{row.number}",
        [
            html.Strong(_("Overdue") + " · ", className="text-danger") if row.overdue else None,
            html.Strong(row.service),
            html.Span(f" · {row.customer}", className="text-body-secondary"),
        ],
        [
            html.Span(when, className="fw-semibold text-body" if row.overdue else ""),
            html.Span(f" · {label(ORDER_STATUS_LABELS, row.status, lang)}"),
            html.Span(f" · {row.executor or _('no executor')}"),
            html.Span(f" · {_('Order')} №{row.number}"),
        ],
        tone="today-overdue" if row.overdue else "",
    )


def _event(event: EventRow, day) -> html.Li:
    return _row(
        f"/events/{event.id}",
        [
            html.Strong(event.title),
            html.Span(f" · {event.hall}", className="text-body-secondary"),
        ],
        [
            html.Span(_span(event.starts_at, event.ends_at, day)),
            html.Span(
                " · "
                + _(
                    "%(checked_in)d checked in of %(sold)d sold",
                    checked_in=event.checked_in,
                    sold=event.sold,
                )
            ),
            html.Div(attendance_bar(event.checked_in, event.sold), className="mt-1"),
        ],
    )


TITLES = {
    Part.ARRIVALS: N_("Arrivals"),
    Part.IN_HOUSE: N_("In the house"),
    Part.NO_SHOWS: N_("No-shows"),
    Part.UNPAID: N_("Balances due on today's bookings"),
    Part.REQUESTS: N_("Open requests"),
    Part.EVENTS: N_("Today's events"),
}
HINTS = {
    Part.ARRIVALS: N_("Coworking tickets starting today, not yet validated."),
    Part.IN_HOUSE: N_("Active tickets whose visitor was validated."),
    Part.NO_SHOWS: N_("Started over 30 minutes ago and not validated."),
    Part.UNPAID: N_("Orders that owe, with a booking today."),
    Part.REQUESTS: N_("Service orders with a deadline, the overdue first."),
    Part.EVENTS: N_("Check-in progress: checked in of sold."),
}
EMPTY = {
    Part.ARRIVALS: N_("Nobody else is expected today."),
    Part.IN_HOUSE: N_("Nobody is in the house."),
    Part.NO_SHOWS: N_("No no-shows."),
    Part.UNPAID: N_("Today's bookings are paid up."),
    Part.REQUESTS: N_("No open requests with a deadline."),
    Part.EVENTS: N_("No events today."),
}


def section(part: str, data: Section, render: Callable[[object], html.Li]) -> html.Section:
    """A card titled with the count; its rows, "and N more" past the limit, or the empty
    state."""
    body: list = [html.P(_(HINTS[part]), className="text-body-secondary small mb-2")]
    if data.rows:
        body.append(html.Ul([render(row) for row in data.rows], className="list-group mb-0"))
        if data.more:
            body.append(
                html.P(
                    _("and %(count)d more", count=data.more),
                    className="text-body-secondary small mt-2 mb-0 today-more",
                )
            )
    else:
        body.append(html.P(_(EMPTY[part]), className="mb-0 today-empty"))
    return html.Section(
        dbc.Card(
            [
                dbc.CardHeader(
                    html.H2(
                        [_(TITLES[part]), " ", dbc.Badge(str(data.total), className="today-count")],
                        className="h6 mb-0",
                    )
                ),
                dbc.CardBody(body),
            ],
            className="h-100",
        ),
        id=ids.today_section(part),
        className="h-100",
        **{"data-count": str(data.total)},
    )


def body(data: Today | None) -> html.Div:
    """The sections of the role, two a row on a wide screen."""
    if data is None or not data.parts:
        return html.P(_("Nothing here for your role."), className="text-body-secondary")
    lang = language()
    day = data.day
    renderers: dict[str, tuple[Section | None, Callable]] = {
        Part.ARRIVALS: (data.arrivals, lambda row: _ticket(row, day, _("awaited"))),
        Part.IN_HOUSE: (
            data.in_house,
            lambda row: _ticket(row, day, _("validated at %(time)s", time=_time(row.validated_at))),
        ),
        Part.NO_SHOWS: (
            data.no_shows,
            lambda row: _ticket(row, day, _("since %(time)s", time=_time(row.period_start))),
        ),
        Part.UNPAID: (data.unpaid, lambda row: _due(row, day, lang)),
        Part.REQUESTS: (data.requests, lambda row: _request(row, lang)),
        Part.EVENTS: (data.events, lambda row: _event(row, day)),
    }
    cards = [
        dbc.Col(section(part, renderers[part][0], renderers[part][1]), lg=6)
        for part in data.parts
        if renderers[part][0] is not None
    ]
    return html.Div(
        [
            html.P(format_date(day, lang), className="text-body-secondary"),
            dbc.Row(cards, className="g-3"),
        ]
    )
