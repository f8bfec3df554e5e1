"""What goes over the wire, through the real Flask server: compressed answers, a year's
cache for addresses that carry their version, a light login page, and the vendored
plotly.js and grid bundles (dashboard/delivery.py). The bytes of whole pages in a browser are
measured in bench/, not here."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard import PACKAGE_DIR
from dashboard.delivery import (
    GRID_BUNDLE_DIR,
    GRID_PACKAGE_VERSION,
    PLOTLY_BUNDLE,
    VENDOR_DIR,
    use_grid_bundle,
)
from tests.conftest import login

YEAR = "max-age=31536000"


def _scripts(client) -> list[str]:
    """The addresses of the page's own scripts (Dash's, the components', the vendored)."""
    index = client.get("/").get_data(as_text=True)
    return re.findall(r'src="(/(?:_dash-component-suites|vendor)/[^"]+)"', index)


def _decoded(response) -> bytes:
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding is None, encoding
    return data


@pytest.fixture
def admin(client):
    login(client, "admin@parkdesk.local")
    return client


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_component_bundle_is_compressed_and_cached_for_a_year(admin, encoding):
    grid = next(src for src in _scripts(admin) if "/dash/dcc/dash_core_components." in src)
    plain = admin.get(grid)
    packed = admin.get(grid, headers={"Accept-Encoding": f"{encoding}, identity;q=0.5"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert _decoded(packed) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    for response in (plain, packed):
        cache = response.headers["Cache-Control"]
        assert YEAR in cache and "immutable" in cache and "public" in cache, cache
    # Asked again, the same bytes (kept compressed by the worker, not compressed anew).
    again = admin.get(grid, headers={"Accept-Encoding": encoding})
    assert again.get_data() == packed.get_data()


def test_a_callback_answer_and_a_page_are_compressed(admin):
    page = admin.get("/orders", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "br"
    assert b"_dash-config" in _decoded(page)
    layout = admin.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert layout.headers["Content-Encoding"] == "gzip"
    assert b'"props"' in _decoded(layout)


def test_addresses_without_a_version_are_revalidated(admin):
    # The renderer's lazily loaded chunks carry no fingerprint: an ETag, no year.
    chunk = admin.get("/_dash-component-suites/dash/dcc/async-dropdown.js")
    assert chunk.status_code == 200
    assert YEAR not in chunk.headers.get("Cache-Control", "")
    assert chunk.headers["ETag"]
    css = admin.get("/assets/parkdesk.css")
    assert YEAR not in css.headers.get("Cache-Control", "")
    versioned = admin.get("/assets/parkdesk.css?m=1")
    assert YEAR in versioned.headers["Cache-Control"]


def test_the_login_page_is_light(client):
    """The login page and everything it loads, as a browser that takes Brotli gets them:
    a few tens of kB (Bootstrap's stylesheet is most of it)."""
    headers = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    page = client.get("/login", headers=headers)
    assert page.status_code == 200
    html = _decoded(page).decode()
    links = re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/[^"]+)"', html)
    assert any(link.startswith("/bootstrap/static/css/bootstrap.min.css?v=") for link in links)
    total = len(page.get_data())
    for link in links:
        response = client.get(link, headers=headers)
        assert response.status_code == 200, link
        assert response.headers.get("Content-Encoding") == "br", link
        total += len(response.get_data())
        if "?v=" in link:
            assert YEAR in response.headers["Cache-Control"], link
    assert total < 50_000, total


def test_the_vendored_plotly_bundle(admin):
    """The vendored bundle is the plotly.js version the plotly package builds figures for,
    the asset that points dcc.Graph at it names it, and it goes out as Brotli."""
    bundle = VENDOR_DIR / PLOTLY_BUNDLE
    assert re.match(rf"plotly-parkdesk-{re.escape(get_plotlyjs_version())}-\d+/", PLOTLY_BUNDLE)
    assert f'"/vendor/{PLOTLY_BUNDLE}"' in (PACKAGE_DIR / "assets" / "plotly_bundle.js").read_text()
    assert (bundle.parent / "LICENSE").is_file()
    plain = admin.get(f"/vendor/{PLOTLY_BUNDLE}")
    assert plain.status_code == 200
    assert plain.get_data() == bundle.read_bytes()
    packed = admin.get(f"/vendor/{PLOTLY_BUNDLE}", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert _decoded(packed) == bundle.read_bytes()
    assert len(packed.get_data()) < 400_000
    assert YEAR in packed.headers["Cache-Control"]
    gzipped = admin.get(f"/vendor/{PLOTLY_BUNDLE}", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert _decoded(gzipped) == bundle.read_bytes()
    assert admin.get(f"/vendor/{PLOTLY_BUNDLE.split('/')[0]}/LICENSE").status_code == 404
    assert admin.get("/vendor/../__init__.py.js").status_code == 404


def test_the_pages_load_the_vendored_grid_bundle(admin):
    """dash-ag-grid comes from the vendored bundle of the installed release (its own is
    never named), whose chunk loads from the same folder; both go out as Brotli."""
    import dash_ag_grid

    assert dash_ag_grid.__version__ == GRID_PACKAGE_VERSION
    assert GRID_BUNDLE_DIR.startswith(f"dash-ag-grid-{GRID_PACKAGE_VERSION}-")
    scripts = _scripts(admin)
    assert f"/vendor/{GRID_BUNDLE_DIR}/dash_ag_grid.min.js" in scripts
    assert not [src for src in scripts if "/dash_ag_grid/" in src]
    assert (VENDOR_DIR / GRID_BUNDLE_DIR / "LICENSE").is_file()
    for name in ("dash_ag_grid.min.js", "async-community.js"):
        file = VENDOR_DIR / GRID_BUNDLE_DIR / name
        packed = admin.get(f"/vendor/{GRID_BUNDLE_DIR}/{name}", headers={"Accept-Encoding": "br"})
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == "br"
        assert _decoded(packed) == file.read_bytes()
        assert YEAR in packed.headers["Cache-Control"]
    # The bundle registers the modules of Parkdesk's grids, not every community module.
    bundle = (VENDOR_DIR / GRID_BUNDLE_DIR / "dash_ag_grid.min.js").read_bytes()
    assert len(bundle) < 1_000_000, len(bundle)


def test_another_dash_ag_grid_release_is_refused(monkeypatch):
    """The vendored bundle is one release with the Python component: another installed
    release stops the app at start-up, saying what to rebuild."""
    import dash_ag_grid

    monkeypatch.setattr(dash_ag_grid, "__version__", "99.0.0")
    with pytest.raises(RuntimeError, match="scripts/grid_bundle"):
        use_grid_bundle()


@pytest.mark.parametrize(
    "path",
    [
        "/assets/parkdesk.css",
        "/bootstrap/static/css/bootstrap.min.css",
        "/_dash-component-suites/dash/dcc/async-dropdown.js",
        f"/vendor/{PLOTLY_BUNDLE}",
        f"/vendor/{GRID_BUNDLE_DIR}/async-community.js",
    ],
)
def test_a_compressed_file_revalidates_to_304(admin, path):
    """The ETag of a compressed answer names its encoding; sent back, it gets a 304."""
    headers = {"Accept-Encoding": "br"}
    first = admin.get(path, headers=headers)
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "br"
    again = admin.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_a_fresh_worker_answers_a_burst_of_first_requests(config, staff_ids):
    """Dash sets itself up on a worker's first request; requests arriving on other
    threads meanwhile wait for that setup (dash_compat.set_up_before_any_request)
    instead of finding no script registered and answering 500 — a browser's first page
    load just after a restart."""
    import threading

    from dashboard import create_app

    browser = create_app(config).server.test_client()  # logs in on another worker
    login(browser, "admin@parkdesk.local")
    scripts = _scripts(browser)
    cookie = browser.get_cookie(browser.application.config["SESSION_COOKIE_NAME"])
    fresh = create_app(config)  # a worker that has not answered a single request yet
    clients = [fresh.server.test_client() for _ in range(16)]
    for client in clients:
        client.set_cookie(cookie.key, cookie.value)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def first_request(client) -> None:
        barrier.wait(timeout=30)
        statuses.append(client.get(scripts[0]).status_code)

    threads = [threading.Thread(target=first_request, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * len(clients)


def test_no_file_the_app_serves_names_a_cdn():
    """Nothing is loaded from the internet at run time: no script, stylesheet or template
    of ours, and none vendored, carries a CDN's address (plotly.js's geo maps default is
    rebuilt away by scripts/plotly_bundle/build.mjs)."""
    cdn = re.compile(r"(https?:)?//[\w.-]*(cdn|unpkg|jsdelivr|googleapis|gstatic)[\w.-]*", re.I)
    served = [
        path
        for folder in ("assets", "vendor", "templates")
        for path in (PACKAGE_DIR / folder).rglob("*")
        if path.suffix in {".js", ".css", ".html"}
    ]
    assert any(path.name == "plotly-parkdesk.min.js" for path in served)
    found = {
        str(path.relative_to(PACKAGE_DIR)): match.group(0)
        for path in served
        for match in [cdn.search(path.read_text(encoding="utf-8"))]
        if match
    }
    assert found == {}


def _preloads(client, path: str) -> list[str]:
    index = client.get(path).get_data(as_text=True)
    return re.findall(r'<link rel="preload" as="script" href="([^"]+)">', index)


def test_a_page_preloads_the_lazy_chunks_its_own_layout_loads_and_no_others(client):
    login(client, "admin@parkdesk.local")
    grid = f"/vendor/{GRID_BUNDLE_DIR}/async-community.js"
    dropdown = "/_dash-component-suites/dash/dcc/async-dropdown.js"
    chart = "/_dash-component-suites/dash/dcc/async-graph.js"
    assert _preloads(client, "/orders?status=new") == [dropdown, grid]
    assert set(_preloads(client, "/occupancy")) >= {chart, f"/vendor/{PLOTLY_BUNDLE}"}
    assert grid not in _preloads(client, "/occupancy")
    assert _preloads(client, "/import") == ["/_dash-component-suites/dash/dcc/async-upload.js"]
    for address in _preloads(client, "/orders") + _preloads(client, "/occupancy"):
        assert client.get(address).status_code == 200, address


def test_a_page_the_role_may_not_open_preloads_nothing(client):
    login(client, "rental@parkdesk.local")
    assert _preloads(client, "/payments") == []
    assert _preloads(client, "/no-such-page") == []


def _first_layout(client, referrer: str | None) -> dict:
    headers = {"Referer": referrer} if referrer else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def _find(node, component_id: str):
    if isinstance(node, list):
        return next((found for item in node if (found := _find(item, component_id))), None)
    if not isinstance(node, dict):
        return None
    props = node.get("props", {})
    if props.get("id") == component_id:
        return node
    return _find(props.get("children"), component_id)


def test_the_first_layout_holds_the_page_its_address_names(client):
    login(client, "admin@parkdesk.local")
    layout = _first_layout(client, "http://localhost/orders?status=new")
    location = _find(layout, "_pages_location")["props"]
    assert (location["pathname"], location["search"]) == ("/orders", "?status=new")
    assert _find(_find(layout, "_pages_content"), "orders-grid")
    assert _find(layout, "orders-filter-status")["props"]["value"] == ["new"]
    assert _find(layout, "_pages_store")["props"]["data"] == {"title": "Orders · Parkdesk"}


@pytest.mark.parametrize(
    ("email", "referrer", "shows"),
    [
        ("rental@parkdesk.local", "http://localhost/payments", "page-forbidden"),
        ("rental@parkdesk.local", "http://localhost/nowhere", "page-not-found"),
    ],
)
def test_the_first_layout_guards_the_page_as_the_router_does(client, email, referrer, shows):
    login(client, email)
    layout = _first_layout(client, referrer)
    assert _find(_find(layout, "_pages_content"), shows)
    assert _find(layout, "payments-grid") is None


@pytest.mark.parametrize("referrer", [None, "http://elsewhere.example/orders"])
def test_without_a_page_of_its_own_the_first_layout_leaves_the_page_to_the_router(client, referrer):
    login(client, "admin@parkdesk.local")
    layout = _first_layout(client, referrer)
    location = _find(layout, "_pages_location")["props"]
    assert "pathname" not in location and "search" not in location
    assert _find(layout, "_pages_content")["props"].get("children") is None
