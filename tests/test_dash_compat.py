"""dashboard/dash_compat.py holds what Parkdesk takes from Dash beyond its public API.
These tests fail when Dash changes underneath it: another version installed or pinned,
or a piece that no longer behaves as the module assumes. On such a failure, read the new
Dash's code for each piece, adjust the module, then its DASH_VERSION."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import re
from pathlib import Path

import dash
import dash._pages
import dash.types

from dashboard import dash_compat
from dashboard.dash_compat import (
    DASH_VERSION,
    is_wildcard,
    output_parts,
    path_to_page,
    pattern_id,
    server_callback,
    several_outputs,
    split_prop_id,
)

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("dashboard", "pages", "callbacks", "services", "models", "bench", "scripts")


def test_the_installed_dash_is_the_version_the_module_was_checked_against():
    assert importlib.metadata.version("dash") == DASH_VERSION == dash.__version__


def test_requirements_pin_the_dash_the_module_was_checked_against():
    pins = re.findall(
        r"^dash(?:\[testing\])?==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M
    )
    assert pins == [DASH_VERSION, DASH_VERSION]


def test_only_the_compatibility_module_imports_private_parts_of_dash():
    offenders = []
    for package in PROJECT:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                if any(name.startswith(("dash._", "dash_ag_grid._")) for name in names):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == ["dashboard/dash_compat.py"]


def test_the_router_matches_paths_with_the_function_the_guard_uses():
    assert dash_compat._path_to_page is dash._pages._path_to_page
    source = inspect.getsource(dash.Dash.enable_pages)
    assert "def router_sync" in source
    assert "def router_async" in source
    assert source.count("_path_to_page(") == 2  # one call in each


def test_a_path_is_matched_to_the_page_the_router_shows(app):
    assert path_to_page("")[0]["module"] == "pages.overview"
    page, variables = path_to_page("orders")
    assert (page["module"], variables) == ("pages.orders", None)
    page, variables = path_to_page("orders/1042")
    assert (page["module"], variables) == ("pages.order", {"number": "1042"})
    assert path_to_page("no-such-page") == ({}, None)


def _entry(app, output: str) -> tuple[str, dict]:
    """The callback map's key and entry whose key is ``output`` (a callback of no
    allow_duplicate output), or else the one whose key, without hashes, is."""
    if output in app.callback_map:
        return output, app.callback_map[output]
    found = [
        (key, entry)
        for key, entry in app.callback_map.items()
        if re.sub(r"@[0-9a-f]{64}", "", key) == output
    ]
    assert len(found) == 1, f"{len(found)} callbacks write {output}"
    return found[0]


def test_the_callback_map_keys_and_entries_are_as_the_call_check_reads_them(app):
    key, rows = _entry(app, "..payments-grid.getRowsResponse...payments-count.children..")
    assert several_outputs(key)
    assert output_parts(key) == [
        ("payments-grid", "getRowsResponse"),
        ("payments-count", "children"),
    ]
    assert server_callback(app.callback_map, key) is rows
    assert rows["inputs"] == [{"id": "payments-grid", "property": "getRowsRequest"}]
    assert rows["state"] == [{"id": "payments-filters", "property": "data"}]

    # The orders grid's seek context: a clientside callback of an allow_duplicate output.
    duplicate = next(
        key
        for key, entry in app.callback_map.items()
        if key.startswith("orders-sync.data@")
        and entry["inputs"] == [{"id": "orders-grid", "property": "id"}]
    )
    assert re.fullmatch(r"orders-sync\.data@[0-9a-f]{64}", duplicate)
    assert not several_outputs(duplicate)
    assert output_parts(duplicate) == [("orders-sync", "data")]
    assert server_callback(app.callback_map, duplicate) is None
    assert server_callback(app.callback_map, "no-such-output.children") is None


def test_a_pattern_matching_input_is_kept_as_json_text_with_wildcards_as_lists(app):
    _key, presets = _entry(app, "..payments-filter-from.value...payments-filter-to.value..")
    (spec,) = presets["inputs"]
    assert spec["property"] == "n_clicks"
    assert pattern_id(spec["id"]) == {"preset": ["ALL"], "type": "payments-preset"}
    assert is_wildcard(pattern_id(spec["id"])["preset"])
    assert not is_wildcard("ALL")
    assert pattern_id("payments-grid") is None


def test_a_call_has_the_keys_the_call_check_reads():
    assert set(dash.types.CallbackExecutionBody.__annotations__) == {
        "output",
        "outputs",
        "inputs",
        "state",
        "changedPropIds",
    }


def test_a_changed_property_splits_at_its_last_dot():
    assert split_prop_id("payments-grid.getRowsRequest") == ("payments-grid", "getRowsRequest")
    assert split_prop_id('{"preset":"30-days","type":"payments-preset"}.n_clicks') == (
        '{"preset":"30-days","type":"payments-preset"}',
        "n_clicks",
    )
