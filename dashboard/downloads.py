"""Downloads served by plain Flask routes (streamed: Dash's send_string would hold the
whole file in memory and cannot write a BOM). The login guard covers them; each
checks the role itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, date, datetime
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask_login import current_user

from dashboard.i18n import _, language
from models.statuses import (
    ORDER_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
    SERVICE_TYPE_LABELS,
    PaymentKind,
    label,
)
from services import balances, exports, order_list
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
    return parsed


def _period() -> tuple[date | None, date | None]:
    date_from, date_to = _date_arg("from"), _date_arg("to")
    if date_from and date_to and date_from > date_to:
        raise BadParameter(_("The period starts after it ends."))
    return date_from, date_to


def _labels(table: dict, lang: str) -> dict[str, str]:
    return {code.value: label(table, code, lang) for code in table}


def _csv_response(chunks: Iterator[bytes], filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.csv"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/exports/orders.csv")
def orders_csv() -> Response:
    if not can(current_user, Action.EXPORT):
        abort(403)
    _period()  # a bad date is refused, not silently dropped from the filter
    settings = current_app.config["PARKDESK"]
    db = current_app.extensions["parkdesk_db"]
    filters = order_list.OrderFilters.parse(request.args)
    dialect = exports.Dialect.parse(request.args.get("sep"))
    lang = language()
    columns = [
        exports.Column(_("Number"), "int"),
        exports.Column(_("Created"), "datetime"),
        exports.Column(_("Service"), "text"),
        exports.Column(_("Type"), "text"),
        exports.Column(_("Customer"), "text"),
        exports.Column(_("Status"), "text"),
        exports.Column(_("Total"), "money"),
        exports.Column(_("Paid"), "money"),
        exports.Column(_("Balance"), "money"),
        exports.Column(_("Executor"), "text"),
    ]

    def rows() -> Iterator[tuple]:
        query = order_list.export_query(filters, settings.timezone)
        for (
            number,
            created,
            service,
            kind,
            last,
            first,
            middle,
            status,
            total,
            paid,
            balance,
            executor,
        ) in exports.stream_query(db.session_factory, query):
            yield (
                number,
                created,
                service,
                label(SERVICE_TYPE_LABELS, kind, lang),
                " ".join(p for p in (last, first, middle) if p),
                label(ORDER_STATUS_LABELS, status, lang),
                total,
                paid,
                balance,
                executor,
            )

    name = _("orders") + ".csv"
    return _csv_response(exports.stream_csv(columns, rows(), dialect, settings.timezone), name)


@blueprint.get("/exports/payments.csv")
def payments_csv() -> Response:
    """The payments journal: every ledger row paid on the days from–to (either may be
    left out), oldest first; refunds as negative amounts."""
    if not can(current_user, Action.EXPORT):
        abort(403)
    date_from, date_to = _period()
    settings = current_app.config["PARKDESK"]
    db = current_app.extensions["parkdesk_db"]
    dialect = exports.Dialect.parse(request.args.get("sep"))
    lang = language()
    kinds = {PaymentKind.PAYMENT.value: _("Payment"), PaymentKind.REFUND.value: _("Refund")}
    query = balances.journal_export_query(
        date_from, date_to, settings.timezone, _labels(PAYMENT_METHOD_LABELS, lang), kinds
    )
    columns = [
        exports.Column(_("Paid at"), "datetime"),
        exports.Column(_("Order"), "int"),
        exports.Column(_("Customer"), "text"),
        exports.Column(_("Service"), "text"),
        exports.Column(_("Method"), "text"),
        exports.Column(_("Kind"), "text"),
        exports.Column(_("Amount"), "money"),
        exports.Column(_("External number"), "text"),
        exports.Column(_("Recorded by"), "text"),
    ]
    rows = exports.stream_query(db.session_factory, query)
    name = "_".join([_("payments"), *(d.isoformat() for d in (date_from, date_to) if d)])
    return _csv_response(
        exports.stream_csv(columns, rows, dialect, settings.timezone), name + ".csv"
    )


@blueprint.get("/exports/balances.csv")
def balances_csv() -> Response:
    """Balances at the end of the day ``to`` (default: today in the operator's time
    zone): orders not cancelled that still owed something then."""
    if not can(current_user, Action.EXPORT):
        abort(403)
    settings = current_app.config["PARKDESK"]
    _from, at = _period()
    at = at or balances.local_today(datetime.now(UTC), settings.timezone)
    db = current_app.extensions["parkdesk_db"]
    dialect = exports.Dialect.parse(request.args.get("sep"))
    lang = language()
    query = balances.balances_export_query(
        at,
        settings.timezone,
        _labels(SERVICE_TYPE_LABELS, lang),
        _labels(ORDER_STATUS_LABELS, lang),
    )
    columns = [
        exports.Column(_("Order"), "int"),
        exports.Column(_("Created"), "datetime"),
        exports.Column(_("Customer"), "text"),
        exports.Column(_("Service"), "text"),
        exports.Column(_("Type"), "text"),
        exports.Column(_("Status now"), "text"),
        exports.Column(_("Total"), "money"),
        exports.Column(_("Paid by the date"), "money"),
        exports.Column(_("Balance at the date"), "money"),
    ]
    rows = exports.stream_query(db.session_factory, query)
    name = f"{_('balances')}_{at.isoformat()}.csv"
    return _csv_response(exports.stream_csv(columns, rows, dialect, settings.timezone), name)


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
