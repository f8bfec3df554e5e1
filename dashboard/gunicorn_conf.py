"""gunicorn settings for production (README, "Production"):

    .venv/bin/gunicorn -c dashboard/gunicorn_conf.py dashboard.wsgi:server

Read by gunicorn's master as a plain file, not imported as part of the package.
Every value can be changed from the environment, so that one file serves every host.

Sizing (per host): ``workers × threads`` requests run at once. Each running request
holds at most one database connection at a time (the login check's session is closed
before the callback opens its own; a streamed export holds one for its whole length),
so ``PARKDESK_DB_POOL_SIZE`` ≥ ``threads`` never makes a request wait for a connection,
and PostgreSQL sees at most ``workers × 2 × PARKDESK_DB_POOL_SIZE`` connections per host
(SQLAlchemy's overflow equals the pool size).
"""

import os

bind = os.environ.get("PARKDESK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))

# Threads, not more processes: a request spends most of its time waiting for PostgreSQL
# (the GIL is released meanwhile), and a long request — a year of occupancy, a
# million-row export — takes one thread, not a whole worker.
worker_class = "gthread"
threads = int(os.environ.get("PARKDESK_THREADS", "4"))

# A worker takes a connection only while one of its threads is free; everything else
# waits in the listen queue for the first worker that has one. (gthread's default, 1000,
# accepts into a worker whose threads are all busy, and those requests wait behind its
# long ones while other workers idle.) Keep-alive connections would count against this
# limit, so none: nginx talks HTTP/1.0 to its upstream by default anyway. (gthread then
# closes a connection that sends nothing for 5 s: fine behind nginx, which sends the
# request as it connects; never put gunicorn itself on a network of slow clients.)
worker_connections = threads
keepalive = 0

# With gthread the worker's main loop answers the master's heartbeat while its threads
# work, so ``timeout`` kills only a worker that is truly stuck, never a long request: a
# million-row export streams for as long as it needs.
timeout = int(os.environ.get("PARKDESK_WORKER_TIMEOUT", "60"))
# On SIGTERM (deploys, restarts) requests that are running may finish, exports included.
graceful_timeout = int(os.environ.get("PARKDESK_GRACEFUL_TIMEOUT", "120"))

# Each worker builds its own app, engine and connection pool after the fork; a pool
# created in the master and inherited by the workers would share sockets between them.
preload_app = False

accesslog = os.environ.get("PARKDESK_ACCESS_LOG", "-")
errorlog = os.environ.get("PARKDESK_ERROR_LOG", "-")
loglevel = os.environ.get("PARKDESK_LOG_LEVEL", "info")
# The client as the proxy saw it (X-Forwarded-For), the proxy, the request, the status,
# the size and the time taken in milliseconds; no cookies, no user agent.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# The heartbeat file in memory, not on a disk that may stall (containers: /tmp on overlayfs).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

proc_name = "parkdesk"

# gunicorn ≥ 25 opens a control socket (worker count, reload, shutdown) at one path per
# user, $HOME/.gunicorn/gunicorn.ctl: a second instance of the same user takes it over.
# Off unless a path of its own is given.
control_socket = os.environ.get("PARKDESK_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
