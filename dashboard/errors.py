"""What the server answers besides the pages: "try again" while the database is away,
and the security headers of every response (CSP with Dash's inline-script hashes)."""

from __future__ import annotations

from dash import Dash
from flask import Flask, current_app, g, jsonify, render_template, request
from sqlalchemy import exc
from werkzeug.exceptions import InternalServerError

from dashboard import ids
from dashboard.i18n import _

# The database is stopped, restarting or out of reach (or, on SQLite, still locked after the
# busy timeout; or every pooled connection is taken): worth another try in a moment.
DATABASE_OUTAGES = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
RETRY_AFTER_SECONDS = 5
DASH_CALLBACK_PATH = "/_dash-update-component"


def init_app(server: Flask) -> None:
    server.after_request(_security_headers)
    for outage in DATABASE_OUTAGES:
        server.register_error_handler(outage, _database_unavailable)
    server.register_error_handler(InternalServerError, _internal_error)


def content_security_policy(app: Dash) -> None:
    """Scripts only from this server, plus Dash's own inline scripts by their hashes.

    The hashes are taken for each page, not once: Dash pages registers an inline script
    of its own on the first request that reaches Dash (an anonymous first request never
    does). Styles may be inline (Dash and Plotly write style attributes); nothing may
    frame the app; no plugins."""

    def policy(response):
        scripts = " ".join(app.csp_hashes()) if response.mimetype == "text/html" else ""
        response.headers.setdefault(
            "Content-Security-Policy",
            "; ".join(
                [
                    "default-src 'self'",
                    f"script-src 'self' {scripts}".strip(),
                    "style-src 'self' 'unsafe-inline'",
                    "img-src 'self' data: blob:",
                    "font-src 'self' data:",
                    "connect-src 'self'",
                    "object-src 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    "frame-ancestors 'none'",
                ]
            ),
        )
        return response

    app.server.after_request(policy)


def _database_unavailable(error: Exception):
    """A clear "try again" instead of a 500 and a traceback while the database is away.

    Nothing needs undoing: ``Database.write`` has rolled back, and a payment submitted
    again reuses its form key. The engine pings pooled connections before use, so the
    first request after the database is back works again without a restart."""
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    current_app.logger.warning(
        "Database unavailable (%s %s): %s", request.method, request.path, reason
    )
    if "_login_user" not in g:
        # The user could not be loaded (that needs the database). Answer as to a visitor,
        # as flask-login would, so that no after-request hook asks the database again;
        # the message comes in the operator's default language, as on the login page.
        g._login_user = current_app.login_manager.anonymous_user()
    message = _("The database cannot be reached right now. Wait a moment and try again.")
    if request.path == DASH_CALLBACK_PATH:
        # The renderer shows nothing when a callback fails: answer as a callback that
        # changes none of its outputs and opens the alert every page has.
        alert = {"children": message, "is_open": True}
        response = jsonify(multi=True, response={}, sideUpdate={ids.SHELL_ALERT: alert})
    elif request.path.startswith("/_") or request.endpoint == "healthz":
        response = jsonify(error=message)
        response.status_code = 503
    else:
        response = current_app.make_response(
            (render_template("unavailable.html", message=message), 503)
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _internal_error(error: InternalServerError):
    """An outage noticed outside a view (in an after-request hook) is an outage too."""
    if isinstance(error.original_exception, DATABASE_OUTAGES):
        return _database_unavailable(error.original_exception)
    return error


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["PARKDESK"].secure_cookies:  # served over HTTPS only: say so
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
