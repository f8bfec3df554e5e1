"""Today: what needs the desk now, section by section, each row a link to the ticket,
order or event it is about (SPEC §9.3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_date, format_money, labels, language, local_time
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
            dcc.Store(id=ids.TODAY_VERSION, data=0),
            html.Div(dbc.Spinner(color="secondary"), id=ids.TODAY_BODY),
        ]
    )


def _time(moment: datetime) -> str:
    return f"{local_time(moment):%H:%M}"


def _when(moment: datetime, day) -> str:
    """``14:05`` today, ``28.11 14:05`` on another day."""
    local = local_time(moment)
    return f"{local:%H:%M}" if local.date() == day else f"{local:%d.%m %H:%M}"


def _span(start: datetime, end: datetime, day) -> str:
    """``09:00–18:00`` within the day; a period over several days with its dates."""
    first, last = local_time(start), local_time(end)
    if first.date() == day and last.date() == day:
        return f"{first:%H:%M}–{last:%H:%M}"
    return f"{first:%d.%m %H:%M} – {last:%d.%m %H:%M}"


# A row is one link of two components (a section holds dozens of them, and each
# component costs the server and the browser): the bold name, then the rest of its line
# and, on a line of its own (white-space: pre-line), the details, which the page's style
# sets smaller and quieter than the first line (parkdesk.css, .today-row).


def _row(href: str, name: str, rest: str, details: str, *, tone: str = "") -> dcc.Link:
    return dcc.Link(
        [html.Strong(name), f" · {rest}\n{details}" if rest else f"\n{details}"],
        href=href,
        className=f"today-row list-group-item list-group-item-action {tone}".strip(),
    )


def _ticket(ticket: VisitorTicket, day, note: str, words: dict[str, str]) -> dcc.Link:
    period = _span(ticket.period_start, ticket.period_end, day)
    return _row(
        f"/tickets/{ticket.number}",
        ticket.visitor,
        f"{ticket.room}, {ticket.seat}",
        f"{period} · {words['ticket']} №{ticket.number} · {note}",
    )


def _due(row: DueBooking, day, words: dict[str, str]) -> dcc.Link:
    balance = words["balance"] % {"amount": format_money(row.balance_kopecks, words["lang"])}
    kind = words[row.service_type]
    period = _span(row.starts_at, row.ends_at, day)
    return _row(
        f"/orders/{row.number}",
        row.customer,
        row.place,
        f"{balance} · {kind} · {period} · {words['order']} №{row.number}",
    )


def _request(row: OpenRequest, day, words: dict[str, str]) -> dcc.Link:
    when = words["deadline"] % {"when": _when(row.deadline, day)}
    status = words[row.status]
    executor = row.executor or words["no executor"]
    return _row(
        f"/orders/{row.number}",
        (words["overdue"] + " · " if row.overdue else "") + row.service,
        row.customer,
        f"{when} · {status} · {executor} · {words['order']} №{row.number}",
        tone="today-overdue" if row.overdue else "",
    )


def _event(event: EventRow, day) -> dcc.Link:
    progress = _(
        "%(checked_in)d checked in of %(sold)d sold",
        checked_in=event.checked_in,
        sold=event.sold,
    )
    return dcc.Link(
        [
            html.Strong(event.title),
            f" · {event.hall}",
            html.Div(
                f"{_span(event.starts_at, event.ends_at, day)} · {progress}",
                className="text-body-secondary small",
            ),
            attendance_bar(event.checked_in, event.sold),
        ],
        href=f"/events/{event.id}",
        className="today-row list-group-item list-group-item-action",
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


def section(part: str, data: Section, render: Callable[[object], dcc.Link]) -> html.Section:
    """A card titled with the count; its rows, "and N more" past the limit, or the empty
    state."""
    body: list = [html.P(_(HINTS[part]), className="text-body-secondary small mb-2")]
    if data.rows:
        body.append(html.Div([render(row) for row in data.rows], className="list-group mb-0"))
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
    # Every word a row uses, translated once for the page, not once a row.
    words = {
        "lang": lang,
        "ticket": _("Ticket"),
        "order": _("Order"),
        "overdue": _("Overdue"),
        "no executor": _("no executor"),
        "balance": _("Balance %(amount)s"),
        "deadline": _("Deadline %(when)s"),
        "awaited": _("awaited"),
        "validated": _("validated at %(time)s"),
        "since": _("since %(time)s"),
        **labels(SERVICE_TYPE_LABELS, lang),
        **labels(ORDER_STATUS_LABELS, lang),
    }
    renderers: dict[str, tuple[Section | None, Callable]] = {
        Part.ARRIVALS: (data.arrivals, lambda row: _ticket(row, day, words["awaited"], words)),
        Part.IN_HOUSE: (
            data.in_house,
            lambda row: _ticket(
                row, day, words["validated"] % {"time": _when(row.validated_at, day)}, words
            ),
        ),
        Part.NO_SHOWS: (
            data.no_shows,
            lambda row: _ticket(
                row, day, words["since"] % {"time": _when(row.period_start, day)}, words
            ),
        ),
        Part.UNPAID: (data.unpaid, lambda row: _due(row, day, words)),
        Part.REQUESTS: (data.requests, lambda row: _request(row, day, words)),
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
