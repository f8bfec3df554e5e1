"""The order page: show it; record payments, issue the invoice, cancel, assign, move
work, chat."""

from __future__ import annotations

import uuid

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask import current_app
from flask_login import current_user

from callbacks import inputs, live
from callbacks.common import act, now, refusal, require_click
from dashboard import ids
from dashboard.auth import actor
from dashboard.db import Database
from dashboard.i18n import _, error_text, localize
from pages import order as page
from pages.components import forbidden, not_found
from services import deadlines, order_list, orders, payments
from services import live as live_changes
from services.errors import DomainError, NotFound, PermissionDenied
from services.money import parse_amount
from services.order_view import get_order
from services.permissions import Action, can
from services.workflow import OrderAction

FEEDBACK = Output(ids.ORDER_FEEDBACK, "children", allow_duplicate=True)
VERSION = Output(ids.ORDER_VERSION, "data", allow_duplicate=True)


def register(app: Dash, db: Database) -> None:
    @app.callback(
        Output(ids.ORDER_BODY, "children"),
        Output(ids.ORDER_SEEN, "data"),
        Input(ids.ORDER_NUMBER, "data"),
        Input(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
    )
    def show(number: str | None, _version: int, shown: object):
        if not can(current_user, Action.VIEW_ORDERS):
            return forbidden(), None
        who = actor()
        try:
            with db.read() as session:
                # The mark first: a change committed while the page is read is newer.
                seen = live_changes.seen_order(session, orders.parse_number(number))
                view = get_order(session, who, number)
                if live.already_shown(ids.ORDER_VERSION, seen, shown):
                    return no_update, no_update
                allowed = orders.available_actions(session, who, number)
                choices = order_list.executor_choices(session) if allowed.assign else None
        except NotFound:
            return not_found(_("There is no order number %(number)s.", number=number)), None
        except PermissionDenied as refused:
            return forbidden(error_text(refused)), None
        return page.body(
            view,
            can_pay=allowed.pay,
            can_cancel=allowed.cancel,
            work_actions=list(allowed.work),
            executor_choices=choices,
            show_contacts=view.contacts_shown,
            can_write=allowed.message,
            can_close=allowed.close,
            can_refund=allowed.refund,
            can_invoice=allowed.invoice,
            can_set_deadline=deadlines.may_set_deadline(who, view.service_type, view.status),
        ), seen

    live.refresh_on_change(app, ids.ORDER_VERSION, (), ids.ORDER_SEEN)

    # --- payments --------------------------------------------------------------------

    @app.callback(
        Output(ids.ORDER_PAYMENT_MODAL, "is_open"),
        Output(ids.ORDER_PAYMENT_KEY, "data"),
        Output(ids.PAYMENT_AMOUNT, "value"),
        Output(ids.PAYMENT_NUMBER, "value"),
        Input(ids.ORDER_RECORD_PAYMENT, "n_clicks"),
        State(ids.ORDER_NUMBER, "data"),
        prevent_initial_call=True,
    )
    def open_payment(_clicks, number):
        require_click(ids.ORDER_RECORD_PAYMENT)
        # The button is only on the page of a role that may pay this order; a replayed
        # click of anyone else (or on no order) opens nothing.
        try:
            with db.read() as session:
                limits = payments.payment_limits(session, actor(), number)
        except DomainError:
            raise PreventUpdate from None
        rubles, kopecks = divmod(limits.balance, 100)
        # A fresh key per opened form: however often this form is submitted, one payment.
        amount = f"{rubles}.{kopecks:02d}" if kopecks else str(rubles)
        return True, uuid.uuid4().hex, amount, ""

    @app.callback(
        Output(ids.PAYMENT_LIMITS, "children"),
        Input(ids.PAYMENT_AMOUNT, "value"),
        Input(ids.ORDER_PAYMENT_MODAL, "is_open"),
        State(ids.ORDER_NUMBER, "data"),
        prevent_initial_call=True,
    )
    def explain_limits(amount, is_open, number):
        """Which amounts are allowed and why, as the manager types."""
        if not is_open:
            raise PreventUpdate
        try:
            with db.read() as session:
                limits = payments.payment_limits(session, actor(), number)
        except DomainError:
            raise PreventUpdate from None
        allowed = localize(*limits.rule())
        if not amount:
            return allowed
        try:
            problem = limits.refusal(parse_amount(amount))
        except DomainError as error:
            problem = error
        if problem is None:
            return allowed
        return [allowed, " ", html.Span(error_text(problem), className="text-danger")]

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.ORDER_PAYMENT_MODAL, "is_open", allow_duplicate=True),
        Input(ids.PAYMENT_SAVE, "n_clicks"),
        State(ids.PAYMENT_AMOUNT, "value"),
        State(ids.PAYMENT_METHOD, "value"),
        State(ids.PAYMENT_NUMBER, "value"),
        State(ids.ORDER_PAYMENT_KEY, "data"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.PAYMENT_SAVE, "disabled"), True, False)],
    )
    def save_payment(_clicks, amount, method, external, key, number, version, seen):
        require_click(ids.PAYMENT_SAVE)
        feedback, new_version = act(
            db,
            lambda s: payments.record_payment(
                s,
                actor(),
                number,
                amount,
                inputs.text(method),
                inputs.text(key),
                now(),
                external_number=inputs.text(external),
            ),
            _("The payment is recorded."),
            inputs.counter(version),
            seen,
        )
        return feedback, new_version, new_version is no_update

    # --- cancel ----------------------------------------------------------------------

    @app.callback(
        Output(ids.ORDER_CANCEL_MODAL, "is_open"),
        Input(ids.ORDER_CANCEL, "n_clicks"),
        Input(ids.ORDER_CANCEL_KEEP, "n_clicks"),
        prevent_initial_call=True,
    )
    def ask_to_cancel(_cancel, _keep):
        if ctx.triggered_id == ids.ORDER_CANCEL_KEEP:
            return False
        require_click(ids.ORDER_CANCEL)
        return True

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.ORDER_CANCEL_MODAL, "is_open", allow_duplicate=True),
        Input(ids.ORDER_CANCEL_CONFIRM, "n_clicks"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.ORDER_CANCEL_CONFIRM, "disabled"), True, False)],
    )
    def cancel(_clicks, number, version, seen):
        require_click(ids.ORDER_CANCEL_CONFIRM)
        feedback, new_version = act(
            db,
            lambda s: orders.cancel_order(s, actor(), number, now()),
            _("The order is cancelled."),
            inputs.counter(version),
            seen,
        )
        return feedback, new_version, False

    # --- refund --------------------------------------------------------------------

    @app.callback(
        Output(ids.ORDER_REFUND_MODAL, "is_open"),
        Output(ids.ORDER_REFUND_KEY, "data"),
        Output(ids.REFUND_AMOUNT, "value"),
        Input(ids.ORDER_RECORD_REFUND, "n_clicks"),
        State(ids.ORDER_NUMBER, "data"),
        prevent_initial_call=True,
    )
    def open_refund(_clicks, number):
        require_click(ids.ORDER_RECORD_REFUND)
        # Only a role that may refund this order, while it waits for its refund.
        try:
            with db.read() as session:
                left = payments.refund_left(session, actor(), number)
        except DomainError:
            raise PreventUpdate from None
        rubles, kopecks = divmod(left, 100)
        # A fresh key per opened form: however often this form is submitted, one refund.
        return True, uuid.uuid4().hex, f"{rubles}.{kopecks:02d}" if kopecks else str(rubles)

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.ORDER_REFUND_MODAL, "is_open", allow_duplicate=True),
        Input(ids.REFUND_SAVE, "n_clicks"),
        State(ids.REFUND_AMOUNT, "value"),
        State(ids.REFUND_METHOD, "value"),
        State(ids.REFUND_NUMBER, "value"),
        State(ids.ORDER_REFUND_KEY, "data"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.REFUND_SAVE, "disabled"), True, False)],
    )
    def save_refund(_clicks, amount, method, external, key, number, version, seen):
        require_click(ids.REFUND_SAVE)
        feedback, new_version = act(
            db,
            lambda s: payments.record_refund(
                s,
                actor(),
                number,
                amount,
                inputs.text(method),
                inputs.text(key),
                now(),
                external_number=inputs.text(external),
            ),
            _("The refund is recorded."),
            inputs.counter(version),
            seen,
        )
        return feedback, new_version, new_version is no_update

    # --- close (seed 001) -------------------------------------------------------------

    @app.callback(
        Output(ids.ORDER_CLOSE_MODAL, "is_open"),
        Input(ids.ORDER_CLOSE, "n_clicks"),
        Input(ids.ORDER_CLOSE_KEEP, "n_clicks"),
        prevent_initial_call=True,
    )
    def ask_to_close(_close, _keep):
        if ctx.triggered_id == ids.ORDER_CLOSE_KEEP:
            return False
        require_click(ids.ORDER_CLOSE)
        return True

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.ORDER_CLOSE_MODAL, "is_open", allow_duplicate=True),
        Input(ids.ORDER_CLOSE_CONFIRM, "n_clicks"),
        State(ids.ORDER_CLOSE_AS, "value"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.ORDER_CLOSE_CONFIRM, "disabled"), True, False)],
    )
    def close(_clicks, close_as, number, version, seen):
        require_click(ids.ORDER_CLOSE_CONFIRM)
        feedback, new_version = act(
            db,
            lambda s: orders.close_order(s, actor(), number, inputs.text(close_as), now()),
            _("The order is closed."),
            inputs.counter(version),
            seen,
        )
        return feedback, new_version, False

    # --- invoice ---------------------------------------------------------------------

    @app.callback(
        FEEDBACK,
        VERSION,
        Input(ids.ORDER_ISSUE_INVOICE, "n_clicks"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.ORDER_ISSUE_INVOICE, "disabled"), True, False)],
    )
    def issue_invoice(_clicks, number, version, seen):
        require_click(ids.ORDER_ISSUE_INVOICE)
        return act(
            db,
            lambda s: orders.issue_invoice(s, actor(), number, now()),
            _("The invoice is issued."),
            inputs.counter(version),
            seen,
        )

    # --- executor and work statuses --------------------------------------------------

    @app.callback(
        FEEDBACK,
        VERSION,
        Input(ids.ORDER_EXECUTOR_SAVE, "n_clicks"),
        State(ids.ORDER_EXECUTOR, "value"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.ORDER_EXECUTOR_SAVE, "disabled"), True, False)],
    )
    def assign(_clicks, executor, number, version, seen):
        require_click(ids.ORDER_EXECUTOR_SAVE)
        executor_id = None
        if executor not in (None, "", order_list.UNASSIGNED):
            executor_id = inputs.record_id(executor)
            if executor_id is None:
                refused = DomainError("Choose an active staff member as the executor.")
                return refusal(refused), no_update
        return act(
            db,
            lambda s: orders.assign_executor(s, actor(), number, executor_id, now()),
            _("The executor is saved."),
            inputs.counter(version),
            seen,
        )

    @app.callback(
        FEEDBACK,
        VERSION,
        Input(ids.ORDER_DEADLINE_SAVE, "n_clicks"),
        State(ids.ORDER_DEADLINE_INPUT, "value"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.ORDER_DEADLINE_SAVE, "disabled"), True, False)],
    )
    def save_deadline(_clicks, value, number, version, seen):
        require_click(ids.ORDER_DEADLINE_SAVE)
        timezone = current_app.config["PARKDESK"].timezone
        return act(
            db,
            lambda s: deadlines.set_deadline(s, actor(), number, value, timezone, now()),
            _("The deadline is saved."),
            inputs.counter(version),
            seen,
        )

    @app.callback(
        FEEDBACK,
        VERSION,
        Input({"type": ids.ORDER_WORK, "action": ALL}, "n_clicks"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        State(ids.ORDER_SEEN, "data"),
        prevent_initial_call=True,
    )
    def move_work(clicks, number, version, seen):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        try:
            action = OrderAction(trigger.get("action"))
        except ValueError:
            raise PreventUpdate from None
        return act(
            db,
            lambda s: orders.change_work_status(s, actor(), number, action, now()),
            _("The status is changed."),
            inputs.counter(version),
            seen,
        )

    # --- chat ------------------------------------------------------------------------

    @app.callback(
        FEEDBACK,
        VERSION,
        Output(ids.ORDER_MESSAGE_TEXT, "value"),
        Input(ids.ORDER_MESSAGE_SEND, "n_clicks"),
        State(ids.ORDER_MESSAGE_TEXT, "value"),
        State(ids.ORDER_MESSAGE_INTERNAL, "value"),
        State(ids.ORDER_NUMBER, "data"),
        State(ids.ORDER_VERSION, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.ORDER_MESSAGE_SEND, "disabled"), True, False)],
    )
    def send_message(_clicks, text, internal, number, version):
        require_click(ids.ORDER_MESSAGE_SEND)
        feedback, new_version = act(
            db,
            lambda s: orders.post_message(
                s, actor(), number, inputs.text(text), internal=bool(internal), now=now()
            ),
            _("The message is sent."),
            inputs.counter(version),
        )
        return feedback, new_version, "" if new_version is not no_update else no_update
