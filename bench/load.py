"""Load test: staff working at once against Parkdesk in production mode.

    .venv/bin/python -m bench.load --users 50 --duration 120            # 1,000,000 orders
    .venv/bin/python -m bench.load --size small --users 10 --duration 30  # a quick look
    .venv/bin/python -m bench.load --print-commands                      # what it would run

It runs the commands of the README's "Production" section (read from the README, so the
section is what was measured), serves PostgreSQL's data set through gunicorn on a loopback
port, and lets locust play the staff through the real login form and the requests the Dash
renderer sends (page, layout, dependencies, then every callback POST as a browser fires it):
rental managers filter tickets and validate one, service managers move an order to its next
work status, accountants read the payments page and export a month of payments, executives
read the overview and a quarter or a year of occupancy. Each waits 2–6 s between actions.
The staff arrive first (log in and open their first page, --spawn-rate per second); the
figures are those of the --duration seconds that follow, with all of them at work, and the
arrival's are reported beside them.

Writes bench/results/load-postgresql-<size>.json and brings bench/RESULTS.md up to date.
"""
# ruff: noqa: E402 — gevent must patch the standard library before anything else is imported.

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import warnings

# urllib3 1.26 warns about its "secure" extra, which selenium 4.2.0 asks for.
warnings.filterwarnings("ignore", r"'urllib3\[secure\]' extra is deprecated")

import urllib3.util
import urllib3.util.ssl_

# Locust ≥ 2.43 imports create_urllib3_context from urllib3.util, where only urllib3 2
# exports it; selenium 4.2.0 (pinned by dash[testing]) keeps urllib3 at 1.26, which has
# the same function one module down. (Locust ≤ 2.42 caps requests below our 2.34.)
if not hasattr(urllib3.util, "create_urllib3_context"):
    urllib3.util.create_urllib3_context = urllib3.util.ssl_.create_urllib3_context

import argparse
import itertools
import json
import math
import os
import random
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import gevent
import psutil
import requests
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

from bench.dataset import POSTGRES_SERVER, SIZES, ensure
from tests.dash_http import outputs_of

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / "bench" / "data"
PASSWORD = "load-test-only"  # the bench accounts exist only in the bench databases
THINK = (2.0, 6.0)  # seconds a person takes between two actions
# Shares of the staff at work; every role gets at least one person.
MIX = {"rental": 24, "service": 16, "accountant": 4, "executive": 6}
STAFF = sum(MIX.values())  # the load test's people (--users' default)
ACCOUNTS = {
    "rental": ("rental_manager", "load.rental@parkdesk.local"),
    "service": ("service_manager", "load.service@parkdesk.local"),
    "accountant": ("accountant", "load.accounting@parkdesk.local"),
    "executive": ("executive", "load.exec@parkdesk.local"),
}
# Parts of visitors' and customers' names as a manager types them (the demo's surnames).
NAME_PARTS = ("Иван", "Смирн", "Кузн", "Попов", "Петр", "Сокол", "Новик", "Морозов", "Ким")
# The service manager's work list: open orders of the services they run.
WORK_LIST = "/orders?status=new,in_progress,done_awaiting_confirmation&type=simple,request,goods"
# Each open tab asks whether anything changed (dashboard/assets/live.js: INTERVAL); the
# polls are reported on their own line and left out of the actions' percentiles.
LIVE_POLL_SECONDS = 4.0
LIVE_POLL = "GET /_live (poll)"
# Work moves that keep an order in play (finish ⇄ return), so repeated runs find work.
WORK_PREFERENCE = ("finish_work", "return_to_work", "start_work")


# --- the README's production commands --------------------------------------------------


@dataclass
class Production:
    """The production section's shell block: its exported settings and its commands."""

    env: dict[str, str]
    setup: list[list[str]]
    create_user: list[str]
    server: list[str]

    @classmethod
    def from_readme(cls, text: str) -> Production:
        section = text.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
        block = re.search(r"```sh\n(.*?)```", section, re.S)
        if block is None:
            raise SystemExit("README.md: no ```sh block in the Production section")
        env: dict[str, str] = {}
        setup, create_user, server = [], [], []
        for line in block.group(1).splitlines():
            words = shlex.split(line, comments=True) if line.strip() else []
            if not words:
                continue
            if words[0] == "export":
                env |= dict(w.split("=", 1) for w in words[1:] if re.match(r"[A-Z_]+=", w))
            elif "gunicorn" in words[0]:
                server = words
            elif "create-user" in words:
                create_user = words
            elif words[0].startswith(".venv/bin/"):
                setup.append(words)
        if not (server and create_user):
            raise SystemExit("README.md: the Production block lacks create-user or gunicorn")
        return cls(env, setup, create_user, server)


