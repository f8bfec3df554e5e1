"""Demo data: the six demo staff accounts and a realistic year of business.

``seed`` fills an empty database with a year of orders that ends on ``today``,
plus bookings running into the next 60 days (SPEC §7). It is deterministic — the
same ``seed`` and ``today`` give the same rows — and fast enough for the full
size of SPEC §7: rows are built in tight loops with ids assigned here, and
written with SQLAlchemy Core bulk inserts, never one ORM object at a time.

Only the ``seed`` command, the tests and the benchmarks import this package;
nothing the app runs on does. Its modules:

- ``demo.staff`` — the demo staff accounts (all that most test fixtures need);
- ``demo.catalogue`` — sizes and shapes of the demo business, and the name tables;
- ``demo.shapes`` — the rows the generator works with: the catalogue as it sees
  it, planned orders, the clock, rows waiting for a bulk write;
- ``demo.generator`` — the generator itself.

How it works:

1. The catalogue is written: buildings, rooms, seats, services with tariffs,
   staff, people and events.
2. Everything that occupies a place at a fixed time is *planned* on the
   timeline of its place — coworking tickets per seat, meeting-room bookings
   per room, hotel stays per hotel room, tickets per event — so that no two
   ever collide. Each plan knows when its order was placed; order statuses
   are dealt per pool (past, running, future) so that every status occurs.
3. The year is walked day by day: that day's planned orders and the day's
   orders of simple services, requests and the cafe are sorted by creation
   time, numbered, priced, paid, commented and written in chunks.

All randomness comes from one ``random.Random(seed)``; nothing iterates over a
set or a hash-ordered mapping. "Now" is the start of ``today`` in Moscow, so
the rows do not depend on the hour the seed runs at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from demo.generator import SeedSummary


def seed(
    engine: Engine,
    *,
    orders: int,
    seed: int,
    today: date,
    progress: Callable[[int], object] | None = None,
) -> SeedSummary:
    """Fill an empty database with demo data: staff, catalogue and ``orders`` orders
    of the year that ends on ``today`` (a Moscow date); returns the rows written.

    ``progress``, when given, is called with the number of orders each bulk write
    added (a tqdm bar's ``update`` will do). Refuses (``DomainError``, nothing
    written) when the database has data already or ``orders`` is too few.
    """
    # Imported here rather than above, so that ``import demo.staff`` — all that
    # most test fixtures need — does not load the generator and its tables.
    from demo.generator import generate

    return generate(engine, orders=orders, seed=seed, today=today, progress=progress)
