"""How the app's files reach the browser: compressed, cached long where their address
changes with their content, and plotly.js in the bundle the charts need.

- **Compression** (Flask-Compress, which Dash's ``compress=True`` turns on): Brotli or
  gzip, as the browser asks, for HTML, JSON (every callback), JavaScript and CSS. The
  component bundles never change while the app runs, so each worker compresses each one
  once and keeps the result (``AssetCache``); callback answers are compressed each time.
  Streamed CSV exports are left alone (``text/csv`` is not in the list): the reverse proxy
  may compress them (README, "Production").
- **Caching**: an address that carries its version — Dash's fingerprinted component
  bundles (``.v4_4_1m1796578584.min.js``), the app's assets as Dash links them
  (``?m=<mtime>``), Bootstrap's files as the pages link them (``?v=<version>``, and the
  icon font's own ``?<hash>``), and the vendored files (their folder is named with their
  version) — is cached for a year and never revalidated; everything else is revalidated
  by its ETag.
- **plotly.js**: dcc.Graph loads plotly.js when the first chart appears, from
  ``window._dashPlotlyJSURL``, which Dash points at the plotly package's full bundle
  (4.8 MB, 1.4 MB compressed: every trace type, maps and 3-D included). The charts use
  scatter, bar and heatmap only: a bundle of plotly.js with just those, of the version
  the plotly package is built for (1.2 MB, 0.33 MB as Brotli), is vendored under
  ``dashboard/vendor/`` with its Brotli copy (``scripts/plotly_bundle/`` builds both),
  and ``assets/plotly_bundle.js`` points dcc.Graph at it.
- **dash-ag-grid**: the package's bundle registers every AG Grid community module and
  carries renderers no grid here uses (markdown, a row menu): 2.2 MB of JavaScript that
  the browser reads before a grid shows. A bundle of the same dash-ag-grid release with
  the modules Parkdesk's grids use (1.2 MB, 0.25 MB as Brotli) is vendored the same way
  (``scripts/grid_bundle/``), and ``use_grid_bundle`` has the pages load it.
- **Preloads**: a page's HTML names what the browser will ask for next, so that it
  downloads beside the app's bundles instead of one round trip after another: the
  renderer's first two requests (``preload_app_tags``: the layout and the callbacks),
  and the lazy chunks of the page's own components (``preload_tags``: a grid, a
  dropdown, a chart with its plotly bundle, an upload box load their code when the
  first one renders). Only those the page's layout holds: a chunk preloaded and not
  used makes Chrome warn in the console.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from dash.development.base_component import Component
from dash.fingerprint import check_fingerprint
from flask import Blueprint, Flask, Request, abort, request, send_from_directory

YEAR = 365 * 24 * 3600
COMPONENT_SUITES = "/_dash-component-suites/"
# The vendored files, each in a folder named with its package and version.
VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
PLOTLY_BUNDLE = "plotly-parkdesk-4.1.1-3/plotly-parkdesk.min.js"
# dash-ag-grid's bundle built with the AG Grid modules the grids use (scripts/grid_bundle/),
# for the dash-ag-grid version it was built from.
GRID_BUNDLE_DIR = "dash-ag-grid-35.3.0-3"
GRID_PACKAGE_VERSION = "35.3.0"
BOOTSTRAP_VERSION = metadata.version("Bootstrap-Flask")


# What each lazy component loads when the first one renders, by (package namespace,
# component type): its chunk, and for a chart the plotly bundle (addresses under the app's
# root).
_DCC = COMPONENT_SUITES.lstrip("/") + "dash/dcc/"
CHUNKS: dict[tuple[str, str], tuple[str, ...]] = {
    ("dash_ag_grid", "AgGrid"): (f"vendor/{GRID_BUNDLE_DIR}/async-community.js",),
    ("dash_core_components", "Dropdown"): (f"{_DCC}async-dropdown.js",),
    ("dash_core_components", "Upload"): (f"{_DCC}async-upload.js",),
    ("dash_core_components", "Graph"): (f"{_DCC}async-graph.js", f"vendor/{PLOTLY_BUNDLE}"),
    ("dash_core_components", "DatePickerSingle"): (f"{_DCC}async-datepicker.js",),
    ("dash_core_components", "DatePickerRange"): (f"{_DCC}async-datepicker.js",),
    ("dash_core_components", "Slider"): (f"{_DCC}async-slider.js",),
    ("dash_core_components", "RangeSlider"): (f"{_DCC}async-slider.js",),
}


def bootstrap_url(path: str) -> str:
    """A file of Bootstrap-Flask's, with its version in the address (cached long)."""
    return f"/bootstrap/static/{path}?v={BOOTSTRAP_VERSION}"


def compress_config() -> dict:
    """Flask-Compress's settings; Dash's ``compress=True`` applies them."""
    return {
        # Brotli (level 5) is about a tenth smaller than gzip or zstd (Flask-Compress's
        # first choice, which Chromium takes too) at their default levels, about as fast;
        # gzip for a browser without it.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],  # static files are streamed
        "COMPRESS_BR_LEVEL": 5,
        # A static file's ETag gets the encoding appended (":br"); these endpoints then
        # answer the browser's If-None-Match with 304 again, as Flask does uncompressed.
        "COMPRESS_STREAMING_ENDPOINT_CONDITIONAL": [
            "static",
            "_dash_assets.static",
            "bootstrap.static",
            "vendor.file",
        ],
        "COMPRESS_CACHE_BACKEND": AssetCache,
        "COMPRESS_CACHE_KEY": _asset_key,
    }


