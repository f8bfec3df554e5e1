"""The Staff page's rules (SPEC §9.2) through their services, on SQLite and PostgreSQL:
an administrator adds accounts, changes roles, resets passwords, deactivates and
activates; every refusal is read in both languages and writes nothing; the last active
administrator is kept, also when two administrators demote each other at once; every
change is audited, never with the password. Then over real HTTP: a deactivated
account's open session is refused at its next request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from dashboard import create_app
from models import AuditEntry, LoginAttempt, StaffSession, StaffUser
from services import staff, staff_admin
from services.context import Actor
from services.errors import DomainError, NotFound, PermissionDenied
from tests.factories import NOW
from tests.servers import serving
from tests.test_concurrency import all_at_once, refusals, winners
from tests.test_probe_http import Desk, log_in
from tests.test_rules import refused

NEW_PASSWORD = "s3cret-Word"
LAST_ADMIN_EN = (
    "admin@parkdesk.local is the last active administrator: make another account an "
    "administrator first."
)
LAST_ADMIN_RU = (
    "admin@parkdesk.local — последний действующий администратор: сначала назначьте "
    "администратором другую учётную запись."
)


def _staff_rows(db) -> list[tuple]:
    with db.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    StaffUser.id,
                    StaffUser.email,
                    StaffUser.name,
                    StaffUser.role,
                    StaffUser.is_active,
                    StaffUser.password_hash,
                ).order_by(StaffUser.id)
            )
        ]


def _sessions(db, user_id: int) -> int:
    with db.read() as session:
        return session.scalar(
            select(func.count()).select_from(StaffSession).where(StaffSession.user_id == user_id)
        )


def staff_refused(db, call, *, en: str, ru: str, kind=None):
    """``refused`` (no audit row, nothing written, the words in both languages), and no
    staff account or session changed either."""
    before = _staff_rows(db)
    with db.read() as session:
        sessions = session.scalar(select(func.count()).select_from(StaffSession))
    error = refused(db, call, en=en, ru=ru, **({"kind": kind} if kind else {}))
    assert _staff_rows(db) == before
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(StaffSession)) == sessions
    return error


def _audits(db, action: str) -> list[SimpleNamespace]:
    with db.read() as session:
        return [
            SimpleNamespace(
                user_id=a.user_id,
                role=a.role,
                entity_id=a.entity_id,
                before=a.before,
                after=a.after,
            )
            for a in session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        ]


def _login(db, user_id: int) -> None:
    with db.write() as session:
        staff.open_session(session, user_id, NOW, timedelta(hours=8), address=None, user_agent="")


def _add(db, actor, email="vera@parkdesk.local", role="rental_manager", name="Вера Новикова"):
    with db.write() as session:
        return staff_admin.add_staff(
            session, actor, email=email, name=name, role=role, password=NEW_PASSWORD, now=NOW
        )


@pytest.fixture
def admin(actors) -> Actor:
    return actors["admin"]


# --- adding an account -----------------------------------------------------------------------


def test_an_administrator_adds_a_rental_manager_who_can_then_log_in(db, admin):
    member = _add(db, admin, email="  Vera@ParkDesk.local ")

    assert (member.email, member.name, member.role) == (
        "vera@parkdesk.local",
        "Вера Новикова",
        "rental_manager",
    )
    with db.read() as session:
        assert staff.verify_credentials(session, "vera@parkdesk.local", NEW_PASSWORD) is not None
        listed = {row.email: row for row in staff_admin.list_staff(session, admin)}
    assert listed["vera@parkdesk.local"].active
    assert listed["vera@parkdesk.local"].last_login is None
    (entry,) = _audits(db, "staff.create")
    assert (entry.user_id, entry.role, entry.entity_id) == (admin.id, "admin", str(member.id))
    assert entry.after == {
        "email": "vera@parkdesk.local",
        "name": "Вера Новикова",
        "role": "rental_manager",
        "active": True,
    }
    assert NEW_PASSWORD not in repr((entry.before, entry.after))
    assert "argon2" not in repr((entry.before, entry.after))


def test_a_name_left_empty_is_the_first_part_of_the_e_mail(db, admin):
    assert _add(db, admin, email="pavel@parkdesk.local", name="  ").name == "pavel"


@pytest.mark.parametrize(
    ("email", "name", "role", "password", "en", "ru"),
    [
        ("", "Вера", "rental_manager", NEW_PASSWORD, "Enter the e-mail address.",
         "Введите адрес электронной почты."),
        ("vera.parkdesk.local", "Вера", "rental_manager", NEW_PASSWORD,
         "“vera.parkdesk.local” is not an e-mail address.",
         "«vera.parkdesk.local» — не адрес e-mail."),
        ("vera@", "Вера", "rental_manager", NEW_PASSWORD,
         "“vera@” is not an e-mail address.", "«vera@» — не адрес e-mail."),
        ("RENTAL@parkdesk.local", "Вера", "rental_manager", NEW_PASSWORD,
         "A staff account with the e-mail rental@parkdesk.local exists already.",
         "Сотрудник с e-mail rental@parkdesk.local уже есть."),
        ("vera@parkdesk.local", "Вера", "", NEW_PASSWORD, "Choose a role.", "Выберите роль."),
        ("vera@parkdesk.local", "Вера", "boss", NEW_PASSWORD,
         "Unknown role “boss”; use one of: admin, rental_manager, service_manager, "
         "event_manager, executive, accountant.",
         "Неизвестная роль «boss»; допустимые: admin, rental_manager, service_manager, "
         "event_manager, executive, accountant."),
        ("vera@parkdesk.local", "Вера", "rental_manager", "abc", "The password is too short.",
         "Пароль слишком короткий."),
        ("vera@parkdesk.local", "Вера", "rental_manager", "x" * 1025,
         "The password is too long.", "Пароль слишком длинный."),
        ("vera@parkdesk.local", "Ж" * 201, "rental_manager", NEW_PASSWORD,
         "A name has at most 200 characters.", "Имя — не длиннее 200 символов."),
    ],
)  # fmt: skip
def test_an_account_that_breaks_a_rule_is_refused_in_words(
    db, admin, email, name, role, password, en, ru
):
    staff_refused(
        db,
        lambda s: staff_admin.add_staff(
            s, admin, email=email, name=name, role=role, password=password, now=NOW
        ),
        en=en,
        ru=ru,
    )


def test_the_e_mail_rules_are_the_create_user_commands_own(db):
    """One piece of code: the command refuses what the page refuses."""
    with pytest.raises(DomainError, match="is not an e-mail address"), db.write() as session:
        staff.create_user(session, email="nobody", password=NEW_PASSWORD, role="admin")


# --- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rental", "service", "events", "exec", "accounting"])
def test_only_an_administrator_manages_staff(db, actors, staff_ids, who):
    actor = actors[who]
    rental = staff_ids["rental@parkdesk.local"]
    calls = [
        lambda s: staff_admin.list_staff(s, actor),
        lambda s: staff_admin.add_staff(
            s, actor, email="x@parkdesk.local", name="X", role="admin", password="long-one", now=NOW
        ),
        lambda s: staff_admin.change_role(s, actor, rental, "admin", NOW),
        lambda s: staff_admin.reset_password(s, actor, rental, NEW_PASSWORD, NOW),
        lambda s: staff_admin.set_active(s, actor, rental, False, NOW),
    ]
    for call in calls:
        staff_refused(
            db,
            call,
            en="Your role may not do this.",
            ru="Вашей роли это действие недоступно.",
            kind=PermissionDenied,
        )


# --- role ----------------------------------------------------------------------------------------


def test_a_role_change_is_audited_and_applies_at_the_next_request(db, admin, staff_ids):
    rental = staff_ids["rental@parkdesk.local"]
    _login(db, rental)
    with db.write() as session:
        member = staff_admin.change_role(session, admin, rental, "service_manager", NOW)
    assert member.role == "service_manager"
    (entry,) = _audits(db, "staff.change_role")
    assert (entry.before, entry.after) == (
        {"role": "rental_manager", "active": True},
        {"role": "service_manager", "active": True},
    )
    assert entry.user_id == admin.id
    # Still logged in: the guard reads the new role from the database at the next request.
    assert _sessions(db, rental) == 1


def test_the_same_role_again_and_an_unknown_account_are_refused(db, admin, staff_ids):
    rental = staff_ids["rental@parkdesk.local"]
    staff_refused(
        db,
        lambda s: staff_admin.change_role(s, admin, rental, "rental_manager", NOW),
        en="The account has this role already.",
        ru="У этой учётной записи уже такая роль.",
    )
    for call in (
        lambda s: staff_admin.change_role(s, admin, 999_999, "admin", NOW),
        lambda s: staff_admin.reset_password(s, admin, 999_999, NEW_PASSWORD, NOW),
        lambda s: staff_admin.set_active(s, admin, 999_999, False, NOW),
    ):
        staff_refused(
            db,
            call,
            en="There is no such staff account.",
            ru="Такой учётной записи сотрудника нет.",
            kind=NotFound,
        )


# --- password ------------------------------------------------------------------------------------


def test_a_reset_password_replaces_the_old_one_and_logs_the_account_out(db, admin, staff_ids):
    rental = staff_ids["rental@parkdesk.local"]
    _login(db, rental)
    _login(db, rental)
    with db.write() as session:
        staff_admin.reset_password(session, admin, rental, NEW_PASSWORD, NOW)
    assert _sessions(db, rental) == 0
    with db.read() as session:
        assert staff.verify_credentials(session, "rental@parkdesk.local", "demo") is None
        assert staff.verify_credentials(session, "rental@parkdesk.local", NEW_PASSWORD)
    (entry,) = _audits(db, "staff.reset_password")
    assert entry.after == {"role": "rental_manager", "active": True, "password": "changed"}
    assert NEW_PASSWORD not in repr((entry.before, entry.after))
    assert "argon2" not in repr((entry.before, entry.after))


def test_a_weak_new_password_is_refused_and_the_sessions_stay(db, admin, staff_ids):
    rental = staff_ids["rental@parkdesk.local"]
    _login(db, rental)
    staff_refused(
        db,
        lambda s: staff_admin.reset_password(s, admin, rental, "abc", NOW),
        en="The password is too short.",
        ru="Пароль слишком короткий.",
    )
    assert _sessions(db, rental) == 1


# --- deactivate / activate -----------------------------------------------------------------------


def test_a_deactivated_account_is_logged_out_and_cannot_log_in_until_activated(
    db, admin, staff_ids
):
    rental = staff_ids["rental@parkdesk.local"]
    _login(db, rental)
    with db.write() as session:
        assert not staff_admin.set_active(session, admin, rental, False, NOW).active
    assert _sessions(db, rental) == 0
    with db.read() as session:
        assert staff.verify_credentials(session, "rental@parkdesk.local", "demo") is None
        row = staff_admin.get_staff(session, admin, rental)
    assert not row.active
    staff_refused(
        db,
        lambda s: staff_admin.set_active(s, admin, rental, False, NOW),
        en="The account is deactivated already.",
        ru="Учётная запись уже деактивирована.",
    )
    with db.write() as session:
        assert staff_admin.set_active(session, admin, rental, True, NOW).active
    with db.read() as session:
        assert staff.verify_credentials(session, "rental@parkdesk.local", "demo")
    staff_refused(
        db,
        lambda s: staff_admin.set_active(s, admin, rental, True, NOW),
        en="The account is active already.",
        ru="Учётная запись уже активна.",
    )
    (off,) = _audits(db, "staff.deactivate")
    (on,) = _audits(db, "staff.activate")
    assert (off.before, off.after) == (
        {"role": "rental_manager", "active": True},
        {"role": "rental_manager", "active": False},
    )
    assert (on.before, on.after) == (off.after, off.before)
    assert off.user_id == on.user_id == admin.id


def test_an_administrator_cannot_deactivate_their_own_account(db, admin):
    staff_refused(
        db,
        lambda s: staff_admin.set_active(s, admin, admin.id, False, NOW),
        en="You cannot deactivate your own account: ask another administrator to.",
        ru="Свою учётную запись деактивировать нельзя: попросите другого администратора.",
    )


# --- the last active administrator ---------------------------------------------------------------


def test_the_last_active_administrator_cannot_be_demoted(db, admin):
    error = staff_refused(
        db,
        lambda s: staff_admin.change_role(s, admin, admin.id, "executive", NOW),
        en=LAST_ADMIN_EN,
        ru=LAST_ADMIN_RU,
    )
    assert "admin@parkdesk.local" in str(error)


def test_the_last_active_administrator_cannot_be_deactivated(db, admin, staff_ids):
    """By another administrator whose own account was deactivated meanwhile (the service
    trusts the role it is given; the web layer reads it from the database)."""
    second = _add(db, admin, email="second@parkdesk.local", role="admin")
    with db.write() as session:
        staff_admin.set_active(session, admin, second.id, False, NOW)
    stale = Actor(second.id, second.name, "admin")
    staff_refused(
        db,
        lambda s: staff_admin.set_active(s, stale, admin.id, False, NOW),
        en=LAST_ADMIN_EN,
        ru=LAST_ADMIN_RU,
    )


def test_with_a_second_administrator_the_first_may_step_down(db, admin):
    second = _add(db, admin, email="second@parkdesk.local", role="admin")
    with db.write() as session:
        staff_admin.change_role(session, admin, admin.id, "executive", NOW)
    stale_first = admin  # the first one's role is read again at the next request
    new_admin = Actor(second.id, second.name, "admin")
    with db.write() as session:
        staff_admin.set_active(session, new_admin, stale_first.id, False, NOW)
    staff_refused(
        db,
        lambda s: staff_admin.change_role(s, new_admin, second.id, "executive", NOW),
        en=LAST_ADMIN_EN.replace("admin@", "second@"),
        ru=LAST_ADMIN_RU.replace("admin@", "second@"),
    )


@pytest.mark.parametrize("change", ["demote", "deactivate"])
def test_two_administrators_removing_each_other_at_once_leave_one(db, admin, change):
    """Each one's change alone is allowed (the other stays); both at once would leave no
    administrator: one waits for the other's lock, sees it, and is refused."""
    second = _add(db, admin, email="second@parkdesk.local", role="admin")
    pair = [admin, Actor(second.id, second.name, "admin")]

    def remove_the_other(session, i: int):
        me, other = pair[i], pair[1 - i]
        if change == "demote":
            return staff_admin.change_role(session, me, other.id, "executive", NOW)
        return staff_admin.set_active(session, me, other.id, False, NOW)

    outcomes = all_at_once(db, 2, remove_the_other)

    assert len(winners(outcomes)) == 1
    (error,) = refusals(outcomes)
    assert "is the last active administrator" in str(error)
    with db.read() as session:
        admins = session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == "admin", StaffUser.is_active.is_(True))
        )
    assert admins == 1
    assert len(_audits(db, f"staff.{'change_role' if change == 'demote' else 'deactivate'}")) == 1


