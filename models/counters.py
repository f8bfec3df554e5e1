"""Number counters for orders and tickets."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Counter(Base):
    """The last number handed out for orders, tickets…; one row per kind.

    Taking a number is one ``UPDATE … SET value = value + 1``: the row lock
    makes concurrent takers wait instead of handing out the same number.
    """

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
