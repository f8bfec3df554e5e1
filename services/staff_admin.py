"""The Staff page's actions (SPEC §9.2): an administrator lists the accounts, adds one,
changes a role, resets a password, deactivates and activates. The rules of an account
(e-mail, role, password strength, the last active administrator, sessions ended) are
``services.staff``'s, shared with the ``create-user`` and ``update-user`` commands;
this module adds who may, the refusals that only make sense on the page, and the audit
of who did it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import LoginAttempt, StaffSession, StaffUser
from services import audit, staff
from services.context import Actor
from services.errors import DomainError, NotFound
from services.permissions import Action, require


@dataclass(frozen=True)
class StaffRow:
    """One account as the page shows it: no password hash."""

    id: int
    email: str
    name: str
    role: str
    active: bool
    last_login: datetime | None


def list_staff(session: Session, actor: Actor) -> list[StaffRow]:
    """Every account, active ones first, by name."""
    require(actor, Action.MANAGE_STAFF)
    users = session.scalars(
        select(StaffUser).order_by(StaffUser.is_active.desc(), StaffUser.name, StaffUser.id)
    ).all()
    logins = _last_logins(session)
    return [_row(user, logins) for user in users]


def get_staff(session: Session, actor: Actor, user_id: int) -> StaffRow:
    require(actor, Action.MANAGE_STAFF)
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("There is no such staff account.")
    return _row(user, _last_logins(session, user))


def _row(user: StaffUser, logins: dict[int, datetime]) -> StaffRow:
    return StaffRow(user.id, user.email, user.name, user.role, user.is_active, logins.get(user.id))


def _last_logins(session: Session, user: StaffUser | None = None) -> dict[int, datetime]:
    """The last successful login of each account: from the login attempts, or from the
    sessions (a login opens one), whichever is later — the sweep forgets old attempts
    and expired sessions, so either alone may have lost it."""
    attempts = (
        select(StaffUser.id, func.max(LoginAttempt.attempted_at))
        .join(LoginAttempt, LoginAttempt.email == StaffUser.email)
        .where(LoginAttempt.succeeded.is_(True))
        .group_by(StaffUser.id)
    )
    sessions = select(StaffSession.user_id, func.max(StaffSession.created_at)).group_by(
        StaffSession.user_id
    )
    if user is not None:
        attempts = attempts.where(StaffUser.id == user.id)
        sessions = sessions.where(StaffSession.user_id == user.id)
    last: dict[int, datetime] = {}
    for user_id, at in [*session.execute(attempts), *session.execute(sessions)]:
        if at is not None and (user_id not in last or at > last[user_id]):
            last[user_id] = at
    return last


def add_staff(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    now: datetime,
) -> staff.StaffMember:
    """A new active account, with the same rules as ``create-user``."""
    require(actor, Action.MANAGE_STAFF)
    member = staff.create_user(session, email=email, password=password, role=role, name=name)
    audit.record(
        session,
        actor=actor,
        action="staff.create",
        entity="staff_user",
        entity_id=member.id,
        before=None,
        after={"email": member.email, "name": member.name, "role": member.role, "active": True},
        now=now,
    )
    return member


def change_role(
    session: Session, actor: Actor, user_id: int, role: str, now: datetime
) -> staff.StaffMember:
    require(actor, Action.MANAGE_STAFF)
    user, admins = _locked(session, user_id)
    if user.role == role:
        raise DomainError("The account has this role already.")
    return staff.apply_change(
        session, user, admins, now, actor=actor, action="staff.change_role", role=role
    )


def reset_password(
    session: Session, actor: Actor, user_id: int, password: str, now: datetime
) -> staff.StaffMember:
    """A new password; the account is logged out everywhere at its next request."""
    require(actor, Action.MANAGE_STAFF)
    user, admins = _locked(session, user_id)
    return staff.apply_change(
        session, user, admins, now, actor=actor, action="staff.reset_password", password=password
    )


def set_active(
    session: Session, actor: Actor, user_id: int, active: bool, now: datetime
) -> staff.StaffMember:
    """Deactivate (logged out everywhere at the next request; the login refuses it) or
    activate again."""
    require(actor, Action.MANAGE_STAFF)
    user, admins = _locked(session, user_id)
    if user.is_active == active:
        if active:
            raise DomainError("The account is active already.")
        raise DomainError("The account is deactivated already.")
    if not active and user.id == actor.id:
        raise DomainError("You cannot deactivate your own account: ask another administrator to.")
    action = "staff.activate" if active else "staff.deactivate"
    return staff.apply_change(session, user, admins, now, actor=actor, action=action, active=active)


def _locked(session: Session, user_id: int) -> tuple[StaffUser, list[int]]:
    user, admins = staff.lock_for_change(session, StaffUser.id == user_id)
    if user is None:
        raise NotFound("There is no such staff account.")
    return user, admins
