"""The catalog page: show what exists, add buildings, rooms, seats, services and tariffs,
rename a seat, retire a thing or bring it back."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks import inputs
from callbacks.common import act, now, success
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import _
from pages import catalog as page
from services import catalog
from services.permissions import Action, can

FEEDBACK = Output(ids.CATALOG_FEEDBACK, "children", allow_duplicate=True)
VERSION = Output(ids.CATALOG_VERSION, "data", allow_duplicate=True)


def _submitted(*component_ids: str) -> None:
    """Act only on a click of the button or Enter in the form's field (never on the
    first rendering of either)."""
    if ctx.triggered_id not in component_ids or not (ctx.triggered and ctx.triggered[0]["value"]):
        raise PreventUpdate


def _chosen(options: list[dict[str, str]], current: object) -> str | None:
    """Keep the choice while it is offered; else the newest thing (just added, mostly)."""
    values = [o["value"] for o in options]
    if isinstance(current, str) and current in values:
        return current
    if page.NO_ROOM in values:  # a service is in no room until one is chosen
        return page.NO_ROOM
    return max(values, key=int) if values else None


def _cleared(new_version: object) -> object:
    """The name field: emptied after a save, as typed after a refusal."""
    return no_update if new_version is no_update else ""


def register(app: Dash, db: Database) -> None:
    @app.callback(
        *[
            Output(component(list_id), prop)
            for list_id in page.LISTS
            for component, prop in (
                (page.grid_id, "rowData"),
                (page.rows_id, "hidden"),
                (page.empty_id, "children"),
            )
        ],
        Output(ids.CATALOG_ROOM_BUILDING, "options"),
        Output(ids.CATALOG_ROOM_BUILDING, "value"),
        Output(ids.CATALOG_SEATS_ROOM, "options"),
        Output(ids.CATALOG_SEATS_ROOM, "value"),
        Output(ids.CATALOG_SERVICE_ROOM, "options"),
        Output(ids.CATALOG_SERVICE_ROOM, "value"),
        Output(ids.CATALOG_TARIFF_SERVICE, "options"),
        Output(ids.CATALOG_TARIFF_SERVICE, "value"),
        Output(ids.CATALOG_PRICE_TARIFF, "options"),
        Input(ids.CATALOG_VERSION, "data"),
        State(ids.CATALOG_ROOM_BUILDING, "value"),
        State(ids.CATALOG_SEATS_ROOM, "value"),
        State(ids.CATALOG_SERVICE_ROOM, "value"),
        State(ids.CATALOG_TARIFF_SERVICE, "value"),
    )
    def show(_version, building, seats_room, service_room, tariff_service):
        if not can(current_user, Action.MANAGE_CATALOG):
            raise PreventUpdate
        with db.read() as session:
            found = catalog.catalog(session, actor())
        buildings = page.thing_options(found.buildings)
        coworking = page.thing_options([r for r in found.rooms if r.kind == "coworking"])
        rooms = page.thing_options(found.rooms, none=_("No room"))
        services = page.thing_options(found.services)
        lists = (
            (ids.CATALOG_BUILDINGS, page.buildings_rows(found.buildings), True),
            (ids.CATALOG_ROOMS, page.rooms_rows(found.rooms), bool(buildings)),
            (ids.CATALOG_SERVICES, page.services_rows(found.services), True),
            (ids.CATALOG_TARIFFS, page.tariffs_rows(found.tariffs), bool(services)),
        )
        shown: list = []
        for list_id, rows, any_parent in lists:
            shown += [
                rows,
                not rows,
                "" if rows else page.empty_text(list_id, any_parent=any_parent),
            ]
        return (
            *shown,
            buildings,
            _chosen(buildings, building),
            coworking,
            _chosen(coworking, seats_room),
            rooms,
            _chosen(rooms, service_room),
            services,
            _chosen(services, tariff_service),
            page.tariff_options(found.tariffs),
        )

    @app.callback(
        Output(ids.CATALOG_SEATS, "children"),
        Output(ids.CATALOG_SEAT_PICK, "options"),
        Output(ids.CATALOG_SEAT_PICK, "value"),
        Input(ids.CATALOG_SEATS_ROOM, "value"),
        Input(ids.CATALOG_VERSION, "data"),
        State(ids.CATALOG_SEAT_PICK, "value"),
    )
    def show_seats(room_id, _version, picked):
        if not can(current_user, Action.MANAGE_CATALOG):
            raise PreventUpdate
        room = inputs.record_id(room_id)
        with db.read() as session:
            rows = catalog.seats(session, actor(), room) if room else []
        options = page.seat_options(rows)
        values = [o["value"] for o in options]
        value = picked if isinstance(picked, str) and picked in values else None
        return (
            page.seats_plan(rows, any_room=room is not None),
            options,
            value or (values[0] if values else None),
        )

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.CATALOG_BUILDING_NAME, "value"),
        Input(ids.CATALOG_BUILDING_SAVE, "n_clicks"),
        Input(ids.CATALOG_BUILDING_NAME, "n_submit"),
        State(ids.CATALOG_BUILDING_NAME, "value"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.CATALOG_BUILDING_SAVE, "disabled"), True, False)],
    )
    def save_building(_clicks, _submits, name, version):
        _submitted(ids.CATALOG_BUILDING_SAVE, ids.CATALOG_BUILDING_NAME)
        name = inputs.text(name)
        feedback, new_version = act(
            db,
            lambda s: catalog.create_building(s, actor(), name, now()),
            _("The building “%(name)s” is added; now add its rooms.", name=name.strip()),
            inputs.counter(version),
        )
        return feedback, new_version, _cleared(new_version)

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.CATALOG_ROOM_NAME, "value"),
        Input(ids.CATALOG_ROOM_SAVE, "n_clicks"),
        Input(ids.CATALOG_ROOM_NAME, "n_submit"),
        Input(ids.CATALOG_ROOM_CAPACITY, "n_submit"),
        Input(ids.CATALOG_ROOM_HOURS, "n_submit"),
        State(ids.CATALOG_ROOM_BUILDING, "value"),
        State(ids.CATALOG_ROOM_NAME, "value"),
        State(ids.CATALOG_ROOM_KIND, "value"),
        State(ids.CATALOG_ROOM_CAPACITY, "value"),
        State(ids.CATALOG_ROOM_HOURS, "value"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.CATALOG_ROOM_SAVE, "disabled"), True, False)],
    )
    def save_room(_c, _s1, _s2, _s3, building, name, kind, capacity, hours, version):
        _submitted(
            ids.CATALOG_ROOM_SAVE,
            ids.CATALOG_ROOM_NAME,
            ids.CATALOG_ROOM_CAPACITY,
            ids.CATALOG_ROOM_HOURS,
        )
        name = inputs.text(name)
        feedback, new_version = act(
            db,
            lambda s: catalog.create_room(
                s,
                actor(),
                inputs.record_id(building),
                name,
                kind,
                capacity,
                inputs.text(hours),
                now(),
            ),
            _("The room “%(name)s” is added.", name=" ".join(name.split())),
            inputs.counter(version),
        )
        return feedback, new_version, _cleared(new_version)

    @app.callback(
        FEEDBACK,
        VERSION,
        Input(ids.CATALOG_SEATS_SAVE, "n_clicks"),
        Input(ids.CATALOG_SEATS_COUNT, "n_submit"),
        State(ids.CATALOG_SEATS_ROOM, "value"),
        State(ids.CATALOG_SEATS_COUNT, "value"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.CATALOG_SEATS_SAVE, "disabled"), True, False)],
    )
    def save_seats(_clicks, _submits, room, count, version):
        _submitted(ids.CATALOG_SEATS_SAVE, ids.CATALOG_SEATS_COUNT)
        added: list[int] = []

        def add(session):
            added.extend(catalog.add_seats(session, actor(), inputs.record_id(room), count, now()))

        feedback, new_version = act(db, add, "", inputs.counter(version))
        if added:
            feedback = success(
                _("Seats %(first)s–%(last)s are added.", first=added[0], last=added[-1])
            )
        return feedback, new_version

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.CATALOG_SEAT_LABEL, "value"),
        Input(ids.CATALOG_SEAT_RENAME, "n_clicks"),
        Input(ids.CATALOG_SEAT_LABEL, "n_submit"),
        State(ids.CATALOG_SEAT_PICK, "value"),
        State(ids.CATALOG_SEAT_LABEL, "value"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.CATALOG_SEAT_RENAME, "disabled"), True, False)],
    )
    def rename_seat(_clicks, _submits, seat, label, version):
        _submitted(ids.CATALOG_SEAT_RENAME, ids.CATALOG_SEAT_LABEL)
        feedback, new_version = act(
            db,
            lambda s: catalog.rename_seat(
                s, actor(), inputs.record_id(seat), inputs.text(label), now()
            ),
            _("The seat is renamed."),
            inputs.counter(version),
        )
        return feedback, new_version, _cleared(new_version)

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.CATALOG_SERVICE_NAME, "value"),
        Input(ids.CATALOG_SERVICE_SAVE, "n_clicks"),
        Input(ids.CATALOG_SERVICE_NAME, "n_submit"),
        State(ids.CATALOG_SERVICE_NAME, "value"),
        State(ids.CATALOG_SERVICE_TYPE, "value"),
        State(ids.CATALOG_SERVICE_ROOM, "value"),
        State(ids.CATALOG_SERVICE_PARTIAL, "value"),
        State(ids.CATALOG_SERVICE_PREPAYMENT, "value"),
        State(ids.CATALOG_SERVICE_CANCELLABLE, "value"),
        State(ids.CATALOG_SERVICE_MIN_REMAINING, "value"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.CATALOG_SERVICE_SAVE, "disabled"), True, False)],
    )
    def save_service(
        _clicks, _submits, name, kind, room, partial, prepayment, cancellable, minimum, version
    ):
        _submitted(ids.CATALOG_SERVICE_SAVE, ids.CATALOG_SERVICE_NAME)
        name = inputs.text(name)
        room_id = inputs.record_id(room)
        terms = catalog.ServiceTerms(
            partial=partial is True,
            prepayment_percent=prepayment,
            cancellable=cancellable is True,
            min_remaining=minimum,
        )
        feedback, new_version = act(
            db,
            lambda s: catalog.create_service(s, actor(), name, kind, room_id, now(), terms),
            _(
                "The service “%(name)s” is added; now give it its tariffs.",
                name=" ".join(name.split()),
            ),
            inputs.counter(version),
        )
        return feedback, new_version, _cleared(new_version)

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.CATALOG_TARIFF_NAME, "value"),
        Input(ids.CATALOG_TARIFF_SAVE, "n_clicks"),
        Input(ids.CATALOG_TARIFF_NAME, "n_submit"),
        Input(ids.CATALOG_TARIFF_PRICE, "n_submit"),
        State(ids.CATALOG_TARIFF_SERVICE, "value"),
        State(ids.CATALOG_TARIFF_NAME, "value"),
        State(ids.CATALOG_TARIFF_UNIT, "value"),
        State(ids.CATALOG_TARIFF_PRICE, "value"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.CATALOG_TARIFF_SAVE, "disabled"), True, False)],
    )
    def save_tariff(_clicks, _s1, _s2, service, name, unit, price, version):
        _submitted(ids.CATALOG_TARIFF_SAVE, ids.CATALOG_TARIFF_NAME, ids.CATALOG_TARIFF_PRICE)
        name = inputs.text(name)
        feedback, new_version = act(
            db,
            lambda s: catalog.create_tariff(
                s, actor(), inputs.record_id(service), name, unit, price, now()
            ),
            _("The tariff “%(name)s” is added.", name=" ".join(name.split())),
            inputs.counter(version),
        )
        return feedback, new_version, _cleared(new_version)

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.CATALOG_PRICE_VALUE, "value"),
        Input(ids.CATALOG_PRICE_SAVE, "n_clicks"),
        Input(ids.CATALOG_PRICE_VALUE, "n_submit"),
        State(ids.CATALOG_PRICE_TARIFF, "value"),
        State(ids.CATALOG_PRICE_VALUE, "value"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.CATALOG_PRICE_SAVE, "disabled"), True, False)],
    )
    def change_price(_clicks, _submits, tariff, price, version):
        _submitted(ids.CATALOG_PRICE_SAVE, ids.CATALOG_PRICE_VALUE)
        feedback, new_version = act(
            db,
            lambda s: catalog.change_price(s, actor(), inputs.record_id(tariff), price, now()),
            _("The price is changed; orders already made keep theirs."),
            inputs.counter(version),
        )
        return feedback, new_version, _cleared(new_version)

    @app.callback(
        FEEDBACK,
        VERSION,
        Input(ids.CATALOG_TOGGLE_PRESSED, "data"),
        State(ids.CATALOG_VERSION, "data"),
        prevent_initial_call=True,
    )
    def toggle(pressed, version):
        if not isinstance(pressed, dict):
            raise PreventUpdate
        action, kind, record = _thing(pressed.get("thing"))
        names: list[str] = []
        feedback, new_version = act(
            db,
            lambda s: names.append(
                catalog.set_active(s, actor(), kind, record, action == "activate", now())
            ),
            "",
            inputs.counter(version),
        )
        if names:
            text = (
                _("Back in use: “%(name)s”.", name=names[0])
                if action == "activate"
                else _(
                    "Retired: “%(name)s”. New orders will not offer it; what was sold on it "
                    "works as before.",
                    name=names[0],
                )
            )
            feedback = success(text)
        return feedback, new_version


def _thing(value: object) -> tuple[str, str, int | None]:
    """ "retire-tariff-12" → ("retire", "tariff", 12); anything else names nothing (the
    service refuses it in words)."""
    parts = value.split("-") if isinstance(value, str) else []
    if len(parts) != 3 or parts[0] not in ("retire", "activate"):
        return "retire", "", None
    return parts[0], parts[1], inputs.record_id(parts[2])
