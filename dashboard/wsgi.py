"""WSGI entry for gunicorn: ``gunicorn -w 4 dashboard.wsgi:server``."""

from dashboard import create_app

app = create_app()
server = app.server
