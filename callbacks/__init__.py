"""The callbacks of each page, registered on one app by ``register_all``.

Always ``app.callback`` inside ``register(app, db)``: the global
``dash.callback`` list is emptied by the first app that serves a request, so
a second app in the same process would silently lose its callbacks. The page
modules are imported here, when an app registers them, not when the package is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dash import Dash

    from dashboard.db import Database


def register_all(app: Dash, db: Database) -> None:
    from callbacks import (
        catalog,
        events,
        exports,
        floor,
        notifications,
        occupancy,
        order,
        order_new,
        orders,
        overview,
        payments,
        people_import,
        rooms,
        shell,
        staff,
        ticket,
        tickets,
        today,
        wellformed,
    )

    shell.register(app, db)
    notifications.register(app, db)
    overview.register(app, db)
    today.register(app, db)
    rooms.register(app, db)
    occupancy.register(app, db)
    tickets.register(app, db)
    ticket.register(app, db)
    floor.register(app, db)
    orders.register(app, db)
    order.register(app, db)
    order_new.register(app, db)
    events.register(app, db)
    payments.register(app, db)
    exports.register(app, db)
    people_import.register(app, db)
    staff.register(app, db)
    catalog.register(app, db)
    wellformed.refuse_malformed_calls(app)
