"""Page loads: every page as a person sees it when they open it (SPEC §9.4, issue #18).

Each page is opened in a fresh headless Chromium (empty profile, empty cache, logged in
by cookie without loading any page first) against Parkdesk served as in production
(gunicorn, ``bench.harness.production_app``). Recorded:

- time to content, on the page's own clock (performance.now() from the start of the
  navigation): the moment the page's ``content`` condition first holds, watched by a
  MutationObserver installed before any script of the page runs. What content means is
  said per page (``PAGES``): rows in the grid for a list, the figures or the charts for
  the others — never a spinner;
- bytes over the wire: the sum of ``encodedDataLength`` of every Network.loadingFinished
  event in Chrome's performance log (compressed sizes, headers included), until the
  page has been quiet for a second;
- the page's load callbacks: every POST to ``/_dash-update-component`` the page sent
  while it opened (its body from Network.requestWillBeSent), then each replayed over HTTP
  with the same user's session ``runs`` times, p50 and p95, named by its outputs.

The server is warm, as a server in use all day is: before the timed loads, every
request of the first load is sent again on fresh connections (``warm``), enough times
that each gunicorn worker has served it — has compressed the page's bundles once (its
``AssetCache``), compiled its statements, read its data — since a request that reaches a
worker for the first time costs more than it will ever again.

Bytes and callbacks are read in a first load of each page, which ChromeDriver records
(its performance log: every network event sent to the driver as it happens); the timed
loads are not recorded, so that the recording does not slow what is timed (it cost the
cold /orders about 50 ms).

    .venv/bin/python -m bench.pages --size small --runs 3      # a quick look
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from bench.coldload import _hand_over_login
from bench.harness import StaffClient, Timing, chromium, production_app

# The longest a page may take to show its content, and to fall quiet after it.
CONTENT_LIMIT = 60.0
QUIET_SECONDS = 1.0
QUIET_LIMIT = 30.0
# A callback slower than this is replayed fewer times (at least MIN_REPLAYS): the
# section stays within minutes at full size however slow a page is today.
REPLAY_BUDGET_SECONDS = 12.0
MIN_REPLAYS = 5
# How often each request of a page is sent again to warm the server (``warm``).
WARM_ROUNDS = 8

ACCOUNTS = {
    "admin": "admin@parkdesk.local",
    "rental": "rental@parkdesk.local",
    "service": "service@parkdesk.local",
    "events": "events@parkdesk.local",
    "exec": "exec@parkdesk.local",
    "accountant": "accounting@parkdesk.local",
}

# The page's content conditions (JavaScript, evaluated on every change of the DOM).
HELPERS = """
const el = (id) => document.getElementById(id);
const filled = (id) => {
  const e = el(id);
  return !!e && !e.querySelector(".spinner-border") && e.innerText.trim().length > 0;
};
const rows = (id) => Array.from(document.querySelectorAll(
    "#" + id + " .ag-center-cols-container .ag-row .ag-cell")
  ).some((cell) => cell.textContent.trim().length > 0);
const chart = (id) => !!document.querySelector(
  "#" + id + " .main-svg g.trace, #" + id + " .main-svg g.hm, #" + id + " .main-svg image");
