"""The catalog (SPEC §9.2): buildings, rooms, seats, services and tariffs, each a card
with its form and what exists, retired things marked and brought back from there."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_money, label, labels
from models.statuses import (
    ROOM_KIND_LABELS,
    SERVICE_TYPE_LABELS,
    UNIT_LABELS,
)
from pages.components import page_header
from services.catalog import BuildingRow, RoomRow, SeatRow, ServiceRow, TariffRow
from services.permissions import Action

PAGE = dict(
    path="/catalog",
    name=N_("Catalog"),
    action=Action.MANAGE_CATALOG,
    nav=True,
    order=85,
)


def layout(**_query: str) -> html.Div:
    """An empty shell: the lists and the choices of the selects arrive through callbacks."""
    return html.Div(
        [
            page_header(
                _("Catalog"),
                _(
                    "Buildings, rooms, seats, services and prices. Nothing in use is deleted: "
                    "it is retired, and what was sold on it stays."
                ),
            ),
            dcc.Store(id=ids.CATALOG_VERSION, data=0),
            html.Div(id=ids.CATALOG_FEEDBACK, className="mb-3", role="status"),
            dbc.Row(
                [
                    dbc.Col([_buildings_card(), _rooms_card()], lg=6),
                    dbc.Col([_seats_card()], lg=6),
                ],
                className="g-3",
            ),
            dbc.Row(
                [dbc.Col(_services_card(), lg=6), dbc.Col(_tariffs_card(), lg=6)],
                className="g-3 mt-0",
            ),
        ]
    )


def _card(title: str, form: list, list_id: str) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(title, className="h5 mb-0")),
            dbc.CardBody(
                [
                    html.Div(form, className="catalog-form mb-3"),
                    html.Div(id=list_id, className="catalog-list"),
                ]
            ),
        ],
        className="mb-3",
    )


def _field(title: str, control, md: int | bool = True) -> dbc.Col:
    return dbc.Col([dbc.Label(title, html_for=control.id, className="small mb-1"), control], md=md)


def _save(component_id: str, text: str | None = None) -> dbc.Col:
    return dbc.Col(
        dbc.Button(text or _("Add"), id=component_id, color="primary", n_clicks=0),
        md="auto",
        className="d-flex align-items-end",
    )


def _input(component_id: str, placeholder: str = "", **kwargs) -> dbc.Input:
    return dbc.Input(id=component_id, placeholder=placeholder, debounce=False, n_submit=0, **kwargs)


def _buildings_card() -> dbc.Card:
    return _card(
        _("Buildings"),
        [
            dbc.Row(
                [
                    _field(
                        _("Name"),
                        _input(ids.CATALOG_BUILDING_NAME, _("e.g. Building A"), maxLength=200),
                    ),
                    _save(ids.CATALOG_BUILDING_SAVE),
                ],
                className="g-2",
            )
        ],
        ids.CATALOG_BUILDINGS,
    )


def _rooms_card() -> dbc.Card:
    return _card(
        _("Rooms"),
        [
            dbc.Row(
                [
                    _field(
                        _("Building"),
                        dbc.Select(
                            id=ids.CATALOG_ROOM_BUILDING,
                            options=[],
                            placeholder=_("Choose a building"),
                        ),
                    ),
                    _field(
                        _("Name"),
                        _input(ids.CATALOG_ROOM_NAME, _("e.g. Open Space"), maxLength=200),
                    ),
                    _field(
                        _("Kind"),
                        dbc.Select(
                            id=ids.CATALOG_ROOM_KIND,
                            options=_options(labels(ROOM_KIND_LABELS)),
                            value="coworking",
                        ),
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(
                [
                    _field(
                        _("Capacity"),
                        _input(ids.CATALOG_ROOM_CAPACITY, "0", type="number", min=0, value=0),
                        md=3,
                    ),
                    _field(
                        _("Opening hours"),
                        _input(ids.CATALOG_ROOM_HOURS, _("08:00–22:00, empty: round the clock")),
                    ),
                    _save(ids.CATALOG_ROOM_SAVE),
                ],
                className="g-2",
            ),
        ],
        ids.CATALOG_ROOMS,
    )


def _seats_card() -> dbc.Card:
    return _card(
        _("Seats"),
        [
            dbc.Row(
                [
                    _field(
                        _("Coworking room"),
                        dbc.Select(
                            id=ids.CATALOG_SEATS_ROOM,
                            options=[],
                            placeholder=_("Choose a coworking room"),
                        ),
                    ),
                    _field(
                        _("How many seats to add"),
                        _input(ids.CATALOG_SEATS_COUNT, "10", type="number", min=1, max=500),
                        md=4,
                    ),
                    _save(ids.CATALOG_SEATS_SAVE),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(
                [
                    _field(
                        _("Seat"),
                        dbc.Select(
                            id=ids.CATALOG_SEAT_PICK, options=[], placeholder=_("Choose a seat")
                        ),
                    ),
                    _field(
                        _("Its own name (empty: its number)"),
                        _input(ids.CATALOG_SEAT_LABEL, _("e.g. By the window"), maxLength=40),
                    ),
                    _save(ids.CATALOG_SEAT_RENAME, _("Rename")),
                ],
                className="g-2",
            ),
        ],
        ids.CATALOG_SEATS,
    )


def _services_card() -> dbc.Card:
    return _card(
        _("Services"),
        [
            dbc.Row(
                [
                    _field(
                        _("Name"),
                        _input(ids.CATALOG_SERVICE_NAME, _("e.g. Coworking day"), maxLength=200),
                    ),
                    _field(
                        _("Type"),
                        dbc.Select(
                            id=ids.CATALOG_SERVICE_TYPE,
                            options=_options(labels(SERVICE_TYPE_LABELS)),
                            value="coworking",
                        ),
                    ),
                    _field(_("Room"), dbc.Select(id=ids.CATALOG_SERVICE_ROOM, options=[])),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Checkbox(
                                id=ids.CATALOG_SERVICE_PARTIAL,
                                label=_("Partial payment allowed"),
                                value=False,
                            ),
                            dbc.Checkbox(
                                id=ids.CATALOG_SERVICE_CANCELLABLE,
                                label=_("Cancellation allowed"),
                                value=True,
                            ),
                        ],
                        md=4,
                    ),
                    _field(
                        _("Prepayment, %"),
                        _input(
                            ids.CATALOG_SERVICE_PREPAYMENT, "100", type="number", min=1, max=100
                        ),
                        md=2,
                    ),
                    _field(
                        _("Minimum remaining balance, ₽"),
                        _input(ids.CATALOG_SERVICE_MIN_REMAINING, "50", value="50"),
                        md=3,
                    ),
                    _save(ids.CATALOG_SERVICE_SAVE),
                ],
                className="g-2",
            ),
        ],
        ids.CATALOG_SERVICES,
    )


def _tariffs_card() -> dbc.Card:
    return _card(
        _("Tariffs"),
        [
            dbc.Row(
                [
                    _field(
                        _("Service"),
                        dbc.Select(
                            id=ids.CATALOG_TARIFF_SERVICE,
                            options=[],
                            placeholder=_("Choose a service"),
                        ),
                    ),
                    _field(
                        _("Name"),
                        _input(ids.CATALOG_TARIFF_NAME, _("e.g. Day pass"), maxLength=200),
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(
                [
                    _field(
                        _("Unit"),
                        dbc.Select(
                            id=ids.CATALOG_TARIFF_UNIT,
                            options=_options(labels(UNIT_LABELS)),
                            value="hour",
                        ),
                    ),
                    _field(
                        _("Price, ₽"),
                        _input(ids.CATALOG_TARIFF_PRICE, "1500", inputMode="decimal"),
                    ),
                    _save(ids.CATALOG_TARIFF_SAVE),
                ],
                className="g-2 mb-3",
            ),
            html.H3(_("Change a price"), className="h6 mb-1"),
            html.P(
                _("Orders already made keep the price they were sold at."),
                className="small text-body-secondary mb-2",
            ),
            dbc.Row(
                [
                    _field(
                        _("Tariff"),
                        dbc.Select(
                            id=ids.CATALOG_PRICE_TARIFF,
                            options=[],
                            placeholder=_("Choose a tariff"),
                        ),
                    ),
                    _field(
                        _("New price, ₽"),
                        _input(ids.CATALOG_PRICE_VALUE, "1500", inputMode="decimal"),
                        md=4,
                    ),
                    _save(ids.CATALOG_PRICE_SAVE, _("Change")),
                ],
                className="g-2",
            ),
        ],
        ids.CATALOG_TARIFFS,
    )


def _options(table: dict[str, str]) -> list[dict[str, str]]:
    return [{"label": text, "value": code} for code, text in table.items()]


# --- what the callbacks render ------------------------------------------------------------------


# The "no room" choice of a service: not "", which a native select shows as nothing chosen.
NO_ROOM = "none"


def thing_options(rows: list, *, none: str | None = None) -> list[dict[str, str]]:
    """A native select's options: each active thing by its name (SPEC §8)."""
    options = [{"label": none, "value": NO_ROOM}] if none else []
    return options + [{"label": row.name, "value": str(row.id)} for row in rows if row.active]