def test_two_administrators_adding_one_e_mail_at_once_add_it_once(db, admin):
    second = _add(db, admin, email="second@parkdesk.local", role="admin")
    pair = [admin, Actor(second.id, second.name, "admin")]

    outcomes = all_at_once(
        db, 2, lambda session, i: _add_in(session, pair[i], email="same@parkdesk.local")
    )

    assert len(winners(outcomes)) == 1
    (error,) = refusals(outcomes)
    assert str(error) == "A staff account with the e-mail same@parkdesk.local exists already."
    assert len(_audits(db, "staff.create")) == 2  # the second administrator's and one of these


def _add_in(session, actor, email: str):
    return staff_admin.add_staff(
        session, actor, email=email, name="", role="executive", password=NEW_PASSWORD, now=NOW
    )


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_the_last_successful_login(db, admin, staff_ids):
    rental = staff_ids["rental@parkdesk.local"]
    with db.write() as session:
        staff.record_login_attempt(session, "rental@parkdesk.local", "1.2.3.4", NOW, True)
        staff.record_login_attempt(
            session, "rental@parkdesk.local", "1.2.3.4", NOW + timedelta(hours=1), False
        )
        session.add(
            LoginAttempt(
                email="rental@parkdesk.local",
                address="1.2.3.4",
                attempted_at=NOW - timedelta(days=3),
                succeeded=True,
            )
        )
    with db.read() as session:
        rows = {row.id: row for row in staff_admin.list_staff(session, admin)}
    assert rows[rental].last_login == NOW
    assert rows[staff_ids["service@parkdesk.local"]].last_login is None
    assert all(row.active for row in rows.values())
    assert set(rows) == set(staff_ids.values())


