"""A real HTTP server on a free loopback port, for the tests and the benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from werkzeug.serving import make_server

# Chromium's own work that is not the page's, switched off in every Chromium the tests and
# the benchmarks start. Chromium 156 draws the omnibox's popup as a web page of its own
# (WebUI) and loads it beside the page being opened, on every navigation: a headless
# browser never shows it, and on a 2-core machine its half a second of CPU competes with
# the page and the server (the cold /orders showed its rows 0.2 s later with it on).
# The browser then uses its classic popup, drawn natively when shown.
CHROMIUM_FLAGS = ("--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",)


@contextmanager
def serving(wsgi_app) -> Iterator[str]:
    """``wsgi_app`` served by Werkzeug's threaded server for the block; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def gunicorn_serving(database_url: str, workers: int = 2) -> Iterator[str]:
    """Parkdesk in a gunicorn of ``workers`` processes, configured as in production, for
    the block; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "shared-by-every-worker",
        "PARKDESK_ENV": "production",
        "PARKDESK_SECURE_COOKIES": "0",
    }
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--log-level", "warning", "dashboard.wsgi:server"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # still booting
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn at {base} did not start")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
