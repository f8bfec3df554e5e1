"""Staff accounts: passwords, logins, sessions and the login throttle."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import LoginAttempt, StaffSession, StaffUser
from models.statuses import Role
from services import audit
from services.context import Actor
from services.errors import DomainError
from services.text import clean

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB),
# above OWASP's minimum.
_hasher = PasswordHasher()
# Spent on unknown e-mails too, so the answer time does not tell which accounts exist.
_DUMMY_HASH = _hasher.hash("parkdesk-no-such-user")


@dataclass(frozen=True)
class StaffMember:
    """A staff user as the rest of the app sees it: no password hash."""

    id: int
    email: str
    name: str
    role: str
    locale: str | None
    active: bool = True  # may log in (a logged-in user always may)


def _member(user: StaffUser) -> StaffMember:
    return StaffMember(user.id, user.email, user.name, user.role, user.locale, user.is_active)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


MAX_EMAIL = 254  # the column's length (and RFC 5321's)
MAX_NAME = 200
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte "password" is an attack


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    name: str | None = None,
    locale: str | None = None,
) -> StaffMember:
    """A new active account (the ``create-user`` command and the Staff page): the e-mail,
    role and password rules are these, wherever the account is made."""
    email = _valid_email(email)
    role = _valid_role(role)
    name = _valid_name(name)
    _check_password(password)
    taken = DomainError("A staff account with the e-mail %(email)s exists already.", email=email)
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise taken
    user = StaffUser(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        password_hash=hash_password(password),
        locale=locale,
    )
    try:
        # Two administrators adding one e-mail at once both find it free; the unique
        # index lets one in, and the other is told in words.
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        raise taken from None
    return _member(user)


def _valid_email(email: str) -> str:
    email = clean(email).strip().lower()
    if not email:
        raise DomainError("Enter the e-mail address.")
    local, _at, domain = email.rpartition("@")
    if not local or not domain or len(email) > MAX_EMAIL or any(c.isspace() for c in email):
        raise DomainError("“%(email)s” is not an e-mail address.", email=_shown(email))
    return email


def _valid_name(name: str | None) -> str:
    name = " ".join(clean(name or "").split())
    if len(name) > MAX_NAME:
        raise DomainError("A name has at most %(count)d characters.", count=MAX_NAME)
    return name


def _valid_role(role: str) -> str:
    if not role:
        raise DomainError("Choose a role.")
    try:
        return Role(role).value
    except ValueError:
        raise DomainError(
            "Unknown role “%(role)s”; use one of: %(roles)s.",
            role=_shown(clean(role)),
            roles=", ".join(r.value for r in Role),
        ) from None


def _shown(text: str) -> str:
    """Typed text repeated in a refusal, cut short: a refusal is read, not a dump."""
    return text if len(text) <= 60 else text[:60] + "…"


def _check_password(password: str) -> None:
    if len(password) < 4:
        raise DomainError("The password is too short.")
    if len(password) > MAX_PASSWORD:
        raise DomainError("The password is too long.")


def lock_for_change(session: Session, *where: object) -> tuple[StaffUser | None, list[int]]:
    """The account to change, and the ids of the active administrators, locked.

    Every change of an account locks the administrators first, in the order of their ids,
    then the account: two changes at once (two administrators demoting each other) then
    wait for each other instead of each removing "the other" administrator, and never
    deadlock. The second sees the first one's change (PostgreSQL re-reads a row it waited
    for; SQLite lets one writer in at a time)."""
    admins = session.scalars(
        select(StaffUser.id)
        .where(StaffUser.role == Role.ADMIN, StaffUser.is_active.is_(True))
        .order_by(StaffUser.id)
        .with_for_update()
    ).all()
    user = session.scalar(select(StaffUser).where(*where).with_for_update())
    return user, list(admins)


def apply_change(
    session: Session,
    user: StaffUser,
    admins: list[int],
    now: datetime,
    *,
    actor: Actor | None,
    action: str,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> StaffMember:
    """Change a locked account (``lock_for_change``): its role, its password, or whether
    it may log in. A new password or a deactivation ends the account's sessions: it is
    logged out everywhere at its next request. The last active administrator is neither
    deactivated nor given another role, so somebody can always manage staff. Audited,
    never with the password or its hash."""
    new_role = user.role if role is None else _valid_role(role)
    new_active = user.is_active if active is None else active
    if password is not None:
        _check_password(password)
    was_admin = user.role == Role.ADMIN and user.is_active
    stays_admin = new_role == Role.ADMIN and new_active
    if was_admin and not stays_admin and not [other for other in admins if other != user.id]:
        raise DomainError(
            "%(email)s is the last active administrator: make another account an "
            "administrator first.",
            email=user.email,
        )
    before = {"role": user.role, "active": user.is_active}
    user.role, user.is_active = new_role, new_active
    if password is not None:
        user.password_hash = hash_password(password)
    if password is not None or not new_active:
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    after = {"role": user.role, "active": user.is_active}
    if password is not None:
        after["password"] = "changed"  # never the password or its hash
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="staff_user",
        entity_id=user.id,
        before=before,
        after=after,
        now=now,
    )
    return _member(user)


def update_user(
    session: Session,
    now: datetime,
    *,
    email: str,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> StaffMember:
    """Change a staff account from the command line (``update-user``): see ``apply_change``."""
    user, admins = lock_for_change(session, StaffUser.email == email.strip().lower())
    if user is None:
        raise DomainError("No staff account has the e-mail %(email)s.", email=email.strip())
    return apply_change(
        session,
        user,
        admins,
        now,
        actor=None,
        action="staff.update",
        role=role,
        password=password,
        active=active,
    )


def verify_credentials(session: Session, email: str, password: str) -> StaffMember | None:
    """The active user with this e-mail and password, or None. Rehashes old hashes."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None or not user.is_active:
        _safe_verify(_DUMMY_HASH, password)
        return None
    if not _safe_verify(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _member(user)


def _safe_verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class LoginThrottle:
    """How many failed logins an address may make before it waits, and how long.

    Two counts, each over the failures of the last ``memory``: one address on one
    e-mail (a forgotten password) and one address on any e-mails (password spraying:
    one password tried on many accounts). Past its limit a count makes the address
    wait ``first_delay`` after its last failure, twice as long for each further
    failure, never longer than ``longest_delay``. Tries made while waiting are refused
    unchecked and not counted, so waiting out the delay is the only way on."""

    per_account: int = 5
    per_address: int = 20
    first_delay: timedelta = timedelta(minutes=1)
    longest_delay: timedelta = timedelta(minutes=15)
    memory: timedelta = timedelta(hours=1)

    def delay(self, failures: int, limit: int) -> timedelta | None:
        if failures < limit:
            return None
        return min(self.longest_delay, self.first_delay * 2 ** min(failures - limit, 16))


def login_blocked_until(
    session: Session, email: str, address: str, now: datetime, throttle: LoginThrottle
) -> datetime | None:
    """When the throttle lets this address try this e-mail again, or None if it may now.

    Kept in the database so that every worker agrees."""
    failed = (
        LoginAttempt.address == address,
        LoginAttempt.attempted_at >= now - throttle.memory,
        LoginAttempt.succeeded.is_(False),
    )
    counts = select(func.count(), func.max(LoginAttempt.attempted_at))
    on_account = session.execute(
        counts.where(*failed, LoginAttempt.email == email.strip().lower()[:254])
    ).one()
    on_address = session.execute(counts.where(*failed)).one()
    until = None
    for (failures, last), limit in (
        (on_account, throttle.per_account),
        (on_address, throttle.per_address),
    ):
        delay = throttle.delay(failures, limit)
        if delay is not None and (until is None or last + delay > until):
            until = last + delay
    return until if until is not None and until > now else None


def record_login_attempt(
    session: Session, email: str, address: str, now: datetime, succeeded: bool
) -> None:
    session.add(
        LoginAttempt(
            email=email.strip().lower()[:254],
            address=address,
            attempted_at=now,
            succeeded=succeeded,
        )
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session,
    user_id: int,
    now: datetime,
    lifetime: timedelta,
    *,
    address: str | None,
    user_agent: str | None,
) -> str:
    """Start a login; returns the secret token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + lifetime,
            address=address,
            user_agent=(user_agent or "")[:300],
        )
    )
    return token


def session_user(session: Session, token: str, now: datetime) -> StaffMember | None:
    """The active user of a live session token, read fresh from the database."""
    user = session.scalar(
        select(StaffUser)
        .join(StaffSession, StaffSession.user_id == StaffUser.id)
        .where(
            StaffSession.token_hash == _token_hash(token),
            StaffSession.expires_at > now,
            StaffUser.is_active.is_(True),
        )
    )
    return _member(user) if user else None


def close_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def purge_expired(session: Session, now: datetime, keep_attempts: timedelta) -> int:
    """Forget expired sessions and old login attempts (the sweep runs it)."""
    gone = session.execute(delete(StaffSession).where(StaffSession.expires_at <= now)).rowcount
    gone += session.execute(
        delete(LoginAttempt).where(LoginAttempt.attempted_at < now - keep_attempts)
    ).rowcount
    return gone


def set_locale(session: Session, user_id: int, locale: str) -> None:
    if locale not in ("en", "ru"):
        raise DomainError("Unknown language “%(locale)s”.", locale=locale)
    user = session.get(StaffUser, user_id)
    if user is not None:
        user.locale = locale


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser)) or 0
