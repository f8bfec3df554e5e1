"""Timing helpers, the live app on a loopback port, and a logged-in HTTP client."""

from __future__ import annotations

import logging
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import event

from dashboard import create_app
from dashboard.config import Config
from tests.dash_http import callback_body
from tests.servers import serving


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


CHROMIUM = "/usr/bin/chromium"  # Debian's chromium and chromium-driver
CHROMEDRIVER = "/usr/bin/chromedriver"


def chromium(width: int = 1440, height: int = 900):
    """A headless Chromium under WebDriver (the benchmarks' and scripts/screenshots.py's)."""
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
    ):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    return webdriver.Chrome(service=DriverService(CHROMEDRIVER), options=options)


class StaffClient:
    """A logged-in staff member's browser, as far as HTTP goes."""

    def __init__(self, base: str, email: str, password: str = "demo") -> None:
        self.base = base
        self.http = requests.Session()
        page = self.http.get(f"{base}/login", timeout=30)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.http.post(
            f"{base}/login",
            data={"email": email, "password": password, "csrf_token": token},
            timeout=30,
        )
        answer.raise_for_status()
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
