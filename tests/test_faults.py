"""Faults, through real gunicorn servers over real databases: a worker killed in the
middle of a payment leaves the order exactly as before or exactly as after, and the
database going away for a moment gives users a clear "try again" while the app waits
for it and then carries on by itself.

Nothing of ours is mocked or hooked. The kills land inside the payment's transaction
because the test watches the database: on PostgreSQL it holds a row lock the payment
needs after it has already updated the order (the worker waits, mid-transaction, and
dies there), and it stops workers at random moments while it sees their transaction
open; on SQLite it stops them while they hold the write lock. The outage is a private
PostgreSQL cluster of the test's own that it stops and starts again (the shared server
is never touched)."""

from __future__ import annotations

import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from dashboard import create_app, schema
from dashboard.__main__ import main as cli
from dashboard.config import Config
from dashboard.db import Database
from demo.staff import DEMO_PASSWORD, create_demo_staff
from models import AuditEntry, Message, Order, Payment
from services import integrity
from tests.conftest import login
from tests.dash_http import callback_body
from tests.factories import NOW, World

ROOT = Path(__file__).resolve().parent.parent
RENTAL = "rental@parkdesk.local"  # may record payments on hotel orders
TOTAL, PAID = 2_000_000, 600_000  # a hotel order with 14 000 ₽ left to pay
BALANCE = TOTAL - PAID
TRY_AGAIN = "The database cannot be reached right now. Wait a moment and try again."
RECORDED = "The payment is recorded."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(
    condition: Callable[[], Any], what: str, seconds: float = 60, pause: float = 0.02
) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(pause)


# --- a real server and a user's browser session ------------------------------------------


