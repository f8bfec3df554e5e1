"""The README's production section is what the load test runs, and the gunicorn settings
it names add up: threads per worker, connections per pool, PostgreSQL's limit."""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
GUNICORN_CONF = ROOT / "dashboard" / "gunicorn_conf.py"
SERVER = ".venv/bin/gunicorn -c dashboard/gunicorn_conf.py dashboard.wsgi:server"
# PostgreSQL's defaults: max_connections 100, of which superuser_reserved_connections 3.
POSTGRES_CONNECTIONS = 100 - 3


def _production_block() -> str:
    section = README.read_text().split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def load_test_commands() -> dict:
    """What ``python -m bench.load`` would run (its own process: locust patches gevent in)."""
    printed = subprocess.run(
        [sys.executable, "-m", "bench.load", "--print-commands"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(printed.stdout)


def _settings(monkeypatch, **env: str) -> dict:
    for name in (
        "PARKDESK_BIND",
        "WEB_CONCURRENCY",
        "PARKDESK_THREADS",
        "PARKDESK_CONTROL_SOCKET",
        "PARKDESK_WORKER_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_the_load_test_runs_the_readme_commands_line_for_line(load_test_commands):
    lines = [line.split("  #")[0].strip() for line in _production_block().splitlines()]
    assert load_test_commands["server"] == SERVER
    assert SERVER in lines
    assert load_test_commands["create_user"] in lines
    assert ".venv/bin/python -m dashboard init-db" in load_test_commands["setup"]
    assert all(command in lines for command in load_test_commands["setup"])
    assert load_test_commands["env"]["PARKDESK_ENV"] == "production"


def test_the_readme_pool_has_a_connection_for_every_thread_within_postgresql_limit(
    load_test_commands,
):
    env = load_test_commands["env"]
    workers, threads = int(env["WEB_CONCURRENCY"]), int(env["PARKDESK_THREADS"])
    pool = int(env["PARKDESK_DB_POOL_SIZE"])
    assert pool >= threads
    # SQLAlchemy's overflow equals the pool size (dashboard/db.py): two hosts must fit.
    assert 2 * workers * 2 * pool <= POSTGRES_CONNECTIONS


def test_production_workers_run_threads_and_take_work_only_with_a_thread_free(monkeypatch):
    settings = _settings(monkeypatch)
    assert (settings["workers"], settings["worker_class"], settings["threads"]) == (
        4,
        "gthread",
        4,
    )
    assert settings["worker_connections"] == settings["threads"]
    assert settings["keepalive"] == 0
    assert settings["preload_app"] is False
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["graceful_timeout"] >= 60
    assert settings["control_socket_disable"] is True


def test_the_gunicorn_settings_follow_the_environment(monkeypatch):
    settings = _settings(
        monkeypatch,
        PARKDESK_BIND="unix:/run/parkdesk.sock",
        WEB_CONCURRENCY="2",
        PARKDESK_THREADS="8",
        PARKDESK_CONTROL_SOCKET="/run/parkdesk/gunicorn.ctl",
    )
    assert (settings["bind"], settings["workers"], settings["threads"]) == (
        "unix:/run/parkdesk.sock",
        2,
        8,
    )
    assert settings["worker_connections"] == 8
    assert settings["control_socket"] == "/run/parkdesk/gunicorn.ctl"
    assert settings["control_socket_disable"] is False
