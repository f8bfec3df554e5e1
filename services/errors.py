"""Typed refusals. Their text is an English message id with named values;
the web layer translates it into the user's language."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Marks a message id for extraction where it is translated later."""
    return message


class DomainError(Exception):
    """A refused action: nothing was written, and ``message`` says why."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass
