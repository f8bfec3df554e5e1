"""Downloads served by plain Flask routes (streamed: Dash's send_string would hold the
whole file in memory and cannot write a BOM). The login guard covers them; each
checks the role itself.

Each CSV route says what its file holds (``exports.Column``: title, kind, the SQL
expression) over a query from the services that gives the rows and names their
columns, which the route reads by name; the database writes the lines
(services/exports.py). The README lists the columns of each file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, date, datetime
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request
from flask_login import current_user
from sqlalchemy import ColumnCollection

from dashboard.auth import actor
from dashboard.i18n import _, labels, language
from models.statuses import (
    ORDER_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
    SERVICE_TYPE_LABELS,
    PaymentKind,
)
from services import balances, exports, order_list
from services.exports import Column
from services.filter_values import EARLIEST_DATE, LATEST_DATE
from services.permissions import Action, can

blueprint = Blueprint("downloads", __name__)


class BadParameter(Exception):
    """A query parameter an export cannot use; its text is the whole answer."""


@blueprint.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter) -> Response:
    return Response(str(error), status=400, mimetype="text/plain")


def _date_arg(name: str) -> date | None:
    """An ISO date parameter (``2026-03-31``); absent or empty → None."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    parsed = None
    if len(value) == 10:
        with suppress(ValueError):
            parsed = date.fromisoformat(value)
    if parsed is None:
        raise BadParameter(
            _(
                "“%(name)s” must be a date like 2026-03-31, not “%(value)s”.",
                name=name,
                value=value[:40],
            )
        )
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise BadParameter(
            _(
                "“%(name)s” must be a date from %(first)s to %(last)s.",
                name=name,
                first=EARLIEST_DATE.isoformat(),
                last=LATEST_DATE.isoformat(),
            )
        )
    return parsed


def _period() -> tuple[date | None, date | None]:
    date_from, date_to = _date_arg("from"), _date_arg("to")
    if date_from and date_to and date_from > date_to:
        raise BadParameter(_("The period starts after it ends."))
    return date_from, date_to


def _layout() -> exports.Layout:
    """``sep`` (``;``, the default, or ``,``), the user's language (day-first dates in
    Russian, ISO in English) and the operator's time zone."""
    sep = request.args.get("sep", "")
    if sep not in ("", *exports.SEPARATORS):
        raise BadParameter(_("“sep” must be “;” or “,”, not “%(value)s”.", value=sep[:10]))
    return exports.Layout(
        separator=sep or ";",
        day_first=language() == "ru",
        timezone=current_app.config["PARKDESK"].timezone,
    )


def _customer(c: ColumnCollection) -> tuple:
    """The customer's name, in the parts every export query names."""
    return (c.customer_last_name, c.customer_first_name, c.customer_middle_name)


def _csv_response(export: exports.Export, layout: exports.Layout, filename: str) -> Response:
    """The file streamed from one read transaction. It is opened here, before the
    answer starts: a database out of reach gets the "try again" page, not a broken
    file. The BOM and the titles go out before the query runs."""
    session = current_app.extensions["parkdesk_db"].session_factory()
    try:
        connection = session.connection()
    except BaseException:
        session.close()
        raise

    def chunks() -> Iterator[bytes]:
        try:
            yield from exports.stream(connection, export, layout)
        finally:
            session.close()  # at the end, or when the client goes away

    response = Response(chunks(), mimetype="text/csv")
    response.call_on_close(session.close)  # also if the body is never read
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.csv"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/exports/orders.csv")
def orders_csv() -> Response:
    """The orders register under the register's filters, newest first."""
    if not can(current_user, Action.EXPORT):
        abort(403)
    _period()  # a bad date is refused, not silently dropped from the filter
    layout = _layout()
    lang = language()
    query = order_list.export_query(
        actor(), order_list.OrderFilters.parse(request.args), layout.timezone
    )
    c = query.selected_columns
    columns = [
        Column(_("Number"), "int", c.number, nullable=False),
        Column(_("Created"), "datetime", c.created_at),
        Column(_("Service"), "text", c.service),
        Column(_("Type"), "label", c.type, labels(SERVICE_TYPE_LABELS, lang)),
        Column(_("Customer"), "name", _customer(c)),
        Column(_("Status"), "label", c.status, labels(ORDER_STATUS_LABELS, lang)),
        Column(_("Total"), "money", c.total, nullable=False),
        Column(_("Paid"), "money", c.paid, nullable=False),
        Column(_("Balance"), "money", c.balance, nullable=False),
        Column(_("Executor"), "text", c.executor),
        Column(_("Deadline"), "datetime", c.deadline),
    ]
    name = _("orders") + ".csv"
    return _csv_response(exports.Export(columns, query), layout, name)


