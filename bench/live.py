"""What live pages cost (SPEC §9.3 "Live"): every open tab asks GET /_live every
``POLL_SECONDS`` while it is visible (dashboard/assets/live.js), and an idle one gets a
304 from two reads of the change log's primary key.

- one idle poll over HTTP (the 304), as a tab sends it;
- ``tabs`` idle tabs polling for ``seconds`` against the production setup (gunicorn,
  2 workers × 4 threads): the server's CPU time over that time (master and workers,
  from /proc through psutil), per minute and as a share of one core.

Requests per open tab per minute are about 60 / ``POLL_SECONDS`` (counted; a hidden
tab sends none). The tabs share one login (one session cookie): a login is an argon2
hash, and what is measured is the poll.
"""

from __future__ import annotations

import random
import threading
import time

import psutil
import requests

from bench.harness import SERVER_PIDS, Timing, logged_in, measure, production_app

POLL_SECONDS = 4.0  # dashboard/assets/live.js: INTERVAL
EMAIL = "rental@parkdesk.local"
PASSWORD = "demo"


def _server_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the gunicorn master and its workers so far."""
    master = psutil.Process(pid)
    total = 0.0
    for process in (master, *master.children(recursive=True)):
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _tab(base: str, cookies, token: str, until: float, samples: list[float]) -> None:
    http = requests.Session()
    http.cookies.update(cookies)
    time.sleep(random.uniform(0, POLL_SECONDS))  # tabs opened at different moments
    while time.monotonic() < until:
        started = time.perf_counter()
        answer = http.get(f"{base}/_live", params={"since": token}, timeout=30)
        assert answer.status_code == 304, answer.status_code
        samples.append(time.perf_counter() - started)
        time.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - started)))
    http.close()


def idle_tabs(url: str, runs: int, tabs: int, seconds: float) -> dict[str, Timing]:
    with production_app(url) as base:
        http = logged_in(base, EMAIL, PASSWORD)
        token = http.get(f"{base}/_live", timeout=30).json()["token"]
        one = measure(
            "one idle poll over HTTP (GET /_live → 304)",
            lambda: http.get(f"{base}/_live", params={"since": token}, timeout=30),
            runs,
        )
        samples: list[float] = []
        pid = SERVER_PIDS[base]
        cpu_before, started = _server_cpu(pid), time.monotonic()
        threads = [
            threading.Thread(
                target=_tab, args=(base, http.cookies, token, started + seconds, samples)
            )
            for _ in range(tabs)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        cpu = _server_cpu(pid) - cpu_before
        http.close()
    per_tab_minute = len(samples) / tabs / (elapsed / 60)
    share = 100 * cpu / elapsed
    many = Timing(
        f"{tabs} idle tabs polling for {seconds:.0f} s: each poll ({per_tab_minute:.1f} requests"
        f" per tab per minute; the server's CPU {share:.1f} % of one core)",
        samples,
        metrics={
            "tabs": tabs,
            "seconds": round(elapsed, 1),
            "polls": len(samples),
            "requests_per_tab_per_minute": round(per_tab_minute, 1),
            "server_cpu_seconds_per_minute": round(cpu * 60 / elapsed, 3),
            "server_cpu_percent_of_one_core": round(share, 2),
        },
    )
    return {"one poll": one, "idle tabs": many}
