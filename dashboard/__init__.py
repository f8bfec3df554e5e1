"""The Parkdesk app factory.

Nothing of the project is imported at module level: ``import dashboard.ids`` loads the
ids alone, and the pages and callbacks are imported inside ``create_app`` once the Dash
app exists, as Flask's tutorial factory does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dash import Dash

    from dashboard.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(config: Config | None = None) -> Dash:
    """Build one independent Parkdesk app: a Flask server with the Dash app on it."""
    from dash import Dash
    from flask import Flask, jsonify
    from flask_bootstrap import Bootstrap5
    from flask_wtf.csrf import CSRFProtect
    from sqlalchemy import text
    from werkzeug.middleware.proxy_fix import ProxyFix

    from callbacks import register_all
    from dashboard import (
        auth,
        dash_compat,
        delivery,
        documents,
        downloads,
        errors,
        i18n,
        live,
        schema,
        shell,
    )
    from dashboard.config import Config
    from dashboard.db import Database

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
        **delivery.compress_config(),
    )
    if config.proxy_count:
        n = config.proxy_count
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db = Database(config.database_url, pool_size=config.db_pool_size)
    if config.check_schema:
        try:
            schema.ensure_current(db.engine)
        except errors.DATABASE_OUTAGES as error:
            # A worker (re)started while the database is away still starts: requests get
            # "try again" until it is back, instead of the whole server giving up.
            server.logger.warning("Database unavailable at start-up, schema not checked: %s", error)
    server.extensions["parkdesk_db"] = db

    Bootstrap5(server)
    i18n.init_app(server)
    auth.init_app(server)  # the guard runs before CSRFProtect: anonymous POSTs get 401
    CSRFProtect(server)
    errors.init_app(server)
    delivery.init_app(server)
    server.register_blueprint(downloads.blueprint)
    server.register_blueprint(documents.blueprint)
    server.register_blueprint(live.blueprint)

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
        external_stylesheets=[
            delivery.bootstrap_url("css/bootstrap.min.css"),
            delivery.bootstrap_url("css/font/bootstrap-icons.min.css"),
        ],
        serve_locally=True,
        # Layouts are data-free shells; without this flag Dash would also call
        # every page layout to build a validation layout for every user.
        suppress_callback_exceptions=True,
        title="Parkdesk",
        update_title=None,
        compress=True,  # Flask-Compress, set up by delivery.compress_config()
    )
    shell.register_pages()  # after Dash(): Dash refuses pages before its app exists
    app.layout = shell.layout
    shell.preload_page_chunks(app)
    server.after_request(shell.page_status)

    register_all(app, db)
    errors.content_security_policy(app)
    dash_compat.set_up_before_any_request(app)
    return app
