"""The new coworking order form: the customer, the live price and free seats, and
the save that writes one order and opens it."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from dash import Dash, Input, Output, State, html, no_update
from flask import current_app
from flask_login import current_user

from callbacks import inputs
from callbacks.common import now, refusal, require_click
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import _, error_text, format_money, localize
from pages import order_new as page
from services import coworking, people, tickets
from services.errors import DomainError, NotFound, PermissionDenied
from services.filter_values import a_date
from services.money import parse_amount
from services.permissions import Action, can


def _may() -> bool:
    return can(current_user, Action.CREATE_COWORKING_ORDER)


def _id(value: object) -> int:
    """A database id from a form value, or 0 (which the services refuse in words)."""
    return inputs.record_id(value) or 0


def _units(value: object) -> int:
    """A whole number of tariff units; anything else becomes 0, which ``quote`` refuses
    with the allowed range."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if abs(value) <= 10**6 else 0
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return int(number) if number.is_integer() else 0


def _modifier_ids(values: object) -> tuple[int, ...]:
    """The ids of the modifiers ticked; anything that is no id becomes 0, which the
    service refuses in words."""
    if not isinstance(values, list):
        return ()
    return tuple(_id(value) for value in values[:50])


def _start(day: object, at: object) -> datetime:
    """The date and time typed in the operator's time zone, as an aware moment."""
    day = a_date(inputs.text(day))
    try:
        local = datetime.combine(day, time.fromisoformat(inputs.text(at)))
    except (TypeError, ValueError):  # no date, or a date beyond the ones anybody means
        raise DomainError("Enter the start date and time.") from None
    return local.replace(tzinfo=ZoneInfo(current_app.config["PARKDESK"].timezone))


def _seat_label(seat: tickets.SeatOption) -> str:
    return f"{seat.room_name} · {_('Seat %(number)s', number=seat.number)}"


