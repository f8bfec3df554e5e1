"""What every service receives besides the session: the acting staff user."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The staff user doing the action, and where the request came from (for the audit)."""

    id: int
    name: str
    role: str
    address: str | None = None
