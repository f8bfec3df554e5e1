"""The data sets the benchmarks run on: seeded once, then reused."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from tqdm import tqdm

import demo
from dashboard import schema
from dashboard.db import Database
from demo.catalogue import MOSCOW

SIZES = {"small": 20_000, "full": 1_000_000}
DATA = Path(__file__).resolve().parent / "data"
POSTGRES_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def database_url(db: str, size: str) -> str:
    if db == "sqlite":
        DATA.mkdir(exist_ok=True)
        return f"sqlite:///{DATA / f'{size}.sqlite3'}"
    server = make_url(POSTGRES_SERVER)
    name = f"parkdesk_bench_{size}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).scalar()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def ensure(db: str, size: str) -> tuple[str, float | None]:
    """The URL of a seeded data set of this size; seeds it when missing.

    Returns the URL and the seconds seeding took (None when reused)."""
    url = database_url(db, size)
    database = Database(url)
    before = schema.current_revision(database.engine)
    schema.upgrade(url)
    with database.read() as session:
        orders = session.execute(sa.text("SELECT count(*) FROM orders")).scalar()
    if orders == SIZES[size]:
        if before != schema.current_revision(database.engine):
            _analyze(database, db)  # statistics for the indexes a migration has just made
        database.dispose()
        return url, None
    if orders:
        raise SystemExit(f"{url} holds {orders} orders, not {SIZES[size]}: drop it and rerun")
    started = time.perf_counter()
    with tqdm(total=SIZES[size], unit=" orders", desc="Seeding") as bar:
        demo.seed(
            database.engine,
            orders=SIZES[size],
            seed=1,
            today=datetime.now(MOSCOW).date(),
            progress=bar.update,
        )
    _analyze(database, db)
    database.dispose()
    return url, time.perf_counter() - started


def _analyze(database: Database, db: str) -> None:
    if db == "sqlite":
        with database.engine.begin() as connection:  # statistics kept (committed)
            connection.exec_driver_sql("ANALYZE")
    else:
        # What autovacuum leaves a live database with: statistics, and the visibility map
        # that lets PostgreSQL answer from an index alone (index-only scans).
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM (ANALYZE)"
            )