def tariff_options(rows: list[TariffRow]) -> list[dict[str, str]]:
    """Tariffs in use, each with its service (two services may both have a "Day")."""
    return [
        {
            "label": f"{row.service} · {row.name} · {format_money(row.price_kopecks)}",
            "value": str(row.id),
        }
        for row in rows
        if row.active
    ]


def seat_options(rows: list[SeatRow]) -> list[dict[str, str]]:
    return [{"label": seat_name(row), "value": str(row.id)} for row in rows]


def seat_name(row: SeatRow) -> str:
    return row.label or _("Seat %(number)s", number=row.number)


def _toggle(kind: str, row_id: int, active: bool, *, compact: bool = False) -> dbc.Button:
    """Retire a thing, or bring it back; on a seat's tile an icon that says so on hover."""
    text = _("Retire") if active else _("Bring back")
    return dbc.Button(
        html.I(className="bi bi-archive" if active else "bi bi-arrow-counterclockwise")
        if compact
        else text,
        title=text,
        id={
            "type": ids.CATALOG_TOGGLE,
            "thing": f"{'retire' if active else 'activate'}-{kind}-{row_id}",
        },
        size="sm",
        color="secondary" if active else "success",
        outline=True,
        n_clicks=0,
        className="py-0",
    )


def _state(active: bool):
    return None if active else dbc.Badge(_("Not in use"), color="secondary", className="ms-2")