def register(app: Dash, db: Database) -> None:
    app.clientside_callback(
        """
        function (mode) { return [mode !== "registered", mode === "registered"]; }
        """,
        Output(ids.ORDER_NEW_REGISTERED, "hidden"),
        Output(ids.ORDER_NEW_NEW_CUSTOMER, "hidden"),
        Input(ids.ORDER_NEW_CUSTOMER_MODE, "value"),
    )

    @app.callback(
        Output(ids.ORDER_NEW_SERVICE, "options"),
        Output(ids.ORDER_NEW_SERVICE, "value"),
        Output(ids.ORDER_NEW_KEY, "data"),
        Input(ids.ORDER_NEW_LOAD, "data"),
    )
    def services(_load):
        if not _may():
            return [], None, None
        with db.read() as session:
            options = [
                {"label": offer.service.name, "value": str(offer.service.id)}
                for offer in coworking.coworking_catalogue(session)
            ]
        # A fresh key per opened form: however often it is submitted, one sale.
        return options, options[0]["value"] if options else None, uuid.uuid4().hex

    @app.callback(
        Output(ids.ORDER_NEW_TARIFF, "options"),
        Output(ids.ORDER_NEW_TARIFF, "value"),
        Output(ids.ORDER_NEW_MODIFIERS, "options"),
        Output(ids.ORDER_NEW_MODIFIERS, "value"),
        Input(ids.ORDER_NEW_SERVICE, "value"),
        State(ids.ORDER_NEW_TARIFF, "value"),
        State(ids.ORDER_NEW_MODIFIERS, "value"),
        prevent_initial_call=True,
    )
    def tariffs(service_id, current, ticked):
        """The service's tariffs and its modifiers (tariffs sold by the piece)."""
        if not _may():
            return [], None, [], []
        with db.read() as session:
            offer = next(
                (
                    offer
                    for offer in coworking.coworking_catalogue(session)
                    if offer.service.id == _id(service_id)
                ),
                None,
            )
            if offer is None:
                return [], None, [], []
            options = [
                {"label": f"{t.name} · {format_money(t.price_kopecks)}", "value": str(t.id)}
                for t in sorted(offer.tariffs, key=lambda t: (t.price_kopecks, t.name))
            ]
        extras = [page.modifier_option(m.name, m.price_kopecks, m.id) for m in offer.modifiers]
        values = [o["value"] for o in options]
        kept = [
            v
            for v in (ticked if isinstance(ticked, list) else [])
            if v in [o["value"] for o in extras]
        ]
        return (
            options,
            current if current in values else (values[0] if values else None),
            extras,
            kept,
        )

    @app.callback(
        Output(ids.ORDER_NEW_QUOTE, "children"),
        Output(ids.ORDER_NEW_SEAT, "options"),
        Output(ids.ORDER_NEW_SEAT, "value"),
        Output(ids.ORDER_NEW_AMOUNT, "value"),
        Input(ids.ORDER_NEW_SERVICE, "value"),
        Input(ids.ORDER_NEW_TARIFF, "value"),
        Input(ids.ORDER_NEW_DATE, "value"),
        Input(ids.ORDER_NEW_TIME, "value"),
        Input(ids.ORDER_NEW_QUANTITY, "value"),
        Input(ids.ORDER_NEW_MODIFIERS, "value"),
        State(ids.ORDER_NEW_SEAT, "value"),
    )
    def price_and_seats(service_id, tariff_id, day, at, quantity, modifiers, chosen_seat):
        """The period and total of the form as it stands (the whole total is the amount
        to take unless the manager types a part), and the seats free all of it."""
        if not _may():
            return None, [], None, None
        if not service_id or not tariff_id:
            with db.read() as session:  # a new house: say what is missing, and where
                on_sale = any(offer.tariffs for offer in coworking.coworking_catalogue(session))
            choose = (
                _("Choose a coworking service and a tariff.")
                if on_sale
                else _(
                    "Nothing is on sale yet: an administrator adds a coworking room with "
                    "seats, a coworking service and its tariff in the catalog."
                )
            )
            return page.quote_problem(choose), [], None, None
        try:
            start = _start(day, at)
            with db.read() as session:
                price = coworking.quote(
                    session,
                    _id(service_id),
                    _id(tariff_id),
                    start,
                    _units(quantity),
                    now=now(),
                    horizon=current_app.config["PARKDESK"].booking_horizon,
                    modifier_ids=_modifier_ids(modifiers),
                )
                # A service sold for one room offers that room's seats only.
                room_id = next(
                    (
                        offer.service.room_id
                        for offer in coworking.coworking_catalogue(session)
                        if offer.service.id == _id(service_id)
                    ),
                    None,
                )
                seats = tickets.free_seats(session, price.start, price.end, room_id=room_id)
        except DomainError as error:
            return page.quote_problem(error_text(error)), [], None, None
        summary = page.quote_summary(price.start, price.end, price.total_kopecks)
        whole = page.amount_text(price.total_kopecks)
        if not seats:
            none_free = _("No seat is free for the whole period")
            return summary, [{"label": none_free, "value": "", "disabled": True}], "", whole
        options = [{"label": _seat_label(seat), "value": str(seat.id)} for seat in seats]
        values = [o["value"] for o in options]
        return summary, options, chosen_seat if chosen_seat in values else values[0], whole

    @app.callback(
        Output(ids.ORDER_NEW_AMOUNT_HINT, "children"),
        Input(ids.ORDER_NEW_AMOUNT, "value"),
        State(ids.ORDER_NEW_SERVICE, "value"),
        State(ids.ORDER_NEW_TARIFF, "value"),
        State(ids.ORDER_NEW_DATE, "value"),
        State(ids.ORDER_NEW_TIME, "value"),
        State(ids.ORDER_NEW_QUANTITY, "value"),
        State(ids.ORDER_NEW_MODIFIERS, "value"),
        prevent_initial_call=True,
    )
    def explain_amount(amount, service_id, tariff_id, day, at, quantity, modifiers):
        """Which amounts this sale may take and why, as the manager types (the amount
        follows every change of the price, so this follows it too)."""
        if not _may() or not service_id or not tariff_id:
            return None
        try:
            with db.read() as session:
                limits = coworking.quote(
                    session,
                    _id(service_id),
                    _id(tariff_id),
                    _start(day, at),
                    _units(quantity),
                    now=now(),
                    horizon=current_app.config["PARKDESK"].booking_horizon,
                    modifier_ids=_modifier_ids(modifiers),
                ).limits
        except DomainError:
            return None  # the price block says what is wrong
        allowed = localize(*limits.rule())
        if not amount:
            return page.amount_hint(allowed, None)
        try:
            problem = limits.refusal(parse_amount(amount))
        except DomainError as error:
            problem = error
        return page.amount_hint(allowed, error_text(problem) if problem else None)

    @app.callback(
        Output(ids.ORDER_NEW_CHOICE, "options"),
        Output(ids.ORDER_NEW_CHOICE, "value"),
        Output(ids.ORDER_NEW_FOUND, "children"),
        Input(ids.ORDER_NEW_SEARCH, "value"),
        State(ids.ORDER_NEW_CHOICE, "value"),
        prevent_initial_call=True,
    )
    def search_people(text: str | None, chosen):
        if not _may():
            return [], None, None
        text = inputs.text(text)
        with db.read() as session:
            found = people.search(session, text)
        options = [
            {
                "label": html.Span(
                    [
                        person.full_name,
                        html.Small(
                            " · ".join(c for c in (person.phone, person.email) if c),
                            className="d-block text-body-secondary",
                        ),
                    ]
                ),
                "value": person.id,
            }
            for person in found
        ]
        note = (
            _(
                "Nobody found. Type at least two letters of the first or last name, "
                "or enter a new customer."
            )
            if not found and (text or "").strip()
            else None
        )
        # Keeping the choice leaves a phone the manager has edited as it is.
        if chosen in [person.id for person in found]:
            return options, no_update, note
        return options, found[0].id if len(found) == 1 else None, note

    @app.callback(
        Output(ids.ORDER_NEW_PHONE, "value"),
        Output(ids.ORDER_NEW_EMAIL, "value"),
        Input(ids.ORDER_NEW_CHOICE, "value"),
        Input(ids.ORDER_NEW_CUSTOMER_MODE, "value"),
        prevent_initial_call=True,
    )
    def contacts(person_id, mode):
        """The chosen person's phone and e-mail, to keep or to change for this order."""
        if not _may() or mode != page.REGISTERED or not _id(person_id):
            return "", ""
        try:
            with db.read() as session:
                person = people.get_person(session, _id(person_id))
        except NotFound:
            return "", ""
        return person.phone or "", person.email or ""

    @app.callback(
        Output(ids.ORDER_NEW_FEEDBACK, "children"),
        Input(ids.ORDER_NEW_SAVE, "n_clicks"),
        State(ids.ORDER_NEW_CUSTOMER_MODE, "value"),
        State(ids.ORDER_NEW_CHOICE, "value"),
        State(ids.ORDER_NEW_LAST, "value"),
        State(ids.ORDER_NEW_FIRST, "value"),
        State(ids.ORDER_NEW_PHONE, "value"),
        State(ids.ORDER_NEW_EMAIL, "value"),
        State(ids.ORDER_NEW_SERVICE, "value"),
        State(ids.ORDER_NEW_TARIFF, "value"),
        State(ids.ORDER_NEW_DATE, "value"),
        State(ids.ORDER_NEW_TIME, "value"),
        State(ids.ORDER_NEW_QUANTITY, "value"),
        State(ids.ORDER_NEW_SEAT, "value"),
        State(ids.ORDER_NEW_METHOD, "value"),
        State(ids.ORDER_NEW_VARIANT, "value"),
        State(ids.ORDER_NEW_MODIFIERS, "value"),
        State(ids.ORDER_NEW_AMOUNT, "value"),
        State(ids.ORDER_NEW_NUMBER, "value"),
        State(ids.ORDER_NEW_KEY, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.ORDER_NEW_SAVE, "disabled"), True, False)],
    )
    def save(
        _clicks,
        mode,
        person_id,
        last,
        first,
        phone,
        email,
        service_id,
        tariff_id,
        day,
        at,
        quantity,
        seat_id,
        method,
        variant,
        modifiers,
        amount,
        external,
        key,
    ):
        require_click(ids.ORDER_NEW_SAVE)
        if not _may():
            return refusal(PermissionDenied("Your role may not do this."))
        is_new = mode == page.NEW
        last, first = inputs.text(last), inputs.text(first)
        phone, email = inputs.optional_text(phone), inputs.optional_text(email)
        try:
            if not _id(seat_id):
                raise DomainError("Choose a seat.")
            order_request = coworking.CoworkingOrderRequest(
                service_id=_id(service_id),
                tariff_id=_id(tariff_id),
                start=_start(day, at),
                quantity=_units(quantity),
                seat_id=_id(seat_id),
                payment_method=inputs.text(method),
                customer_id=None if is_new else (_id(person_id) or None),
                new_customer=people.NewPerson(
                    last_name=last, first_name=first, phone=phone or "", email=email
                )
                if is_new
                else None,
                phone=phone,
                email=email,
                variant=inputs.text(variant),
                modifier_ids=_modifier_ids(modifiers),
            )
            with db.write() as session:
                sale = coworking.sell_coworking(
                    session,
                    actor(),
                    order_request,
                    amount,
                    inputs.text(key),
                    now(),
                    external_number=inputs.optional_text(external),
                    horizon=current_app.config["PARKDESK"].booking_horizon,
                )
        except DomainError as error:
            return refusal(error)
        return page.sold(sale.order_number, sale.ticket_number, sale.paid_kopecks, sale.status)
