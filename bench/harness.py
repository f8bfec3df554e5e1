"""Timing helpers, the live app on a loopback port, and a logged-in HTTP client."""

from __future__ import annotations

import logging
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import event

from dashboard import create_app
from dashboard.config import Config
from tests.dash_http import callback_body
from tests.servers import CHROMIUM_FLAGS, serving


@dataclass
class Timing:
    name: str
    samples: list[float]
    # Figures other than times (rows/s, MB, a time-out flag) for the report's summary.
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def cpu_reference() -> float:
    """Milliseconds this machine takes for a fixed pure-Python loop (ten million
    additions, best of three): the report prints it beside each section. On the 2-core
    machine of bench/RESULTS.md such a loop took 0.7 s and then 1.2 s within the same
    hour, and a cold page 1.0 s and then 1.4 s with the same code: a reader can see
    whether two sections were measured at the same speed (it does not catch every slow
    phase: the browser's may differ)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best * 1000


def measure(name: str, call: Callable[[], Any], runs: int, warmup: int = 2) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return Timing(name, samples)


@contextmanager
def live_app(database_url: str) -> Iterator[str]:
    """Parkdesk served on a free loopback port for the length of the block."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    app = create_app(Config(database_url=database_url, secret_key="bench"))
    try:
        with serving(app.server) as base:
            yield base
    finally:
        app.server.extensions["parkdesk_db"].dispose()


ROOT = Path(__file__).resolve().parent.parent
# The gunicorn master's process id of each running production_app, by base URL (for
# sections that measure the server's CPU time: bench/live.py).
SERVER_PIDS: dict[str, int] = {}
# The README's production server (section "Production"); 2 workers × 4 threads, as in
# issue #18's measurements (this machine has 2 cores).
GUNICORN = ["gunicorn", "-c", "dashboard/gunicorn_conf.py", "dashboard.wsgi:server"]


@contextmanager
def production_app(database_url: str, workers: int = 2, threads: int = 4) -> Iterator[str]:
    """Parkdesk served as in production — gunicorn with dashboard/gunicorn_conf.py,
    ``PARKDESK_ENV=production``, the compiled catalog — on a free loopback port, plain
    HTTP with no proxy in front (so no Secure cookies, no trusted X-Forwarded-For)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PARKDESK_ENV": "production",
        "PARKDESK_BIND": f"127.0.0.1:{port}",
        "PARKDESK_PROXY_COUNT": "0",
        "PARKDESK_SECURE_COOKIES": "0",
        "WEB_CONCURRENCY": str(workers),
        "PARKDESK_THREADS": str(threads),
        "PARKDESK_DB_POOL_SIZE": str(threads + 1),
        "PARKDESK_ACCESS_LOG": os.devnull,
    }
    python = Path(sys.executable)
    subprocess.run(
        [python, "-m", "dashboard", "compile-messages"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w+", prefix="parkdesk-bench-gunicorn-", suffix=".log") as log:
        server = subprocess.Popen(
            [python.parent / GUNICORN[0], *GUNICORN[1:]],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read()}")
                try:
                    if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass  # refused while it starts
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer /healthz within 120 s")
                time.sleep(0.3)
            _set_up_every_worker(base, workers * threads * 2)
            SERVER_PIDS[base] = server.pid
            yield base
        except BaseException:
            log.seek(0)
            print(f"gunicorn's log (the end):\n{log.read()[-5000:]}", file=sys.stderr)
            raise
        finally:
            SERVER_PIDS.pop(base, None)
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _set_up_every_worker(base: str, at_once: int) -> None:
    """Dash sets itself up on a worker's first request (a before_request hook), and a
    request that comes in on another thread meanwhile finds no script registered: the
    burst of a browser's first page load on a fresh worker gets 500s for Dash's own
    scripts. So, before any measurement, requests to /healthz from more clients at once
    than one worker takes (``worker_connections`` = threads) reach every worker; each
    answer comes after its worker's setup is done."""
    from concurrent.futures import ThreadPoolExecutor

    def ping(_: int) -> int:
        return requests.get(f"{base}/healthz", timeout=60).status_code

    with ThreadPoolExecutor(at_once) as pool:
        for _round in range(2):
            assert set(pool.map(ping, range(at_once))) == {200}


CHROMIUM = "/usr/bin/chromium"  # Debian's chromium and chromium-driver
CHROMEDRIVER = "/usr/bin/chromedriver"


def chromium(width: int = 1440, height: int = 900, performance_log: bool = False):
    """A headless Chromium under WebDriver (the benchmarks' and scripts/screenshots.py's).

    With ``performance_log`` the driver keeps Chrome's performance log (the DevTools
    Network events: requests with their bodies, bytes received), read with
    ``driver.get_log("performance")``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        f"--window-size={width},{height}",
        *CHROMIUM_FLAGS,
    ):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    if performance_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=DriverService(CHROMEDRIVER), options=options)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def logged_in(base: str, email: str, password: str = "demo") -> requests.Session:
    """An HTTP session logged in through the login form, as a browser does."""
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=30)
    token = CSRF_FIELD.search(page.text).group(1)
    answer = http.post(
        f"{base}/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, (answer.status_code, answer.text[:300])
    return http


class StaffClient:
    """A logged-in staff member's browser, as far as HTTP goes."""

    def __init__(self, base: str, email: str, password: str = "demo") -> None:
        self.base = base
        self.http = logged_in(base, email, password)
        self.http.get(f"{base}/", timeout=30)  # sets the CSRF cookie the renderer reads
        self.dependencies = self.http.get(f"{base}/_dash-dependencies", timeout=30).json()

    def callback(self, input_id: str, prop: str) -> dict[str, Any]:
        return next(
            dep
            for dep in self.dependencies
            if any(i["id"] == input_id and i["property"] == prop for i in dep["inputs"])
        )

    def post(self, dep: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post(
            f"{self.base}/_dash-update-component",
            json=callback_body(dep, values),
            headers={"X-CSRFToken": self.http.cookies.get("_csrf_token")},
            timeout=120,
        )
        answer.raise_for_status()
        return answer.json()


@contextmanager
def captured_sql(engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with parameters) an engine sends while the block runs."""
    statements: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "ROLLBACK", "COMMIT")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def run_raw(engine, statements: list[tuple[str, Any]]) -> None:
    """Execute captured statements straight through the DBAPI cursor: the floor."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        cursor.close()
        connection.rollback()
    finally:
        connection.close()
