"""Schema migrations: apply them, and tell whether a database is up to date."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaBehind(RuntimeError):
    """The database is missing migrations; the message says what to run."""


def _alembic_config(database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database_url"] = database_url
    cfg.attributes["configure_logging"] = False
    return cfg


def upgrade(database_url: str) -> None:
    """Apply every migration not yet applied. Harmless when there are none."""
    command.upgrade(_alembic_config(database_url), "head")


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_current(engine: Engine) -> None:
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "has no Parkdesk schema" if current is None else f"is at revision {current}"
        raise SchemaBehind(
            f"The database {engine.url.render_as_string(hide_password=True)} {state}; "
            f"the code needs revision {head}. Run: python -m dashboard init-db"
        )
