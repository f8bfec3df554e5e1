"""The payments export of a million rows: over real HTTP from a gunicorn worker in its
own process (time to first byte and to the first row, rows per second, peak memory
growth and CPU time of the worker), against the floor and the naive way.

The floor is a plain streamed CSV route, served and downloaded the same way: the same
SELECT — the production function that builds it, called as the route calls it; the
file shows every column of it (tests/test_exports.py) — its raw columns, no login and
no formatting, straight from the DBAPI cursor into csv.writer on SQLite, COPY … TO
STDOUT on PostgreSQL (``plain_csv_app``). The naive way is pandas.read_sql of the same
SELECT, then to_csv.

Targets: first byte within 100 ms, at least 250,000 rows/s, less than 50 MB growth.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import psutil
import requests
import sqlalchemy as sa

from bench.harness import StaffClient, Timing
from dashboard.config import DEFAULT_TIMEZONE
from dashboard.db import Database
from services import balances, exports

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
SAMPLE_SECONDS = 0.005
MB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, app: str = "dashboard.wsgi:server"):
    """One gunicorn sync worker serving Parkdesk (or another WSGI app), as in
    production; yields the base URL and the worker's process. The timeout is raised
    above the longest export (a sync worker streaming a file cannot answer the
    arbiter's heartbeat)."""
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
            app,
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
    first_row: float
    seconds: float
    rows: int
    rss_mb: float
    anon_mb: float
    worker_cpu: float  # seconds of the worker's CPU (user + system) for the whole file

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def rows_per_cpu_second(self) -> float:
        """What a worker with a core of its own would reach (the machine is shared)."""
        return self.rows / self.worker_cpu if self.worker_cpu else 0.0


def _download(
    http: requests.Session, url: str, worker: psutil.Process, params: dict[str, str]
) -> Download:
    cpu = worker.cpu_times()
    with PeakMemory(worker) as memory:
        started = time.perf_counter()
        first_byte = first_row = None
        lines = 0
        with http.get(url, params=params, stream=True, timeout=600) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_content(chunk_size=256 * 1024):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                lines += chunk.count(b"\n")  # CRLF may be split between chunks
                if first_row is None and lines > 1:  # past the line of titles
                    first_row = time.perf_counter() - started
        seconds = time.perf_counter() - started
    rss, anon = memory.growth
    after = worker.cpu_times()
    worker_cpu = (after.user + after.system) - (cpu.user + cpu.system)
    return Download(
        first_byte or seconds, first_row or seconds, seconds, lines - 1, rss, anon, worker_cpu
    )


def _report(what: str, d: Download) -> None:
    print(
        f"  {what}: first byte {d.first_byte * 1000:.1f} ms, first row "
        f"{d.first_row * 1000:.0f} ms, {d.rows:,} rows in {d.seconds:.1f} s = "
        f"{d.rows_per_second:,.0f} rows/s, worker +{d.rss_mb:.1f} MB RSS (+{d.anon_mb:.1f} MB "
        f"anonymous), worker CPU {d.worker_cpu:.1f} s ({d.rows_per_cpu_second:,.0f} rows per "
        "CPU-second)",
        flush=True,
    )


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
        query = balances.journal_export_query(first, final, timezone)
        count = connection.execute(
            sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        ).scalar()
    engine.dispose()
    return first, final, int(count)


def plain_csv_app(environ: dict, start_response) -> Iterator[bytes]:
    """The floor as a WSGI app: ``/plain.csv?from=…&to=…`` streams the journal's SELECT
    (its raw columns, the column names as titles) as CSV with no login and no
    formatting; served by gunicorn like Parkdesk (``DATABASE_URL`` from the
    environment)."""
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"ok"])
    query = parse_qs(environ.get("QUERY_STRING", ""))
    first, last = (date.fromisoformat(query[key][0]) for key in ("from", "to"))
    start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])
    return _plain_csv(_plain_database(os.environ["DATABASE_URL"]), first, last)


_PLAIN_DATABASES: dict[str, Database] = {}


def _plain_database(url: str) -> Database:
    if url not in _PLAIN_DATABASES:
        # The app's engine settings (SQLite pragmas), for a fair floor.
        _PLAIN_DATABASES[url] = Database(url)
    return _PLAIN_DATABASES[url]


