"""Command line: ``python -m dashboard init-db | seed | create-user | update-user | run | …``."""

from __future__ import annotations

import argparse
import sys
import time

from dashboard.config import Config, default_database_url


def _init_db(config: Config, _args: argparse.Namespace) -> int:
    from dashboard import schema

    schema.upgrade(config.database_url)
    print(f"Schema is at revision {schema.head_revision()}.")
    return 0


def _seed(config: Config, args: argparse.Namespace) -> int:
    from datetime import datetime

    from tqdm import tqdm

    # The only import of demo/ in the app's own code: the app runs without it.
    import demo
    from dashboard import schema
    from dashboard.db import Database
    from demo.catalogue import MOSCOW
    from services.errors import DomainError

    schema.upgrade(config.database_url)
    db = Database(config.database_url)
    started = time.perf_counter()
    try:
        with tqdm(total=args.orders, unit=" orders", desc="Seeding", disable=args.quiet) as bar:
            summary = demo.seed(
                db.engine,
                orders=args.orders,
                seed=args.seed,
                today=datetime.now(MOSCOW).date(),
                progress=bar.update,
            )
    except DomainError as error:
        print(f"Not seeded: {error}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    elapsed = time.perf_counter() - started
    print(f"Seeded {summary.describe()} in {elapsed:.1f} s.")
    return 0


def _create_user(config: Config, args: argparse.Namespace) -> int:
    from dashboard.db import Database
    from services import staff
    from services.errors import DomainError

    db = Database(config.database_url)
    try:
        with db.write() as session:
            member = staff.create_user(
                session, email=args.email, password=args.password, role=args.role, name=args.name
            )
    except DomainError as error:
        print(f"Not created: {error}", file=sys.stderr)
        return 1
    print(f"Created {member.email} ({member.role}).")
    return 0


def _update_user(config: Config, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from dashboard.db import Database
    from services import staff
    from services.errors import DomainError

    active = True if args.activate else False if args.deactivate else None
    db = Database(config.database_url)
    try:
        with db.write() as session:
            member = staff.update_user(
                session,
                datetime.now(UTC),
                email=args.email,
                role=args.role,
                password=args.password,
                active=active,
            )
    except DomainError as error:
        print(f"Not changed: {error}", file=sys.stderr)
        return 1
    state = "may log in" if member.active else "may not log in"
    print(f"Updated {member.email}: {member.role}, {state}.")
    return 0


def _run(config: Config, args: argparse.Namespace) -> int:
    from dashboard import create_app, schema
    from dashboard.db import Database
    from services import staff

    if config.database_url == default_database_url():
        # The embedded default sets itself up: schema, and demo data on the first run.
        schema.upgrade(config.database_url)
        db = Database(config.database_url)
        with db.read() as session:
            empty = staff.count_users(session) == 0
        db.dispose()
        if empty:
            print("First run: filling the embedded database with demo data…")
            first_run = argparse.Namespace(orders=args.orders, seed=1, quiet=False)
            if _seed(config, first_run) != 0:
                return 1
    try:
        app = create_app(config)
    except schema.SchemaBehind as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"Parkdesk on http://{args.host}:{args.port}/ (demo logins: rental@parkdesk.local / demo)"
    )
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


def _sweep(config: Config, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from dashboard.db import Database
    from services import live, orders, staff

    db = Database(config.database_url)
    now = datetime.now(UTC)
    with db.write() as session:
        completed = orders.sweep(session, now, timedelta(days=args.confirmation_days))
        ended = orders.complete_booked(session, now, config.timezone)
        forgotten = staff.purge_expired(session, now, keep_attempts=timedelta(days=30))
        forgotten += live.prune(session, now)
    print(
        f"Completed {len(completed)} orders nobody confirmed "
        f"and {len(ended)} booked orders whose period is over; "
        f"forgot {forgotten} expired sessions, old login attempts and old changes."
    )
    return 0


def _backup(config: Config, args: argparse.Namespace) -> int:
    """A consistent copy of the SQLite database while the app runs (SQLite's online
    backup). PostgreSQL is backed up with its own tools: see the README."""
    import sqlite3
    from pathlib import Path

    from sqlalchemy.engine import make_url

    url = make_url(config.database_url)
    if url.get_backend_name() != "sqlite":
        print(
            "This is a PostgreSQL database: back it up with pg_dump (see the README).",
            file=sys.stderr,
        )
        return 1
    target = Path(args.path)
    if target.exists():
        print(f"{target} exists; choose a new file name.", file=sys.stderr)
        return 1
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=4096)
    finally:
        copy.close()
        source.close()
    print(f"Backed up {url.database} to {target} ({target.stat().st_size:,} bytes).")
    return 0


def _check(config: Config, _args: argparse.Namespace) -> int:
    """Schema current, the file intact (SQLite), the books and bookings sound."""
    from dashboard import schema
    from dashboard.db import Database
    from services import integrity

    db = Database(config.database_url)
    try:
        schema.ensure_current(db.engine)
    except schema.SchemaBehind as error:
        print(error, file=sys.stderr)
        return 1
    problems = []
    with db.read() as session:
        if db.is_sqlite:
            result = session.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
            if result != "ok":
                problems.append(f"SQLite integrity_check: {result}")
        problems += [f"{f.check}: {f.detail}" for f in integrity.check(session)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print("All checks passed." if not problems else f"{len(problems)} problems found.")
    return 0 if not problems else 1


def _import(config: Config, args: argparse.Namespace) -> int:
    """People from a CSV file; exit status 0 only when every line was taken."""
    from datetime import UTC, datetime
    from pathlib import Path

    from dashboard.db import Database
    from services import people_import
    from services.errors import DomainError

    path = Path(args.file)
    db = Database(config.database_url)
    started = time.perf_counter()
    try:
        with path.open("rb") as stream, db.write() as session:
            report = people_import.import_people(
                session,
                None,
                people_import.read_csv(stream),
                datetime.now(UTC),
                dry_run=args.dry_run,
                source=path.name,
            )
    except OSError as error:
        print(f"Not imported: {error.strerror or error}: {path}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"Not imported: {error}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    for line in report.refused:
        print(f"line {line.number}: {line.reason}", file=sys.stderr)
    would = "would be " if args.dry_run else ""
    print(
        f"{report.lines:,} lines in {time.perf_counter() - started:.1f} s: "
        f"{report.new:,} {would}new, {report.updated:,} {would}updated, "
        f"{report.unchanged:,} unchanged, {len(report.refused):,} refused"
        + (" (dry run: nothing was written)." if args.dry_run else ".")
    )
    return 0 if report.all_taken else 1


def _compile_messages(_config: Config | None, _args: argparse.Namespace) -> int:
    from dashboard.i18n import compile_catalogs

    for path in compile_catalogs():
        print(f"Compiled {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Parkdesk back office")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("init-db", help="apply the schema migrations (harmless to repeat)")

    seed = commands.add_parser("seed", help="fill the database with demo data")
    seed.add_argument("--orders", type=int, default=20_000, help="number of orders (default 20000)")
    seed.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    seed.add_argument("--quiet", action="store_true", help="no progress bar")

    user = commands.add_parser("create-user", help="create a staff account")
    user.add_argument("--email", required=True)
    user.add_argument("--password", required=True)
    user.add_argument("--role", required=True)
    user.add_argument("--name")

    update = commands.add_parser(
        "update-user",
        help="change a staff account: its role, its password, or whether it may log in "
        "(a new password or --deactivate logs it out everywhere)",
    )
    update.add_argument("--email", required=True)
    update.add_argument("--role")
    update.add_argument("--password")
    state = update.add_mutually_exclusive_group()
    state.add_argument("--deactivate", action="store_true", help="may no longer log in")
    state.add_argument("--activate", action="store_true", help="may log in again")

    run = commands.add_parser("run", help="serve the app (development server)")
    run.add_argument("--port", type=int, default=8050)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument(
        "--orders",
        type=int,
        default=20_000,
        help="demo orders to create on the first run of the embedded database",
    )

    sweep = commands.add_parser(
        "sweep",
        help="complete orders nobody confirmed in time, forget expired sessions "
        "(idempotent: run it from cron, e.g. every 10 minutes)",
    )
    sweep.add_argument(
        "--confirmation-days",
        type=float,
        default=3,
        help="days a done order waits for the customer (default 3)",
    )

    backup = commands.add_parser("backup", help="copy the SQLite database safely while running")
    backup.add_argument("path", help="the new file to write")

    commands.add_parser("check", help="check the schema, the file and the books")

    commands.add_parser("compile-messages", help="compile the gettext catalogs")

    bring = commands.add_parser("import", help="bring data in from a file")
    what = bring.add_subparsers(dest="what", required=True)
    import_people = what.add_parser(
        "people",
        help="customers from CSV (name; phone; e-mail; company), matched by phone or "
        "e-mail: the same file twice changes nothing",
    )
    import_people.add_argument("file", help="UTF-8 CSV with a header row, ';' or ','")
    import_people.add_argument(
        "--dry-run", action="store_true", help="change nothing; say what would happen"
    )

    args = parser.parse_args(argv)
    if args.command == "update-user" and not (
        args.role or args.password is not None or args.activate or args.deactivate
    ):
        update.error("say what to change: --role, --password, --deactivate or --activate")
    handlers = {
        "init-db": _init_db,
        "seed": _seed,
        "create-user": _create_user,
        "update-user": _update_user,
        "run": _run,
        "sweep": _sweep,
        "backup": _backup,
        "check": _check,
        "compile-messages": _compile_messages,
        "import": _import,
    }
    config = None if args.command == "compile-messages" else Config.from_env()
    return handlers[args.command](config, args)


if __name__ == "__main__":
    sys.exit(main())
