"""Imports point one way: services and models know nothing of the web layer, and the
app knows nothing of the demo data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB = {
    "dash",
    "dash_bootstrap_components",
    "dash_ag_grid",
    "flask",
    "flask_login",
    "flask_wtf",
    "flask_babel",
    "werkzeug",
    "pages",
    "callbacks",
    "dashboard",
    "plotly",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["services", "models", "demo"])
def test_the_rules_import_nothing_from_the_web_layer(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & WEB)
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & WEB
    }
    assert offenders == {}


def _modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


def test_pages_do_no_database_work():
    """Pages build layouts from plain data; labels (models.statuses) are fine, sessions not."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "pages").rglob("*.py")
        if "sqlalchemy" in _imports(p) or _modules(p) & {"models", "dashboard.db"}
    ]
    assert offenders == []


def _demo_imports(tree: ast.AST) -> list[ast.stmt]:
    """The statements of ``tree`` that import ``demo`` or a module of it."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name.split(".")[0] == "demo" for name in names):
            found.append(node)
    return found


def test_only_the_seed_command_imports_the_demo_data():
    """The app runs without demo/: no rule, model, page, callback or part of the
    dashboard imports it, except the CLI's seed command inside its own function."""
    seed_command = ROOT / "dashboard" / "__main__.py"
    offenders = []
    for package in ("services", "models", "dashboard", "pages", "callbacks"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            allowed: set[int] = set()
            if path == seed_command:
                [command] = [
                    node
                    for node in tree.body
                    if isinstance(node, ast.FunctionDef) and node.name == "_seed"
                ]
                allowed = {id(node) for node in _demo_imports(command)}
                assert allowed, "the seed command no longer imports demo: update this test"
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in _demo_imports(tree)
                if id(node) not in allowed
            ]
    assert offenders == []


def test_the_demo_staff_accounts_come_without_the_generator():
    """Test fixtures import demo.staff for six accounts; that loads neither the
    generator nor its tables."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, demo.staff; print(*sorted(m for m in sys.modules if m[:4] == 'demo'))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert loaded.split() == ["demo", "demo.staff"]
