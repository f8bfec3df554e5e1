"""Replaying the callback POSTs the Dash renderer sends, through the real Flask server."""

from __future__ import annotations

from typing import Any


def dependencies(client) -> list[dict[str, Any]]:
    response = client.get("/_dash-dependencies")
    assert response.status_code == 200, response.status_code
    return response.get_json()


def find_callback(client, input_id: str, prop: str = "n_clicks") -> dict[str, Any]:
    matches = [
        dep
        for dep in dependencies(client)
        if any(i["id"] == input_id and i["property"] == prop for i in dep["inputs"])
    ]
    assert len(matches) == 1, f"{len(matches)} callbacks take {input_id}.{prop}"
    return matches[0]


def outputs_of(output: str) -> list[dict[str, str]] | dict[str, str]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    specs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        specs.append({"id": component, "property": prop.split("@")[0]})
    return specs if output.startswith("..") else specs[0]


def callback_body(dep: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The JSON the renderer sends: every input and state with the given values
    (missing ones None), the first input as the one that changed."""
    inputs = [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]]
    state = [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in dep["state"]]
    first = dep["inputs"][0]
    body = {
        "output": dep["output"],
        "outputs": outputs_of(dep["output"]),
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }
    return body


def post_callback(client, dep: dict[str, Any], values: dict[str, Any], csrf: bool = True):
    """POST a callback through a Flask test client, with the session's CSRF token."""
    token = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": token.value} if csrf and token else {}
    return client.post("/_dash-update-component", json=callback_body(dep, values), headers=headers)
