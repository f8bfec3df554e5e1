"""Occupancy (SPEC §5): seats, rooms, hotel and events for a period, with definitions."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.colors
import plotly.io as pio
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_date, language
from pages.components import chart_config, page_header
from services.occupancy import Occupancy
from services.permissions import Action

PAGE = dict(
    path="/occupancy",
    name=N_("Occupancy"),
    action=Action.VIEW_OCCUPANCY,
    nav=True,
    order=40,
)

PRESETS = [
    ("week", N_("This week")),
    ("month", N_("This month")),
    ("quarter", N_("Quarter")),
    ("year", N_("Year")),
    ("custom", N_("Custom")),
]
WEEKDAYS = [N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun")]
BLUE, GREEN = "#0d6efd", "#198754"


def layout(**_query: str) -> html.Div:
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Period")),
                    dbc.RadioItems(
                        id=ids.OCCUPANCY_PRESET,
                        value="month",
                        inline=True,
                        options=[{"label": _(text), "value": key} for key, text in PRESETS],
                    ),
                ],
                md=5,
            ),
            dbc.Col(
                [
                    dbc.Label(_("From"), html_for=ids.OCCUPANCY_FROM),
                    dbc.Input(id=ids.OCCUPANCY_FROM, type="date"),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label(_("To"), html_for=ids.OCCUPANCY_TO),
                    dbc.Input(id=ids.OCCUPANCY_TO, type="date"),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Building"), html_for=ids.OCCUPANCY_BUILDING),
                    dbc.Select(id=ids.OCCUPANCY_BUILDING, options=[], value="all"),
                ],
                md=True,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Room"), html_for=ids.OCCUPANCY_ROOM),
                    dbc.Select(id=ids.OCCUPANCY_ROOM, options=[], value="all"),
                ],
                md=True,
            ),
        ],
        className="filters g-2 mb-3",
    )

    def chart(graph_id: str, title: str, definition: str) -> dbc.Card:
        return dbc.Card(
            [
                dbc.CardHeader(
                    html.Div(
                        [
                            html.Span(title),
                            dbc.Button(
                                [html.I(className="bi bi-filetype-csv me-1"), _("Data (CSV)")],
                                id={"type": ids.OCCUPANCY_CSV, "chart": graph_id},
                                size="sm",
                                color="link",
                                className="p-0",
                            ),
                        ],
                        className="d-flex justify-content-between align-items-center",
                    )
                ),
                dbc.CardBody(
                    [
                        dcc.Loading(
                            dcc.Graph(id=graph_id, config=chart_config(), style={"height": "320px"})
                        ),
                        html.P(definition, className="detail-label mb-0"),
                    ]
                ),
            ],
            className="h-100",
        )

    return html.Div(
        [
            page_header(_("Occupancy")),
            controls,
            dcc.Store(id=ids.OCCUPANCY_DATA),
            dcc.Download(id=ids.OCCUPANCY_DOWNLOAD),
            dcc.Loading(html.Div(id=ids.OCCUPANCY_FIGURES)),
            # "On the books" looks ahead from today whatever the period: its own callback,
            # which the period's figures do not wait for.
            html.Div(id=ids.OCCUPANCY_BOOKS, className="small text-body-secondary mt-2 mb-3"),
            dbc.Row(
                [
                    dbc.Col(
                        chart(
                            ids.OCCUPANCY_DAILY,
                            _("Coworking seats per day"),
                            _(
                                "Sold: seat-hours of confirmed or done tickets inside the opening "
                                "hours ÷ (seats × opening hours). Used: the same for tickets whose "
                                "visitor's identity was checked."
                            ),
                        ),
                        lg=12,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        chart(
                            ids.OCCUPANCY_HEATMAP,
                            _("Weekday × hour"),
                            _(
                                "Seat-hours sold in that hour on that weekday ÷ (seats × the "
                                "number of such hours in the period)."
                            ),
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        chart(
                            ids.OCCUPANCY_BY_ROOM,
                            _("By room"),
                            _(
                                "Seat-hours sold in the room ÷ (the room's seats × opening hours × "
                                "days)."
                            ),
                        ),
                        lg=5,
                    ),
                ],
                className="g-3",
            ),
        ]
    )


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def figure_cards(data: Occupancy) -> dbc.Row:
    def card(card_id: str, title: str, value: str, definition: str) -> dbc.Col:
        return dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(title, className="detail-label"),
                        html.Div(value, id=card_id, className="fs-3"),
                        html.Div(definition, className="text-body-secondary small"),
                    ]
                ),
                className="h-100",
            ),
            md=6,
            lg=3,
        )

    return dbc.Row(
        [
            card(
                "occupancy-meeting",
                _("Meeting rooms"),
                _percent(data.meeting_percent),
                _("booked hours ÷ (rooms × opening hours × days)"),
            ),
            card(
                "occupancy-hotel",
                _("Hotel"),
                _percent(data.hotel_percent),
                _("room-nights sold ÷ (rooms × nights)"),
            ),
            card(
                "occupancy-events",
                _("Event attendance"),
                f"{data.event_checked_in} / {data.event_sold}",
                _(
                    "checked in ÷ sold (%(percent)s)",
                    percent=_percent(data.event_attendance_percent),
                ),
            ),
            card(
                "occupancy-no-show",
                _("No-show rate"),
                _percent(data.no_show_percent),
                _(
                    "%(missed)d of %(ended)d ended tickets never validated",
                    missed=data.no_show_count,
                    ended=data.ended_count,
                ),
            ),
        ],
        className="g-3",
    )


def books(on_the_books: list[tuple[int, float, float]]) -> list:
    """The "on the books" line: sold now for the next 30/60/90 days, and a year ago."""
    return [
        html.Strong(_("On the books: ")),
        ", ".join(
            _(
                "%(days)d days: %(now)s (a year ago %(then)s)",
                days=days,
                now=_percent(now),
                then=_percent(then),
            )
            for days, now, then in on_the_books
        ),
    ]


# The figures are plain dicts in plotly.js's own schema: building go.Figure objects
# validated every property of a year's traces and copied the template for each chart,
# a tenth of a second per answer for nothing the browser needs. Named templates exist
# only in Python, so plotly_white goes out expanded, with just the trace types used;
# so does the colour scale (plotly.js has a "Blues" of its own, a different one).
def _template(name: str, kinds: tuple[str, ...]) -> dict:
    full = pio.templates[name].to_plotly_json()
    return {"layout": full["layout"], "data": {kind: full["data"][kind] for kind in kinds}}


TEMPLATE = _template("plotly_white", ("scatter", "heatmap", "bar"))
BLUES = plotly.colors.get_colorscale("Blues")


def _layout(**axes: dict) -> dict:
    return {
        "template": TEMPLATE,
        "margin": {"l": 48, "r": 16, "t": 24, "b": 40},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        "legend": {"orientation": "h", "y": 1.12},
        **axes,
    }


def daily_figure(data: Occupancy) -> dict:
    days = [d.isoformat() for d in data.days]
    return {
        "data": [
            {
                "type": "scatter",
                "x": days,
                "y": data.sold_percent,
                "name": _("Sold"),
                "line": {"color": BLUE},
            },
            {
                "type": "scatter",
                "x": days,
                "y": data.used_percent,
                "name": _("Used (validated)"),
                "line": {"color": GREEN},
            },
        ],
        "layout": _layout(yaxis={"ticksuffix": "%", "rangemode": "tozero"}),
    }


def heatmap_figure(data: Occupancy) -> dict:
    return {
        "data": [
            {
                "type": "heatmap",
                "z": data.heatmap,
                "x": [f"{h:02d}:00" for h in data.heatmap_hours],
                "y": [_(day) for day in WEEKDAYS],
                "colorscale": BLUES,
                "zmin": 0,
                "colorbar": {"ticksuffix": "%"},
                "hovertemplate": "%{y} %{x}: %{z:.1f}%<extra></extra>",
            }
        ],
        "layout": _layout(yaxis={"autorange": "reversed"}),
    }


def rooms_figure(data: Occupancy) -> dict:
    return {
        "data": [
            {
                "type": "bar",
                "x": [value for _name, value in data.rooms],
                "y": [name for name, _value in data.rooms],
                "orientation": "h",
                "marker": {"color": BLUE},
                "texttemplate": "%{x:.1f}%",
            }
        ],
        "layout": _layout(xaxis={"ticksuffix": "%", "rangemode": "tozero"}),
    }


def no_seats(can_set_up: bool) -> dbc.Alert:
    """Above the figures while the house has no coworking seats (an operator setting it
    up): why the seat figures read zero, and for those who may, where seats are added."""
    parts: list = [
        _(
            "No coworking seats are set up yet: the seat figures read zero until rooms "
            "with seats are added."
        )
    ]
    if can_set_up:
        parts += [
            " ",
            dcc.Link(_("Set up rooms and seats"), href="/catalog", className="alert-link"),
        ]
    return dbc.Alert(parts, id=ids.OCCUPANCY_NO_SEATS, color="info", className="mb-2")


def period_text(data: Occupancy) -> str:
    lang = language()
    return _(
        "%(first)s – %(last)s, %(seats)d seats, open %(open)02d:00–%(close)02d:00",
        first=format_date(data.period.first, lang),
        last=format_date(data.period.last, lang),
        seats=data.seats,
        open=data.period.opening[0],
        close=data.period.opening[1],
    )
