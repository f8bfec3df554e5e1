"""The printable documents of an order (SPEC §9.1): the invoice at ``/orders/<n>/invoice``
and the act of services at ``/orders/<n>/act``. Plain Flask pages made to be printed
(A4, print CSS in assets/documents.css); the login guard covers them, and each asks the
services whether this role reads this order."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, render_template
from sqlalchemy.orm import Session

from dashboard.auth import actor
from dashboard.i18n import error_text, format_date, format_money, language
from services import documents
from services.context import Actor
from services.errors import DomainError, NotFound, PermissionDenied

blueprint = Blueprint("documents", __name__)


def _page(
    template: str, number: str, build: Callable[[Session, Actor, object], documents.Document]
) -> tuple[str, int]:
    db = current_app.extensions["parkdesk_db"]
    try:
        with db.read() as session:
            document = build(session, actor(), number)
    except NotFound as error:
        return _refusal(error, 404)
    except PermissionDenied as error:
        return _refusal(error, 403)
    except documents.NotIssued as error:
        return _refusal(error, 409)
    return (
        render_template(
            template,
            document=document,
            operator=current_app.config["PARKDESK"].operator,
            money=format_money,
            date=format_date(document.date),
            lang=language(),
        ),
        200,
    )


def _refusal(error: DomainError, status: int) -> tuple[str, int]:
    return render_template("document_refused.html", message=error_text(error)), status


@blueprint.get("/orders/<number>/invoice")
def invoice(number: str) -> tuple[str, int]:
    return _page("invoice.html", number, documents.invoice)


@blueprint.get("/orders/<number>/act")
def act(number: str) -> tuple[str, int]:
    return _page("act.html", number, documents.act)
