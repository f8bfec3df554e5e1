"""Importing people from CSV as an operator going live does it (issue 17): the real
command (`python -m dashboard import people FILE`) in a process of its own, on a file of
100,000 people, into an empty database of its own (so the bench data set is left
alone): the first import (every line new), the same file again (every line unchanged)
and a dry run. Each is timed whole, process start included, with the process's peak
memory (max RSS, from wait4): flat means the same for 10,000 and 100,000 lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.harness import Timing
from dashboard import schema

ROOT = Path(__file__).resolve().parents[1]
LINES = 100_000
SMOKE_LINES = 2_000


def _write_file(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("ФИО;Телефон;E-mail;Компания\n")
        for i in range(lines):
            out.write(
                f"Импортов{i} Иван{i % 997} Петрович;+7 95{i:08d};"
                f"import{i}@example.com;Компания {i % 500}\n"
            )


def _fresh_database(bench_url: str, directory: Path) -> str:
    url = make_url(bench_url)
    if url.get_backend_name() == "sqlite":
        directory.mkdir()
        return f"sqlite:///{directory / 'import.sqlite3'}"
    name = f"{url.database}_import_{directory.name}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _run(database_url: str, *args: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, what it printed) of one import command. The peak is the
    process's own high-water mark (VmHWM, read while it runs: it only grows); wait4's
    ru_maxrss would carry this bench process's size over the fork."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "import", "people", *args],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url},
            stdout=output,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        peak_kb = 0
        while process.poll() is None:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        output.seek(0)
        printed = output.read().strip()
    if process.returncode != 0:
        raise RuntimeError(f"import exited {process.returncode}: {printed}")
    return seconds, peak_kb / 1024, printed


def _high_water_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def people_import(bench_url: str, smoke: bool) -> dict[str, Timing]:
    lines = SMOKE_LINES if smoke else LINES
    with tempfile.TemporaryDirectory(prefix="parkdesk-import-") as folder:
        directory = Path(folder)
        small, big = directory / "small.csv", directory / "people.csv"
        _write_file(small, lines // 10)
        _write_file(big, lines)
        found = {}
        database = ""
        for key, path, args, what in (
            ("tenth_new", small, (), f"{lines // 10:,} lines, all new"),
            ("new", big, (), f"{lines:,} lines, all new"),
            ("again", big, (), f"{lines:,} lines again, all unchanged"),
            ("dry_run", big, ("--dry-run",), f"{lines:,} lines, dry run"),
        ):
            if key in ("tenth_new", "new"):  # an empty database for each first import
                database = _fresh_database(bench_url, directory / key)
                schema.upgrade(database)
            seconds, rss, output = _run(database, str(path), *args)
            print(f"  {what}: {seconds:.1f} s, max RSS {rss:.0f} MB — {output}", flush=True)
            found[key] = Timing(
                f"import people: {what}",
                [seconds],
                {"lines": lines // 10 if key == "tenth_new" else lines, "rss_mb": rss},
            )
        return found