def _has_version(req: Request) -> bool:
    """Whether the address names one version of its content (so it may be kept a year)."""
    if req.path.startswith(COMPONENT_SUITES):
        # Dash's fingerprint, name.v<version>m<mtime>.ext; its async chunks have none.
        return check_fingerprint(req.path)[1]
    if req.endpoint == "vendor.file":
        return True
    if req.endpoint == "_dash_assets.static":
        return "m" in req.args
    if req.endpoint == "bootstrap.static":
        # Our own ?v=, or the icon font's ?<hash> from bootstrap-icons.min.css.
        return bool(req.query_string)
    return False


def _asset_key(req: Request) -> str:
    """The key under which a compressed bundle is kept; "" for anything not kept.

    The file's path without its fingerprint and without the query: Dash ignores both,
    so no made-up address can add to the cache (an unknown file answers 404, never
    kept)."""
    if req.method == "GET" and req.path.startswith(COMPONENT_SUITES):
        return check_fingerprint(req.path)[0]
    return ""


class AssetCache:
    """Compressed component bundles, per worker (the bundles do not change while the app
    runs; a dozen of them, a few MB in all). Nothing else is kept: ``set`` is called
    for every compressed answer, with the key ``<algorithm>;`` for those not kept."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            self._data[key] = value


def cache_headers(response):
    """A year, never revalidated, for addresses that carry their version."""
    if request.method == "GET" and response.status_code == 200 and _has_version(request):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def preload_app_tags(prefix: str = "/") -> str:
    """``<link rel=preload>`` tags for what the renderer asks for first, once its own
    scripts have run: the layout and the callbacks. They are fetched (same origin, with
    the cookies, as the renderer's own requests) while the scripts are still read."""
    return "".join(
        f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}{name}">'
        for name in ("_dash-layout", "_dash-dependencies")
    )


def preload_tags(layout: Any, prefix: str = "/") -> str:
    """``<link rel=preload>`` tags for the lazy chunks the components of ``layout`` will
    load (and the plotly bundle when it holds a chart), each once, in the order found."""
    found: dict[str, None] = {}
    for component in _components(layout):
        key = (getattr(component, "_namespace", ""), getattr(component, "_type", ""))
        for chunk in CHUNKS.get(key, ()):
            found[f"{prefix}{chunk}"] = None
    return "".join(f'<link rel="preload" as="script" href="{url}">' for url in found)


def _components(layout: Any) -> Iterator[Component]:
    if isinstance(layout, (list, tuple)):
        for item in layout:
            yield from _components(item)
    elif isinstance(layout, Component):
        yield layout
        yield from layout._traverse()


vendor = Blueprint("vendor", __name__)


@vendor.get("/vendor/<path:name>")
def file(name: str):
    """A vendored JavaScript file; its Brotli copy, compressed once at Brotli's best, to
    a browser that takes br (Flask-Compress leaves an encoded answer alone)."""
    if not name.endswith(".js"):
        abort(404)
    if request.accept_encodings["br"] and (VENDOR_DIR / f"{name}.br").is_file():
        response = send_from_directory(VENDOR_DIR, f"{name}.br", mimetype="text/javascript")
        response.headers["Content-Encoding"] = "br"
        response.vary.add("Accept-Encoding")
        return response
    return send_from_directory(VENDOR_DIR, name, mimetype="text/javascript")


def use_grid_bundle() -> None:
    """Have Dash's pages load dash-ag-grid from the vendored bundle (``GRID_BUNDLE_DIR``)
    instead of the package's: the package's registers every AG Grid community module and
    carries renderers no grid here uses — 2.2 MB of JavaScript to read before a grid
    shows, against 1.2 MB. Its lazy chunk is fetched from the bundle's own folder.

    Refuses another dash-ag-grid version than the bundle's: the component's properties
    (Python) and its code (JavaScript) are one release."""
    import dash_ag_grid

    if dash_ag_grid.__version__ != GRID_PACKAGE_VERSION:
        raise RuntimeError(
            f"dash-ag-grid {dash_ag_grid.__version__} is installed, the vendored grid "
            f"bundle is built from {GRID_PACKAGE_VERSION}: rebuild it "
            "(scripts/grid_bundle/, dashboard/vendor/README.md)"
        )
    # Every component class shares the module's list (dash_ag_grid/__init__.py), which
    # Dash reads for the scripts of the page.
    dash_ag_grid._js_dist[:] = [
        {
            "external_url": f"/vendor/{GRID_BUNDLE_DIR}/dash_ag_grid.min.js",
            "external_only": True,
            "namespace": "dash_ag_grid",
        }
    ]


def init_app(server: Flask) -> None:
    """Serve the vendored files, have the pages load the grid's from there, and set the
    cache headers (compression comes with Dash)."""
    server.add_template_global(bootstrap_url)
    server.register_blueprint(vendor)
    server.after_request(cache_headers)
    use_grid_bundle()