def _table(header: list[str], rows: list[html.Tr], empty: str) -> html.Div:
    if not rows:
        return html.P(empty, className="text-body-secondary small mb-0 catalog-empty")
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in [*header, ""]])), html.Tbody(rows)],
        size="sm",
        hover=True,
        className="mb-0 small align-middle",
    )


def _row(kind: str, row, cells: list, active: bool) -> html.Tr:
    return html.Tr(
        [
            *[html.Td(cell) for cell in cells],
            html.Td(_toggle(kind, row.id, active), className="text-end text-nowrap"),
        ],
        className="" if active else "text-body-tertiary",
    )


def buildings_list(rows: list[BuildingRow]) -> html.Div:
    return _table(
        [_("Building"), _("Rooms")],
        [_row("building", b, [[b.name, _state(b.active)], b.rooms], b.active) for b in rows],
        _("No building yet: add the first one above, then its rooms."),
    )


def rooms_list(rows: list[RoomRow], any_building: bool) -> html.Div:
    return _table(
        [_("Room"), _("Kind"), _("Capacity"), _("Hours"), _("Seat count")],
        [
            _row(
                "room",
                r,
                [
                    [
                        r.name,
                        _state(r.active),
                        html.Div(r.building, className="text-body-secondary"),
                    ],
                    label(ROOM_KIND_LABELS, r.kind),
                    r.capacity,
                    r.hours or _("round the clock"),
                    r.seats if r.kind == "coworking" else "",
                ],
                r.active,
            )
            for r in rows
        ],
        _("No room yet: choose a building and add its rooms.")
        if any_building
        else _("Add a building first, then its rooms."),
    )


def seats_plan(rows: list[SeatRow], any_room: bool) -> html.Div:
    """The room's seats where they stand on its plan (a grid until placed)."""
    if not rows:
        return html.P(
            _("This room has no seats yet: add them above.")
            if any_room
            else _("Add a coworking room first, then its seats."),
            className="text-body-secondary small mb-0 catalog-empty",
        )
    width = max(row.x for row in rows) + 1
    tiles = [
        html.Div(
            [
                html.Div(seat_name(row), className="catalog-seat-name text-truncate"),
                _toggle("seat", row.id, row.active, compact=True),
            ],
            className="catalog-seat" + ("" if row.active else " catalog-seat-retired"),
            style={"gridColumn": row.x + 1, "gridRow": row.y + 1},
            title=seat_name(row),
            **{"data-seat-id": str(row.id)},
        )
        for row in rows
    ]
    active = sum(row.active for row in rows)
    return html.Div(
        [
            html.P(
                _("%(active)s of %(total)s seats in use.", active=active, total=len(rows)),
                className="small text-body-secondary mb-2",
            ),
            html.Div(
                tiles,
                className="catalog-plan",
                style={"gridTemplateColumns": f"repeat({width}, minmax(3.75rem, 1fr))"},
            ),
        ]
    )


def services_list(rows: list[ServiceRow]) -> html.Div:
    def terms(s: ServiceRow) -> str:
        parts = [
            _("prepayment %(percent)s%%", percent=s.prepayment_percent)
            if s.partial
            else _("paid in full"),
            _("cancellable") if s.cancellable else _("not cancellable"),
            _("min. balance %(amount)s", amount=format_money(s.min_remaining_kopecks)),
        ]
        return ", ".join(parts)

    return _table(
        [_("Service"), _("Type"), _("Room"), _("Terms")],
        [
            _row(
                "service",
                s,
                [[s.name, _state(s.active)], label(SERVICE_TYPE_LABELS, s.type), s.room, terms(s)],
                s.active,
            )
            for s in rows
        ],
        _("No service yet: add one above (a coworking service needs a coworking room)."),
    )


def tariffs_list(rows: list[TariffRow], any_service: bool) -> html.Div:
    return _table(
        [_("Tariff"), _("Service"), _("Unit"), _("Price")],
        [
            _row(
                "tariff",
                t,
                [
                    [t.name, _state(t.active)],
                    t.service,
                    label(UNIT_LABELS, t.unit),
                    format_money(t.price_kopecks),
                ],
                t.active,
            )
            for t in rows
        ],
        _("No tariff yet: choose a service and give it a price.")
        if any_service
        else _("Add a service first, then its tariffs."),
    )
