"""Backups of the embedded database while it is being written, and the check that
tells whether a database (a restored copy) is sound."""

from __future__ import annotations

import threading
from itertools import count

import pytest
import sqlalchemy as sa

import demo
from dashboard.__main__ import main as cli
from dashboard.db import Database
from services import integrity, payments
from tests.conftest import demo_today
from tests.factories import NOW

# SQLite's online backup; PostgreSQL is backed up with pg_dump (README), so on a
# PostgreSQL run these are deselected, not skipped.
pytestmark = pytest.mark.sqlite_only


def test_a_backup_taken_while_payments_are_written_is_consistent(
    database_url, db, tmp_path, monkeypatch
):
    demo.seed(db.engine, orders=1_000, seed=5, today=demo_today())
    with db.read() as session:
        due = (
            session.execute(
                sa.text(
                    "SELECT o.number FROM orders o JOIN services s ON s.id = o.service_id "
                    "WHERE o.status = 'confirmed_balance_due' AND s.type IN ('hotel','coworking') "
                    "ORDER BY o.number"
                )
            )
            .scalars()
            .all()
        )
        admin = session.execute(
            sa.text("SELECT id, name, role FROM staff_users WHERE email = 'admin@parkdesk.local'")
        ).one()
    from services.context import Actor

    actor = Actor(admin.id, admin.name, admin.role)
    stop = threading.Event()
    keys = count()

    def keep_paying() -> None:
        writer = Database(database_url)
        while not stop.is_set():
            for number in due:
                try:
                    with writer.write() as session:
                        payments.record_payment(
                            session, actor, number, "1", "cash", f"k{next(keys)}", NOW
                        )
                except Exception:  # refusals (balance reached) are fine here
                    pass
                if stop.is_set():
                    break
        writer.dispose()

    thread = threading.Thread(target=keep_paying)
    thread.start()
    monkeypatch.setenv("DATABASE_URL", database_url)
    target = tmp_path / "copy.sqlite3"
    try:
        assert cli(["backup", str(target)]) == 0
    finally:
        stop.set()
        thread.join(timeout=60)
    assert next(keys) > 0, "nothing was written during the backup"

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    assert cli(["check"]) == 0
    copy = Database(f"sqlite:///{target}")
    with copy.read() as session:
        assert integrity.check(session) == []
        assert session.execute(sa.text("SELECT count(*) FROM orders")).scalar() == 1_000
    copy.dispose()


def test_a_backup_never_overwrites_a_file(database_url, tmp_path, monkeypatch, capsys):
    target = tmp_path / "exists.sqlite3"
    target.write_text("precious")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli(["backup", str(target)]) == 1
    assert target.read_text() == "precious"


def test_check_finds_paid_that_disagrees_with_the_ledger(database_url, db, monkeypatch, capsys):
    demo.seed(db.engine, orders=300, seed=2, today=demo_today())
    with db.write() as session:
        session.execute(
            sa.text(
                "UPDATE orders SET paid_kopecks = paid_kopecks - 1 WHERE id = "
                "(SELECT min(order_id) FROM payments)"
            )
        )
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli(["check"]) == 1
    assert "paid equals the ledger" in capsys.readouterr().err
