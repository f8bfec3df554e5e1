"""The business rules of Parkdesk as plain functions over a SQLAlchemy session.

Nothing here imports Dash, Flask or the web layer: the same functions serve
callbacks, the CLI, tests and benchmarks.
"""
