"""Run the benchmarks and write bench/RESULTS.md.

python -m bench --size full --db sqlite        # seeds 1,000,000 orders once (~3 min)
python -m bench --size small --db postgresql   # quick
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench import checkin, dataset, exports, grids, occupancy

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
    return f"{cpu}, {cores} cores, Python {platform.python_version()}"


SECTIONS = {
    "tickets grid": grids.tickets_grid,
    "orders grid": grids.orders_grid,
    "occupancy": lambda url, runs: occupancy.occupancy_year(url, max(5, runs // 3)),
    "check-in desk": checkin.checkin_desk,
    "payments export": exports.payments_export,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--size", choices=sorted(dataset.SIZES), default="small")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--only",
        nargs="*",
        choices=sorted(SECTIONS),
        help="run these sections only; the others keep their last results",
    )
    args = parser.parse_args()

    url, seeded = dataset.ensure(args.db, args.size)
    previous = RESULTS / f"{args.db}-{args.size}.json"
    kept = json.loads(previous.read_text())["sections"] if args.only and previous.exists() else {}
    chosen = args.only or list(SECTIONS)
    sections = {name: SECTIONS[name](url, args.runs) for name in chosen}
    result = {
        "db": args.db,
        "size": args.size,
        "orders": dataset.SIZES[args.size],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "seed_seconds": seeded,
        "sections": kept
        | {
            name: {
                key: {"name": t.name, "median": t.median, "p95": t.p95, "runs": len(t.samples)}
                for key, t in timings.items()
            }
            for name, timings in sections.items()
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.db}-{args.size}.json").write_text(json.dumps(result, indent=2))
    REPORT.write_text(render())
    print(render())
    return 0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def render() -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m bench`; each run replaces its own section (bench/results/*.json).",
        "",
    ]
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text())
        lines += [
            f"## {result['db']} · {result['size']} ({result['orders']:,} orders)",
            "",
            f"- date: {result['date']}",
            f"- machine: {result['machine']}",
        ]
        if result.get("seed_seconds"):
            lines.append(f"- seeding took {result['seed_seconds']:.0f} s")
        lines.append("")
        for name, timings in result["sections"].items():
            lines += [
                f"### {name}",
                "",
                "| measurement | median | p95 | runs |",
                "|---|---|---|---|",
            ]
            for timing in timings.values():
                lines.append(
                    f"| {timing['name']} | {_ms(timing['median'])} | "
                    f"{_ms(timing['p95'])} | {timing['runs']} |"
                )
            if {"http", "floor", "naive"} <= set(timings):
                http, floor, naive = timings["http"], timings["floor"], timings["naive"]
                lines += [
                    "",
                    f"p95 over HTTP / bare SQL p95: **{http['p95'] / floor['p95']:.2f}×** "
                    "(target ≤ 3×); naive median / HTTP median: "
                    f"**{naive['median'] / http['median']:.0f}×** faster (target ≥ 20×).",
                ]
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
