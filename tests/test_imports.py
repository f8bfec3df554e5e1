"""Every module of the project imports on its own: no circular import, no page that
needs an app first, no module that only works because another was imported before it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dashboard import schema

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("dashboard", "pages", "callbacks", "services", "models", "demo")
# Alembic's environment and revisions run inside a migration context, not on import.
NOT_IMPORTABLE_ALONE = ("dashboard.migrations",)

# Runs in a fresh interpreter: the third-party libraries are imported once, then each
# project module is imported in a forked child that has imported nothing of the project
# (as many children at once as there are cores).
CHILD = r"""
import json, os, sys, traceback
import dash, dash_ag_grid, dash_bootstrap_components, flask, flask_login, pandas, plotly, sqlalchemy
failures, running = {}, {}
names = json.loads(sys.argv[1])
at_once = max(2, os.cpu_count() or 1)


def reap():
    pid, status = os.wait()
    if status:
        failures[running[pid]] = status
    del running[pid]


for name in names:
    if len(running) >= at_once:
        reap()
    pid = os.fork()
    if pid == 0:
        try:
            __import__(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    running[pid] = name
while running:
    reap()
print(json.dumps(failures))
"""


def project_modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if not name.startswith(NOT_IMPORTABLE_ALONE):
                names.append(name)
    return names


def test_every_package_of_the_project_is_covered():
    assert {name.split(".")[0] for name in project_modules()} == set(PACKAGES)


def test_every_module_imports_alone_in_a_fresh_interpreter(tmp_path):
    # dashboard.wsgi builds the app on import: give it a migrated database of its own.
    database_url = f"sqlite:///{tmp_path / 'imports.db'}"
    schema.upgrade(database_url)
    environment = os.environ | {"PARKDESK_INSTANCE": str(tmp_path), "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(project_modules())],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.splitlines()[-1])
    assert failures == {}, result.stderr
