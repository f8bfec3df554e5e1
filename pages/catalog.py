"""The catalog (SPEC §9.2): buildings, rooms, seats, services and tariffs, each a card
with its form and what exists, retired things marked and brought back from there."""

from __future__ import annotations

from dataclasses import dataclass

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import N_, _, format_money, labels, language
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
    nav_group="setup",
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
            dcc.Store(id=ids.CATALOG_TOGGLE_PRESSED, data=None),
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
                    html.Div(
                        _list(list_id) if list_id in LISTS else None,
                        id=list_id,
                        className="catalog-list",
                    ),
                ]
            ),
        ],
        className="mb-3",
    )


# --- the lists: a grid each (its rows plain data, cheap to send and to draw), with the
# words to say when it is empty; the grid stays hidden until it has rows ----------------------


@dataclass(frozen=True)
class ListIds:
    grid: str
    rows: str  # the wrapper hidden while the list is empty
    empty: str  # what the list says then


PARTS = {
    ids.CATALOG_BUILDINGS: ListIds(
        ids.CATALOG_BUILDINGS_GRID, ids.CATALOG_BUILDINGS_ROWS, ids.CATALOG_BUILDINGS_EMPTY
    ),
    ids.CATALOG_ROOMS: ListIds(
        ids.CATALOG_ROOMS_GRID, ids.CATALOG_ROOMS_ROWS, ids.CATALOG_ROOMS_EMPTY
    ),
    ids.CATALOG_SERVICES: ListIds(
        ids.CATALOG_SERVICES_GRID, ids.CATALOG_SERVICES_ROWS, ids.CATALOG_SERVICES_EMPTY
    ),
    ids.CATALOG_TARIFFS: ListIds(
        ids.CATALOG_TARIFFS_GRID, ids.CATALOG_TARIFFS_ROWS, ids.CATALOG_TARIFFS_EMPTY
    ),
}
LISTS = tuple(PARTS)


def grid_id(list_id: str) -> str:
    return PARTS[list_id].grid


def rows_id(list_id: str) -> str:
    return PARTS[list_id].rows


def empty_id(list_id: str) -> str:
    return PARTS[list_id].empty


def _columns(list_id: str) -> list[dict]:
    name = {"cellRenderer": "CatalogName", "flex": 2, "minWidth": 140}
    wrapped = {"wrapText": True, "autoHeight": True}
    columns = {
        ids.CATALOG_BUILDINGS: [
            {"field": "name", "headerName": _("Building"), **name},
            {"field": "rooms", "headerName": _("Rooms"), "flex": 1},
        ],
        ids.CATALOG_ROOMS: [
            {"field": "name", "headerName": _("Room"), **name},
            {"field": "building", "headerName": _("Building"), "flex": 1, **wrapped},
            {"field": "kind", "headerName": _("Kind"), "flex": 1},
            {"field": "capacity", "headerName": _("Capacity"), "width": 100},
            {"field": "hours", "headerName": _("Hours"), "flex": 1},
            {"field": "seats", "headerName": _("Seat count"), "width": 100},
        ],
        ids.CATALOG_SERVICES: [
            {"field": "name", "headerName": _("Service"), **name},
            {"field": "type", "headerName": _("Type"), "flex": 1},
            {"field": "room", "headerName": _("Room"), "flex": 1, **wrapped},
            {"field": "terms", "headerName": _("Terms"), "flex": 2, **wrapped},
        ],
        ids.CATALOG_TARIFFS: [
            {"field": "name", "headerName": _("Tariff"), **name},
            {"field": "service", "headerName": _("Service"), "flex": 2, **wrapped},
            {"field": "unit", "headerName": _("Unit"), "flex": 1},
            {
                "field": "price",
                "headerName": _("Price"),
                "flex": 1,
                "type": "rightAligned",
                "valueFormatter": {"function": "params.data.price_text"},
            },
        ],
    }[list_id]
    toggle = {
        "field": "toggle",
        "headerName": "",
        "cellRenderer": "CatalogToggle",
        "sortable": False,
        "resizable": False,
        "width": 130,
        "cellClass": "text-end",
    }
    return [*columns, toggle]


def _list(list_id: str) -> list:
    return [
        html.P(id=empty_id(list_id), className="text-body-secondary small mb-0 catalog-empty"),
        html.Div(
            dag.AgGrid(
                id=grid_id(list_id),
                columnDefs=_columns(list_id),
                defaultColDef={"sortable": True, "resizable": True},
                # No getRowId: new rows replace the old whole, so that a retired thing's
                # name gets its mark (a cell whose value stays is not drawn again).
                rowData=[],
                rowClassRules={"catalog-retired": "!params.data.active"},
                dashGridOptions={
                    "domLayout": "autoHeight",
                    "rowHeight": 36,
                    "headerHeight": 36,
                    "suppressCellFocus": True,
                },
            ),
            id=rows_id(list_id),
            hidden=True,
        ),
    ]


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
    lang = language()
    return [
        {
            "label": f"{row.service} · {row.name} · {format_money(row.price_kopecks, lang)}",
            "value": str(row.id),
        }
        for row in rows
        if row.active
    ]


def seat_options(rows: list[SeatRow]) -> list[dict[str, str]]:
    numbered = _("Seat %(number)s")  # translated once, filled in per seat
    return [
        {"label": row.label or numbered % {"number": row.number}, "value": str(row.id)}
        for row in rows
    ]


