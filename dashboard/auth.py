"""Logins and the deny-by-default guard.

The login is a plain Flask form, not a Dash callback: every callback shares
one URL, so a login callback could be neither throttled nor guarded apart.
Sessions live in the database (``staff_sessions``): the cookie carries only a
random token, so every worker agrees on who is logged in and logging out ends
the session for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from dashboard.i18n import _
from services import staff, text
from services.context import Actor

PUBLIC_ENDPOINTS = frozenset({"auth.login", "healthz", "bootstrap.static"})
# The one file of the app's own assets that the login page needs, matched exactly: a
# prefix would also let "/assets/parkdesk.css/../grid.js" through. (Bootstrap's files
# are public by their endpoint: they are the package's, nothing in them is ours.)
PUBLIC_PATHS = frozenset({"/assets/parkdesk.css"})
CSRF_COOKIE = "_csrf_token"
API_PREFIXES = ("/_", "/exports/", "/event-tickets/")

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.session_protection = None  # the database session is the protection


@dataclass
class LoggedInUser(UserMixin):
    """The current staff user for one request; rebuilt from the database each time."""

    member: staff.StaffMember
    token: str

    def get_id(self) -> str:
        return self.token

    id = property(lambda self: self.member.id)
    role = property(lambda self: self.member.role)
    name = property(lambda self: self.member.name)
    email = property(lambda self: self.member.email)
    locale = property(lambda self: self.member.locale)


def _now() -> datetime:
    return datetime.now(UTC)


def _db():
    return current_app.extensions["parkdesk_db"]


def _settings():
    return current_app.config["PARKDESK"]


@login_manager.user_loader
def _load_user(token: str) -> LoggedInUser | None:
    with _db().read() as db_session:
        member = staff.session_user(db_session, token, _now())
    return LoggedInUser(member, token) if member else None


def actor() -> Actor:
    """The logged-in staff user, as the services receive it (role read from the database)."""
    return Actor(current_user.id, current_user.name, current_user.role, client_address())


def client_address() -> str:
    # ProxyFix (configured from PARKDESK_PROXY_COUNT) has already put the
    # client's address here when there is a trusted proxy in front.
    return request.remote_addr or "unknown"


# Where a role starts its day after logging in (SPEC §9.3): the desks that work through
# the day's arrivals and requests open on "Today"; the others on the overview.
LANDING_PAGES = {"rental_manager": "/today", "service_manager": "/today"}


def landing_page(role: str | None) -> str:
    return LANDING_PAGES.get(role or "", "/")


def after_login(target: str | None, role: str | None) -> str:
    """The page asked for, or the role's landing page when none (or only the site's
    root, where a login from the bare address comes back to) or no safe one was."""
    page = safe_next(target)
    return landing_page(role) if page == "/" else page


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, scheme or ``//host``, and nothing
    that cannot stand in a Location header (control characters such as CR and LF)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return "/"
    return target


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(after_login(request.args.get("next"), current_user.role))
    error = None
    email = ""
    status = 200
    if request.method == "POST":
        email = text.clean(request.form.get("email", "")).strip()[:254]
        password = request.form.get("password", "")
        settings, address, now = _settings(), client_address(), _now()
        with _db().write() as db_session:
            blocked = staff.login_blocked_until(
                db_session, email, address, now, settings.login_throttle
            )
            member = None if blocked else staff.verify_credentials(db_session, email, password)
            if not blocked:
                staff.record_login_attempt(db_session, email, address, now, member is not None)
            token = None
            if member is not None:
                token = staff.open_session(
                    db_session,
                    member.id,
                    now,
                    settings.session_lifetime,
                    address=address,
                    user_agent=request.headers.get("User-Agent"),
                )
        if member is not None and token is not None:
            session.clear()  # a fresh session on login: nothing from before survives
            session.permanent = True
            login_user(LoggedInUser(member, token))
            return redirect(after_login(request.args.get("next"), member.role))
        if blocked:
            minutes = max(1, int((blocked - now).total_seconds() // 60) + 1)
            error = _("Too many failed attempts. Try again in %(minutes)d min.", minutes=minutes)
            status = 429
        else:
            error = _("Wrong e-mail or password.")
            status = 401
    return render_template("login.html", error=error, email=email), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        with _db().write() as db_session:
            staff.close_session(db_session, current_user.token)
    logout_user()
    session.clear()
    return redirect("/login")


def _guard():
    """Deny by default: everything but the login page, the health check and
    the login page's static files needs a logged-in, active user."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.path in PUBLIC_PATHS:
        return None
    if current_user.is_authenticated:
        return None
    # Dash's own endpoints, downloads and anything that is not a page load get a
    # plain 401; a page load is sent to the login form and back afterwards.
    if request.method != "GET" or (
        request.path.startswith(API_PREFIXES) and not _is_page(request.path)
    ):
        return jsonify(error="login required"), 401
    target = request.full_path if request.query_string else request.path
    return redirect("/login?" + urlencode({"next": target}))


def _is_page(path: str) -> bool:
    """A printable ticket is a page (log in and come back); its QR image is not."""
    return path.startswith("/event-tickets/") and not path.endswith(".png")


def _csrf_cookie(response):
    """Dash's renderer reads this cookie and sends it back as X-CSRFToken."""
    # The content type first: static files never load the user (nor ask the database).
    if "text/html" in (response.content_type or "") and current_user.is_authenticated:
        response.set_cookie(
            CSRF_COOKIE,
            generate_csrf(),
            httponly=False,
            samesite="Lax",
            secure=_settings().secure_cookies,
            path="/",
        )
    return response


def init_app(server: Flask) -> None:
    login_manager.init_app(server)
    server.register_blueprint(blueprint)
    # Registered before CSRFProtect's own hook so that anonymous POSTs get 401, not 400.
    server.before_request(_guard)
    server.after_request(_csrf_cookie)