class Server:
    """``gunicorn -w 1 dashboard.wsgi:server`` in a process group of its own: its one
    worker can be stopped or killed alone (the master starts a new one), or the whole
    server at once."""

    def __init__(self, database_url: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "faults-test-secret",
            "PARKDESK_ENV": "production",
            "PARKDESK_SECURE_COOKIES": "0",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "dashboard.wsgi:server",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        self.worker = self.wait_for_worker()

    def _children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:  # the master is gone
            return []

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.base}/healthz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def wait_for_worker(self, replacing: int | None = None) -> int:
        """The pid of the (new) worker, once it answers."""

        def ready() -> int | None:
            assert self.process.poll() is None, "the gunicorn master died"
            workers = [pid for pid in self._children() if pid != replacing]
            return workers[0] if len(workers) == 1 and self._answers() else None

        self.worker = _wait_for(ready, f"a gunicorn worker on {self.base}")
        return self.worker

    def kill_worker(self) -> None:
        os.kill(self.worker, signal.SIGKILL)
        self.wait_for_worker(replacing=self.worker)

    def kill(self) -> None:
        """SIGKILL to the master and its worker at once: the host's power goes out."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def servers() -> Iterator[Callable[[str], Server]]:
    started: list[Server] = []

    def start(database_url: str) -> Server:
        started.append(Server(database_url))
        return started[-1]

    yield start
    for server in started:
        server.stop()


class Desk:
    """A logged-in user's browser session: page loads, and callback POSTs as the Dash
    renderer sends them (with the CSRF header)."""

    def __init__(self, base: str, email: str = RENTAL) -> None:
        self.base = base
        self.http = requests.Session()
        page = self.http.get(f"{base}/login", timeout=30)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.http.post(
            f"{base}/login",
            data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:300]
        assert self.get("/orders").status_code == 200  # sets the CSRF cookie
        self.deps = self.http.get(f"{base}/_dash-dependencies", timeout=30).json()

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.base}{path}", allow_redirects=False, timeout=30)

    def callback(self, input_id: str, prop: str, values: dict[str, Any]) -> requests.Response:
        [dep] = [
            dep
            for dep in self.deps
            if any(i["id"] == input_id and i["property"] == prop for i in dep["inputs"])
        ]
        return self.http.post(
            f"{self.base}/_dash-update-component",
            json=callback_body(dep, values),
            headers={"X-CSRFToken": self.http.cookies.get("_csrf_token", "")},
            timeout=60,
        )

    def show(self, number: int) -> requests.Response:
        """The order page's body, as the page asks for it."""
        return self.callback(
            "order-number", "data", {"order-number.data": str(number), "order-version.data": 0}
        )

    def pay(self, number: int, key: str, amount: int = BALANCE) -> requests.Response:
        """Submit the payment form (its key is the form's idempotency key)."""
        return self.callback(
            "payment-save",
            "n_clicks",
            {
                "payment-save.n_clicks": 1,
                "payment-amount.value": str(amount // 100),
                "payment-method.value": "cash",
                "order-payment-key.data": key,
                "order-number.data": str(number),
                "order-version.data": 0,
            },
        )


# --- what an order looks like in the books ----------------------------------------------


def hotel_orders(db: Database, count: int) -> list[int]:
    """Hotel orders with 14 000 ₽ of 20 000 ₽ left to pay."""
    with db.write() as session:
        world = World.build(session)
        return [
            world.order("hotel", "confirmed_balance_due", total=TOTAL, paid=PAID).number
            for _ in range(count)
        ]


def order_state(db: Database, number: int) -> dict[str, Any]:
    """Everything a payment changes on an order: the order row, its ledger, its
    messages and its audit trail (times left out: they are the clock's)."""
    with db.read() as session:
        order = session.execute(sa.select(Order).where(Order.number == number)).scalar_one()
        payments = session.execute(
            sa.select(Payment.kind, Payment.amount_kopecks, Payment.idempotency_key)
            .where(Payment.order_id == order.id)
            .order_by(Payment.id)
        ).all()
        messages = session.execute(
            sa.select(Message.text).where(Message.order_id == order.id).order_by(Message.id)
        ).scalars()
        audit = session.execute(
            sa.select(AuditEntry.action, AuditEntry.operation_key, AuditEntry.after)
            .where(AuditEntry.entity == "order", AuditEntry.entity_id == str(number))
            .order_by(AuditEntry.id)
        ).all()
        return {
            "status": order.status,
            "total": order.total_kopecks,
            "paid": order.paid_kopecks,
            "balance": order.balance_kopecks,
            "payments": [tuple(p) for p in payments],
            "messages": list(messages),
            "audit": [(a.action, a.operation_key, a.after["paid_kopecks"]) for a in audit],
        }


def paid_in_full(before: dict[str, Any], key: str, reference: dict[str, Any]) -> dict[str, Any]:
    """``before`` after one payment of the whole balance under ``key``, the way the
    reference order changed when it was paid in full undisturbed."""
    return {
        **before,
        "status": reference["status"],
        "paid": before["total"],
        "balance": 0,
        "payments": [*before["payments"], ("payment", before["balance"], key)],
        "messages": before["messages"] + reference["new_messages"],
        "audit": [*before["audit"], ("order.record_payment", key, before["total"])],
    }


def reference_payment(db: Database, desk: Desk, number: int) -> dict[str, Any]:
    """Pay one order in full with nothing disturbing it: how "after" looks."""
    before = order_state(db, number)
    answer = desk.pay(number, "reference-payment")
    assert answer.status_code == 200 and RECORDED in answer.text, answer.text[:300]
    after = order_state(db, number)
    assert after["paid"] == TOTAL and after["status"] != before["status"]
    return {
        "status": after["status"],
        "new_messages": after["messages"][len(before["messages"]) :],
    }


def assert_books_sound(database_url: str, db: Database, monkeypatch) -> None:
    """Paid equals the ledger on every order, every ledger row has its one audit row
    and every audit row its ledger row, and ``python -m dashboard check`` agrees."""
    with db.read() as session:
        assert integrity.check(session) == []
        keys = (
            session.execute(
                sa.select(Payment.idempotency_key).where(Payment.idempotency_key.is_not(None))
            )
            .scalars()
            .all()
        )
        audited = (
            session.execute(
                sa.select(AuditEntry.operation_key).where(
                    AuditEntry.action == "order.record_payment"
                )
            )
            .scalars()
            .all()
        )
    assert sorted(keys) == sorted(audited)
    assert len(set(keys)) == len(keys)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli(["check"]) == 0


# --- killed in the middle of a payment ---------------------------------------------------


class WriteProbe:
    """Whether some other connection has a write transaction open right now: on
    PostgreSQL a backend of this database with a transaction id (it has locked or
    written rows and not yet committed); on SQLite the write lock taken."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        if self.sqlite:
            # No busy timeout: the probe must never wait for the worker.
            self.connection = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        else:
            engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
            self.engine = engine
            self.connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def writing(self) -> bool:
        if self.sqlite:
            try:
                self.connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # "database is locked": a writer holds it
                return True
            self.connection.execute("ROLLBACK")
            return False
        return bool(self.writers())

    def writers(self) -> list[int]:
        return list(
            self.connection.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            ).scalars()
        )

    def close(self) -> None:
        self.connection.close()
        if not self.sqlite:
            self.engine.dispose()


def test_workers_killed_at_random_moments_of_payments_leave_each_order_before_or_after(
    database_url, db, staff_ids, servers, monkeypatch
):
    """Kill the worker again and again at a random moment while its payment's
    transaction is open (seen from the database, with the worker frozen by SIGSTOP so
    that it cannot go on between the look and the kill): each order is exactly as
    before or exactly as after. Then the same form submitted again pays once."""
    numbers = hotel_orders(db, 12)
    server = servers(database_url)
    desk = Desk(server.base)
    reference = reference_payment(db, desk, numbers[0])
    probe = WriteProbe(database_url)
    pool = ThreadPoolExecutor(max_workers=1)
    rng = random.Random(9)
    killed_mid_transaction, outcomes, keys = 0, [], {}
    try:
        for number in numbers[1:]:
            if killed_mid_transaction >= 4:
                break
            before = order_state(db, number)
            keys[number] = key = uuid.uuid4().hex
            submitted: Future = pool.submit(desk.pay, number, key)
            # Wait for the transaction to open (or the answer, if it was quicker).
            _wait_for(
                lambda answer=submitted: probe.writing() or answer.done(), "the payment", pause=0
            )
            time.sleep(rng.uniform(0, 0.004))  # a random moment in the transaction
            os.kill(server.worker, signal.SIGSTOP)
            mid_transaction = probe.writing()
            os.kill(server.worker, signal.SIGKILL)
            killed_mid_transaction += mid_transaction
            try:
                answer = submitted.result(timeout=60)
                answered = answer.status_code == 200 and RECORDED in answer.text
            except requests.ConnectionError:
                answered = False
            server.wait_for_worker(replacing=server.worker)
            if not probe.sqlite:  # the dead worker's backend rolls back as it notices
                _wait_for(lambda: not probe.writers(), "the killed worker's backend to end")
            state = order_state(db, number)
            after = paid_in_full(before, key, reference)
            assert state in (before, after), (number, mid_transaction, state)
            if answered:
                assert state == after, "the user was told the payment is recorded, it is not"
            outcomes.append("before" if state == before else "after")
    finally:
        pool.shutdown(wait=True)
        probe.close()
    assert killed_mid_transaction >= 4, f"only {killed_mid_transaction} kills mid-transaction"
    assert_books_sound(database_url, db, monkeypatch)
    # The user submits the same form again: paid exactly once, whatever the kill left.
    for number, key in keys.items():
        answer = desk.pay(number, key)
        assert answer.status_code == 200 and RECORDED in answer.text, answer.text[:300]
        assert order_state(db, number)["payments"].count(("payment", BALANCE, key)) == 1
        assert order_state(db, number)["paid"] == TOTAL
    assert_books_sound(database_url, db, monkeypatch)
    print(
        f"{len(outcomes)} kills: {outcomes.count('before')} left the order as before, "
        f"{outcomes.count('after')} as after; {killed_mid_transaction} mid-transaction"
    )


@pytest.mark.postgres
def test_a_server_killed_while_its_payment_waits_mid_transaction_leaves_the_order_as_before(
    database_url, db, staff_ids, servers, monkeypatch
):
    """The payment has written its messages and updated the order, and waits for the
    ledger row: another transaction holds the same form key, uncommitted. The whole
    server dies there; PostgreSQL rolls the half-done payment back. A new server on the
    same database takes the same submit again and pays once."""
    number, other = hotel_orders(db, 2)
    with db.read() as session:
        other_id = session.scalar(sa.select(Order.id).where(Order.number == other))
    server = servers(database_url)
    desk = Desk(server.base)
    before = order_state(db, number)
    key = uuid.uuid4().hex
    probe = WriteProbe(database_url)
    blocker = db.engine.connect()
    blocking = blocker.begin()
    blocker.execute(
        sa.insert(Payment).values(
            order_id=other_id,
            kind="payment",
            amount_kopecks=100,
            method="cash",
            paid_at=NOW,
            idempotency_key=key,
        )
    )
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        submitted = pool.submit(desk.pay, number, key)
        waiting = _wait_for(
            lambda: probe.connection.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO payments %' "
                    "AND backend_xid IS NOT NULL"
                )
            ).scalar(),
            "the payment to wait for the ledger row",
        )
        # What the waiting transaction has done so far: it has written to these tables.
        written = set(
            probe.connection.execute(
                sa.text(
                    "SELECT relation::regclass::text FROM pg_locks "
                    "WHERE pid = :pid AND mode = 'RowExclusiveLock' AND granted"
                ),
                {"pid": waiting},
            ).scalars()
        )
        assert {"orders", "messages"} <= written
        server.kill()
        with pytest.raises(requests.ConnectionError):
            submitted.result(timeout=60)
        blocking.rollback()  # the waiting INSERT goes on; no COMMIT ever comes
        _wait_for(lambda: not probe.writers(), "the killed server's backend to end")
    finally:
        blocker.close()
        pool.shutdown(wait=True)
        probe.close()
    assert order_state(db, number) == before
    assert_books_sound(database_url, db, monkeypatch)

    again = servers(database_url)
    desk.base = again.base  # the same browser, its session lives in the database
    answer = desk.pay(number, key)
    assert answer.status_code == 200 and RECORDED in answer.text, answer.text[:300]
    state = order_state(db, number)
    assert state["paid"] == TOTAL
    assert state["payments"] == [*before["payments"], ("payment", BALANCE, key)]
    assert_books_sound(database_url, db, monkeypatch)


# --- the database going away for a moment ------------------------------------------------


def _try_again_page(response: requests.Response | Any) -> str:
    text = response.text
    assert response.status_code == 503, text[:300]
    assert response.headers["Retry-After"].isdigit()
    assert TRY_AGAIN in text and "Traceback" not in text and "sqlalchemy" not in text.lower()
    return text


def _try_again_alert(response: requests.Response | Any) -> None:
    """A callback's answer: none of its outputs changed, the shell's alert opened."""
    assert response.status_code == 200, response.text[:300]
    answer = json.loads(response.text)
    assert answer["response"] == {}
    assert answer["sideUpdate"] == {"shell-alert": {"children": TRY_AGAIN, "is_open": True}}


@pytest.fixture
def unreachable_app(app):
    """The same app (same secret key, so the same session cookies) over a PostgreSQL
    address where nothing listens."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/gone"
    down = create_app(Config(database_url=url, secret_key="test-secret-key", check_schema=False))
    yield down
    down.server.extensions["parkdesk_db"].dispose()


def test_without_the_database_a_page_asks_to_try_again_and_a_callback_opens_the_alert(
    client, unreachable_app
):
    login(client, RENTAL)
    client.get("/orders")
    down = unreachable_app.server.test_client()
    for name in ("parkdesk_session", "_csrf_token"):
        down.set_cookie(name, client.get_cookie(name).value)
    page = down.get("/orders/100001")
    assert 'id="unavailable-message"' in _try_again_page(page)
    assert page.headers["Cache-Control"] == "no-store"
    download = down.get("/exports/payments.csv")
    _try_again_page(download)
    dependency = client.get("/_dash-dependencies").get_json()
    [show] = [d for d in dependency if d["inputs"][0] == {"id": "order-number", "property": "data"}]
    answer = down.post(
        "/_dash-update-component",
        json=callback_body(show, {"order-number.data": "100001", "order-version.data": 0}),
        headers={"X-CSRFToken": client.get_cookie("_csrf_token").value},
    )
    _try_again_alert(answer)
    health = down.get("/healthz")
    assert health.status_code == 503 and health.get_json() == {"error": TRY_AGAIN}


class PrivateCluster:
    """A PostgreSQL server of the test's own (initdb in a temporary folder, on a free
    port) that it may stop and start: the shared server stays untouched. PostgreSQL
    refuses to run as root, so as root the server runs as the ``postgres`` user."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="parkdesk-pg-"))
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.data = self.folder / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin_dir / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.folder,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=30"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast``: every session is ended (the app's pooled connections die)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    on_path = shutil.which("pg_ctl")
    if not found and not on_path:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    cluster = PrivateCluster(Path(found[-1] if found else on_path).parent)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.mark.postgres
def test_while_the_database_restarts_users_are_told_to_try_again_and_the_app_recovers(
    private_postgres, servers
):
    url = private_postgres.url
    schema.upgrade(url)
    db = Database(url)
    with db.write() as session:
        create_demo_staff(session)
    [number] = hotel_orders(db, 1)
    db.dispose()
    server = servers(url)
    desk = Desk(server.base)

    def works() -> None:
        assert desk.get(f"/orders/{number}").status_code == 200
        body = desk.show(number)
        assert body.status_code == 200 and str(number) in body.text, body.text[:300]

    works()
    # A restart nobody notices (no request meanwhile): the worker's pooled connections
    # are dead, yet the first request works (each is pinged before use).
    private_postgres.stop()
    private_postgres.start()
    works()

    private_postgres.stop()
    _try_again_page(desk.get(f"/orders/{number}"))
    _try_again_alert(desk.show(number))
    _try_again_alert(desk.pay(number, "during-the-outage"))
    assert desk.get("/healthz").status_code == 503
    # A worker that (re)starts while the database is away boots all the same and asks
    # users to try again (it used to fail its schema check and the server gave up).
    dead = server.worker
    os.kill(dead, signal.SIGKILL)
    server.worker = _wait_for(
        lambda: next((pid for pid in server._children() if pid != dead), None),
        "the master to start a new worker",
    )

    def answers_try_again() -> bool:
        try:
            return desk.get(f"/orders/{number}").status_code == 503
        except requests.ConnectionError:
            return False

    _wait_for(answers_try_again, "the new worker to answer")
    _try_again_page(desk.get(f"/orders/{number}"))

    private_postgres.start()
    works()
    answer = desk.pay(number, "during-the-outage")
    assert answer.status_code == 200 and RECORDED in answer.text, answer.text[:300]
    db = Database(url)
    assert order_state(db, number)["paid"] == TOTAL
    with db.read() as session:
        assert integrity.check(session) == []
    db.dispose()
    assert server.process.poll() is None and server.worker in server._children()
