"""What Parkdesk relies on in Dash beyond its public API, in one place.

Checked against Dash ``DASH_VERSION``, the version requirements.txt pins.
tests/test_dash_compat.py fails when the installed Dash is another one, and tries each
piece below against the installed Dash, so that an upgrade means reading this module
again rather than finding out in production. Nothing here imports the rest of Parkdesk.

- The page router's own matching of a path to a registered page
  (``dash._pages._path_to_page``, private): the page guard answers 404 and 403 for
  exactly the pages the router shows (dashboard/shell.py).
- The format of a callback call, which callbacks/wellformed.py checks before Dash reads
  it: the renderer's POST body (``output``, ``outputs``, ``inputs``, ``state`` — left
  out when empty — and ``changedPropIds``, each "<id>.<property>") and
  ``Dash.callback_map``, keyed by the output id — ``id.property``, or
  ``..a.x...b.y..`` for several outputs, a property followed by ``@<hash>`` when it
  allows duplicates — with ``callback`` in the entry of a server callback only, and
  ``inputs`` and ``state`` as ``{"id", "property"}`` with a pattern-matching id as JSON
  text in which a wildcard is ``["ALL"]``, ``["ALLSMALLER"]`` or ``["MATCH"]``.
- The page container (``dash.page_container``: a ``dcc.Location`` ``_pages_location``,
  the content ``_pages_content``, the title's store ``_pages_store``, a dummy
  ``_pages_dummy``) and the router's reading of a query string
  (``dash._pages._parse_query_string``, private): ``page_container_showing`` builds the
  container with a page already in it, which the router leaves alone because its
  Location already holds the address (dcc.Location reports only what it lacks).
- Dash's first-request setup (``Dash._setup_server``, private, a before_request hook that
  marks itself done before it is): ``set_up_before_any_request`` serialises it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE

DASH_VERSION = "4.4.1"

WILDCARDS = ("ALL", "ALLSMALLER", "MATCH")


def path_to_page(path: str) -> tuple[dict[str, Any], dict[str, str] | None]:
    """The registered page the router shows at ``path`` (no slashes around it) and the
    variables of its path template; ``({}, None)`` when none matches."""
    return _path_to_page(path)


def query_parameters(search: str) -> dict[str, Any]:
    """A query string as the router passes it to a page's layout."""
    return _parse_query_string(search)


def page_container_showing(pathname: str, search: str, content: Any, title: str) -> html.Div:
    """``dash.page_container`` with the page at ``pathname`` + ``search`` already in it.

    Its Location holds the address, so it reports nothing when it mounts and the
    router's callback (which runs on a change of ``pathname`` or ``search``) is not
    called: the page shows with the app's first layout, one round trip sooner. The
    Location still reports ``href`` and ``hash``, which no callback reads."""
    return html.Div(
        [
            dcc.Location(id=_ID_LOCATION, refresh="callback-nav", pathname=pathname, search=search),
            html.Div(content, id=_ID_CONTENT, disable_n_clicks=True),
            dcc.Store(id=_ID_STORE, data={"title": title}),
            html.Div(id=_ID_DUMMY, disable_n_clicks=True),
        ]
    )


def server_callback(
    callback_map: Mapping[str, dict[str, Any]], output: str
) -> dict[str, Any] | None:
    """The callback map's entry for ``output`` if it is a server callback (a clientside
    one has no Python function to call)."""
    entry = callback_map.get(output)
    return entry if entry is not None and "callback" in entry else None


def pattern_id(component_id: str) -> dict[str, Any] | None:
    """A pattern-matching id as the callback map keeps it (JSON text), parsed; None for
    a plain id."""
    return json.loads(component_id) if component_id.startswith("{") else None


def is_wildcard(value: object) -> bool:
    """A wildcard as it appears in a parsed pattern-matching id."""
    return isinstance(value, list) and len(value) == 1 and value[0] in WILDCARDS


def several_outputs(output: str) -> bool:
    """Whether a callback id names several outputs (the renderer then sends a list)."""
    return output.startswith("..")


def output_parts(output: str) -> list[tuple[str, str]]:
    """(component id, property) of each output a callback id names, without the
    ``@<hash>`` of an output that allows duplicates."""
    parts = output[2:-2].split("...") if several_outputs(output) else [output]
    return [
        (component, property_name(prop))
        for component, _, prop in (part.rpartition(".") for part in parts)
    ]


def property_name(prop: str) -> str:
    """A property as sent, without the ``@<hash>`` an allow_duplicate output carries."""
    return prop.split("@")[0]


def split_prop_id(prop_id: str) -> tuple[str, str]:
    """``changedPropIds``' "<id>.<property>" (a dict id as JSON text) in two."""
    component, _, prop = prop_id.rpartition(".")
    return component, prop


def set_up_before_any_request(app: Any) -> None:
    """Dash registers its scripts on a worker's first request, in a before_request hook
    that marks itself done before it is: a request arriving on another thread meanwhile
    finds no script registered and is answered 500 (a fresh browser's burst of script
    requests just after a restart or deploy). A hook of ours, first in line, lets one
    thread run that setup while the others wait for it."""
    lock = threading.Lock()
    done = threading.Event()

    def set_up() -> None:
        if done.is_set():
            return
        with lock:
            if not done.is_set():
                app._setup_server()
                done.set()

    app.server.before_request_funcs.setdefault(None, []).insert(0, set_up)
