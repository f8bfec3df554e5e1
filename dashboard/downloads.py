"""Downloads served by plain Flask routes (streamed: Dash's send_string would hold the
whole file in memory and cannot write a BOM). The login guard covers them; each
checks the role itself."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask_login import current_user

from dashboard.i18n import _, language
from models.statuses import ORDER_STATUS_LABELS, SERVICE_TYPE_LABELS, label
from services import exports, order_list
from services.permissions import Action, can

blueprint = Blueprint("downloads", __name__)


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