def with_options(command: list[str], **options: str) -> list[str]:
    """The command with these ``--option value`` pairs replaced (or added)."""
    result = list(command)
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if flag in result:
            result[result.index(flag) + 1] = value
        else:
            result += [flag, value]
    return result


# --- a staff member's browser, as far as the server can tell -----------------------------


def id_key(component_id: str | dict) -> str:
    """A component id as the renderer writes it in changedPropIds and the server in answers."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return component_id


def parse_id(text: str) -> str | dict:
    return json.loads(text) if text.startswith("{") else text


def is_component(value: Any) -> bool:
    return isinstance(value, dict) and "props" in value and "type" in value


def walk(node: Any) -> Any:
    """Every component in a layout tree (children and component-valued props)."""
    if isinstance(node, list):
        for item in node:
            yield from walk(item)
    elif is_component(node):
        yield node
        for value in node["props"].values():
            if is_component(value) or isinstance(value, list):
                yield from walk(value)


def matches(pattern: dict, component_id: Any) -> bool:
    if not isinstance(component_id, dict) or set(component_id) != set(pattern):
        return False
    return all(isinstance(v, list) or component_id[k] == v for k, v in pattern.items())


def path_name(path: str) -> str:
    return re.sub(r"/\d+", "/<n>", path.split("?", 1)[0])


class ScenarioError(Exception):
    """The app answered, but not what a person would see: the run counts it as an error."""


@dataclass
class Dep:
    index: int
    spec: dict
    inputs: list[tuple[str | dict, str]] = field(default_factory=list)

    @property
    def outputs(self) -> list[str]:
        return [o["id"] for o in _as_list(outputs_of(self.spec["output"]))]


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


class Browser:
    """What the Dash renderer does for one tab: page loads, and for each change of a
    property the callbacks that take it as input, fired in waves (those that can run
    at once, in parallel), until nothing is left to update."""

    def __init__(self, user: FastHttpUser) -> None:
        self.http = user.client
        self.deps: list[Dep] = []
        self.tree: Any = None
        self.index: dict[str, dict] = {}
        self.end_id = ""
        self.rows: dict[str, list[dict]] = {}
        self.path = ""

    # -- requests

    def get(self, path: str, name: str | None = None, expect: str = "text/html") -> Any:
        with self.http.request(
            "GET", path, name=name or f"GET {path_name(path)}", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {_excerpt(response)}")
                raise ScenarioError(f"GET {path}: {response.status_code}")
            if expect not in (response.headers.get("content-type") or ""):
                response.failure(f"content type {response.headers.get('content-type')}")
                raise ScenarioError(f"GET {path}: not {expect}")
            return response

    def csrf(self) -> str:
        return next((c.value for c in self.http.cookiejar if c.name == "_csrf_token"), "")

    def post_callback(self, dep: Dep, changed: list[str], label: str) -> dict | None:
        body = {
            "output": dep.spec["output"],
            "outputs": outputs_of(dep.spec["output"]),
            "inputs": [self._value(i) for i in dep.spec["inputs"]],
            "state": [self._value(s) for s in dep.spec["state"]],
            "changedPropIds": changed,
        }
        trigger = ",".join(sorted({_short(c) for c in changed})) or "mount"
        outputs = list(dict.fromkeys(_short(o) for o in dep.outputs))
        shown = ",".join(outputs[:2]) + (f" +{len(outputs) - 2}" if len(outputs) > 2 else "")
        name = f"cb {shown} ← {trigger}{label}"
        with self.http.request(
            "POST",
            f"/_dash-update-component?endId={self.end_id}",
            name=name,
            json=body,
            headers={"X-CSRFToken": self.csrf()},
            catch_response=True,
        ) as response:
            if response.status_code == 204:
                return None
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {_excerpt(response)}")
                return None
            try:
                answer = json.loads(response.content)
            except ValueError:
                response.failure(f"not JSON: {_excerpt(response)}")
                return None
            if "response" not in answer:
                response.failure(f"no response in the answer: {_excerpt(response)}")
                return None
            return answer["response"]

    def _value(self, spec: dict) -> Any:
        component_id = parse_id(spec["id"])
        prop = spec["property"]
        if isinstance(component_id, dict):
            return [
                {"id": c["props"]["id"], "property": prop, "value": c["props"].get(prop)}
                for c in self.index.values()
                if matches(component_id, c["props"]["id"])
            ]
        component = self.index.get(component_id)
        value = component["props"].get(prop) if component else None
        return {"id": component_id, "property": prop, "value": value}

    # -- the renderer's bookkeeping

    def _reindex(self) -> None:
        self.index = {id_key(c["props"]["id"]): c for c in walk(self.tree) if "id" in c["props"]}

    def _server_deps(self) -> list[Dep]:
        return [d for d in self.deps if not d.spec.get("clientside_function")]

    def _present(self, dep: Dep) -> bool:
        return all(isinstance(i, dict) or id_key(i) in self.index for i, _prop in dep.inputs)

    def _mounted(self, chunk: Any, wave: dict, grids: list) -> None:
        """Callbacks a newly inserted layout part fires: those with an input in it, except
        the prevent_initial_call ones whose outputs came in the same part; then its
        infinite grids ask for their first block."""
        new = [c["props"]["id"] for c in walk(chunk) if "id" in c["props"]]
        keys = {id_key(i) for i in new}
        for dep in self._server_deps():
            inside = [
                (i, p)
                for i, p in dep.inputs
                if (any(matches(i, n) for n in new) if isinstance(i, dict) else i in keys)
            ]
            if not inside or not self._present(dep):
                continue
            changed: list[str] = []
            if dep.spec.get("prevent_initial_call"):
                if all(o in keys for o in dep.outputs):
                    continue
                for i, p in inside:
                    if isinstance(i, dict):
                        changed += [f"{id_key(n)}.{p}" for n in new if matches(i, n)]
                    else:
                        changed.append(f"{i}.{p}")
            wave[dep.index] = (dep, changed)
        grids += [
            grid
            for grid in walk(chunk)
            if grid["type"] == "AgGrid" and grid["props"].get("rowModelType") == "infinite"
        ]

    def _grid_request(self, grid: dict, wave: dict) -> None:
        """What an infinite AG Grid asks for first (and again after a purge)."""
        props = grid["props"]
        block = (props.get("dashGridOptions") or {}).get("cacheBlockSize", 100)
        sort = [
            {"sort": c["sort"], "type": "default", "colId": c.get("colId", c.get("field"))}
            for c in props.get("columnDefs") or []
            if c.get("sort")
        ]
        props["getRowsRequest"] = {
            "startRow": 0,
            "endRow": block,
            "sortModel": sort,
            "filterModel": {},
            "api": {},
        }
        self._triggered(props["id"], "getRowsRequest", None, wave)

    def _triggered(self, cid: Any, prop: str, source: Dep | None, wave: dict) -> None:
        """The callbacks a changed property fires (never the one that changed it)."""
        key = id_key(cid)
        for dep in self._server_deps():
            if dep is source or not self._present(dep):
                continue
            if any(
                p == prop and (matches(i, cid) if isinstance(i, dict) else i == key)
                for i, p in dep.inputs
            ):
                wave.setdefault(dep.index, (dep, []))[1].append(f"{key}.{prop}")
        # A register's clientside sync: new filters go to the URL and purge its grid.
        if prop == "data" and key.endswith("-filters"):
            grid = self.index.get(key.removesuffix("-filters") + "-grid")
            if grid is not None:
                self._grid_request(grid, wave)
        # The payments page's clientside hand-over: the charts get the journal's filters
        # once its first rows are in, and on every change of the filters after that.
        charts = self.index.get("payments-charts-for")
        if charts is not None and (
            (key == "payments-filters" and prop == "data")
            or (
                key == "payments-grid"
                and prop == "getRowsResponse"
                and not charts["props"].get("data")
            )
        ):
            charts["props"]["data"] = self.index["payments-filters"]["props"].get("data") or {}
            self._triggered("payments-charts-for", "data", None, wave)

    def _apply(self, dep: Dep, response: dict, wave: dict, grids: list) -> None:
        for key, props in response.items():
            component = self.index.get(key)
            if component is None:
                continue
            component["props"].update(props)
            if isinstance(props.get("getRowsResponse"), dict):
                self.rows[key] = props["getRowsResponse"].get("rowData") or []
            self._reindex()
            for prop, value in props.items():
                if is_component(value) or (
                    isinstance(value, list) and any(is_component(v) for v in value)
                ):
                    self._mounted(value, wave, grids)
                self._triggered(component["props"]["id"], prop, dep, wave)

    def run(self, waves: list[dict | list], label: str = "") -> None:
        """Fire each wave of callbacks at once (the renderer sends all that are ready),
        apply the answers, and go on with what they trigger. A list in the queue holds
        newly shown grids: they ask for their first block once the wave before is done."""
        queue = list(waves)
        while queue:
            wave = queue.pop(0)
            if isinstance(wave, list):
                grids, wave = wave, {}
                for grid in grids:
                    self._grid_request(grid, wave)
            if not wave:
                continue
            jobs = [
                (dep, gevent.spawn(self.post_callback, dep, changed, label))
                for dep, changed in wave.values()
            ]
            label = ""  # it names what the person did, not what follows from it
            try:
                gevent.joinall([job for _dep, job in jobs], raise_error=True)
            except BaseException:
                # The person is stopped (the run is over), or one request of the wave
                # failed: the tab's other requests stop with it, not go on unattended
                # (against a server that may be shutting down).
                gevent.killall([job for _dep, job in jobs])
                raise
            following: dict = {}
            shown: list = []
            for dep, job in jobs:
                if job.value is not None:
                    self._apply(dep, job.value, following, shown)
            queue[:0] = [following, shown]

    # -- what a person does

    def load(self, path: str) -> None:
        """A full page load: the page, the layout, the callbacks, then the page's own."""
        page = self.get(path)
        found = re.search(r'"end_id":"([^"]+)"', page.text)
        self.end_id = found.group(1) if found else ""
        self.tree = self.get("/_dash-layout", expect="application/json").json()
        specs = self.get("/_dash-dependencies", expect="application/json").json()
        self.deps = [
            Dep(n, spec, [(parse_id(i["id"]), i["property"]) for i in spec["inputs"]])
            for n, spec in enumerate(specs)
        ]
        self._reindex()
        wave: dict = {}
        grids: list = []
        self._mounted(self.tree, wave, grids)
        # The layout's dcc.Location has no pathname or search: once mounted, it sets them
        # from window.location, and that fires the pages router (prevent_initial_call, so
        # _mounted leaves it out), which puts the page into _pages_content.
        self._locate(path, wave)
        self.run([wave, grids], f" {path_name(path)}")
        self._check_page(path)

    def navigate(self, path: str) -> None:
        """A link or a row clicked: the router callback, no page load."""
        wave: dict = {}
        self._locate(path, wave)
        self.run([wave], f" {path_name(path)}")
        self._check_page(path)

    def _locate(self, path: str, wave: dict) -> None:
        """The address changes: dcc.Location sets those of its pathname and search that
        differ from window.location, and the callbacks that take them (the router) join
        the wave. (Opening the page already shown changes nothing and fires nothing.)"""
        self.path = path
        pathname, _, query = path.partition("?")
        location = self.index["_pages_location"]["props"]
        for prop, value in (("pathname", pathname), ("search", f"?{query}" if query else "")):
            if location.get(prop) != value:
                location[prop] = value
                self._triggered("_pages_location", prop, None, wave)

    def _check_page(self, path: str) -> None:
        if "page-forbidden" in self.index or "page-not-found" in self.index:
            raise ScenarioError(f"{path}: no access or not found")

    def set(self, component: str | dict, prop: str, value: Any, label: str = "") -> None:
        """A person changes an input (types, picks, ticks)."""
        self.index[id_key(component)]["props"][prop] = value
        wave: dict = {}
        self._triggered(component, prop, None, wave)
        self.run([wave], label)

    def click(self, component: str | dict, label: str = "") -> None:
        props = self.index[id_key(component)]["props"]
        self.set(component, "n_clicks", (props.get("n_clicks") or 0) + 1, label)

    def feedback(self, component: str) -> str | None:
        """The colour of the alert a callback put there: success, danger, or None."""
        children = self.index[component]["props"].get("children")
        return children["props"].get("color") if is_component(children) else None

    def ids(self, kind: str) -> list[dict]:
        return [
            c["props"]["id"]
            for c in self.index.values()
            if isinstance(c["props"]["id"], dict) and c["props"]["id"].get("type") == kind
        ]


