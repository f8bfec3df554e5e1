"""Replaying the callback POSTs the Dash renderer sends, through the real Flask server."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

# Dash appends "@<hash of the inputs>" to an output registered with allow_duplicate.
_DUPLICATE_SUFFIX = re.compile(r"@[0-9a-f]{64}")


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


def pattern_type(component_id: str) -> str | None:
    """The ``type`` of a pattern-matching id as the dependencies list it (a JSON text)."""
    if not component_id.startswith("{"):
        return None
    return json.loads(component_id).get("type")


def stringify_id(component_id: dict[str, Any]) -> str:
    """A dict id as the renderer writes it in ``changedPropIds``: keys sorted, compact."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _slot(spec: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | list:
    """One input or state as the renderer sends it. A pattern-matching (ALL) slot is
    given under ``"<type>.<property>"`` as a list of ``(id dict, value)`` pairs."""
    kind = pattern_type(spec["id"])
    if kind is None:
        return {**spec, "value": values.get(f"{spec['id']}.{spec['property']}")}
    return [
        {"id": component_id, "property": spec["property"], "value": value}
        for component_id, value in values.get(f"{kind}.{spec['property']}") or []
    ]


def callback_body(
    dep: dict[str, Any], values: dict[str, Any], changed: str | None = None
) -> dict[str, Any]:
    """The JSON the renderer sends: every input and state with the given values
    (missing ones None), the first input as the one that changed unless ``changed``
    names another ("id.property")."""
    inputs = [_slot(i, values) for i in dep["inputs"]]
    state = [_slot(s, values) for s in dep["state"]]
    if changed is None:
        first = inputs[0]
        if isinstance(first, list):
            changed = f"{stringify_id(first[0]['id'])}.{first[0]['property']}" if first else ""
        else:
            changed = f"{first['id']}.{first['property']}"
    body = {
        "output": dep["output"],
        "outputs": outputs_of(dep["output"]),
        "inputs": inputs,
        "state": state,
        "changedPropIds": [changed] if changed else [],
    }
    return body


def post_callback(
    client,
    dep: dict[str, Any],
    values: dict[str, Any],
    csrf: bool = True,
    changed: str | None = None,
):
    """POST a callback through a Flask test client, with the session's CSRF token."""
    token = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": token.value} if csrf and token else {}
    return client.post(
        "/_dash-update-component", json=callback_body(dep, values, changed), headers=headers
    )


def callback_keys(deps: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The app's callbacks by a readable, stable key: the output without Dash's
    allow_duplicate hashes; where two callbacks share that, "<output> <- <first input>"."""
    plain = [_DUPLICATE_SUFFIX.sub("", dep["output"]) for dep in deps]
    shared = Counter(plain)
    keyed: dict[str, dict[str, Any]] = {}
    for output, dep in zip(plain, deps, strict=True):
        key = output
        if shared[output] > 1:
            first = dep["inputs"][0]
            key = f"{output} <- {first['id']}.{first['property']}"
        assert key not in keyed, f"two callbacks have the key {key}"
        keyed[key] = dep
    return keyed


def grid_rows_key(grid: str, by: str = "getRowsRequest") -> str:
    """The key (``callback_keys``) of an infinite grid's rows callback: the one the grid's
    requests call, or (``by="id"``) the one that answers its first block as the page
    opens (callbacks.common.answer_first_block_early)."""
    count = grid.removesuffix("-grid") + "-count"
    return f"..{grid}.getRowsResponse...{count}.children.. <- {grid}.{by}"


def answer_text(response) -> str:
    """A callback answer as readable text (JSON without \\u escapes), for searching."""
    if not response.data:
        return ""
    try:
        return json.dumps(response.get_json(), ensure_ascii=False)
    except (ValueError, TypeError):
        return response.get_data(as_text=True)


# --- one app and database for a whole test module ---------------------------------------------

ROLE_EMAILS = {
    "admin": "admin@parkdesk.local",
    "rental_manager": "rental@parkdesk.local",
    "service_manager": "service@parkdesk.local",
    "event_manager": "events@parkdesk.local",
    "executive": "exec@parkdesk.local",
    "accountant": "accounting@parkdesk.local",
}


def module_database_url(request, tmp_path_factory) -> str:
    """A migrated, empty database for a module-scoped fixture."""
    from tests.conftest import fresh_database_url

    return fresh_database_url(request, tmp_path_factory.mktemp("site"))


class Site:
    """One app over one database, with a logged-in test client per role (each holding
    its session's CSRF cookie) and the app's callbacks by ``callback_keys``."""

    def __init__(self, database_url: str) -> None:
        from dashboard import create_app
        from dashboard.config import Config
        from dashboard.db import Database
        from demo.staff import create_demo_staff

        self.db = Database(database_url)
        with self.db.write() as session:
            self.staff_ids = create_demo_staff(session)
        config = Config(database_url=database_url, secret_key="test-secret-key", testing=True)
        self.app = create_app(config)
        self.clients = {role: self.logged_in(email) for role, email in ROLE_EMAILS.items()}
        self.deps = dependencies(self.clients["admin"])
        self.callbacks = callback_keys(self.deps)

    def logged_in(self, email: str):
        from tests.conftest import login

        client = self.app.server.test_client()
        assert login(client, email).status_code == 302
        assert client.get("/").status_code == 200  # sets the CSRF cookie
        return client

    def anonymous(self):
        return self.app.server.test_client()

    def user_id(self, role: str) -> int:
        return self.staff_ids[ROLE_EMAILS[role]]

    def post(self, role: str, key: str, values: dict[str, Any], changed: str | None = None):
        return post_callback(self.clients[role], self.callbacks[key], values, changed=changed)

    def close(self) -> None:
        self.app.server.extensions["parkdesk_db"].dispose()
        self.db.dispose()