# --- over HTTP -----------------------------------------------------------------------------------

DEACTIVATE = "..staff-feedback.children...staff-version.data.. <- staff-deactivate-confirm.n_clicks"


@pytest.fixture
def server(config, staff_ids) -> Iterator[str]:
    app = create_app(config)
    try:
        with serving(app.server) as base:
            yield base
    finally:
        app.server.extensions["parkdesk_db"].dispose()


def test_a_deactivated_user_is_refused_at_the_next_request_over_http(server, db, staff_ids):
    rental_id = staff_ids["rental@parkdesk.local"]
    rental = Desk(server, "rental@parkdesk.local")
    admin = Desk(server, "admin@parkdesk.local")
    assert rental.get("/tickets").status_code == 200

    # The rental manager may not deactivate anybody: refused in words, nothing written.
    refused_answer = rental.post(
        DEACTIVATE, {"staff-deactivate-confirm.n_clicks": 1, "staff-account.data": rental_id}
    )
    assert "Your role may not do this." in refused_answer.text
    assert _sessions(db, rental_id) == 1

    done = admin.post(
        DEACTIVATE,
        {"staff-deactivate-confirm.n_clicks": 1, "staff-account.data": rental_id},
    )
    assert done.status_code == 200, done.text
    assert "logged out everywhere" in done.text

    page = rental.get("/tickets")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    callback = rental.post("tickets-filters.data", {"tickets-filter-visitor.value": "x"})
    assert callback.status_code == 401
    assert _sessions(db, rental_id) == 0
    _browser, login = log_in(server, "rental@parkdesk.local")
    assert login.status_code == 401  # the login form refuses it too
