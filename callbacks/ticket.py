"""The ticket page: show it, and validate / reset / change the seat or the visitor."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, html, no_update
from flask_login import current_user

from callbacks import inputs, live
from callbacks.common import act, now, refusal, require_click
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import _
from pages import ticket as page
from pages.components import forbidden, not_found
from services import audit, floor, people, tickets
from services import live as live_changes
from services.errors import DomainError, NotFound
from services.permissions import Action, can

FEEDBACK = Output(ids.TICKET_FEEDBACK, "children", allow_duplicate=True)
VERSION = Output(ids.TICKET_VERSION, "data", allow_duplicate=True)


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.TICKET_BODY, "children"),
        Output(ids.TICKET_SEEN, "data"),
        Input(ids.TICKET_NUMBER, "data"),
        Input(ids.TICKET_VERSION, "data"),
        State(ids.TICKET_SEEN, "data"),
    )
    def show(number: str | None, _version: int, shown: object):
        if not can(current_user, Action.VIEW_TICKETS):
            return forbidden(), None
        moment = now()
        try:
            with db.read() as session:
                # The mark first: a change committed while the page is read is newer.
                seen = live_changes.seen_ticket(session, tickets.parse_number(number))
                if live.already_shown(ids.TICKET_VERSION, seen, shown):
                    return no_update, no_update
                view = tickets.get_ticket(session, number, moment)
                trail = audit.trail(session, "coworking_ticket", view.number)
        except NotFound:
            return not_found(_("There is no ticket number %(number)s.", number=number)), None
        status = tickets.TicketStatus(view.status)
        may_edit = can(current_user, Action.VALIDATE_TICKET)
        return page.body(
            view,
            can_validate=may_edit and status in tickets.VALIDATABLE and view.validated_at is None,
            can_reset=may_edit and view.validated_at is not None,
            can_change_visitor=can(current_user, Action.CHANGE_TICKET_VISITOR)
            and status in tickets.VISITOR_CHANGEABLE,
            can_change_seat=can(current_user, Action.CHANGE_TICKET_SEAT)
            and status in tickets.SEAT_CHANGEABLE,
            show_contacts=can(current_user, Action.VIEW_CONTACTS),
            trail=trail,
        ), seen

    live.refresh_on_change(app, ids.TICKET_VERSION, (), ids.TICKET_SEEN)

    @app.callback(
        FEEDBACK,
        VERSION,
        Input(ids.TICKET_VALIDATE, "n_clicks"),
        State(ids.TICKET_NUMBER, "data"),
        State(ids.TICKET_VERSION, "data"),
        State(ids.TICKET_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.TICKET_VALIDATE, "disabled"), True, False)],
    )
    def validate(_clicks, number, version, seen):
        require_click(ids.TICKET_VALIDATE)
        return act(
            db,
            lambda s: tickets.validate(s, actor(), number, now()),
            _("The visitor's identity is checked."),
            inputs.counter(version),
            seen,
        )

    @app.callback(
        FEEDBACK,
        VERSION,
        Input(ids.TICKET_RESET_VALIDATION, "n_clicks"),
        State(ids.TICKET_NUMBER, "data"),
        State(ids.TICKET_VERSION, "data"),
        State(ids.TICKET_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.TICKET_RESET_VALIDATION, "disabled"), True, False)],
    )
    def reset(_clicks, number, version, seen):
        require_click(ids.TICKET_RESET_VALIDATION)
        return act(
            db,
            lambda s: tickets.reset_validation(s, actor(), number, now()),
            _("The identity check is reset."),
            inputs.counter(version),
            seen,
        )

    @app.callback(
        Output(ids.TICKET_SEAT_MODAL, "is_open"),
        Output(ids.TICKET_SEAT_SELECT, "options"),
        Output(ids.TICKET_SEAT_SELECT, "value"),
        Output(ids.TICKET_SEAT_PLAN, "data"),
        Input(ids.TICKET_CHANGE_SEAT, "n_clicks"),
        State(ids.TICKET_NUMBER, "data"),
        prevent_initial_call=True,
    )
    def open_seat_modal(_clicks, number):
        """The seats free for the ticket's whole period, in the select and on the room's
        plan (a click on the plan chooses the select's value: one save, one rule)."""
        require_click(ids.TICKET_CHANGE_SEAT)
        if not can(current_user, Action.CHANGE_TICKET_SEAT):
            return False, [], None, None
        try:
            with db.read() as session:
                moment = now()
                seats = tickets.free_seats_for_ticket(session, number, moment)
                plan = floor.seats_to_pick(session, actor(), number, moment)
        except DomainError:  # no such ticket: nothing to choose from
            return False, [], None, None
        options = [
            {
                "label": f"{seat.room_name} · {_('Seat %(number)s', number=seat.number)}",
                "value": str(seat.id),
            }
            for seat in seats
        ]
        if not options:
            options = [
                {"label": _("No seat is free for the whole period"), "value": "", "disabled": True}
            ]
        return True, options, options[0]["value"] if seats else None, page.seat_plan(plan)

    app.clientside_callback(
        ClientsideFunction(namespace="parkdesk_floor", function_name="pick"),
        Output(ids.TICKET_SEAT_DRAWN, "data"),
        Input(ids.TICKET_SEAT_PLAN, "data"),
    )

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.TICKET_SEAT_MODAL, "is_open", allow_duplicate=True),
        Input(ids.TICKET_SEAT_SAVE, "n_clicks"),
        State(ids.TICKET_SEAT_SELECT, "value"),
        State(ids.TICKET_NUMBER, "data"),
        State(ids.TICKET_VERSION, "data"),
        State(ids.TICKET_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.TICKET_SEAT_SAVE, "disabled"), True, False)],
    )
    def save_seat(_clicks, seat_id, number, version, seen):
        require_click(ids.TICKET_SEAT_SAVE)
        seat = inputs.record_id(seat_id)
        if seat is None:
            return refusal(DomainError("Choose a seat.")), no_update, True
        feedback, new_version = act(
            db,
            lambda s: tickets.change_seat(s, actor(), number, seat, now()),
            _("The seat is changed."),
            inputs.counter(version),
            seen,
        )
        return feedback, new_version, new_version is no_update

    @app.callback(
        Output(ids.TICKET_VISITOR_MODAL, "is_open"),
        Input(ids.TICKET_CHANGE_VISITOR, "n_clicks"),
        prevent_initial_call=True,
    )
    def open_visitor_modal(_clicks):
        require_click(ids.TICKET_CHANGE_VISITOR)
        return can(current_user, Action.CHANGE_TICKET_VISITOR)

    @app.callback(
        Output(ids.TICKET_VISITOR_CHOICE, "options"),
        Input(ids.TICKET_VISITOR_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def search_people(text: str | None):
        if not can(current_user, Action.CHANGE_TICKET_VISITOR):
            return []
        with db.read() as session:
            found = people.search(session, inputs.text(text))
        return [
            {
                "label": html.Span(
                    [
                        p.full_name,
                        html.Small(
                            f"  {p.phone or ''} {p.email or ''}", className="text-body-secondary"
                        ),
                    ]
                ),
                "value": p.id,
            }
            for p in found
        ]

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.TICKET_VISITOR_MODAL, "is_open", allow_duplicate=True),
        Input(ids.TICKET_VISITOR_SAVE, "n_clicks"),
        State(ids.TICKET_VISITOR_CHOICE, "value"),
        State(ids.TICKET_VISITOR_LAST, "value"),
        State(ids.TICKET_VISITOR_FIRST, "value"),
        State(ids.TICKET_VISITOR_PHONE, "value"),
        State(ids.TICKET_VISITOR_EMAIL, "value"),
        State(ids.TICKET_NUMBER, "data"),
        State(ids.TICKET_VERSION, "data"),
        State(ids.TICKET_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.TICKET_VISITOR_SAVE, "disabled"), True, False)],
    )
    def save_visitor(_clicks, person_id, last, first, phone, email, number, version, seen):
        require_click(ids.TICKET_VISITOR_SAVE)
        last, first, phone = inputs.text(last), inputs.text(first), inputs.text(phone)
        email = inputs.optional_text(email)
        typed_new = any((last, first, phone, email))
        new_person = (
            people.NewPerson(last_name=last, first_name=first, phone=phone, email=email)
            if typed_new
            else None
        )
        # A choice that is no person's id is no choice: the service asks for one.
        chosen = None if typed_new else inputs.record_id(person_id)
        feedback, new_version = act(
            db,
            lambda s: tickets.change_visitor(
                s, actor(), number, now(), person_id=chosen, new_person=new_person
            ),
            _("The visitor is changed."),
            inputs.counter(version),
            seen,
        )
        return feedback, new_version, new_version is no_update
