"""gunicorn settings for production and `make serve`; each can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Threads let a worker keep answering while another request waits on the database or the mail server.
# Cached pages, the content version that retires them and the booking rate limits live in Django's cache.
# Without REDIS_URL that cache is each process's own memory, so one process keeps them right (a save
# retires the cached pages everywhere, "3 a day" means 3); with Redis every worker and server shares them.
default_workers = multiprocessing.cpu_count() * 2 + 1 if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Workers are not recycled: nothing leaks (README, "gunicorn"), and a limit restarts every worker at nearly the
# same moment under steady load. A deployment that wants one sets GUNICORN_MAX_REQUESTS; the jitter is as large
# as the limit, so the restarts spread over a second window as long as the first.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests
# gunicorn's control socket is one path per user (~/.gunicorn/gunicorn.ctl) that a second gunicorn on the host
# would take over; nothing here uses it.
control_socket_disable = True
wsgi_app = "dmphysios.wsgi:application"

# Trust X-Forwarded-* only from the reverse proxy on this machine (README, "Reverse proxy").
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# One JSON object per request, without the query string, client address or user agent (web/access_log.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
logger_class = "web.access_log.JsonAccessLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def on_starting(server):
    """Refuse several workers without Redis: each would keep its own cached pages (serving pages a save had
    retired) and its own rate-limit counts (multiplying "3 a day")."""
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        raise SystemExit(
            f"gunicorn: {server.cfg.workers} workers need a shared cache: set REDIS_URL, or run one worker "
            "(unset WEB_CONCURRENCY)."
        )