def _plain_csv(database: Database, first: date, last: date) -> Iterator[bytes]:
    query = balances.journal_export_query(first, last, DEFAULT_TIMEZONE)
    statement, parameters = exports.driver_statement(query, database.engine.dialect)
    connection = database.engine.raw_connection()
    try:
        yield ("\ufeff" + ";".join(query.selected_columns.keys()) + "\r\n").encode()
        cursor = connection.cursor()
        if database.is_sqlite:
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
            cursor.execute(statement, parameters)
            while batch := cursor.fetchmany(512):
                writer.writerows(batch)
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        else:
            copy = f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"
            with cursor.copy(copy, parameters) as blocks:
                chunk: list = []
                size = 0
                for block in blocks:  # a row each
                    chunk.append(block)
                    size += len(block)
                    if size >= 64 * 1024:
                        yield b"".join(chunk)
                        chunk.clear()
                        size = 0
                if chunk:
                    yield b"".join(chunk)
        cursor.close()
        connection.rollback()
    finally:
        connection.close()


NAIVE = """
import json, sys, time
import pandas as pd
import sqlalchemy as sa
from datetime import date
from services import balances
url, first, last, timezone, target = sys.argv[1:]
engine = sa.create_engine(url)
query = balances.journal_export_query(date.fromisoformat(first), date.fromisoformat(last), timezone)
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
        route = f"{base}/exports/payments.csv"
        _download(client.http, route, worker, day)  # warm up (imports, first connection)
        downloads = []
        for _ in range(max(1, min(runs, 3))):
            downloads.append(_download(client.http, route, worker, params))
            _report("HTTP", downloads[-1])
    assert all(d.rows == count for d in downloads), (count, [d.rows for d in downloads])
    with gunicorn(url, "bench.exports:plain_csv_app") as (base, worker):
        http = requests.Session()
        _download(http, f"{base}/plain.csv", worker, day)
        floors = [
            _download(http, f"{base}/plain.csv", worker, params)
            for _ in range(max(1, min(runs, 2)))
        ]
        for plain in floors:
            _report("floor (plain CSV route)", plain)
    assert all(d.rows == count for d in floors), (count, [d.rows for d in floors])
    best = max(downloads, key=lambda d: d.rows_per_second)
    floor_best = max(floors, key=lambda d: d.rows_per_second)
    ratio = best.rows_per_second / floor_best.rows_per_second
    print(f"  the export: {ratio:.2f} × the floor", flush=True)
    slow = naive(url, first, last, timezone)
    print(
        f"  naive: first byte {slow['first_byte']:.1f} s, +{slow['rss_mb']:.0f} MB RSS",
        flush=True,
    )
    worst_memory = max(downloads, key=lambda d: d.rss_mb)
    return {
        "http_first_byte": Timing(
            "payments CSV over HTTP: time to first byte (target ≤ 100 ms)",
            [d.first_byte for d in downloads],
        ),
        "http_first_row": Timing(
            "payments CSV over HTTP: time to the first row (after the titles)",
            [d.first_row for d in downloads],
        ),
        "http_total": Timing(
            f"payments CSV over HTTP: {count:,} rows, best {best.rows_per_second:,.0f} rows/s "
            f"(target ≥ 250,000; {ratio:.2f} × the floor; "
            f"{max(d.rows_per_cpu_second for d in downloads):,.0f} rows per worker CPU-second), "
            f"worker RSS +{worst_memory.rss_mb:.1f} MB, anonymous "
            f"+{worst_memory.anon_mb:.1f} MB (target < 50 MB)",
            [d.seconds for d in downloads],
            metrics={
                "rows_per_second": best.rows_per_second,
                "rss_mb": worst_memory.rss_mb,
                "anon_mb": worst_memory.anon_mb,
                "floor_rows_per_second": floor_best.rows_per_second,
                "ratio_to_floor": ratio,
                "rows_per_worker_cpu_second": max(d.rows_per_cpu_second for d in downloads),
                "first_row_seconds": min(d.first_row for d in downloads),
            },
        ),
        "floor_total": Timing(
            f"floor: a plain streamed CSV route of the same SELECT over HTTP, best "
            f"{floor_best.rows_per_second:,.0f} rows/s, "
            f"{max(d.rows_per_cpu_second for d in floors):,.0f} rows per worker CPU-second "
            f"(the export: {ratio:.2f} × the floor)",
            [d.seconds for d in floors],
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
