"""The payments export of a million rows: over real HTTP from a gunicorn worker in its
own process (time to first byte, rows per second, peak memory growth of the worker),
against the floor (a plain csv.writer of the same SELECT straight from the DBAPI
cursor) and the naive way (pandas.read_sql of the whole journal, then to_csv).

Targets: first byte within 100 ms, at least 250,000 rows/s, less than 50 MB growth.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import requests
import sqlalchemy as sa

from bench.harness import StaffClient, Timing, captured_sql
from dashboard.config import DEFAULT_TIMEZONE
from dashboard.db import Database
from models.statuses import PAYMENT_METHOD_LABELS
from services import balances

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
SAMPLE_SECONDS = 0.005
MB = 1024 * 1024
METHODS = {code.value: labels["en"] for code, labels in PAYMENT_METHOD_LABELS.items()}
KINDS = {"payment": "Payment", "refund": "Refund"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str):
    """One gunicorn sync worker serving Parkdesk, as in production; yields the base
    URL and the worker's process. The timeout is raised above the longest export (a
    sync worker streaming a file cannot answer the arbiter's heartbeat)."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-exports",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "1",
            "--timeout",
            "600",
            "-b",
            f"127.0.0.1:{port}",
            "dashboard.wsgi:server",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode())
            time.sleep(0.2)
        workers = psutil.Process(server.pid).children()
        assert len(workers) == 1, workers
        yield base, workers[0]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _memory(process: psutil.Process) -> tuple[int, int]:
    """Resident set size and its anonymous part (the heap: not the mapped database
    file, whose pages are the operating system's page cache)."""
    rss = anon = 0
    with open(f"/proc/{process.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("RssAnon:"):
                anon = int(line.split()[1]) * 1024
    return rss, anon


class PeakMemory:
    """Samples a process's memory every few milliseconds while the block runs."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.base = _memory(process)
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss, anon = _memory(self.process)
            except (FileNotFoundError, ProcessLookupError):
                return
            self.peak = (max(self.peak[0], rss), max(self.peak[1], anon))
            time.sleep(SAMPLE_SECONDS)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> tuple[float, float]:
        return (self.peak[0] - self.base[0]) / MB, (self.peak[1] - self.base[1]) / MB


@dataclass
class Download:
    first_byte: float
    seconds: float
    rows: int
    rss_mb: float
    anon_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def _download(client: StaffClient, worker: psutil.Process, params: dict[str, str]) -> Download:
    with PeakMemory(worker) as memory:
        started = time.perf_counter()
        first_byte = None
        lines = 0
        with client.http.get(
            f"{client.base}/exports/payments.csv", params=params, stream=True, timeout=600
        ) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_content(chunk_size=256 * 1024):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                lines += chunk.count(b"\n")  # CRLF may be split between chunks
        seconds = time.perf_counter() - started
    rss, anon = memory.growth
    return Download(first_byte or seconds, seconds, lines - 1, rss, anon)


def million_row_period(url: str, timezone: str) -> tuple[date, date, int]:
    """The last local days of the journal that hold at least a million rows (all of
    them in a smaller data set), and how many rows the export of those days has."""
    engine = sa.create_engine(url)
    zone = ZoneInfo(timezone)
    paid = sa.table("payments", sa.column("paid_at"))

    def local(value: object) -> date:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(zone).date()

    with engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(paid)).scalar()
        last, boundary = (
            connection.execute(
                sa.select(paid.c.paid_at).order_by(paid.c.paid_at.desc()).offset(offset).limit(1)
            ).scalar()
            for offset in (0, min(ROWS, total) - 1)
        )
        first, final = local(boundary), local(last)
        query = balances.journal_export_query(first, final, timezone, METHODS, KINDS)
        count = connection.execute(
            sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        ).scalar()
    engine.dispose()
    return first, final, int(count)


def floor(url: str, first: date, last: date, timezone: str) -> tuple[float, int]:
    """The same SELECT, as SQLAlchemy sends it, run on the bare DBAPI cursor into
    csv.writer and a file: seconds, rows."""
    database = Database(url)  # the app's engine settings (SQLite pragmas) for a fair floor
    query = balances.journal_export_query(first, last, timezone, METHODS, KINDS)
    with captured_sql(database.engine) as statements, database.read() as session:
        result = session.execute(query.execution_options(yield_per=10))
        next(result.partitions())
        result.close()
    statement, parameters = statements[-1]
    connection = database.engine.raw_connection()
    rows = 0
    try:
        cursor = connection.cursor() if database.is_sqlite else connection.cursor(name="floor")
        with tempfile.TemporaryFile("w", newline="", encoding="utf-8") as target:
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            writer = csv.writer(target, delimiter=";", lineterminator="\r\n")
            while batch := cursor.fetchmany(5_000):
                writer.writerows(batch)
                rows += len(batch)
            seconds = time.perf_counter() - started
        cursor.close()
        connection.rollback()
    finally:
        connection.close()
        database.dispose()
    return seconds, rows


NAIVE = """
import json, sys, time
import pandas as pd
import sqlalchemy as sa
from datetime import date
from services import balances
from bench.exports import KINDS, METHODS
url, first, last, timezone, target = sys.argv[1:]
engine = sa.create_engine(url)
query = balances.journal_export_query(
    date.fromisoformat(first), date.fromisoformat(last), timezone, METHODS, KINDS
)
started = time.perf_counter()
frame = pd.read_sql(query, engine)
loaded = time.perf_counter() - started
frame.to_csv(target, sep=";", decimal=",", index=False, encoding="utf-8-sig")
print(json.dumps({"first_byte": loaded, "seconds": time.perf_counter() - started,
                  "rows": len(frame)}))
"""


def naive(url: str, first: date, last: date, timezone: str) -> dict[str, float]:
    """pandas.read_sql of the whole journal, then to_csv, in a process of its own: the
    first byte can only be written once everything is loaded; memory sampled as above."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as target:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                NAIVE,
                url,
                first.isoformat(),
                last.isoformat(),
                timezone,
                target.name,
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
        )
        with PeakMemory(psutil.Process(child.pid)) as memory:
            output, _ = child.communicate(timeout=1800)
        result = json.loads(output)
    result["rss_mb"], result["anon_mb"] = memory.growth
    return result


