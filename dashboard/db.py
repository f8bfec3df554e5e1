"""Engine and sessions.

SQLite is the embedded default. It gets WAL (readers never wait for the
writer), foreign keys, a busy timeout, and write transactions that start with
``BEGIN IMMEDIATE`` so that two writers never both read a balance and then
both write: the second waits for the first, like ``SELECT … FOR UPDATE`` on
PostgreSQL.

When PostgreSQL goes away for a moment (a restart, a failover) the pooled
connections die with it: every checkout pings its connection first and opens
a new one if it is dead, so the app recovers by itself once the server is
back, and a connection that cannot be opened fails after a few seconds (the
user is asked to try again) instead of hanging on the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "parkdesk_write"
CONNECT_TIMEOUT_SECONDS = 5


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    # A ?connect_timeout=… in DATABASE_URL wins over the default.
    arguments: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if "connect_timeout" in parsed.query:
        arguments = {}
    # No JIT: PostgreSQL compiles a query to machine code when its estimated cost is high
    # — half a second spent on the overview's small counts, whose estimates over a million
    # orders are high but which read a few thousand index entries. The app's queries are
    # short; none gains from it. No parallel plans either: workers × threads requests run
    # at once on a few cores, and a parallel plan takes two more processes for one of
    # them, on costs that assume idle cores: with them, the overview's seats taken were
    # read from the whole tickets table in parallel (136–165 ms on the full data set);
    # without, from a month of the period index and the few long tickets (7–9 ms).
    # (An ?options=… in DATABASE_URL wins.)
    if "options" not in parsed.query:
        arguments["options"] = "-c jit=off -c max_parallel_workers_per_gather=0"
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args=arguments,
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Reports read large parts of the file: map it, and keep more pages in memory.
        cursor.execute("PRAGMA mmap_size=1073741824")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


class Database:
    """The engine and the two kinds of session a request may open."""

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    def session_factory(self) -> Session:
        """A plain read session for long reads (streamed exports); the caller closes it."""
        return self._read()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end whatever happens."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed if the block ends normally, else rolled back."""
        with self._write() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