def _short(text: str) -> str:
    """``{"action":"finish_work","type":"order-work"}.n_clicks`` → ``order-work.n_clicks``."""
    if text.startswith("{"):
        component, _, prop = text.rpartition("}.")
        kind = json.loads(component + "}").get("type", "pattern")
        return f"{kind}.{prop}" if prop else kind
    return text.split("@")[0]


def _excerpt(response: Any) -> str:
    text = (response.text or "") if response.content else str(response.error)
    return " ".join(text.split())[:160]


# --- the staff --------------------------------------------------------------------------

OUTCOMES: Counter[str] = Counter()
# What cut a person's task short (a ScenarioError, or the emulation's own error): locust
# logs it and starts the next task, and counts it neither among requests nor in
# runner.errors (which holds the failed requests, counted already in the phases).
SCENARIO_ERRORS: Counter[str] = Counter()


@dataclass
class Phase:
    """The requests of one part of the run: the staff arriving (logging in, opening their
    first page) or all of them at work."""

    name: str
    started: float = field(default_factory=time.monotonic)
    ended: float = 0.0
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    received: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def record(
        self, name: str, milliseconds: float, length: int, exception: Exception | None
    ) -> None:
        self.samples[name].append(milliseconds)
        self.received[name] += length or 0
        if exception is not None:
            self.failures[name] += 1
            reason = " ".join(str(exception).split())[:200]
            self.reasons[f"{name}: {reason} (after {milliseconds / 1000:.0f} s)"] += 1

    def figures(self) -> dict[str, Any]:
        every = [t for name, samples in self.samples.items() if name != LIVE_POLL for t in samples]
        polls = self.samples.get(LIVE_POLL, [])
        seconds = (self.ended or time.monotonic()) - self.started
        table = sorted(
            (
                {
                    "name": name,
                    "count": len(samples),
                    "failures": self.failures[name],
                    **summary(samples),
                    "mean_kb": round(self.received[name] / len(samples) / 1024, 1),
                }
                for name, samples in self.samples.items()
            ),
            key=lambda row: -row["p95_ms"],
        )
        return {
            "seconds": round(seconds, 1),
            "total_requests": len(every),
            "failures": sum(self.failures.values()),
            "rps": round(len(every) / seconds, 2) if seconds else 0.0,
            **summary(every),
            "failure_reasons": dict(self.reasons.most_common(20)),
            "live_polls": {"count": len(polls), **summary(polls)} if polls else None,
            "requests": table,
        }


