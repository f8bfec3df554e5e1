"""Staff accounts changed from the command line (``python -m dashboard update-user``), as
an operator does when somebody leaves, forgets a password or changes jobs: run as a real
process against the test database, then checked through the real login and session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from models import AuditEntry, StaffSession, StaffUser
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _account(db, email: str) -> tuple[str, bool, int]:
    with db.read() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        sessions = session.scalars(
            select(StaffSession.id).where(StaffSession.user_id == user.id)
        ).all()
        return user.role, user.is_active, len(sessions)


def _logged_in(client) -> bool:
    """Whether the client's session still opens a page (else: back to the login form)."""
    return client.get("/").status_code == 200


def test_a_deactivated_account_is_logged_out_everywhere_and_cannot_log_in(
    database_url, db, app, client
):
    login(client, "rental@parkdesk.local")
    assert _logged_in(client)

    done = _cli(database_url, "update-user", "--email", "Rental@parkdesk.local ", "--deactivate")

    assert done.returncode == 0, done.stderr
    assert "rental@parkdesk.local: rental_manager, may not log in." in done.stdout
    assert _account(db, "rental@parkdesk.local") == ("rental_manager", False, 0)
    assert not _logged_in(client)
    again = app.server.test_client()
    assert login(again, "rental@parkdesk.local").status_code == 401
    assert not _logged_in(again)

    done = _cli(database_url, "update-user", "--email", "rental@parkdesk.local", "--activate")
    assert done.returncode == 0, done.stderr
    assert "may log in." in done.stdout
    assert login(again, "rental@parkdesk.local").status_code == 302
    assert _logged_in(again)


def test_a_new_password_replaces_the_old_one_and_ends_the_sessions(database_url, db, app, client):
    login(client, "service@parkdesk.local")
    assert _logged_in(client)
    assert _account(db, "service@parkdesk.local")[2] == 1

    done = _cli(
        database_url, "update-user", "--email", "service@parkdesk.local", "--password", "n3w-Pass"
    )

    assert done.returncode == 0, done.stderr
    assert _account(db, "service@parkdesk.local") == ("service_manager", True, 0)
    fresh = app.server.test_client()
    assert login(fresh, "service@parkdesk.local").status_code == 401  # "demo" no longer
    assert login(fresh, "service@parkdesk.local", "n3w-Pass").status_code == 302
    with db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.update")).one()
        assert entry.role == "system"
        assert entry.after == {"role": "service_manager", "active": True, "password": "changed"}
        assert "n3w-Pass" not in repr(entry.after) and "argon2" not in repr(entry.after)


def test_a_role_change_takes_effect_at_the_next_request(database_url, db, client):
    login(client, "exec@parkdesk.local")
    done = _cli(
        database_url, "update-user", "--email", "exec@parkdesk.local", "--role", "accountant"
    )
    assert done.returncode == 0, done.stderr
    assert _account(db, "exec@parkdesk.local") == ("accountant", True, 1)  # still logged in
    with db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.update")).one()
        assert (entry.before, entry.after) == (
            {"role": "executive", "active": True},
            {"role": "accountant", "active": True},
        )


def test_the_last_active_administrator_stays_one(database_url, db, staff_ids):
    for args in (("--deactivate",), ("--role", "executive")):
        done = _cli(database_url, "update-user", "--email", "admin@parkdesk.local", *args)
        assert done.returncode == 1
        assert "admin@parkdesk.local is the last active administrator" in done.stderr
        assert "Traceback" not in done.stderr
        assert _account(db, "admin@parkdesk.local") == ("admin", True, 0)

    done = _cli(database_url, "update-user", "--email", "exec@parkdesk.local", "--role", "admin")
    assert done.returncode == 0, done.stderr
    done = _cli(database_url, "update-user", "--email", "admin@parkdesk.local", "--deactivate")
    assert done.returncode == 0, done.stderr
    assert _account(db, "admin@parkdesk.local") == ("admin", False, 0)
    done = _cli(
        database_url, "update-user", "--email", "exec@parkdesk.local", "--role", "executive"
    )
    assert done.returncode == 1
    assert "exec@parkdesk.local is the last active administrator" in done.stderr


def test_mistakes_are_refused_in_words_and_change_nothing(database_url, db, staff_ids):
    cases = [
        (("--email", "nobody@parkdesk.local", "--deactivate"), "No staff account has the e-mail"),
        (("--email", "rental@parkdesk.local", "--role", "boss"), "Unknown role “boss”"),
        (("--email", "rental@parkdesk.local", "--password", "abc"), "The password is too short."),
        (
            (
                "--email",
                "rental@parkdesk.local",
            ),
            "say what to change",
        ),
        (("--email", "rental@parkdesk.local", "--activate", "--deactivate"), "not allowed with"),
    ]
    for args, words in cases:
        done = _cli(database_url, "update-user", *args)
        assert done.returncode != 0, args
        assert words in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert _account(db, "rental@parkdesk.local") == ("rental_manager", True, 0)
    with db.read() as session:
        assert session.scalars(select(AuditEntry)).all() == []
