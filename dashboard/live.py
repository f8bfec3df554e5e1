"""The poll of open pages (SPEC §9.3 "Live"): ``GET /_live?since=<revision>``.

Behind the login guard like every ``/_`` address (anonymous: 401). Unchanged since the
client's revision: ``304`` with no body, from two reads of the change log's primary
key; otherwise the revision now and what changed since (``services.live``): the
tables and order ids, each with its last change id, never what a row holds, so every
logged-in role may ask. The browser side is dashboard/assets/live.js.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from services import live

blueprint = Blueprint("live", __name__)
# A poll answered 304 sends this back; an old client that sent nothing gets a token.
CACHE_CONTROL = "no-cache, private"


@blueprint.get("/_live")
def poll() -> Response:
    since = request.args.get("since") or next(iter(request.if_none_match), None)
    with current_app.extensions["parkdesk_db"].read() as session:
        delta = live.changes_since(session, since)
    if delta.keys == []:
        response = Response(status=304)
    else:
        changes = None if delta.everything else delta.scopes()
        response = jsonify(token=delta.token, changes=changes)
    response.set_etag(delta.token)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