PHASES: list[Phase] = [Phase("arrival")]


class Staff(FastHttpUser):
    """One person: logs in through the form, then works in the one tab, pausing to think."""

    abstract = True
    role: ClassVar[str]
    wait_time = between(*THINK)
    network_timeout = 120.0
    connection_timeout = 10.0
    counter: ClassVar[itertools.count]
    people: ClassVar[int] = 1
    live: ClassVar[bool] = True  # the tab polls /_live as the browser does (--no-live: not)

    def on_start(self) -> None:
        self.number = next(type(self).counter)  # this person's share of the shared work
        self.browser = Browser(self)
        try:
            self.log_in()
        except Exception:
            OUTCOMES["people who could not start"] += 1
            raise
        OUTCOMES["people logged in"] += 1
        self.poller = gevent.spawn(self.poll_live) if type(self).live else None

    def on_stop(self) -> None:
        if self.poller is not None:
            self.poller.kill()

    def poll_live(self) -> None:
        """The open tab's live poll: 304 while nothing changed, else the new revision
        (the page's own refresh on a change is left out: its callbacks are the ones the
        person's actions already send)."""
        token = ""
        while True:
            gevent.sleep(LIVE_POLL_SECONDS)
            with self.client.request(
                "GET", f"/_live?since={token}", name=LIVE_POLL, catch_response=True
            ) as answer:
                if answer.status_code == 200:
                    token = answer.json()["token"]
                elif answer.status_code != 304:
                    answer.failure(f"live poll: HTTP {answer.status_code}")

    def log_in(self) -> None:
        _role, email = ACCOUNTS[self.role]
        page = self.browser.get("/login", name="GET /login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        with self.client.request(
            "POST",
            "/login",
            name="POST /login",
            data=urlencode(
                {"email": email, "password": PASSWORD, "csrf_token": token and token.group(1)}
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login: HTTP {answer.status_code}")
                raise ScenarioError(f"{email} could not log in")
        self.browser.load("/")

    def think(self) -> None:
        gevent.sleep(random.uniform(*THINK))

    def open(self, path: str) -> None:
        """Staff keep one tab open and move through the app; now and then they reload."""
        if random.random() < 0.15:
            self.browser.load(path)
        else:
            self.browser.navigate(path)

    def mine(self, rows: list[dict]) -> list[dict]:
        """The rows of this person's share: two people never work on the same record."""
        return [r for r in rows if int(r["number"]) % type(self).people == self.number]


class RentalManager(Staff):
    role = "rental"
    counter = itertools.count()

    @task
    def check_visitors(self) -> None:
        if self.browser.path != "/tickets":
            self.open("/tickets")
            self.think()
        self.browser.set("tickets-filter-status", "value", ["active"])
        rows = self.browser.rows.get("tickets-grid", [])
        self.think()
        visitor = random.choice(NAME_PARTS)
        self.browser.set("tickets-filter-visitor", "value", visitor)
        mine = self.mine(self.browser.rows.get("tickets-grid", [])) or self.mine(rows)
        if not mine:
            OUTCOMES["tickets: nothing of mine to check"] += 1
            return
        number = random.choice(mine)["number"]
        self.think()
        self.browser.navigate(f"/tickets/{number}")
        self.think()
        if "ticket-validate" in self.browser.index:
            self.browser.click("ticket-validate")
            self._outcome("ticket validated")
        elif "ticket-reset-validation" in self.browser.index:
            self.browser.click("ticket-reset-validation")
            self._outcome("ticket validation reset")
        self.think()
        self.open("/tickets")

    def _outcome(self, done: str) -> None:
        colour = self.browser.feedback("ticket-feedback")
        OUTCOMES[done if colour == "success" else f"refused: {done}"] += 1
        if colour not in ("success", "danger"):
            raise ScenarioError(f"{done}: no feedback")


class ServiceManager(Staff):
    role = "service"
    counter = itertools.count()

    @task
    def move_orders(self) -> None:
        if self.browser.path != WORK_LIST:
            self.open(WORK_LIST)
            self.think()
        rows = self.browser.rows.get("orders-grid", [])
        self.browser.set("orders-filter-customer", "value", random.choice(NAME_PARTS))
        mine = self.mine(self.browser.rows.get("orders-grid", [])) or self.mine(rows)
        if not mine:
            OUTCOMES["orders: nothing of mine to move"] += 1
            return
        number = random.choice(mine)["number"]
        self.think()
        self.browser.navigate(f"/orders/{number}")
        self.think()
        offered = {b["action"]: b for b in self.browser.ids("order-work")}
        action = next((a for a in WORK_PREFERENCE if a in offered), None)
        if action is None:
            OUTCOMES["orders: no work move offered"] += 1
            return
        self.browser.click(offered[action], f" [{action}]")
        colour = self.browser.feedback("order-feedback")
        OUTCOMES[f"order {action}" if colour == "success" else f"refused: {action}"] += 1
        if colour not in ("success", "danger"):
            raise ScenarioError(f"{action}: no feedback")
        self.think()
        self.open(WORK_LIST)


class Accountant(Staff):
    role = "accountant"
    counter = itertools.count()

    @task
    def month_end(self) -> None:
        self.open("/payments")
        self.think()
        buckets = self.browser.ids("balances-bucket")
        if buckets:
            self.browser.click(random.choice(buckets))
            self.think()
        self.browser.click({"type": "payments-preset", "preset": "last-month"})
        self.think()
        self.open("/exports")
        first, last = _a_month(date.today())
        self.browser.set("exports-payments-from", "value", first.isoformat())
        self.browser.set("exports-payments-to", "value", last.isoformat())
        href = self.browser.index["exports-payments-link"]["props"].get("href")
        if not href:
            raise ScenarioError("the payments export has no link")
        self.think()
        export = self.browser.get(
            href, name="GET /exports/payments.csv (a month)", expect="text/csv"
        )
        if not export.content.startswith(b"\xef\xbb\xbf") or export.content.count(b"\n") < 2:
            raise ScenarioError("the payments export is empty or has no BOM")
        OUTCOMES["payments exported (rows)"] += export.content.count(b"\n") - 1


def _a_month(today: date) -> tuple[date, date]:
    """One of the last twelve whole months."""
    first = today.replace(day=1)
    for _ in range(random.randint(1, 12)):
        first = (first - timedelta(days=1)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


class Executive(Staff):
    role = "executive"
    counter = itertools.count()

    @task
    def read_reports(self) -> None:
        self.open("/")
        self.think()
        self.open("/occupancy")
        self.think()
        self.browser.set("occupancy-preset", "value", "quarter", " [quarter]")
        if random.random() < 0.5:
            self.think()
            self.browser.set("occupancy-preset", "value", "year", " [year]")


ROLES: dict[str, type[Staff]] = {
    "rental": RentalManager,
    "service": ServiceManager,
    "accountant": Accountant,
    "executive": Executive,
}


def staff_counts(users: int) -> dict[str, int]:
    """``users`` people in the shares of MIX (largest remainders), at least one per role."""
    if users < len(MIX):
        raise SystemExit(f"--users must be at least {len(MIX)} (one person per role)")
    total = sum(MIX.values())
    exact = {role: users * share / total for role, share in MIX.items()}
    counts = {role: math.floor(value) for role, value in exact.items()}
    for role in sorted(exact, key=lambda r: exact[r] % 1, reverse=True):
        if sum(counts.values()) < users:
            counts[role] += 1
    for role in counts:
        if counts[role] == 0:
            counts[role] = 1
            counts[max(counts, key=counts.get)] -= 1
    return counts


# --- running it --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def server_env(production: Production, url: str, port: int, args: argparse.Namespace) -> dict:
    """The README's settings, except what a loopback test must change: its own database
    and port, a fresh key, and plain HTTP without a proxy in front (so no Secure cookies
    and no trusted X-Forwarded-For)."""
    env = {
        **os.environ,
        **production.env,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PARKDESK_BIND": f"127.0.0.1:{port}",
        "PARKDESK_PROXY_COUNT": "0",
        "PARKDESK_SECURE_COOKIES": "0",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["PARKDESK_THREADS"] = str(args.threads)
    return env


def prepare(production: Production, env: dict) -> None:
    """The data set, the schema, and one account per role, by the README's commands."""
    for command in production.setup:
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    for role, email in ACCOUNTS.values():
        done = subprocess.run(
            with_options(production.create_user, email=email, password=PASSWORD, role=role),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 and "exists already" not in done.stdout + done.stderr:
            raise SystemExit(f"create-user {email}: {done.stdout}{done.stderr}")


def dataset_url(size: str) -> str:
    """The seeded PostgreSQL data set (bench.dataset); never a second seed of one that
    another process is still writing (it holds no committed orders until it is done)."""
    from sqlalchemy import create_engine, exc
    from sqlalchemy.engine import make_url

    name = f"parkdesk_bench_{size}"
    server = make_url(POSTGRES_SERVER)
    admin = create_engine(server)
    with admin.connect() as connection:
        others = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
        ).scalar()
    admin.dispose()
    if others:
        target = create_engine(server.set(database=name))
        try:
            with target.connect() as connection:
                orders = connection.exec_driver_sql("SELECT count(*) FROM orders").scalar()
        except exc.ProgrammingError:
            orders = 0
        finally:
            target.dispose()
        if orders != SIZES[size]:
            raise SystemExit(
                f"{name} has {orders} orders and {others} connection(s): still being "
                "seeded? Wait and rerun."
            )
    url, seeded = ensure("postgresql", size)
    if seeded:
        print(f"seeded {name} in {seeded:.0f} s", flush=True)
    return url


def start_server(production: Production, env: dict, base: str, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        server = subprocess.Popen(
            production.server, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}")
        with suppress(requests.RequestException):  # refused while it starts
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return server
        gevent.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /healthz within 120 s; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=150)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _user_error(user_instance, exception, tb) -> None:
    SCENARIO_ERRORS[" ".join(f"{type(exception).__name__}: {exception}".split())[:200]] += 1


def _record(request_type, name, response_time, response_length, exception=None, **_kw) -> None:
    PHASES[-1].record(name, response_time, response_length, exception)


def _trace(request_type, name, response_time, response_length, exception=None, **_kw) -> None:
    status = f"FAILED {exception}" if exception else "ok"
    print(f"{response_time:8.0f} ms {response_length:>9} B  {name}  {status}", flush=True)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank: the smallest sample with at least q of all samples at or below it."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(percentile(ordered, 0.50), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
    }


def server_times(log: Path, offset: int) -> dict[str, float]:
    """The times in gunicorn's access log from this offset on: from the request read to
    the response written, inside a worker (not the wait for a free thread)."""
    with log.open() as lines:
        lines.seek(offset)
        text = lines.read()
    times = [float(m) for m in re.findall(r'" \d{3} \S+ (\d+)ms$', text, re.M)]
    return {"requests": len(times), **summary(times)}


class CpuClock:
    """CPU seconds spent by gunicorn (master and workers), by the PostgreSQL backends
    serving gunicorn's connections, by all of PostgreSQL (other databases' users too),
    by this load generator, and by the whole machine."""

    def __init__(self, server_pid: int) -> None:
        self.server = psutil.Process(server_pid)
        self.start = self._read()

    def _gunicorn(self) -> list[psutil.Process]:
        return [self.server, *self.server.children(recursive=True)]

    def _read(self) -> dict[str, Any]:
        postgres = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
        ports = {
            c.laddr.port
            for process in self._gunicorn()
            for c in _connections(process)
            if c.raddr and c.raddr.port == 5432
        }
        serving = [
            p for p in postgres if any(c.raddr and c.raddr.port in ports for c in _connections(p))
        ]
        machine = psutil.cpu_times()
        return {
            "gunicorn": {p.pid: _seconds(p) for p in self._gunicorn()},
            "postgresql_for_gunicorn": {p.pid: _seconds(p) for p in serving},
            "postgresql_all": {p.pid: _seconds(p) for p in postgres},
            "load_generator": _seconds(psutil.Process()),
            "whole_machine": machine.user
            + machine.system
            + machine.nice
            + machine.irq
            + machine.softirq
            + machine.steal,
        }

    def spent(self) -> dict[str, float]:
        """Seconds since the clock started (processes started meanwhile count from zero;
        those that ended meanwhile are missing)."""
        now = self._read()
        before = {**self.start["postgresql_all"], **self.start["gunicorn"]}
        spent = {
            group: sum(t - before.get(pid, 0.0) for pid, t in now[group].items())
            for group in ("gunicorn", "postgresql_for_gunicorn", "postgresql_all")
        }
        for key in ("load_generator", "whole_machine"):
            spent[key] = now[key] - self.start[key]
        return {key: round(value, 1) for key, value in spent.items()}


def _connections(process: psutil.Process) -> list:
    try:
        return process.net_connections(kind="tcp")
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _seconds(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return times.user + times.system


def run(args: argparse.Namespace) -> dict[str, Any]:
    production = Production.from_readme(README.read_text())
    url = dataset_url(args.size)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(production, url, port, args)
    prepare(production, env)
    LOGS.mkdir(exist_ok=True)
    log = LOGS / f"load-gunicorn-{args.size}.log"
    counts = staff_counts(args.users)
    for role, cls in ROLES.items():
        cls.fixed_count = cls.people = counts[role]
        cls.counter = itertools.count()
        cls.live = not args.no_live
    server = start_server(production, env, base, log)
    try:
        environment = Environment(user_classes=list(ROLES.values()), host=base)
        environment.events.request.add_listener(_record)
        environment.events.user_error.add_listener(_user_error)
        if args.trace:
            environment.events.request.add_listener(_trace)
        runner = environment.create_local_runner()
        runner.start(args.users, spawn_rate=args.spawn_rate)
        deadline = time.monotonic() + args.users / args.spawn_rate + 300
        arrived = ("people logged in", "people who could not start")
        while sum(OUTCOMES[k] for k in arrived) < args.users and time.monotonic() < deadline:
            gevent.sleep(0.2)
        PHASES[0].ended = time.monotonic()
        PHASES.append(Phase("at work"))
        clock = CpuClock(server.pid)
        offset = log.stat().st_size
        gevent.sleep(args.duration)
        PHASES[1].ended = time.monotonic()
        cpu = clock.spent()
        PHASES.append(Phase("stopping"))  # what ends while the staff are stopped
        runner.quit()
        errors = dict(SCENARIO_ERRORS.most_common(20))
    finally:
        stop_server(server)
    arrival, work, stopping = (phase.figures() for phase in PHASES)
    return {
        "kind": "load",
        "db": "postgresql",
        "size": args.size,
        "orders": SIZES[args.size],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "users": args.users,
        "live": not args.no_live,
        "staff": counts,
        "duration_s": args.duration,
        "think_s": list(THINK),
        "workers": int(env.get("WEB_CONCURRENCY", 4)),
        "threads": int(env.get("PARKDESK_THREADS", 4)),
        "db_pool_size": int(env.get("PARKDESK_DB_POOL_SIZE", 5)),
        "server_command": shlex.join(production.server),
        **{k: v for k, v in work.items() if k != "requests"},
        # Any failure counts, also while the staff were arriving or being stopped, and
        # scenario errors.
        "failures": (
            work["failures"]
            + arrival["failures"]
            + stopping["failures"]
            + sum(SCENARIO_ERRORS.values())
        ),
        "server_side": server_times(log, offset),
        "cpu_s": {**cpu, "available": round(work["seconds"] * (os.cpu_count() or 1), 1)},
        "outcomes": dict(sorted(OUTCOMES.items())),
        "scenario_errors": errors,
        "requests": work["requests"],
        "arrival": {"spawn_rate": args.spawn_rate, **arrival},
        "stopping": {k: stopping[k] for k in ("total_requests", "failures", "failure_reasons")},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", type=int, default=STAFF)
    parser.add_argument("--duration", type=int, default=120, help="seconds at full strength")
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="logins per second")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the README's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: the README's)")
    parser.add_argument(
        "--output",
        type=Path,
        help="write the result here instead (a trial: bench/RESULTS.md is left alone)",
    )
    parser.add_argument("--trace", action="store_true", help="print every request as it ends")
    parser.add_argument(
        "--no-live", action="store_true", help="the tabs do not poll /_live (live updates off)"
    )
    parser.add_argument(
        "--print-commands", action="store_true", help="print the README's commands it runs"
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 1800 or not 1 <= args.users <= 500:
        raise SystemExit("--duration must be 1–1800 s and --users 1–500")

    if args.print_commands:
        production = Production.from_readme(README.read_text())
        print(
            json.dumps(
                {
                    "env": production.env,
                    "setup": [shlex.join(c) for c in production.setup],
                    "create_user": shlex.join(production.create_user),
                    "server": shlex.join(production.server),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0

    result = run(args)
    RESULTS.mkdir(exist_ok=True)
    # The README's 50 staff are the load test; another number of staff, its own file.
    crowd = "" if args.users == STAFF else f"{args.users}-"
    path = args.output or RESULTS / f"load-{crowd}postgresql-{args.size}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    if args.output is None:
        from bench.__main__ import REPORT, render

        REPORT.write_text(render())
    table = "\n".join(
        f"{r['count']:>6} {r['failures']:>4} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} "
        f"{r['p99_ms']:>8.0f}  {r['name']}"
        for r in result["requests"]
    )
    print(f"{'count':>6} {'fail':>4} {'p50':>8} {'p95':>8} {'p99':>8}  request\n{table}")
    print(
        json.dumps(
            {k: v for k, v in result.items() if k != "requests"}, indent=2, ensure_ascii=False
        )
    )
    print(f"written: {path}" + ("" if args.output else " and bench/RESULTS.md"))
    return 0 if result["failures"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
