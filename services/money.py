"""Money: integer kopecks everywhere; amounts typed by people are parsed with Decimal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from services.errors import DomainError

# Far above any real order, far below BigInteger: 10 billion rubles.
MAX_KOPECKS = 10_000_000_000 * 100
MAX_RUBLES = Decimal(MAX_KOPECKS) / 100
_SPACES = re.compile(r"[\s\u00a0\u202f_']")


@dataclass(frozen=True)
class Money:
    """An amount inside a message: the web layer formats it in the reader's language."""

    kopecks: int

    def __str__(self) -> str:
        rubles, rest = divmod(abs(self.kopecks), 100)
        sign = "-" if self.kopecks < 0 else ""
        return f"{sign}{rubles:,}{f'.{rest:02d}' if rest else ''} ₽"


def parse_amount(value: object) -> int:
    """Rubles as typed ("1 500,50", "1500.5", 1500) → kopecks; refuses anything else.

    Refused: empty, non-numeric, NaN, infinities, more than two decimals
    (1.005 ₽ is no amount), zero or negative, and absurdly large amounts.
    """
    if isinstance(value, bool) or value is None:
        raise DomainError("Enter an amount in rubles, e.g. 1500 or 1500,50.")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _SPACES.sub("", str(value)).replace(",", ".").removesuffix("₽")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise DomainError("“%(value)s” is not an amount.", value=str(value)[:40]) from None
    if not number.is_finite():
        raise DomainError("“%(value)s” is not an amount.", value=str(value)[:40])
    if _decimals(number) > 2:
        raise DomainError("An amount has at most two decimals (kopecks).")
    if number <= 0:
        raise DomainError("The amount must be greater than zero.")
    if number > MAX_RUBLES:  # compared exactly: no arithmetic on absurd exponents
        raise DomainError("The amount is too large.")
    return int(number * 100)


def _decimals(number: Decimal) -> int:
    """Significant digits after the point, counted exactly (no rounding context)."""
    _sign, digits, exponent = number.as_tuple()
    kept = list(digits)
    while exponent < 0 and kept and kept[-1] == 0:
        kept.pop()
        exponent += 1
    return -exponent if exponent < 0 else 0
