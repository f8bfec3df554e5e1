"""The Parkdesk app factory."""

from __future__ import annotations

import importlib
from pathlib import Path

from dash import Dash
from flask import Flask, current_app, g, jsonify, render_template, request
from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import exc, text
from werkzeug.exceptions import InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import auth, downloads, i18n, ids, schema, shell
from dashboard.config import Config
from dashboard.db import Database
from dashboard.i18n import _

PACKAGE_DIR = Path(__file__).resolve().parent
STYLESHEETS = [
    "/bootstrap/static/css/bootstrap.min.css",
    "/bootstrap/static/css/font/bootstrap-icons.min.css",
]
# The database is stopped, restarting or out of reach (or, on SQLite, still locked after the
# busy timeout; or every pooled connection is taken): worth another try in a moment.
DATABASE_OUTAGES = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
RETRY_AFTER_SECONDS = 5
DASH_CALLBACK_PATH = "/_dash-update-component"


def create_app(config: Config | None = None) -> Dash:
    """Build one independent Parkdesk app: a Flask server with the Dash app on it."""
    config = config or Config.from_env()
    server = Flask(
        __name__,
        template_folder=str(PACKAGE_DIR / "templates"),
        static_folder=None,
        static_url_path="/static",
    )
    server.config.update(
        PARKDESK=config,
        SECRET_KEY=config.secret_key,
        SECRET_KEY_FALLBACKS=list(config.secret_key_fallbacks),
        TESTING=config.testing,
        SESSION_COOKIE_NAME="parkdesk_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=config.session_lifetime,
        # Dash pages stay open all day; the token is tied to the session instead.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=config.secure_cookies,
    )
    if config.proxy_count:
        n = config.proxy_count
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db = Database(config.database_url, pool_size=config.db_pool_size)
    if config.check_schema:
        try:
            schema.ensure_current(db.engine)
        except DATABASE_OUTAGES as error:
            # A worker (re)started while the database is away still starts: requests get
            # "try again" until it is back, instead of the whole server giving up.
            server.logger.warning("Database unavailable at start-up, schema not checked: %s", error)
    server.extensions["parkdesk_db"] = db

    Bootstrap5(server)
    i18n.init_app(server)
    auth.init_app(server)  # the guard runs before CSRFProtect: anonymous POSTs get 401
    CSRFProtect(server)
    server.after_request(_security_headers)
    for outage in DATABASE_OUTAGES:
        server.register_error_handler(outage, _database_unavailable)
    server.register_error_handler(InternalServerError, _internal_error)
    server.register_blueprint(downloads.blueprint)

    @server.get("/healthz")
    def healthz():
        with db.read() as session:
            session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(PACKAGE_DIR / "assets"),
        external_stylesheets=STYLESHEETS,
        serve_locally=True,
        # Layouts are data-free shells; without this flag Dash would also call
        # every page layout to build a validation layout for every user.
        suppress_callback_exceptions=True,
        title="Parkdesk",
        update_title=None,
        compress=False,
    )
    from pages import PAGE_MODULES  # after Dash(): pages register themselves on import

    for module in PAGE_MODULES:
        importlib.import_module(module)
    shell.install_pages()
    app.layout = shell.layout
    server.after_request(shell.page_status)

    from callbacks import register_all

    register_all(app, db)
    _content_security_policy(app)
    return app


def _content_security_policy(app: Dash) -> None:
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
