"""Element ids live in dashboard/ids.py. ``suppress_callback_exceptions=True`` (needed for
data-free layouts) would hide a typo in a callback's id, so these tests do not: every id a
callback names is a constant of ``ids``, and a constant a callback names is put into some
layout (a component built with that id) by the pages or the shell."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from dash.dependencies import DashDependency

from dashboard import ids

ROOT = Path(__file__).resolve().parent.parent
# The modules that build components: the pages and the frame around them.
LAYOUT_SOURCES = [*sorted((ROOT / "pages").glob("*.py")), ROOT / "dashboard" / "shell.py"]
# Dash pages' own elements (dash.page_container and its router callbacks).
DASH_PAGES = {"_pages_location", "_pages_content", "_pages_store", "_pages_dummy"}
CONSTANTS = {
    value: name for name, value in vars(ids).items() if name.isupper() and isinstance(value, str)
}


def _dependencies(app) -> list[DashDependency | dict]:
    found = []
    for callback in app.callback_map.values():
        outputs = callback["output"]
        found += outputs if isinstance(outputs, list) else [outputs]
        found += callback["inputs"] + callback["state"]
    return found


def _element_ids(app) -> set[str]:
    """The id of every element a callback names; of a pattern-matching id, its type."""
    names = set()
    for dependency in _dependencies(app):
        element = dependency["id"] if isinstance(dependency, dict) else dependency.component_id
        if isinstance(element, str) and element.startswith("{"):
            element = json.loads(element)
        names.add(element["type"] if isinstance(element, dict) else _family(element))
    return names - DASH_PAGES


def _family(element: str) -> str:
    """An element of a family of ids (``ids.one_of``) by its family."""
    return next((f for f in ids.FAMILIES if element.startswith(f + "-")), element)


def _ids_given_to_components() -> set[str]:
    """The ``ids`` constants that appear in an ``id=`` argument (or in a function that
    builds a component from an id it is given) of a layout module."""
    given = set()
    for path in LAYOUT_SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    for inner in ast.walk(argument):
                        if (
                            isinstance(inner, ast.Attribute)
                            and isinstance(inner.value, ast.Name)
                            and inner.value.id == "ids"
                        ):
                            given.add(getattr(ids, inner.attr))
    return given


def test_every_id_a_callback_names_is_a_constant_of_dashboard_ids(app):
    assert sorted(_element_ids(app) - CONSTANTS.keys()) == []


def test_every_id_a_callback_names_is_given_to_a_component_by_some_layout(app):
    missing = _element_ids(app) - _ids_given_to_components()
    assert sorted(CONSTANTS.get(value, value) for value in missing) == []


def test_the_check_sees_a_typo(app):
    """The two tests above would pass vacuously if no id were found at all."""
    found = _element_ids(app)
    assert ids.ORDERS_GRID in found and ids.ORDER_WORK in found
    assert "orders-grid " not in found
