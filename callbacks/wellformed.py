"""The callback endpoint answers only calls of this app's server callbacks.

Dash looks the body of ``/_dash-update-component`` up in its callback map and
indexes into it without checking its shape: a body naming a clientside or an
unknown output, or with inputs of another shape than the callback's, raises a
``KeyError`` or ``TypeError`` inside Dash — a 500. The browser never sends
such a body; whoever does gets a 400 before Dash sees it. The values inside
the slots are the callbacks' business (they check them and refuse in words).
The shape itself is Dash's, not a public API: dashboard/dash_compat.py reads it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dash import Dash
from flask import jsonify, request

from dashboard.dash_compat import (
    is_wildcard,
    output_parts,
    pattern_id,
    property_name,
    server_callback,
    several_outputs,
    split_prop_id,
)

_SCALARS = (str, int, float, bool)
# What a browser's location holds: Dash's own page router reads it unchecked (a
# ``pathname`` of null, a number or without its leading slash is a 500 inside Dash).
LOCATION = "_pages_location"
LOCATION_VALUES: dict[str, Callable[[object], bool]] = {
    "pathname": lambda value: isinstance(value, str) and value.startswith("/"),
    "href": lambda value: isinstance(value, str),
    "search": lambda value: value is None or isinstance(value, str),
    "hash": lambda value: value is None or isinstance(value, str),
}


def _item_fits(item: object, spec: dict[str, str], pattern: dict[str, Any] | None) -> bool:
    if not isinstance(item, dict) or item.get("property") != spec["property"]:
        return False
    if pattern is None:
        if item.get("id") != spec["id"]:
            return False
        if spec["id"] == LOCATION and spec["property"] in LOCATION_VALUES:
            return LOCATION_VALUES[spec["property"]](item.get("value"))
        return True
    found = item.get("id")
    if not isinstance(found, dict) or set(found) != set(pattern):
        return False
    return all(
        isinstance(found[key], _SCALARS) if is_wildcard(value) else found[key] == value
        for key, value in pattern.items()
    )


def _changed_fits(prop_id: object, specs: list[dict[str, str]]) -> bool:
    """A "<id>.<property>" of one of the callback's inputs (a dict id as JSON text)."""
    if not isinstance(prop_id, str):
        return False
    component, prop = split_prop_id(prop_id)
    for spec in specs:
        pattern = pattern_id(spec["id"])
        if pattern is None:
            if component == spec["id"] and prop == spec["property"]:
                return True
            continue
        try:
            found = json.loads(component)
        except ValueError:
            continue
        if _item_fits({"id": found, "property": prop}, spec, pattern):
            return True
    return False


def _slot_fits(slot: object, spec: dict[str, str]) -> bool:
    pattern = pattern_id(spec["id"])
    many = pattern is not None and any(
        is_wildcard(value) and value[0] != "MATCH" for value in pattern.values()
    )
    if many:
        return isinstance(slot, list) and all(_item_fits(item, spec, pattern) for item in slot)
    return _item_fits(slot, spec, pattern)


def _slots_fit(slots: object, specs: list[dict[str, str]]) -> bool:
    return (
        isinstance(slots, list)
        and len(slots) == len(specs)
        and all(_slot_fits(slot, spec) for slot, spec in zip(slots, specs, strict=True))
    )


def _outputs_fit(outputs: object, output: str) -> bool:
    expected = output_parts(output)
    given = outputs if several_outputs(output) else [outputs]
    if not isinstance(given, list) or len(given) != len(expected):
        return False
    for item, (component, prop) in zip(given, expected, strict=True):
        # The renderer sends a single output's property with its allow_duplicate hash.
        if not isinstance(item, dict) or not isinstance(item.get("property"), str):
            return False
        if property_name(item["property"]) != prop:
            return False
        if not component.startswith("{") and item.get("id") != component:
            return False
    return True


def is_call(body: object, callback_map: dict[str, dict[str, Any]]) -> bool:
    """Whether ``body`` calls one of the app's server callbacks in the renderer's shape."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    callback = server_callback(callback_map, body["output"])
    if callback is None:  # unknown, or a clientside callback
        return False
    changed = body.get("changedPropIds", [])
    return (
        isinstance(changed, list)
        and all(_changed_fits(prop_id, callback["inputs"]) for prop_id in changed)
        and _outputs_fit(body.get("outputs"), body["output"])
        and _slots_fit(body.get("inputs"), callback["inputs"])
        # The renderer leaves out an empty state.
        and _slots_fit(body.get("state", []), callback["state"])
    )


def refuse_malformed_calls(app: Dash) -> None:
    """Answer 400 to a callback POST that is not a call of a server callback. Installed
    after the login guard and CSRF protection, so those answer first (401, 400)."""
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"

    def check():
        if request.path != endpoint or request.method != "POST":
            return None
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested deeper than the JSON parser goes: no call of ours
            body = None
        if not is_call(body, app.callback_map):
            return jsonify(error="not a call of a callback of this app"), 400
        return None

    app.server.before_request(check)
