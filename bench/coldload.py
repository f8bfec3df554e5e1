"""A cold page load in headless Chromium: a fresh browser (empty profile, empty cache)
that is already logged in opens /tickets or /orders; measured on the page's own clock
(performance.now(), from the start of the navigation) until the grid shows its first
rows (a MutationObserver installed before any script of the page runs). The same page
opened again in the same browser is the warm load.

Floor: the page's own assets, cold (navigation start → load event: the HTML shell and
every script and stylesheet it names) plus the bare SQL of the first block — what no
way of building the page avoids. The rest is Dash's round trips (layout,
dependencies, the page route, the grid's lazy chunk, its first block request).

Naive: the tutorial way — a Dash page whose layout reads the whole table with pandas
and hands it to a client-side AG Grid as rowData. At full size that is hundreds of
megabytes of JSON: it gets a time limit, and a page that shows no rows within it is
reported as "at least" the limit.

    .venv/bin/python -m bench.coldload --size small --runs 3
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import dash_ag_grid as dag
import pandas as pd
import requests
import sqlalchemy as sa
from dash import Dash, html

from bench.grids import NAIVE_ORDERS_SQL, NAIVE_TICKETS_SQL
from bench.harness import (
    StaffClient,
    Timing,
    captured_sql,
    chromium,
    live_app,
    measure,
    run_raw,
)
from dashboard.db import Database
from services.context import Actor
from services.order_list import OrderFilters, list_orders
from services.ticket_list import TicketFilters, list_tickets
from tests.servers import serving

# The register as an executive reads it: every kind of order.
READER = Actor(0, "Bench", "executive")

NAIVE_LIMIT_SECONDS = 120
PAGES = {"tickets": ("/tickets", "tickets-grid"), "orders": ("/orders", "orders-grid")}

# Installed before the page's own scripts: the moment a row of a grid first shows a
# number (a loading placeholder row has none), on the page's clock.
FIRST_ROWS = """
(() => {
  window.__firstRows = null;
  const shown = () => {
    for (const id of ["tickets-grid", "orders-grid", "naive-grid"]) {
      const cell = document.querySelector(
        "#" + id + " .ag-center-cols-container .ag-row [col-id='number']");
      if (cell && cell.textContent.trim()) { return true; }
    }
    return false;
  };
  const observer = new MutationObserver(() => {
    if (window.__firstRows === null && shown()) {
      window.__firstRows = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, {childList: true, subtree: true, characterData: true});
})();
"""

NAVIGATION = """
const n = performance.getEntriesByType("navigation")[0];
const bytes = performance.getEntriesByType("resource")
  .reduce((sum, r) => sum + (r.transferSize || 0), n.transferSize || 0);
return {load: n.loadEventEnd, bytes: bytes};
"""


def _browser():
    driver = chromium()
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FIRST_ROWS})
    return driver


def _hand_over_login(driver, base: str, cookies: requests.cookies.RequestsCookieJar) -> None:
    """The cookies of a login done over HTTP, given to the browser without it loading
    any page first: its cache stays empty."""
    driver.execute_cdp_cmd("Network.enable", {})
    for cookie in cookies:
        driver.execute_cdp_cmd(
            "Network.setCookie", {"name": cookie.name, "value": cookie.value, "url": base}
        )


def _open(driver, url: str, limit: float) -> dict[str, Any] | None:
    """Navigate and wait for the first rows; the page's timings in seconds, or None
    when no row showed within ``limit``."""
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_page_load_timeout(limit)
    try:
        driver.get(url)
        shown = WebDriverWait(driver, limit, poll_frequency=0.05).until(
            lambda d: d.execute_script("return window.__firstRows")
        )
    except (TimeoutException, WebDriverException):
        return None
    navigation = driver.execute_script(NAVIGATION)
    return {"rows": shown / 1000, "load": navigation["load"] / 1000, "bytes": navigation["bytes"]}


def _first_block_sql(url: str, page: str) -> float:
    """The median bare SQL of the page's first block, default view (seconds)."""
    database = Database(url)
    request = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "number", "sort": "desc"}]}
    with captured_sql(database.engine) as statements, database.read() as session:
        if page == "tickets":
            list_tickets(session, TicketFilters(), request, datetime.now(UTC), "Europe/Moscow")
        else:
            list_orders(session, READER, OrderFilters(), request, "Europe/Moscow")
    timing = measure("sql", lambda: run_raw(database.engine, statements), runs=10)
    database.dispose()
    return timing.median