const options = (id) => { const e = el(id); return !!e && !!e.options && e.options.length > 0; };
"""

WATCH = """
(() => {
  window.__content = null;
  HELPERS
  const shown = () => { try { return !!(CONDITION); } catch (error) { return false; } };
  const observer = new MutationObserver(() => {
    if (window.__content === null && shown()) {
      window.__content = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, {childList: true, subtree: true, characterData: true,
                              attributes: true});
})();
"""


@dataclass(frozen=True)
class Page:
    key: str  # the results' key
    path: str  # may hold {order}, {ticket}, {event}: filled from the data set
    role: str
    content: str  # JavaScript: true once the page shows what it is for
    what: str  # the content, in words (the report says it)


def _overview(role: str) -> Page:
    return Page(
        f"overview_{role}",
        "/",
        role,
        'filled("overview-figures")',
        "the figures (no spinner)",
    )


PAGES: list[Page] = [
    *(_overview(role) for role in ACCOUNTS),
    Page("orders", "/orders", "admin", 'rows("orders-grid")', "rows in the grid"),
    Page("order", "/orders/{order}", "admin", 'filled("order-body")', "the order (no spinner)"),
    Page("tickets", "/tickets", "admin", 'rows("tickets-grid")', "rows in the grid"),
    Page("ticket", "/tickets/{ticket}", "admin", 'filled("ticket-body")', "the ticket"),
    Page("payments", "/payments", "accountant", 'rows("payments-grid")', "rows in the journal"),
    Page(
        "occupancy",
        "/occupancy",
        "admin",
        'filled("occupancy-figures") && chart("occupancy-daily")',
        "this month's figures and daily chart",
    ),
    Page("events", "/events", "events", 'filled("events-body")', "the list of events"),
    Page(
        "event",
        "/events/{event}",
        "events",
        'filled("event-header") && rows("event-tickets-grid")',
        "the desk's header and ticket rows",
    ),
    Page(
        "order_new",
        "/orders/new",
        "rental",
        'options("order-new-service")',
        "the services to choose from",
    ),
    Page(
        "exports",
        "/exports",
        "accountant",
        "document.querySelector(\"#exports-payments-link[href*='payments.csv']\")",
        "the payments export link",
    ),
    Page("staff", "/staff", "admin", 'rows("staff-grid")', "rows in the grid"),
    Page("catalog", "/catalog", "admin", 'filled("catalog-services")', "the services"),
    Page("import", "/import", "admin", 'el("import-upload")', "the upload box"),
    # The second release's desk pages (issue #19).
    Page(
        "today",
        "/today",
        "rental",
        'filled("today-arrivals") && filled("today-in-house")',
        "the arrivals and who is in the house",
    ),
    Page("rooms", "/rooms", "admin", 'filled("rooms-timeline")', "the day's timeline"),
    Page(
        "floor",
        "/floor",
        "rental",
        "!!document.querySelector('#floor-map [data-state]')",
        "the room's seats, coloured",
    ),
]

# The lists whose rows must show within a second (issue #18).
ROW_PAGES = ("orders", "tickets", "payments")


def targets(url: str) -> dict[str, Any]:
    """What the pages with a number open: the order with the most coworking tickets,
    the newest ticket, the event with the most tickets."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        order = connection.execute(
            sa.text(
                "SELECT o.number FROM orders o JOIN (SELECT order_id, count(*) AS n "
                "FROM coworking_tickets GROUP BY order_id ORDER BY n DESC LIMIT 1) t "
                "ON t.order_id = o.id"
            )
        ).scalar()
        ticket = connection.execute(sa.text("SELECT max(number) FROM coworking_tickets")).scalar()
        event = connection.execute(
            sa.text(
                "SELECT event_id FROM event_tickets GROUP BY event_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    return {"order": order, "ticket": ticket, "event": event}


def _events(driver) -> list[dict]:
    return [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]


def _quiet(driver, seen: list[dict]) -> None:
    """Read the performance log until no request is open and nothing new came for a
    second (or QUIET_LIMIT passed)."""
    open_requests: set[str] = set()
    last_news = time.monotonic()
    deadline = last_news + QUIET_LIMIT
    while time.monotonic() < deadline:
        news = _events(driver)
        for event in news:
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                open_requests.add(params["requestId"])
            elif method in ("Network.loadingFinished", "Network.loadingFailed"):
                open_requests.discard(params["requestId"])
        seen += news
        if news:
            last_news = time.monotonic()
        elif not open_requests and time.monotonic() - last_news >= QUIET_SECONDS:
            return
        time.sleep(0.1)


def _callbacks(driver, seen: list[dict]) -> list[dict]:
    """The bodies of the Dash callback requests the page sent, in order."""
    bodies = []
    for event in seen:
        if event["method"] != "Network.requestWillBeSent":
            continue
        request = event["params"]["request"]
        if request.get("method") != "POST" or "/_dash-update-component" not in request["url"]:
            continue
        data = request.get("postData")
        if data is None and request.get("hasPostData"):
            data = driver.execute_cdp_cmd(
                "Network.getRequestPostData", {"requestId": event["params"]["requestId"]}
            )["postData"]
        bodies.append(json.loads(data))
    return bodies


def _statuses(seen: list[dict]) -> dict[str, int]:
    urls = {
        e["params"]["requestId"]: e["params"]["request"]["url"]
        for e in seen
        if e["method"] == "Network.requestWillBeSent"
    }
    return {
        urls.get(e["params"]["requestId"], "?"): e["params"]["response"]["status"]
        for e in seen
        if e["method"] == "Network.responseReceived"
    }


def open_page(base: str, page: Page, path: str, recorded: bool = True) -> dict[str, Any]:
    """One cold load in a fresh browser: time to content (None: not within
    CONTENT_LIMIT); when ``recorded``, also its bytes and callback bodies (None and [])."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    client = StaffClient(base, ACCOUNTS[page.role])
    script = WATCH.replace("HELPERS", HELPERS).replace("CONDITION", page.content)
    driver = chromium(performance_log=recorded)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
        _hand_over_login(driver, base, client.http.cookies)
        if recorded:
            _events(driver)  # nothing of the page yet: the log starts empty
        driver.set_page_load_timeout(CONTENT_LIMIT)
        driver.get(base + path)
        try:
            shown = WebDriverWait(driver, CONTENT_LIMIT, poll_frequency=0.05).until(
                lambda d: d.execute_script("return window.__content")
            )
        except TimeoutException:
            shown = None  # reported as at least the limit
        seen: list[dict] = []
        if recorded:
            _quiet(driver, seen)
        bodies = _callbacks(driver, seen)
        console = [
            e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")
        ]
    finally:
        driver.quit()
    failed = {u: s for u, s in _statuses(seen).items() if s >= 400}
    assert not failed, f"{path}: {failed}"
    return {
        "content": None if shown is None else shown / 1000,
        "bytes": _received(seen) if recorded else None,
        "bodies": bodies,
        "requests": _requests(base, seen),
        "console": console,
        "client": client,
    }


def _received(seen: list[dict]) -> int:
    return sum(
        e["params"].get("encodedDataLength", 0)
        for e in seen
        if e["method"] == "Network.loadingFinished"
    )


def _requests(base: str, seen: list[dict]) -> list[dict]:
    """The page's own requests in a recorded load, as the browser sent them (method,
    address, headers and body), each once; the live updates' long poll left out."""
    found: dict[str, dict] = {}
    for event in seen:
        if event["method"] != "Network.requestWillBeSent":
            continue
        request = event["params"]["request"]
        if not request["url"].startswith(base) or "/_live" in request["url"]:
            continue
        if request["method"] == "POST" and "postData" not in request:
            continue  # a body too big for the log: not a request of a page's opening
        key = request["method"] + " " + request["url"] + " " + (request.get("postData") or "")
        found.setdefault(key, request)
    return list(found.values())


def warm(client: StaffClient, requests_sent: list[dict], workers: int = 2) -> None:
    """Every request of a recorded load again, each on a fresh connection (the kernel
    hands a new connection to whichever worker accepts it), WARM_ROUNDS times: each of
    the ``workers`` has then served it with a chance of 1 - workers * 2**-rounds."""
    import requests

    for _round in range(WARM_ROUNDS):
        for sent in requests_sent:
            headers = {
                name: value
                for name, value in sent["headers"].items()
                if name.lower()
                in ("accept", "accept-encoding", "referer", "x-csrftoken", "content-type")
            }
            headers.setdefault("Accept-Encoding", "br, gzip")
            with requests.Session() as fresh:
                fresh.cookies.update(client.http.cookies)
                answer = fresh.request(
                    sent["method"],
                    sent["url"],
                    data=sent.get("postData"),
                    headers=headers,
                    timeout=120,
                )
            assert answer.status_code < 400, (sent["url"], answer.status_code)


def _name(body: dict) -> str:
    """A callback by its outputs: their ids (and the property where one id has several)."""
    outputs = body.get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    names = []
    for output in outputs:
        ident = output["id"]
        ident = ident if isinstance(ident, str) else json.dumps(ident, separators=(",", ":"))
        if ident not in names:
            names.append(ident)
    name = " + ".join(names[:3]) + (f" + {len(names) - 3} more" if len(names) > 3 else "")
    for spec in body.get("inputs", []):
        if isinstance(spec, dict) and spec.get("property") == "getRowsRequest":
            request = spec.get("value")
            if isinstance(request, dict):
                name += f" (rows {request.get('startRow')}–{request.get('endRow')})"
            else:
                name += " (before the grid asks: nothing to answer)"
    return name


def replay(client: StaffClient, body: dict, runs: int) -> list[float]:
    """The callback request again, as the browser sent it, ``runs`` times (fewer when
    each takes long: at least MIN_REPLAYS, within REPLAY_BUDGET_SECONDS)."""
    url = f"{client.base}/_dash-update-component"
    headers = {"X-CSRFToken": client.http.cookies.get("_csrf_token")}

    def post() -> float:
        started = time.perf_counter()
        answer = client.http.post(url, json=body, headers=headers, timeout=120)
        took = time.perf_counter() - started
        assert answer.status_code in (200, 204), (answer.status_code, answer.text[:300])
        return took

    for _ in range(2):  # warm-up: each of the two workers (the browser warmed one)
        post()
    samples: list[float] = []
    spent = 0.0
    while len(samples) < runs:
        samples.append(post())
        spent += samples[-1]
        if len(samples) >= MIN_REPLAYS and spent > REPLAY_BUDGET_SECONDS:
            break
    return samples


def page_loads(
    url: str, runs: int, smoke: bool = False, only: list[str] | None = None
) -> dict[str, Timing]:
    """The bench section: every page in ``PAGES`` (or only those whose keys are given)."""
    browsers = 1 if smoke else 3
    numbers = targets(url)
    result: dict[str, Timing] = {}
    with production_app(url) as base:
        for page in PAGES if only is None else [p for p in PAGES if p.key in only]:
            path = page.path.format(**numbers)
            # A first load, recorded and not timed: its bytes, and its callbacks are the
            # ones replayed. At full size it also brings the page's data into the caches
            # of the database (and of the OS): "cold" is the browser, not the server.
            first = open_page(base, page, path)
            if not smoke:
                warm(first["client"], first["requests"])
            loads = (
                [first]
                if smoke
                else [open_page(base, page, path, recorded=False) for _ in range(browsers)]
            )
            missing = [load for load in loads if load["content"] is None]
            if missing and smoke:
                raise AssertionError(f"{path}: no content within {CONTENT_LIMIT:.0f} s")
            names: dict[str, int] = {}
            callbacks: list[Timing] = []
            for body in first["bodies"]:
                name = _name(body)
                names[name] = names.get(name, 0) + 1
                if names[name] > 1:
                    name += f" ({names[name]})"
                samples = replay(first["client"], body, runs)
                callbacks.append(Timing(f"{path} as {page.role} · {name}", samples))
            worst = max(callbacks, key=lambda t: t.p95, default=None)
            who = f" as {page.role}"
            late = f" (no content within {CONTENT_LIMIT:.0f} s: at least that)" if missing else ""
            result[f"{page.key}_content"] = Timing(
                f"{path}{who}: time to content — {page.what}{late} (fresh Chromium, page clock)",
                [CONTENT_LIMIT if load["content"] is None else load["content"] for load in loads],
                metrics={
                    "timed_out": float(len(missing)),
                    "bytes": float(first["bytes"]),
                    "callbacks": float(len(callbacks)),
                    "worst_p95": worst.p95 if worst else 0.0,
                    "console": float(len(first["console"])),
                },
            )
            for index, timing in enumerate(callbacks):
                result[f"{page.key}_cb{index}"] = timing
            content = result[f"{page.key}_content"]
            print(
                f"{path}{who}: content {content.median * 1000:,.0f} ms, "
                f"{content.metrics['bytes'] / 1e6:.2f} MB, {len(callbacks)} callbacks, "
                f"worst p95 {content.metrics['worst_p95'] * 1000:,.1f} ms"
                + (f" ({worst.name})" if worst else ""),
                flush=True,
            )
    return result


def main() -> int:
    from bench import dataset

    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("--size", choices=sorted(dataset.SIZES), default="small")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=[page.key for page in PAGES],
        metavar="KEY",
        help="only these pages (their keys: catalog, orders, overview_admin…); default all",
    )
    args = parser.parse_args()
    url, _seeded = dataset.ensure(args.db, args.size)
    results = page_loads(url, args.runs, smoke=args.runs < 5, only=args.pages)
    for key, timing in results.items():
        print(
            f"{key}: {timing.name}: median {timing.median * 1000:,.1f} ms, "
            f"p95 {timing.p95 * 1000:,.1f} ms, {len(timing.samples)} runs {timing.metrics or ''}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
