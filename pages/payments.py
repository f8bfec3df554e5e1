"""Payments & balances (SPEC §5): outstanding balances by age, the payments journal,
revenue by day and by method."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

import dash_bootstrap_components as dbc
import plotly.io as pio
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import (
    N_,
    _,
    format_date,
    format_money,
    label,
    language,
    local_time,
    ngettext,
    translate,
)
from models.statuses import PAYMENT_METHOD_LABELS, SERVICE_TYPE_LABELS
from pages.components import (
    chart_config,
    date_input,
    filter_field,
    filter_row,
    infinite_grid,
    label_options,
    multi_select,
    name_filter,
    page_header,
    reset_button,
)
from services.balances import BUCKET_CODES, BucketTotal, Revenue
from services.permissions import Action

PAGE = dict(
    path="/payments",
    name=N_("Payments & balances"),
    action=Action.VIEW_PAYMENTS,
    nav=True,
    order=50,
)

MONEY = {"type": "rightAligned", "maxWidth": 120}
BUCKET_LABELS = {
    "0-7": N_("0–7 days"),
    "8-30": N_("8–30 days"),
    "31-60": N_("31–60 days"),
    "over-60": N_("over 60 days"),
}
PRESETS = [
    ("month", N_("This month")),
    ("last-month", N_("Last month")),
    ("30-days", N_("Last 30 days")),
    ("year", N_("This year")),
]
BLUE = "#0d6efd"  # Bootstrap's primary
METHOD_COLOURS = ["#0d6efd", "#6610f2", "#198754", "#fd7e14", "#20c997", "#6c757d"]


def _codes(value: str) -> list[str]:
    return [part for part in value.split(",") if part]


def balance_columns() -> list[dict]:
    return [
        {"field": "number", "headerName": _("Order"), "colId": "number", "maxWidth": 100},
        {
            "field": "created",
            "headerName": _("Created"),
            "colId": "created",
            "maxWidth": 160,
            "sort": "asc",
        },
        {
            "field": "age",
            "headerName": _("Age, days"),
            "colId": "age",
            "sortable": False,
            "type": "rightAligned",
            "maxWidth": 100,
        },
        {"field": "customer", "headerName": _("Customer"), "colId": "customer", "flex": 3},
        {"field": "service", "headerName": _("Service"), "colId": "service", "flex": 3},
        {"field": "type", "headerName": _("Type"), "colId": "type", "maxWidth": 140},
        {
            "field": "status_label",
            "headerName": _("Status"),
            "colId": "status",
            "cellRenderer": "StatusBadge",
            "minWidth": 190,
            "flex": 2,
        },
        {"field": "total", "headerName": _("Total"), "colId": "total", **MONEY},
        {"field": "paid", "headerName": _("Paid"), "colId": "paid", **MONEY},
        {"field": "balance", "headerName": _("Balance"), "colId": "balance", **MONEY},
    ]


def journal_columns() -> list[dict]:
    return [
        {
            "field": "paid_at",
            "headerName": _("Paid at"),
            "colId": "paid_at",
            "maxWidth": 170,
            "sort": "desc",
        },
        {"field": "order", "headerName": _("Order"), "colId": "order", "maxWidth": 110},
        {"field": "customer", "headerName": _("Customer"), "colId": "customer", "flex": 2},
        {"field": "method", "headerName": _("Method"), "colId": "method", "flex": 1},
        {
            "field": "amount",
            "headerName": _("Amount"),
            "colId": "amount",
            "cellClassRules": {"text-danger": "params.data && params.data.refund"},
            **MONEY,
        },
        {"field": "recorded_by", "headerName": _("Recorded by"), "colId": "recorded_by", "flex": 1},
    ]


def month_start(day: date) -> date:
    return day.replace(day=1)


def layout(
    bucket: str = "",
    customer: str = "",
    type: str = "",
    method: str = "",
    **query: str,
) -> html.Div:
    """Filters come back from the URL query; the journal's period defaults to this month
    (today in the operator's time zone). Figures and rows come through callbacks."""
    today = local_time(datetime.now(UTC)).date()
    date_from = query.get("from") or month_start(today).isoformat()
    date_to = query.get("to") or today.isoformat()
    buckets, types, methods = _codes(bucket), _codes(type), _codes(method)
    balance_filters = {"bucket": buckets, "customer": customer, "type": types}
    journal_filters = {"from": date_from, "to": date_to, "method": methods}
    balance_controls = filter_row(
        [
            filter_field(
                _("Age"),
                multi_select(
                    ids.BALANCES_FILTER_BUCKET,
                    [
                        {"label": translate(BUCKET_LABELS[code]), "value": code}
                        for code in BUCKET_CODES
                    ],
                    buckets,
                    _("Any age"),
                ),
                3,
            ),
            name_filter(_("Customer"), ids.BALANCES_FILTER_CUSTOMER, customer, 3),
            filter_field(
                _("Type"),
                multi_select(
                    ids.BALANCES_FILTER_TYPE,
                    label_options(SERVICE_TYPE_LABELS),
                    types,
                    _("Any type"),
                ),
                3,
            ),
            filter_field(None, reset_button(ids.BALANCES_FILTER_RESET), "auto"),
        ]
    )

    presets = html.Div(
        [
            dbc.Button(
                _(text),
                id={"type": ids.PAYMENTS_PRESET, "preset": key},
                color="secondary",
                outline=True,
                size="sm",
            )
            for key, text in PRESETS
        ],
        className="d-flex flex-wrap gap-1",
    )
    journal_controls = filter_row(
        [
            filter_field(_("Paid from"), date_input(ids.PAYMENTS_FILTER_FROM, date_from), 2),
            filter_field(_("to"), date_input(ids.PAYMENTS_FILTER_TO, date_to), 2),
            filter_field(None, presets, "auto"),
            filter_field(
                _("Method"),
                multi_select(
                    ids.PAYMENTS_FILTER_METHOD,
                    label_options(PAYMENT_METHOD_LABELS),
                    methods,
                    _("Any method"),
                ),
                3,
            ),
        ],
        spaced=True,
    )

    return html.Div(
        [
            page_header(
                _("Payments & balances"),
                _("Outstanding balances by age, the payments journal and revenue."),
            ),
            dcc.Store(id=ids.BALANCES_FILTERS, data=balance_filters),
            dcc.Store(id=ids.BALANCES_SYNC),
            dcc.Store(id=ids.PAYMENTS_FILTERS, data=journal_filters),
            dcc.Store(id=ids.PAYMENTS_SYNC),
            dcc.Store(id=ids.PAYMENTS_CHARTS_FOR),
            html.H2(_("Outstanding balances"), className="h5 mt-2"),
            html.P(
                _(
                    "Open orders (not cancelled) with a balance; age is the days since "
                    "the order was created."
                ),
                className="detail-label mb-2",
            ),
            html.Div(className="mb-3", children=bucket_cards(buckets)),
            balance_controls,
            html.Div(id=ids.BALANCES_COUNT, className="grid-count mb-2", children="…"),
            infinite_grid(
                ids.BALANCES_GRID,
                balance_columns(),
                empty=_("No balances due."),
                filter_keys=balance_filters,
                row_id="number",
                height="440px",
            ),
            html.H2(_("Payments and revenue"), className="h5 mt-4"),
            html.P(
                _(
                    "Every payment and refund by the day it was paid (refunds count "
                    "negative). Revenue is their sum."
                ),
                className="detail-label mb-2",
            ),
            journal_controls,
            dcc.Loading(
                [
                    html.Div(id=ids.PAYMENTS_REVENUE, className="mb-2"),
                    html.Div(id=ids.PAYMENTS_CHARTS, children=revenue_charts(None, None)),
                ],
                delay_show=200,
            ),
            html.Div(id=ids.PAYMENTS_COUNT, className="grid-count mb-2", children="…"),
            infinite_grid(
                ids.PAYMENTS_GRID,
                journal_columns(),
                empty=_("No payments in this period."),
                filter_keys=["method"],
                row_id="row_id",
                height="520px",
            ),
        ]
    )


def revenue_charts(daily: dict | None, methods: dict | None) -> dbc.Row:
    """The two revenue charts, or (``None``) their empty frames of the same size.

    The charts are drawn after the journal's first rows (callbacks.payments): a chart
    loads and runs plotly.js, which would otherwise hold the journal back."""

    def chart(graph_id: str, title: str, figure: dict | None) -> dbc.Card:
        body = (
            html.Div(style={"height": "300px"})
            if figure is None
            else dcc.Graph(
                id=graph_id, figure=figure, config=chart_config(), style={"height": "300px"}
            )
        )
        return dbc.Card(
            [dbc.CardHeader(title), dbc.CardBody(body, className="p-2")], className="h-100"
        )

    return dbc.Row(
        [
            dbc.Col(chart(ids.PAYMENTS_REVENUE_DAILY, _("Revenue by day"), daily), lg=8),
            dbc.Col(chart(ids.PAYMENTS_REVENUE_METHODS, _("Revenue by method"), methods), lg=4),
        ],
        className="g-3 mb-3",
    )


def bucket_cards(selected: list[str]) -> dbc.Row:
    """One card per age bucket, its figures to come (``bucket_figures``); a click on a
    card filters the grid by that bucket. The cards stay while the figures change: a
    card drawn anew would fire its click's callback."""
    cards = [
        dbc.Col(
            html.Div(
                dbc.Card(
                    dbc.CardBody(
                        bucket_figures(code, None),
                        id=ids.one_of(ids.BALANCES_BUCKET_FIGURES, code),
                    ),
                    id=ids.one_of(ids.BALANCES_BUCKET_CARD, code),
                    className=bucket_card_class(code in selected),
                ),
                id={"type": ids.BALANCES_BUCKET, "bucket": code},
                n_clicks=0,
                role="button",
                title=_("Show only these orders"),
                className="h-100",
            ),
            md=6,
            lg=3,
        )
        for code in BUCKET_CODES
    ]
    return dbc.Row(cards, className="g-3")


def bucket_card_class(chosen: bool) -> str:
    return "h-100 figure-card" + (" border-primary" if chosen else "")


def bucket_figures(code: str, total: BucketTotal | None) -> list:
    """A bucket's name, balance due and number of orders (``None``: still counting)."""
    lang = language()
    return [
        html.Div(translate(BUCKET_LABELS[code]), className="detail-label"),
        html.Div(
            "…" if total is None else format_money(total.kopecks, lang),
            className="fs-4 my-1",
            **({} if total is None else {"data-kopecks": str(total.kopecks)}),
        ),
        html.Div(
            "" if total is None else ngettext("%(num)d order", "%(num)d orders", total.orders),
            className="text-body-secondary small",
        ),
    ]


@cache
def _template() -> dict:
    """The plotly_white template as the browser gets it, built once: a Figure object
    would validate it and every trace again on each request (15 ms a chart)."""
    return pio.templates["plotly_white"].to_plotly_json()


def _layout(**extra: object) -> dict:
    return {
        "template": _template(),
        "margin": {"l": 56, "r": 16, "t": 36, "b": 40},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        "separators": ", " if language() == "ru" else ".,",
        "showlegend": False,
        **extra,
    }


def daily_figure(data: Revenue) -> dict:
    """Revenue per day, as a plain figure dict (what ``go.Figure`` would send)."""
    lang = language()
    return {
        "data": [
            {
                "type": "bar",
                "x": [d.isoformat() for d in data.days],
                "y": [k / 100 for k in data.by_day],
                "customdata": [format_money(k, lang) for k in data.by_day],
                "marker": {"color": BLUE},
                "hovertemplate": "%{x|%d.%m.%Y}: %{customdata}<extra></extra>",
            }
        ],
        "layout": _layout(
            xaxis={"type": "date", "tickformat": "%d.%m" if lang == "ru" else "%b %d"},
            yaxis={"ticksuffix": " ₽", "rangemode": "tozero"},
            bargap=0.15,
        ),
    }


def methods_figure(data: Revenue) -> dict:
    lang = language()
    methods = list(reversed(data.by_method))  # the largest on top
    return {
        "data": [
            {
                "type": "bar",
                "x": [k / 100 for _m, k in methods],
                "y": [label(PAYMENT_METHOD_LABELS, m, lang) for m, _k in methods],
                "customdata": [format_money(k, lang) for _m, k in methods],
                "orientation": "h",
                "marker": {"color": METHOD_COLOURS[: len(methods)][::-1]},
                "text": [format_money(k, lang) for _m, k in methods],
                "textposition": "auto",
                "hovertemplate": "%{y}: %{customdata}<extra></extra>",
            }
        ],
        "layout": _layout(
            xaxis={"ticksuffix": " ₽", "rangemode": "tozero", "showticklabels": False},
            yaxis={"automargin": True},
            margin={"l": 8, "r": 16, "t": 36, "b": 24},
        ),
    }


def revenue_text(data: Revenue, first: date, last: date) -> str:
    lang = language()
    return _(
        "Revenue %(first)s – %(last)s: %(amount)s",
        first=format_date(first, lang),
        last=format_date(last, lang),
        amount=format_money(data.total, lang),
    )