def _toggle_text(active: bool) -> str:
    return _("Retire") if active else _("Bring back")


def _toggle_thing(kind: str, row_id: int, active: bool) -> str:
    """What a retire / bring back button names: "retire-tariff-12" (``callbacks``)."""
    return f"{'retire' if active else 'activate'}-{kind}-{row_id}"


def _seat_toggle(row: SeatRow, words: dict[str, object]) -> html.Button:
    """On a seat's tile: an icon (the button's own class) that says on hover whether it
    retires or brings back. Its ``data-catalog-toggle`` names the seat; a press puts that
    into the page's store (grid.js), as the button in a list's row does."""
    thing = _toggle_thing("seat", row.id, row.active)
    look = (
        "bi bi-archive btn-outline-secondary"
        if row.active
        else "bi bi-arrow-counterclockwise btn-outline-success"
    )
    return html.Button(
        id=f"{ids.CATALOG_TOGGLE}-{thing}",
        title=words["retire"] if row.active else words["bring_back"],
        type="button",
        className=f"btn btn-sm py-0 {look}",
        **{"data-catalog-toggle": thing},
    )


def seats_plan(rows: list[SeatRow], any_room: bool) -> html.Div:
    """The room's seats where they stand on its plan (a grid until placed); few
    components a tile, the words translated once (a room may have hundreds)."""
    if not rows:
        return html.P(
            _("This room has no seats yet: add them above.")
            if any_room
            else _("Add a coworking room first, then its seats."),
            className="text-body-secondary small mb-0 catalog-empty",
        )
    width = max(row.x for row in rows) + 1
    words = _words()
    numbered = _("Seat %(number)s")  # filled in per seat

    def name(row: SeatRow) -> str:
        return row.label or numbered % {"number": row.number}

    tiles = [
        html.Div(
            [
                html.Div(name(row), className="catalog-seat-name text-truncate"),
                _seat_toggle(row, words),
            ],
            className="catalog-seat" + ("" if row.active else " catalog-seat-retired"),
            style={"gridColumn": row.x + 1, "gridRow": row.y + 1},
            title=name(row),
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


def _words() -> dict[str, object]:
    """The words every row repeats, translated once per answer (not once per row)."""
    return {
        "lang": language(),
        "retire": _toggle_text(True),
        "bring_back": _toggle_text(False),
        "retired": _("Not in use"),
    }


def _grid_row(kind: str, row, words: dict[str, object], /, **cells) -> dict:
    return {
        "id": str(row.id),
        "active": row.active,
        "retired": "" if row.active else words["retired"],
        "toggle": _toggle_thing(kind, row.id, row.active),
        "toggle_text": words["retire"] if row.active else words["bring_back"],
        **cells,
    }


def buildings_rows(rows: list[BuildingRow]) -> list[dict]:
    words = _words()
    return [_grid_row("building", b, words, name=b.name, rooms=b.rooms) for b in rows]


def rooms_rows(rows: list[RoomRow]) -> list[dict]:
    words, kinds, always = _words(), labels(ROOM_KIND_LABELS), _("round the clock")
    return [
        _grid_row(
            "room",
            r,
            words,
            name=r.name,
            building=r.building,
            kind=kinds.get(r.kind, r.kind),
            capacity=r.capacity,
            hours=r.hours or always,
            seats=r.seats if r.kind == "coworking" else None,
        )
        for r in rows
    ]


def services_rows(rows: list[ServiceRow]) -> list[dict]:
    words, types = _words(), labels(SERVICE_TYPE_LABELS)
    lang = str(words["lang"])
    # Translated once; filled in per row (gettext without arguments leaves "%%" as is).
    prepayment, minimum = _("prepayment %(percent)s%%"), _("min. balance %(amount)s")
    in_full, cancellable, final = _("paid in full"), _("cancellable"), _("not cancellable")

    def terms(s: ServiceRow) -> str:
        return ", ".join(
            [
                prepayment % {"percent": s.prepayment_percent} if s.partial else in_full,
                cancellable if s.cancellable else final,
                minimum % {"amount": format_money(s.min_remaining_kopecks, lang)},
            ]
        )

    return [
        _grid_row(
            "service",
            s,
            words,
            name=s.name,
            type=types.get(s.type, s.type),
            room=s.room,
            terms=terms(s),
        )
        for s in rows
    ]


def tariffs_rows(rows: list[TariffRow]) -> list[dict]:
    words, units = _words(), labels(UNIT_LABELS)
    lang = str(words["lang"])
    return [
        _grid_row(
            "tariff",
            t,
            words,
            name=t.name,
            service=t.service,
            unit=units.get(t.unit, t.unit),
            price=t.price_kopecks,
            price_text=format_money(t.price_kopecks, lang),
        )
        for t in rows
    ]


def empty_text(list_id: str, *, any_parent: bool = True) -> str:
    """What an empty list says: what to add, and what first."""
    if list_id == ids.CATALOG_BUILDINGS:
        return _("No building yet: add the first one above, then its rooms.")
    if list_id == ids.CATALOG_ROOMS:
        return (
            _("No room yet: choose a building and add its rooms.")
            if any_parent
            else _("Add a building first, then its rooms.")
        )
    if list_id == ids.CATALOG_SERVICES:
        return _("No service yet: add one above (a coworking service needs a coworking room).")
    return (
        _("No tariff yet: choose a service and give it a price.")
        if any_parent
        else _("Add a service first, then its tariffs.")
    )
