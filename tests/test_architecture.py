"""Imports point one way: services and models know nothing of the web layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB = {"dash", "dash_bootstrap_components", "dash_ag_grid", "flask", "flask_login", "flask_wtf",
       "flask_babel", "werkzeug", "pages", "callbacks", "dashboard", "plotly"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["services", "models"])
def test_the_rules_import_nothing_from_the_web_layer(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & WEB)
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & WEB
    }
    assert offenders == {}


def _modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return {node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module}


def test_pages_do_no_database_work():
    """Pages build layouts from plain data; labels (models.statuses) are fine, sessions not."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "pages").rglob("*.py")
                 if "sqlalchemy" in _imports(p) or _modules(p) & {"models", "dashboard.db"}]
    assert offenders == []
