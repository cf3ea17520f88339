"""A deadline on every wait for PostgreSQL during a web request.

A database that stops answering without closing the connection (a lost host, a firewall that drops packets)
would hold a request for as long as the kernel keeps the connection: about 50 s, and every thread with it, until
even cached pages stop answering. connect_timeout covers only new connections, and the server's own timeouts
never fire while a proxy's kernel keeps acknowledging. So psycopg2 waits through wait_select() below (its "wait
callback"), which gives up after DATABASE_WAIT_SECONDS: the request fails as the database being away does (a 503
with the clinic's phone), the connection is dropped, and for DATABASE_RETRY_SECONDS this process knows the
database is down, so /healthz and other requests answer at once instead of waiting again.

Only web requests have a deadline (DatabaseDeadlineMiddleware sets it); migrations and commands wait as long as
their work takes.
"""

import select
import threading
import time

from django.conf import settings
from django.db import connections

_request = threading.local()
_down_until = 0.0


def known_down() -> bool:
    """True for a short while after this process last found the database not answering."""
    return time.monotonic() < _down_until


def mark_down():
    global _down_until
    _down_until = time.monotonic() + settings.DATABASE_RETRY_SECONDS


def wait_select(conn):
    """psycopg2's wait callback: poll the connection, giving up at the request's deadline, if it has one."""
    from psycopg2 import OperationalError, extensions

    seconds = getattr(_request, "seconds", None)
    if seconds is None:
        deadline = None
    elif known_down():
        _give_up(conn, OperationalError, "the database did not answer a moment ago")
    else:
        deadline = time.monotonic() + seconds
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        wait = None if deadline is None else max(deadline - time.monotonic(), 0)
        reading = state == extensions.POLL_READ
        ready = select.select([conn.fileno()] if reading else [], [] if reading else [conn.fileno()], [], wait)
        if not any(ready):
            mark_down()
            _give_up(conn, OperationalError, "the database did not answer in time")


def _give_up(conn, error, reason):
    # psycopg2 closes the connection when its wait callback raises: it still waits for an answer that may never
    # come, so it can never be used again (closing it here would deadlock on the lock the query holds).
    raise error(reason)


def install():
    """Route psycopg2's waits through wait_select (for every connection this process opens)."""
    if any(connections[alias].vendor == "postgresql" for alias in connections):
        from psycopg2 import extensions

        extensions.set_wait_callback(wait_select)


class DatabaseDeadlineMiddleware:
    """Each query during a request gets DATABASE_WAIT_SECONDS to be answered (0: no deadline)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Per query rather than per request: a page that runs ten quick queries is not cut short.
        _request.seconds = settings.DATABASE_WAIT_SECONDS or None
        try:
            return self.get_response(request)
        finally:
            _request.seconds = None