@blueprint.get("/exports/payments.csv")
def payments_csv() -> Response:
    """The payments journal: every ledger row paid on the days from–to (either may be
    left out), oldest first; refunds as negative amounts."""
    if not can(current_user, Action.EXPORT):
        abort(403)
    date_from, date_to = _period()
    layout = _layout()
    lang = language()
    query = balances.journal_export_query(date_from, date_to, layout.timezone)
    c = query.selected_columns
    kinds = {PaymentKind.PAYMENT.value: _("Payment"), PaymentKind.REFUND.value: _("Refund")}
    columns = [
        Column(_("Paid at"), "datetime", c.paid_at),
        Column(_("Order"), "int", c.order_number, nullable=False),
        Column(_("Customer"), "name", _customer(c)),
        Column(_("Service"), "text", c.service),
        Column(_("Method"), "label", c.method, labels(PAYMENT_METHOD_LABELS, lang)),
        Column(_("Kind"), "label", c.kind, kinds),
        Column(_("Amount"), "money", c.amount, nullable=False),
        Column(_("External number"), "text", c.external_number),
        Column(_("Recorded by"), "text", c.recorded_by),
    ]
    name = "_".join([_("payments"), *(d.isoformat() for d in (date_from, date_to) if d)])
    return _csv_response(exports.Export(columns, query), layout, name + ".csv")


@blueprint.get("/exports/balances.csv")
def balances_csv() -> Response:
    """Balances at the end of the day ``to`` (default: today in the operator's time
    zone): orders not cancelled that still owed something then."""
    if not can(current_user, Action.EXPORT):
        abort(403)
    _from, at = _period()
    layout = _layout()
    at = at or balances.local_today(datetime.now(UTC), layout.timezone)
    lang = language()
    query = balances.balances_export_query(at, layout.timezone)
    c = query.selected_columns
    columns = [
        Column(_("Order"), "int", c.order_number, nullable=False),
        Column(_("Created"), "datetime", c.created_at),
        Column(_("Customer"), "name", _customer(c)),
        Column(_("Service"), "text", c.service),
        Column(_("Type"), "label", c.type, labels(SERVICE_TYPE_LABELS, lang)),
        Column(_("Status now"), "label", c.status, labels(ORDER_STATUS_LABELS, lang)),
        Column(_("Total"), "money", c.total, nullable=False),
        Column(_("Paid by the date"), "money", c.paid, nullable=False),
        Column(_("Balance at the date"), "money", c.balance, nullable=False),
    ]
    name = f"{_('balances')}_{at.isoformat()}.csv"
    return _csv_response(exports.Export(columns, query), layout, name)


QR_MAX_AGE_SECONDS = 3600


@blueprint.get("/event-tickets/<number>/qr.png")
def event_ticket_qr(number: str) -> Response:
    """The ticket's QR code (its token, never its number). A ticket's token never
    changes, so the browser keeps the image and asks again only with its ETag."""
    import hashlib  # imported here: this module's header is shared with the exports

    from services import events
    from services.errors import NotFound

    if not can(current_user, Action.VIEW_EVENTS):
        abort(403)
    db = current_app.extensions["parkdesk_db"]
    try:
        with db.read() as session:
            token = events.ticket_token(session, number)
    except NotFound:
        abort(404)
    # The tag names the token and how it is drawn; it reveals neither.
    drawing = f"{events.QR_BOX_SIZE}/{events.QR_BORDER}/{token}"
    etag = hashlib.sha256(drawing.encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(events.qr_png(token), mimetype="image/png")
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.max_age = QR_MAX_AGE_SECONDS
    return response