def parkdesk_page(url: str, page: str, runs: int) -> dict[str, Timing]:
    path, _grid = PAGES[page]
    cold, warm, loads, sizes = [], [], [], []
    with live_app(url) as base:
        for _ in range(runs):
            login = StaffClient(base, "rental@parkdesk.local").http.cookies
            driver = _browser()
            try:
                _hand_over_login(driver, base, login)
                first = _open(driver, base + path, 60)
                again = _open(driver, base + path, 60)
                severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            finally:
                driver.quit()
            assert first and again, f"{path} showed no rows within 60 s"
            assert severe == [], severe
            cold.append(first["rows"])
            loads.append(first["load"])
            sizes.append(first["bytes"])
            warm.append(again["rows"])
    sql = _first_block_sql(url, page)
    megabytes = max(sizes) / 1e6
    return {
        "cold": Timing(f"{page}: cold load → first rows shown, in Chromium (page clock)", cold),
        "warm": Timing(f"{page}: the same page again (cached assets)", warm),
        "floor": Timing(
            f"{page}: floor — cold assets until the load event ({megabytes:.1f} MB "
            f"transferred) + the first block's bare SQL ({sql * 1000:.1f} ms)",
            [load + sql for load in loads],
        ),
    }


@contextmanager
def naive_server(url: str, page: str) -> Iterator[str]:
    """The tutorial page: read the whole table with pandas in the layout, hand every row
    to a client-side AG Grid."""
    engine = sa.create_engine(url)
    sql = NAIVE_TICKETS_SQL if page == "tickets" else NAIVE_ORDERS_SQL
    app = Dash(__name__, assets_folder="naive-assets-none")

    def layout():
        frame = pd.read_sql(sql, engine)
        for column in frame.select_dtypes(include=["datetime64[ns]", "datetimetz"]).columns:
            frame[column] = frame[column].astype(str)
        return html.Div(
            [
                html.H3(f"All {page}"),
                dag.AgGrid(
                    id="naive-grid",
                    rowData=frame.to_dict("records"),
                    columnDefs=[{"field": c, "colId": c} for c in frame.columns],
                    defaultColDef={"sortable": True, "filter": True},
                    style={"height": "700px"},
                ),
            ]
        )

    app.layout = layout
    try:
        with serving(app.server) as base:
            yield base + "/"
    finally:
        engine.dispose()


def naive_page(url: str, page: str, runs: int, limit: float = NAIVE_LIMIT_SECONDS) -> Timing:
    samples, timed_out = [], False
    with naive_server(url, page) as address:
        for _ in range(runs):
            driver = _browser()
            try:
                shown = _open(driver, address, limit)
            finally:
                driver.quit()
            if shown is None:
                samples.append(limit)
                timed_out = True
                break  # a second try would only take as long again
            samples.append(shown["rows"])
    name = f"{page}: naive — the whole table with pandas into a client-side AG Grid, cold"
    if timed_out:
        name += f" (no rows within {limit:.0f} s: at least that)"
    return Timing(name, samples, metrics={"timed_out": float(timed_out)})


def cold_load(url: str, runs: int, naive: bool = True) -> dict[str, Timing]:
    """The bench section: both registers, cold and warm, with their floors and (unless
    told not to) the naive pages."""
    runs = max(1, min(runs, 10))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    result: dict[str, Timing] = {}
    for page in PAGES:
        for key, timing in parkdesk_page(url, page, runs).items():
            result[f"{page}_{key}"] = timing
        if naive:
            result[f"{page}_naive"] = naive_page(url, page, max(1, min(runs, 3)))
    return result


def main() -> int:
    from bench import dataset

    parser = argparse.ArgumentParser(prog="python -m bench.coldload")
    parser.add_argument("--size", choices=sorted(dataset.SIZES), default="small")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    url, _seeded = dataset.ensure(args.db, args.size)
    for timing in cold_load(url, args.runs, naive=not args.no_naive).values():
        print(
            f"{timing.name}: median {timing.median * 1000:,.0f} ms, "
            f"p95 {timing.p95 * 1000:,.0f} ms, {len(timing.samples)} runs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
