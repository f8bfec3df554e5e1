"""The Parkdesk app factory."""

from __future__ import annotations

import importlib
from pathlib import Path

from dash import Dash
from flask import Flask, jsonify
from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import auth, downloads, i18n, schema, shell
from dashboard.config import Config
from dashboard.db import Database

PACKAGE_DIR = Path(__file__).resolve().parent
STYLESHEETS = [
    "/bootstrap/static/css/bootstrap.min.css",
    "/bootstrap/static/css/font/bootstrap-icons.min.css",
]


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
        schema.ensure_current(db.engine)
    server.extensions["parkdesk_db"] = db

    Bootstrap5(server)
    i18n.init_app(server)
    auth.init_app(server)  # the guard runs before CSRFProtect: anonymous POSTs get 401
    CSRFProtect(server)
    server.after_request(_security_headers)
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


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
