"""WSGI entry for gunicorn: ``gunicorn -w 4 dashboard.wsgi:server``."""

import gc

from dashboard import create_app

app = create_app()
server = app.server

# What the app is made of lives as long as the worker: its layouts, callbacks, page
# registry, SQLAlchemy's mappers and Babel's catalogs, some 160,000 objects. Out of the
# collector's way: a full collection walked them all, 70 ms added to whichever request
# set it off (the p95 of the load callbacks); now it walks what requests leave behind.
gc.freeze()
