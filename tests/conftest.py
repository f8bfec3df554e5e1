"""Fixtures: a fresh, migrated database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL points at one), an app per test, and logged-in clients."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from dashboard import create_app, schema
from dashboard.config import Config
from dashboard.db import Database
from demo.staff import DEMO_PASSWORD, create_demo_staff
from models import Base
from tests.databases import scratch_postgres

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def demo_today() -> date:
    """The last day of a demo year that ends now, as the seed command picks it
    (the demo business keeps Moscow days)."""
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of SQLite-only features are not collected on a PostgreSQL run, nor tests of
    PostgreSQL-only ones (marker ``postgres``) on a SQLite run (deselected, not skipped:
    CI treats every skip as a failure)."""
    other = "sqlite_only" if ON_POSTGRES else "postgres"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str:
    where = make_url(TEST_DATABASE_URL).render_as_string() if ON_POSTGRES else "SQLite files"
    return f"parkdesk database: {where}"


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str]:
    """A database of this test worker's own on the PostgreSQL server, migrated once."""
    # One database per test process: parallel workers (and two people running the
    # suite on one server) never truncate each other's data.
    name = f"parkdesk_test_{os.getpid()}_{_worker()}"
    with ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_postgres(TEST_DATABASE_URL, name))
        except sa.exc.OperationalError as error:
            where = make_url(TEST_DATABASE_URL).render_as_string()
            pytest.skip(f"PostgreSQL at {where} is not reachable: {error}")
        schema.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "parkdesk.sqlite3"
    schema.upgrade(f"sqlite:///{path}")
    return path


_EMPTY_EVERY_TABLE = ";".join(
    f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables)
)


def fresh_database_url(request: pytest.FixtureRequest, directory: Path) -> str:
    """A migrated, empty database: this worker's PostgreSQL database truncated, or a
    fresh copy of the migrated SQLite template in ``directory``."""
    if ON_POSTGRES:
        url = request.getfixturevalue("_postgres_url")
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE's new files for
            # every table and index cost ~0.3 s a test. Triggers and foreign-key checks are
            # off for the transaction (every table is emptied), sequences start over.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(_EMPTY_EVERY_TABLE)
            connection.exec_driver_sql("SELECT setval(seqrelid, seqstart, false) FROM pg_sequence")
        engine.dispose()
        return url
    path = directory / "parkdesk.sqlite3"
    shutil.copy(request.getfixturevalue("_sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database for this test."""
    return fresh_database_url(request, tmp_path)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def config(database_url: str) -> Config:
    return Config(database_url=database_url, secret_key="test-secret-key", testing=True)


@pytest.fixture
def staff_ids(db: Database) -> dict[str, int]:
    """The six demo staff accounts (password ``demo``), ids by e-mail."""
    with db.write() as session:
        return create_demo_staff(session)


@pytest.fixture
def app(config: Config, staff_ids: dict[str, int]):
    application = create_app(config)
    yield application
    application.server.extensions["parkdesk_db"].dispose()


@pytest.fixture
def client(app):
    return app.server.test_client()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def login(client, email: str, password: str = DEMO_PASSWORD, **kwargs):
    """Log in through the real form, CSRF field included; returns the response."""
    page = client.get("/login", **kwargs)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
        **kwargs,
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With PARKDESK_NO_SKIPS=1 (CI) a skipped test fails the run: a skipped
    browser or PostgreSQL test is a test that did not run."""
    if os.environ.get("PARKDESK_NO_SKIPS") != "1" or hasattr(session.config, "workerinput"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            print(f"\nNOT ALLOWED IN CI — skipped: {report.nodeid}: {report.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def world(db, staff_ids):
    """The hand-built world of ``tests.factories`` (committed); set ``world.session``
    to a session before adding more to it."""
    from tests.factories import World

    with db.write() as session:
        built = World.build(session)
    built.session = None
    return built


@pytest.fixture
def actors(db, staff_ids):
    """The demo staff as service ``Actor``s, by the part of the e-mail before the @."""
    from tests.factories import actor

    with db.read() as session:
        return {email.split("@")[0]: actor(session, email) for email in staff_ids}
