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
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = 2000
max_requests_jitter = 200
wsgi_app = "dmphysios.wsgi:application"

# Trust X-Forwarded-* only from the reverse proxy on this machine (README, "Reverse proxy").
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# One JSON object per request. %(U)s is the path without its query string, which can hold what a
# visitor typed (a search); no client address or user agent either: the log holds no personal data.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