def payments_export(url: str, runs: int = 2, timezone: str = DEFAULT_TIMEZONE) -> dict:
    first, last, count = million_row_period(url, timezone)
    params = {"from": first.isoformat(), "to": last.isoformat()}
    print(f"payments export: {count:,} rows paid {first} – {last}", flush=True)
    with gunicorn(url) as (base, worker):
        client = StaffClient(base, "accounting@parkdesk.local")
        day = {"from": last.isoformat(), "to": last.isoformat()}
        _download(client, worker, day)  # warm the worker up (imports, first connection)
        downloads = []
        for _ in range(max(1, min(runs, 3))):
            downloads.append(_download(client, worker, params))
            d = downloads[-1]
            print(
                f"  HTTP: first byte {d.first_byte * 1000:.1f} ms, {d.rows:,} rows in "
                f"{d.seconds:.1f} s = {d.rows_per_second:,.0f} rows/s, worker +{d.rss_mb:.1f} MB "
                f"RSS (+{d.anon_mb:.1f} MB anonymous)",
                flush=True,
            )
    assert all(d.rows == count for d in downloads), (count, [d.rows for d in downloads])
    floor_seconds, floor_rows = floor(url, first, last, timezone)
    print(f"  floor: {floor_rows / floor_seconds:,.0f} rows/s", flush=True)
    slow = naive(url, first, last, timezone)
    print(
        f"  naive: first byte {slow['first_byte']:.1f} s, +{slow['rss_mb']:.0f} MB RSS",
        flush=True,
    )
    best = max(downloads, key=lambda d: d.rows_per_second)
    worst_memory = max(downloads, key=lambda d: d.rss_mb)
    return {
        "http_first_byte": Timing(
            "payments CSV over HTTP: time to first byte (target ≤ 100 ms)",
            [d.first_byte for d in downloads],
        ),
        "http_total": Timing(
            f"payments CSV over HTTP: {count:,} rows, best {best.rows_per_second:,.0f} rows/s "
            f"(target ≥ 250,000), worker RSS +{worst_memory.rss_mb:.1f} MB, anonymous "
            f"+{worst_memory.anon_mb:.1f} MB (target < 50 MB)",
            [d.seconds for d in downloads],
        ),
        "floor_total": Timing(
            f"floor: csv.writer of the same SELECT, {floor_rows / floor_seconds:,.0f} rows/s",
            [floor_seconds],
        ),
        "naive_first_byte": Timing(
            f"naive: pandas.read_sql + to_csv, time to first byte; RSS +{slow['rss_mb']:,.0f} MB",
            [slow["first_byte"]],
        ),
        "naive_total": Timing(
            f"naive: pandas.read_sql + to_csv, whole file ({slow['rows'] / slow['seconds']:,.0f} "
            "rows/s)",
            [slow["seconds"]],
        ),
    }


if __name__ == "__main__":
    from bench import dataset

    size = sys.argv[1] if len(sys.argv) > 1 else "small"
    database_url, _seeded = dataset.ensure("sqlite", size)
    for key, timing in payments_export(database_url).items():
        print(key, timing.name, f"{timing.median:.3f} s")
