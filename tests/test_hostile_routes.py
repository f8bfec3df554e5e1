"""Hostile query parameters on every route and every page, as every role and as nobody;
hostile login forms and ``next`` values. Whatever comes, the answer is never a 500 and
never shows a traceback or SQL (issue #15).

The addresses come from the registries of ``tests/test_access_registry.py``, whose own
tests fail on a route or page without a rule: a new one is covered here at once."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_from
from tests.dash_http import Site, module_database_url
from tests.test_access_registry import (
    ADMIN,
    EVERYONE,
    LOGOUT,
    PAGE_RULES,
    ROUTE_RULES,
    assert_clean,
    base_world,
    build_targets,
)
from tests.test_hostile_callbacks import HOSTILE_TEXT


def _sendable(text: str) -> bool:
    """A lone surrogate cannot be put into a request at all (the client refuses it)."""
    return not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


TEXT = HOSTILE_TEXT.filter(_sendable)
# Every query parameter a route or page of Parkdesk reads, and a few it does not.
PARAMS = [
    "from",
    "to",
    "at",
    "sep",
    "status",
    "type",
    "customer",
    "visitor",
    "number",
    "executor",
    "balance",
    "bucket",
    "method",
    "state",
    "q",
    "preset",
    "room",
    "building",
    "next",
    "lang",
    "x",
]
QUERIES = st.dictionaries(st.sampled_from(PARAMS), TEXT, min_size=1, max_size=4)
WHO = st.sampled_from([*sorted(EVERYONE), "anonymous"])
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    site = Site(module_database_url(request, tmp_path_factory))
    world = base_world(site.db)
    site.read = build_targets(site.db, world, site.user_id(ADMIN), 0)
    yield site
    site.close()


def _addresses(site) -> list[str]:
    paths = [rule.path(site.read) for rule in PAGE_RULES.values()]
    for rule in ROUTE_RULES.values():
        if rule.path is not None and rule.kind != LOGOUT:
            path = rule.path(site.read)
            if path == "_component_script":
                index = site.clients[ADMIN].get("/").get_data(as_text=True)
                path = re.search(r'src="(/_dash-component-suites/[^"]+)"', index).group(1)
            paths.append(path)
    return paths


def test_hostile_query_parameters_on_every_route_never_get_a_500(site):
    addresses = _addresses(site)
    assert len(addresses) >= 20

    @settings(SETTINGS, max_examples=150)
    @given(path=st.sampled_from(addresses), who=WHO, query=QUERIES)
    # A query parameter named like the page's path variable (the page's HTML works out
    # the page's layout too, as the router does: the query wins).
    @example(
        path=next(p for p in addresses if re.fullmatch(r"/orders/\d+", p)),
        who=ADMIN,
        query={"number": ""},
    )
    def attack(path, who, query):
        client = site.anonymous() if who == "anonymous" else site.clients[who]
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, who, query, response.status_code)
        assert_clean(response, sent=repr(query))

    attack()


@pytest.mark.parametrize(
    "template",
    ["/orders/{}", "/tickets/{}", "/events/{}", "/event-tickets/{}", "/event-tickets/{}/qr.png"],
)
def test_hostile_record_numbers_in_addresses_never_get_a_500(site, template):
    @SETTINGS
    @given(who=WHO, value=TEXT.filter(lambda v: "/" not in v and v not in ("", ".", "..")))
    def attack(who, value):
        client = site.anonymous() if who == "anonymous" else site.clients[who]
        response = client.get(template.format(value))
        assert response.status_code < 500, (template, who, value, response.status_code)
        assert_clean(response, sent=repr(value))

    attack()


def test_hostile_login_forms_and_next_values_never_get_a_500(site):
    @SETTINGS
    # A NUL in the e-mail: PostgreSQL refuses it in text (it once made a 500 there).
    @example(email="rental\x00@parkdesk.local", password="demo", next_="/", address=7)
    @given(
        email=TEXT,
        password=TEXT,
        next_=TEXT,
        address=st.integers(1, 250),
    )
    def attack(email, password, next_, address):
        client = site.anonymous()
        environ = {"REMOTE_ADDR": f"198.18.0.{address}"}
        page = client.get("/login", query_string={"next": next_}, environ_base=environ)
        assert page.status_code == 200
        response = client.post(
            "/login",
            query_string={"next": next_},
            data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
            environ_base=environ,
        )
        assert response.status_code in (302, 401, 429), response.status_code
        assert_clean(response, sent=repr((email, next_)))
        if response.status_code == 302:
            location = response.headers["Location"]
            assert location.startswith("/") and not location.startswith("//")

    attack()
