"""Overview: today's figures, each linking to the list that explains it (SPEC §5)."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_money, language
from models.statuses import CLOSED_STATUSES, NEW_STATUSES, OrderStatus
from pages.components import page_header
from services.overview import WORK_TYPES, Overview
from services.permissions import Action

PAGE = dict(
    path="/",
    name=N_("Overview"),
    action=Action.VIEW_OVERVIEW,
    nav=True,
    order=10,
)

OPEN_STATUSES = ",".join(sorted(s.value for s in OrderStatus if s not in CLOSED_STATUSES))


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            page_header(_("Overview")),
            html.Div(dbc.Spinner(color="secondary"), id=ids.OVERVIEW_FIGURES),
        ]
    )


def _card(figure_id: str, title: str, value: str, detail: str, href: str) -> dbc.Col:
    return dbc.Col(
        dcc.Link(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(title, className="detail-label"),
                        html.Div(value, id=figure_id, className="display-6 my-1"),
                        html.Div(detail, className="text-body-secondary small"),
                    ]
                ),
                className="h-100 figure-card",
            ),
            href=href,
            className="text-reset text-decoration-none",
        ),
        md=6,
        lg=3,
    )


def _orders_link(**query: str) -> str:
    return "/orders?" + urlencode(query)


def setup_note(may_set_up: bool) -> dbc.Alert:
    """What a house with nothing on sale does next: the administrator sets it up (the
    catalog, the staff, the customers); anybody else is told who will."""
    if not may_set_up:
        return dbc.Alert(
            _(
                "Nothing is on sale yet: an administrator sets up the buildings, rooms, "
                "services and prices in the catalog."
            ),
            color="info",
            id=ids.OVERVIEW_SETUP,
        )
    steps = [
        (_("Catalog"), "/catalog", _("buildings, rooms and seats, services and their prices")),
        (_("Staff"), "/staff", _("an account for each colleague, with their role")),
        (_("Import"), "/import", _("your customer list from a CSV file")),
    ]
    return dbc.Alert(
        [
            html.H2(_("Set up your house"), className="h5"),
            html.P(_("Nothing is on sale yet. Three steps, in this order:"), className="mb-2"),
            html.Ol(
                [
                    html.Li([dcc.Link(title, href=href, className="alert-link"), " — ", text])
                    for title, href, text in steps
                ],
                className="mb-0",
            ),
        ],
        color="info",
        id=ids.OVERVIEW_SETUP,
    )


def figures(data: Overview | None, allowed: set[str], *, may_set_up: bool = False) -> html.Div:
    """The cards this role may read; a role with none sees a short greeting. A house
    with nothing on sale says first how it is set up."""
    lang = language()
    cards = []
    if Action.VIEW_TICKETS in allowed:
        cards += [
            _card(
                "overview-occupancy",
                _("Coworking occupancy now"),
                f"{data.occupancy_percent:.0f}%",
                _(
                    "%(taken)d of %(seats)d seats taken",
                    taken=data.seats_taken_now,
                    seats=data.seats,
                ),
                "/tickets?status=active",
            ),
            _card(
                "overview-starting",
                _("Tickets starting today"),
                str(data.tickets_starting_today),
                _("coworking tickets"),
                f"/tickets?from={data.today}&to={data.today}",
            ),
        ]
    if Action.VIEW_ORDERS in allowed:
        cards += [
            _card(
                "overview-new",
                _("New orders"),
                str(data.new_orders),
                _("waiting for payment or confirmation"),
                _orders_link(status=",".join(sorted(s.value for s in NEW_STATUSES))),
            ),
            _card(
                "overview-awaiting",
                _("Awaiting the customer"),
                str(data.awaiting_confirmation),
                _("done, not yet confirmed"),
                _orders_link(status=OrderStatus.DONE_AWAITING_CONFIRMATION.value),
            ),
            _card(
                "overview-unassigned",
                _("Without an executor"),
                str(data.unassigned),
                _("open service orders and requests"),
                _orders_link(executor="none", type=",".join(WORK_TYPES), status=OPEN_STATUSES),
            ),
            _card(
                "overview-overdue",
                _("Overdue orders"),
                str(data.overdue),
                _("owing after their period, or past their deadline"),
                _orders_link(overdue="1"),
            ),
        ]
    if Action.VIEW_PAYMENTS in allowed:
        change = data.revenue_this_month_kopecks - data.revenue_last_month_kopecks
        cards += [
            _card(
                "overview-outstanding",
                _("Outstanding balance"),
                format_money(data.outstanding_kopecks, lang),
                _("open orders with a balance"),
                _orders_link(balance="1"),
            ),
            _card(
                "overview-revenue",
                _("Revenue this month"),
                format_money(data.revenue_this_month_kopecks, lang),
                _(
                    "last month %(amount)s (%(sign)s%(change)s)",
                    amount=format_money(data.revenue_last_month_kopecks, lang),
                    sign="+" if change >= 0 else "",
                    change=format_money(change, lang),
                ),
                "/payments",
            ),
        ]
    if Action.VIEW_EVENTS in allowed:
        cards.append(
            _card(
                "overview-events",
                _("Events in the next 7 days"),
                str(data.events_next_7_days),
                _("open the check-in desk"),
                "/events",
            )
        )
    setup = setup_note(may_set_up) if data is not None and data.house_empty else None
    if not cards:
        return html.Div([setup, html.P(_("Welcome to Parkdesk."), className="text-body-secondary")])
    return html.Div([setup, dbc.Row(cards, className="g-3")])
