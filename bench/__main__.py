"""Run the benchmarks and write bench/RESULTS.md.

python -m bench --size full --db sqlite        # seeds 1,000,000 orders once (~3 min)
python -m bench --size full --db postgresql    # the same on PostgreSQL (~5 min to seed)
python -m bench --size small --db sqlite --only "tickets grid" "deep pages"
python -m bench --size small --db sqlite --runs 3 --smoke   # CI: a trial, nothing kept

Each run writes bench/results/<db>-<size>.json (with --only, the other sections keep
their last results) and renders bench/RESULTS.md from every file there, the load test's
(bench/load.py) included. --smoke runs every section on few runs without the heavy
naive baselines, writes into a temporary directory, and fails on any error.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import tempfile
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    checkin,
    coldload,
    dataset,
    exports,
    grids,
    live,
    login,
    occupancy,
    pages,
    people_import,
)
from bench.harness import Timing, cpu_reference

RESULTS = Path(__file__).resolve().parent / "results"
REPORT = Path(__file__).resolve().parent / "RESULTS.md"


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    memory = ""
    try:
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kilobytes / 1024**2:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {cores} cores{memory}, Python {platform.python_version()}"


Section = Callable[[str, int, bool], dict[str, Timing]]  # (url, runs, smoke)

SECTIONS: dict[str, Section] = {
    "tickets grid": lambda url, runs, smoke: grids.tickets_grid(url, runs),
    "orders grid": lambda url, runs, smoke: grids.orders_grid(url, runs),
    "deep pages": lambda url, runs, smoke: grids.deep_pages(url, runs),
    "default views": lambda url, runs, smoke: grids.default_views(url, runs),
    "occupancy": lambda url, runs, smoke: occupancy.occupancy_year(url, max(3, runs // 3)),
    "payments export": lambda url, runs, smoke: exports.payments_export(url, 1 if smoke else 2),
    "check-in desk": lambda url, runs, smoke: checkin.checkin_desk(url, runs),
    "login": lambda url, runs, smoke: login.login(url, runs),
    "cold page load": lambda url, runs, smoke: coldload.cold_load(
        url, 1 if smoke else runs, naive=not smoke
    ),
    "page loads": lambda url, runs, smoke: pages.page_loads(url, runs, smoke),
    "people import": lambda url, runs, smoke: people_import.people_import(url, smoke),
    "live polls": lambda url, runs, smoke: live.idle_tabs(
        url, runs, tabs=3 if smoke else 50, seconds=8 if smoke else 60
    ),
}

# Sections that bring their own data (an empty database of their own): the data set is
# not seeded for them alone.
OWN_DATA = {"people import"}


def _as_json(timing: Timing) -> dict[str, Any]:
    found = {
        "name": timing.name,
        "median": timing.median,
        "p95": timing.p95,
        "runs": len(timing.samples),
    }
    if timing.metrics:
        found["metrics"] = timing.metrics
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(dataset.SIZES), default="small")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--only",
        nargs="*",
        choices=sorted(SECTIONS),
        help="run these sections only; the others keep their last results",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a trial: no heavy naive baselines, results in a temporary directory",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    results = Path(tempfile.mkdtemp(prefix="parkdesk-bench-")) if args.smoke else RESULTS
    if args.only and set(args.only) <= OWN_DATA:
        url, seeded = dataset.database_url(args.db, args.size), None  # not seeded for them
    else:
        url, seeded = dataset.ensure(args.db, args.size)
    previous = results / f"{args.db}-{args.size}.json"
    earlier = json.loads(previous.read_text()) if previous.exists() else {}
    kept = earlier.get("sections", {}) if args.only else {}
    chosen = args.only or list(SECTIONS)
    sections = {}
    failed = []
    speeds: dict[str, list[float]] = {}
    for name in chosen:
        print(f"=== {name}", flush=True)
        before = cpu_reference()
        try:
            timings = SECTIONS[name](url, args.runs, args.smoke)
        except Exception:
            if args.smoke:
                raise
            # A full run goes on with the other sections; this one keeps its last results.
            traceback.print_exc()
            failed.append(name)
            if name in earlier.get("sections", {}):
                sections[name] = earlier["sections"][name]
            continue
        sections[name] = {key: _as_json(t) for key, t in timings.items()}
        speeds[name] = [round(before), round(cpu_reference())]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result = {
        "db": args.db,
        "size": args.size,
        "orders": dataset.SIZES[args.size],
        "date": now,
        "machine": _machine(),
        "seed_seconds": seeded if seeded is not None else earlier.get("seed_seconds"),
        "smoke": args.smoke,
        "sections": kept | sections,
    }
    if args.only and previous.exists():
        # Another --only run may have finished meanwhile: keep its sections too.
        earlier = json.loads(previous.read_text())
        result["sections"] = earlier.get("sections", {}) | sections
    # When each section was measured: a kept one keeps its date (or its file's).
    measured = {name: now for name in sections if name not in failed}
    result["section_dates"] = {
        name: measured.get(name) or section_dates(earlier).get(name, now)
        for name in result["sections"]
    }
    # The machine's speed before and after each section (harness.cpu_reference).
    known = earlier.get("section_cpu", {}) | speeds
    result["section_cpu"] = {name: known[name] for name in result["sections"] if name in known}
    results.mkdir(exist_ok=True)
    previous.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    report = render(results)
    if not args.smoke:
        REPORT.write_text(report)
    print(report)
    print(f"results: {previous}" + ("" if args.smoke else f", report: {REPORT}"))
    if failed:
        print(f"FAILED (last results kept): {', '.join(failed)}")
        return 1
    return 0


# ---------------------------------------------------------------------------- report

DB_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def section_dates(result: dict) -> dict[str, str]:
    """When each section of a result was measured (older files: the file's date)."""
    dates = result.get("section_dates", {})
    return {name: dates.get(name, result.get("date", "?")) for name in result.get("sections", {})}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _timing(result: dict, section: str, key: str) -> dict | None:
    return result.get("sections", {}).get(section, {}).get(key)


def _metric(timing: dict | None, key: str, pattern: str) -> float | None:
    """A figure of a measurement: from its metrics, else read from its name."""
    if not timing:
        return None
    if key in timing.get("metrics", {}):
        return float(timing["metrics"][key])
    found = re.search(pattern, timing.get("name", ""))
    return float(found.group(1).replace(",", "")) if found else None


Check = tuple[str, Callable[[dict], tuple[str, bool | None] | None]]


def _ratio_to_floor(section: str) -> Callable[[dict], tuple[str, bool | None] | None]:
    def check(result: dict) -> tuple[str, bool | None] | None:
        http, floor = _timing(result, section, "http"), _timing(result, section, "floor")
        if not http or not floor:
            return None
        ratio = http["p95"] / floor["p95"]
        return f"{ratio:.2f}× ({_ms(http['p95'])} / {_ms(floor['p95'])})", ratio <= 3

    return check


def _faster_than_naive(section: str) -> Callable[[dict], tuple[str, bool | None] | None]:
    def check(result: dict) -> tuple[str, bool | None] | None:
        http, naive = _timing(result, section, "http"), _timing(result, section, "naive")
        if not http or not naive:
            return None
        ratio = naive["median"] / http["median"]
        return f"{ratio:,.0f}× ({_ms(naive['median'])} / {_ms(http['median'])})", ratio >= 20

    return check


def _deep_seek(kind: str) -> Callable[[dict], tuple[str, bool | None] | None]:
    def check(result: dict) -> tuple[str, bool | None] | None:
        seek = _timing(result, "deep pages", f"{kind}_seek_sql")
        before = _timing(result, "deep pages", f"{kind}_before")
        if not seek or not before:
            return None
        faster = before["median"] / seek["median"]
        return f"{_ms(seek['median'])}, before {_ms(before['median'])}: {faster:,.0f}× faster", None

    return check


def _occupancy(result: dict) -> tuple[str, bool | None] | None:
    http = _timing(result, "occupancy", "http")
    return (_ms(http["p95"]), http["p95"] <= 2.0) if http else None


def _export_speed(result: dict) -> tuple[str, bool | None] | None:
    rate = _metric(
        _timing(result, "payments export", "http_total"), "rows_per_second", r"best ([\d,]+) rows/s"
    )
    return (f"{rate:,.0f} rows/s", rate >= 250_000) if rate is not None else None


def _export_memory(result: dict) -> tuple[str, bool | None] | None:
    timing = _timing(result, "payments export", "http_total")
    anonymous = _metric(timing, "anon_mb", r"anonymous \+([\d.,]+) MB")
    rss = _metric(timing, "rss_mb", r"RSS \+([\d.,]+) MB")
    if anonymous is not None:
        text = f"+{anonymous:.1f} MB anonymous" + (f" (RSS +{rss:.0f} MB)" if rss else "")
        return text, anonymous < 50
    return (f"RSS +{rss:.1f} MB", rss < 50) if rss is not None else None


def _checkin(result: dict) -> tuple[str, bool | None] | None:
    browser = _timing(result, "check-in desk", "browser")
    return (_ms(browser["p95"]), browser["p95"] <= 0.3) if browser else None


def _login(result: dict) -> tuple[str, bool | None] | None:
    http, floor = _timing(result, "login", "http"), _timing(result, "login", "floor")
    if not http:
        return None
    text = _ms(http["median"])
    if floor:
        text += f" (floor {_ms(floor['median'])})"
    return text, None


def _cold(page: str) -> Callable[[dict], tuple[str, bool | None] | None]:
    def check(result: dict) -> tuple[str, bool | None] | None:
        cold = _timing(result, "cold page load", f"{page}_cold")
        naive = _timing(result, "cold page load", f"{page}_naive")
        if not cold:
            return None
        text = _ms(cold["median"])
        if naive:
            at_least = "≥ " if naive.get("metrics", {}).get("timed_out") else ""
            text += f" (naive {at_least}{_ms(naive['median'])})"
        return text, None

    return check


def _load_failures(load: dict) -> tuple[str, bool | None] | None:
    failures = load.get("failures")
    if failures is None:
        return None
    total = load.get("total_requests", load.get("requests"))
    of = f" of {total:,}" if isinstance(total, int) else ""
    return f"{failures}{of}", failures == 0


def _load_p95(load: dict) -> tuple[str, bool | None] | None:
    p95 = load.get("p95_ms")
    return (f"{p95:,.0f} ms", p95 < 500) if p95 is not None else None


def _import_time(result: dict) -> tuple[str, bool | None] | None:
    new = _timing(result, "people import", "new")
    if not new:
        return None
    again = _timing(result, "people import", "again")
    text = f"{new['median']:.1f} s" + (f" (again {again['median']:.1f} s)" if again else "")
    return text, new["median"] < 60 and (again is None or again["median"] < 60)


def _import_memory(result: dict) -> tuple[str, bool | None] | None:
    tenth, whole = (_timing(result, "people import", k) for k in ("tenth_new", "new"))
    if not tenth or not whole:
        return None
    few, many = (t["metrics"] for t in (tenth, whole))
    text = (
        f"{many['rss_mb']:.0f} MB for {many['lines']:,} lines, "
        f"{few['rss_mb']:.0f} MB for {few['lines']:,}"
    )
    return text, many["rss_mb"] - few["rss_mb"] < 20


CHECKS: list[Check] = [
    ("tickets grid: row request p95 ≤ 3× the bare SQL", _ratio_to_floor("tickets grid")),
    ("tickets grid: ≥ 20× faster than naive (medians)", _faster_than_naive("tickets grid")),
    ("orders grid: row request p95 ≤ 3× the bare SQL", _ratio_to_floor("orders grid")),
    ("orders grid: ≥ 20× faster than naive (medians)", _faster_than_naive("orders grid")),
    ("orders row 500,000, scrolled to: bare SQL of the seek", _deep_seek("orders")),
    ("tickets' deepest block, scrolled to: bare SQL of the seek", _deep_seek("tickets")),
    ("journal row 1,000,000, scrolled to: bare SQL of the seek", _deep_seek("journal")),
    ("occupancy, a year, over HTTP: p95 ≤ 2 s", _occupancy),
    ("payments export: ≥ 250,000 rows/s", _export_speed),
    ("payments export: worker memory growth < 50 MB", _export_memory),
    ("check-in: Enter → attendee shown, p95 ≤ 300 ms", _checkin),
    ("login over HTTP (no target)", _login),
    ("cold load of /tickets → first rows (no target)", _cold("tickets")),
    ("cold load of /orders → first rows (no target)", _cold("orders")),
    ("import people: 100,000 lines < 1 min (first and again)", _import_time),
    ("import people: memory flat (peak RSS, 100,000 vs 10,000 lines)", _import_memory),
]


# ---- issue #18: what people see (SPEC §9.4)


def _page_contents(result: dict) -> list[tuple[str, dict]]:
    """The page loads section's pages: (key, its time-to-content timing)."""
    found = result.get("sections", {}).get("page loads", {})
    return [(k[: -len("_content")], t) for k, t in found.items() if k.endswith("_content")]


def _page_label(timing: dict) -> str:
    return timing["name"].split(": time to content", 1)[0]


def _callbacks_of(result: dict, page: str) -> list[dict]:
    found = result.get("sections", {}).get("page loads", {})
    return [t for k, t in found.items() if k.startswith(f"{page}_cb")]


def _load_callbacks(result: dict) -> tuple[str, bool | None] | None:
    pages_found = _page_contents(result)
    if not pages_found:
        return None
    worst, over = None, 0
    for page, _timing in pages_found:
        callbacks = _callbacks_of(result, page)
        if any(c["p95"] > 0.050 for c in callbacks):
            over += 1
        for callback in callbacks:
            if worst is None or callback["p95"] > worst["p95"]:
                worst = callback
    if worst is None:
        return "no callbacks", True
    text = f"worst {_ms(worst['p95'])} ({worst['name']}); {over} of {len(pages_found)} pages over"
    return text, worst["p95"] <= 0.050


def _rows_visible(page: str) -> Callable[[dict], tuple[str, bool | None] | None]:
    def check(result: dict) -> tuple[str, bool | None] | None:
        timing = dict(_page_contents(result)).get(page)
        if not timing:
            return None
        at_least = "≥ " if timing.get("metrics", {}).get("timed_out") else ""
        text = f"{at_least}{_ms(timing['median'])} (median of {timing['runs']})"
        return text, timing["median"] <= 1.0

    return check


def _page_bytes(result: dict) -> tuple[str, bool | None] | None:
    pages_found = _page_contents(result)
    if not pages_found:
        return None
    sizes = [(t["metrics"]["bytes"], _page_label(t)) for _k, t in pages_found]
    largest, where = max(sizes)
    over = sum(1 for size, _ in sizes if size > 1.5e6)
    text = f"largest {largest / 1e6:.2f} MB ({where}); {over} of {len(sizes)} pages over"
    return text, over == 0


def _view(key: str, limit: float) -> Callable[[dict], tuple[str, bool | None] | None]:
    def check(result: dict) -> tuple[str, bool | None] | None:
        timing = _timing(result, "default views", key)
        if not timing:
            return None
        return f"{_ms(timing['p95'])} (p50 {_ms(timing['median'])})", timing["p95"] <= limit

    return check


def _load_p95_200(load: dict) -> tuple[str, bool | None] | None:
    p95 = load.get("p95_ms")
    return (f"{p95:,.0f} ms", p95 <= 200) if p95 is not None else None


def _crowd(users: int) -> Check:
    """A run with more staff than the load test's (``load-<users>-…json``): no failures;
    its p95 is reported."""

    def check(load: dict) -> tuple[str, bool | None] | None:
        crowd = load.get("crowds", {}).get(users)
        if crowd is None or crowd.get("failures") is None:
            return None
        total = crowd.get("total_requests", 0)
        return (
            f"{crowd['failures']} of {total:,} failed; p95 {crowd['p95_ms']:,.0f} ms",
            crowd["failures"] == 0,
        )

    return check


CHECKS_18: list[Check] = [
    ("every page's load callbacks: p95 ≤ 50 ms", _load_callbacks),
    ("/orders: rows visible in a fresh browser ≤ 1.0 s (median)", _rows_visible("orders")),
    ("/tickets: rows visible in a fresh browser ≤ 1.0 s (median)", _rows_visible("tickets")),
    ("/payments: rows visible in a fresh browser ≤ 1.0 s (median)", _rows_visible("payments")),
    ("every cold page: ≤ 1.5 MB over the wire", _page_bytes),
    ("default /orders first block (every order): p95 ≤ 30 ms", _view("orders_default", 0.030)),
    (
        f"default /orders first block, {grids.AT_ONCE} users at once: p95 ≤ 60 ms",
        _view("orders_default_at_once", 0.060),
    ),
    (
        f"/orders, biggest status ({grids.BIGGEST_ORDER_STATUS}), first block: p95 ≤ 50 ms",
        _view("orders_done", 0.050),
    ),
    ("default /tickets first block: p95 ≤ 50 ms", _view("tickets_default", 0.050)),
]

LOAD_CHECKS_18: list[Check] = [
    ("load test (50 staff): p95 ≤ 200 ms", _load_p95_200),
    ("load test (200 staff): 0 failures (p95 reported)", _crowd(200)),
]

# The sections issue #18's table reads (its "measured" dates are theirs).
SECTIONS_18 = ("page loads", "default views")


LOAD_CHECKS: list[Check] = [
    ("load test: 0 failed requests", _load_failures),
    ("load test: p95 of all requests < 500 ms", _load_p95),
]


def _cell(found: tuple[str, bool | None] | None) -> str:
    if found is None:
        return "—"
    text, met = found
    return text if met is None else f"{text} {'✅' if met else '❌'}"


def _verdict(found: list[tuple[str, bool | None] | None]) -> str:
    judged = [f[1] for f in found if f is not None and f[1] is not None]
    if not judged:
        return "—"
    return "yes" if all(judged) else "**no**"


def _summary(
    size: str,
    results: dict[str, dict],
    loads: dict[str, dict],
    issue: int = 8,
    checks: list[Check] = CHECKS,
    load_checks: list[Check] = LOAD_CHECKS,
    sections: tuple[str, ...] | None = None,
) -> list[str]:
    lines = [
        f"## Targets of issue #{issue} · {size} data set",
        "",
        "| target | SQLite | PostgreSQL | met? |",
        "|---|---|---|---|",
    ]
    rows = [(title, check, results) for title, check in checks]
    rows += [(title, check, loads) for title, check in load_checks]
    shown = 0
    for title, check, source in rows:
        found = [check(source[db]) if db in source else None for db in DB_NAMES]
        if any(found):
            shown += 1
            lines.append(f"| {title} | {_cell(found[0])} | {_cell(found[1])} | {_verdict(found)} |")
    if not shown:
        return []
    dates = sorted(
        {
            d
            for r in results.values()
            for name, d in (section_dates(r).items() or [("", r["date"])])
            if sections is None or name in sections
        }
        | {
            c["date"]
            for r in loads.values()
            for c in (r.get("crowds") or {None: r}).values()
            if c.get("date")
        }
    )
    if dates:
        span = dates[0] + (f" – {dates[-1]}" if len(dates) > 1 else "")
        lines += ["", f"Measured {span}.", ""]
    return lines


def _date_range(result: dict) -> str:
    dates = sorted(set(section_dates(result).values())) or [result.get("date", "?")]
    return dates[0] if len(dates) == 1 else f"{dates[0]} – {dates[-1]} (each section says when)"


def _section(name: str, timings: dict[str, dict], note: str | None = None) -> list[str]:
    title = f"### {name}" + (f" · {note}" if note else "")
    lines = [title, "", "| measurement | median | p95 | runs |", "|---|---|---|---|"]
    for timing in timings.values():
        lines.append(
            f"| {timing['name']} | {_ms(timing['median'])} | {_ms(timing['p95'])} | "
            f"{timing['runs']} |"
        )
    http, floor, naive = (timings.get(k) for k in ("http", "floor", "naive"))
    if http and floor and name in ("tickets grid", "orders grid"):
        lines += [
            "",
            f"Over HTTP against the bare SQL (p95): **{http['p95'] / floor['p95']:.2f}×** "
            "(target ≤ 3×).",
        ]
        if naive:
            lines.append(
                f"Against naive (medians): **{naive['median'] / http['median']:,.0f}× faster** "
                "(target ≥ 20×)."
            )
    elif http and floor:
        lines += [
            "",
            f"Against the floor (p95): {http['p95'] / floor['p95']:.2f}×"
            + (
                f"; naive takes {naive['median'] / http['median']:,.1f}× as long (medians)."
                if naive
                else "."
            ),
        ]
    if name == "deep pages":
        for kind in ("orders", "tickets", "journal"):
            before, seek = timings.get(f"{kind}_before"), timings.get(f"{kind}_seek_sql")
            jump = timings.get(f"{kind}_jump_sql")
            if before and seek and jump:
                lines.append(
                    f"\n{kind.capitalize()}: a deep block now costs {_ms(seek['median'])} "
                    f"by seek and {_ms(jump['median'])} by OFFSET on the index, against "
                    f"{_ms(before['median'])} before (bare SQL, medians)."
                )
    return [*lines, ""]


def _page_loads_section(timings: dict[str, dict], note: str | None = None) -> list[str]:
    """One line per page (content, bytes, worst callback), then every load callback."""
    title = "### page loads" + (f" · {note}" if note else "")
    lines = [
        title,
        "",
        "Each page in a fresh headless Chromium (empty cache) against gunicorn as in "
        "production, warm (every request of a first load sent again beforehand, so that "
        "each worker has served it); time to content on the page's clock (median of the "
        "browsers opened, which ChromeDriver does not record); bytes: what the first, "
        "recorded load received (compressed, headers included); the load callbacks: every "
        "`/_dash-update-component` request that load sent while opening, replayed over "
        "HTTP with the same session (targets: content of the lists ≤ 1 s, ≤ 1.5 MB, "
        "callbacks p95 ≤ 50 ms); console: the errors and warnings the first browser's "
        "console showed.",
        "",
        "| page | content | time to content | bytes | load callbacks | worst p95 | console |",
        "|---|---|---|---|---|---|---|",
    ]
    details = ["", "| page · load callback | p50 | p95 | runs |", "|---|---|---|---|"]
    for key, timing in timings.items():
        if not key.endswith("_content"):
            continue
        page = key[: -len("_content")]
        label, _, what = timing["name"].partition(": time to content — ")
        what = what.split(" (fresh Chromium", 1)[0]
        callbacks = [t for k, t in timings.items() if k.startswith(f"{page}_cb")]
        worst = max(callbacks, key=lambda t: t["p95"], default=None)
        metrics = timing.get("metrics", {})
        megabytes = metrics.get("bytes", 0) / 1e6
        worst_text = "—"
        if worst:
            mark = "✅" if worst["p95"] <= 0.050 else "❌"
            worst_text = f"{_ms(worst['p95'])} {mark} ({worst['name'].split(' · ', 1)[-1]})"
        at_least = "≥ " if metrics.get("timed_out") else ""
        lines.append(
            f"| {label} | {what} | {at_least}{_ms(timing['median'])} ({timing['runs']}) | "
            f"{megabytes:.2f} MB {'✅' if megabytes <= 1.5 else '❌'} | {len(callbacks)} | "
            f"{worst_text} | {metrics.get('console', 0):.0f} |"
        )
        for callback in callbacks:
            details.append(
                f"| {callback['name']} | {_ms(callback['median'])} | {_ms(callback['p95'])} | "
                f"{callback['runs']} |"
            )
    return [*lines, *details, ""]


def _load_details(load: dict) -> list[str]:
    """Who worked, what they got done, and where the time went."""
    lines = []
    if load.get("server_command"):
        lines.append(f"- server: `{load['server_command']}` (the README's production commands)")
    staff = load.get("staff") or {}
    if staff:
        lines.append("- staff: " + ", ".join(f"{n} {role}" for role, n in staff.items()))
    arrival = load.get("arrival") or {}
    if "total_requests" in arrival:
        lines.append(
            f"- before that, the staff arriving ({arrival.get('spawn_rate', '?')} logins/s): "
            f"{arrival['total_requests']:,} requests in {arrival.get('seconds', 0):.0f} s, "
            f"{arrival.get('failures', 0)} failures, p95 {arrival.get('p95_ms', 0):,.0f} ms"
        )
    stopping = load.get("stopping") or {}
    if "total_requests" in stopping:
        lines.append(
            f"- after it, while the staff were stopped: {stopping['total_requests']} requests "
            f"finished, {stopping.get('failures', 0)} failures"
        )
    done = load.get("outcomes") or {}
    if done:
        lines.append("- done: " + ", ".join(f"{what} {n:,}" for what, n in done.items()))
    server = load.get("server_side") or {}
    if "p95_ms" in server:
        lines.append(
            f"- inside the server (gunicorn's access log): p50 {server.get('p50_ms', 0):,.0f} ms, "
            f"p95 {server['p95_ms']:,.0f} ms, p99 {server.get('p99_ms', 0):,.0f} ms"
        )
    cpu = load.get("cpu_s") or {}
    if "available" in cpu:
        lines.append(
            f"- CPU seconds of the {cpu['available']:,.0f} the machine had: gunicorn "
            f"{cpu.get('gunicorn', 0):,.0f}, PostgreSQL {cpu.get('postgresql_all', 0):,.0f}, "
            f"the load generator {cpu.get('load_generator', 0):,.0f}, the whole machine "
            f"{cpu.get('whole_machine', 0):,.0f}"
        )
    return lines


def _load_section(load: dict) -> list[str]:
    where = DB_NAMES.get(load.get("db", ""), load.get("db", "?"))
    lines = [
        f"### load test · {where} · {load.get('size', '?')}",
        "",
        f"- date: {load.get('date', '?')}; machine: {load.get('machine', '?')}",
    ]
    setup = [
        f"{load['users']} staff" if "users" in load else None,
        f"{load['duration_s']} s" if "duration_s" in load else None,
        f"{load['workers']} workers × {load.get('threads', '?')} threads"
        if "workers" in load
        else None,
    ]
    if any(setup):
        lines.append("- " + ", ".join(s for s in setup if s))
    total = load.get("total_requests", load.get("requests"))
    figures = [
        f"{total:,} requests" if isinstance(total, int) else None,
        f"{load['failures']} failures" if "failures" in load else None,
        f"{load['rps']:.1f}/s" if "rps" in load else None,
    ]
    figures += [
        f"{p} {load[f'{p}_ms']:,.0f} ms" for p in ("p50", "p95", "p99", "max") if f"{p}_ms" in load
    ]
    polls = load.get("live_polls")
    actions = " (the staff's actions; their tabs' live polls below)" if polls else ""
    lines.append("- " + ", ".join(f for f in figures if f) + actions)
    if polls:
        lines.append(
            f"- live updates on: {polls['count']:,} polls of /_live, p50 {polls['p50_ms']:,.0f} ms,"
            f" p95 {polls['p95_ms']:,.0f} ms"
        )
    elif load.get("live") is False:
        lines.append("- live updates off (--no-live)")
    lines += [*_load_details(load), ""]
    endpoints = load.get("endpoints")
    if endpoints is None and isinstance(load.get("requests"), list):
        endpoints = load["requests"]
    if endpoints:
        lines += ["| request | count | failures | p50 | p95 | p99 |", "|---|---|---|---|---|---|"]

        def ms(row: dict, key: str) -> str:
            value = row.get(key, row.get(f"{key}_ms"))
            return f"{value:,.0f} ms" if isinstance(value, int | float) else "—"

        for row in endpoints:
            lines.append(
                f"| {row.get('name', '?')} | {row.get('count', '—')} | "
                f"{row.get('failures', '—')} | {ms(row, 'p50')} | {ms(row, 'p95')} | "
                f"{ms(row, 'p99')} |"
            )
        lines.append("")
    return lines


def render(results_dir: Path = RESULTS) -> str:
    runs: dict[str, dict[str, dict]] = {}  # size → db → result
    loads: dict[str, dict[str, dict]] = {}
    crowds: dict[str, dict[str, dict[int, dict]]] = {}  # size → db → staff → result
    for path in sorted(results_dir.glob("*.json")):
        try:
            result = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        db, size = result.get("db", "?"), result.get("size", "?")
        if path.name.startswith("load-") or result.get("kind") == "load":
            crowds.setdefault(size, {}).setdefault(db, {})[result.get("users", 50)] = result
        else:
            runs.setdefault(size, {})[db] = result
    # The load test (50 staff) of each data set and database, with the runs of other
    # numbers of staff beside it.
    for size, dbs in crowds.items():
        for db, by_users in dbs.items():
            standard = by_users.get(50, {})
            loads.setdefault(size, {})[db] = {**standard, "crowds": by_users}
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m bench` (see README, Benchmarks) from bench/results/*.json; "
        "each run replaces its own data set's file, `--only` its own sections. Times in ms; "
        "the floor is the bare SQL under a request (or a plain write of the same rows); the "
        "naive baseline is the tutorial way (the whole table through pandas, a "
        "client-side grid). A section's CPU reference is the machine's speed before and "
        "after it (`bench.harness.cpu_reference`: a fixed Python loop; lower is faster): "
        "this machine's speed changes by half within an hour, and a section measured "
        "while it is slow reads slower throughout.",
        "",
    ]
    sizes = sorted({*runs, *loads}, key=lambda s: (s != "full", s))
    for size in sizes:
        lines += _summary(
            size,
            runs.get(size, {}),
            loads.get(size, {}),
            issue=18,
            checks=CHECKS_18,
            load_checks=LOAD_CHECKS_18,
            sections=SECTIONS_18,
        )
        lines += _summary(size, runs.get(size, {}), loads.get(size, {}))
    for size in sizes:
        for db in DB_NAMES:
            result = runs.get(size, {}).get(db)
            if result is not None:
                lines += [
                    f"## {DB_NAMES[db]} · {size} ({result.get('orders', 0):,} orders)",
                    "",
                    f"- date: {_date_range(result)}",
                    f"- machine: {result.get('machine', '?')}",
                ]
                if result.get("seed_seconds"):
                    lines.append(f"- seeding took {result['seed_seconds']:.0f} s")
                lines.append("")
                dates = section_dates(result)
                several = len(set(dates.values())) > 1
                for name, timings in result.get("sections", {}).items():
                    date = dates[name] if several else None
                    note = f"measured {date}" if date else None
                    cpu = result.get("section_cpu", {}).get(name)
                    if cpu:  # the machine's speed then: before – after the section
                        note = (note + " · " if note else "") + (
                            f"CPU reference {cpu[0]:,}–{cpu[1]:,} ms"
                        )
                    if name == "page loads":
                        lines += _page_loads_section(timings, note)
                    else:
                        lines += _section(name, timings, note)
            for _users, load in sorted(crowds.get(size, {}).get(db, {}).items()):
                lines += _load_section(load)
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
