"""
A shared cache of the public pages as anonymous visitors see them.

Django's own cache middleware varies on the Cookie header, so a visitor holding a CSRF cookie would never
share a cached page. Here a request qualifies when it carries no session cookie (staff always do), and a
response is stored only when nothing in it belongs to one visitor: no cookie set, no CSRF token rendered,
nothing marked private. Every save or delete in the content apps bumps a "content version" that is part of
every key, so a publish anywhere (on any app server, when the cache is Redis) retires every cached page at once.
content_key() and cached_content() keep smaller things built from content (a condition's rendered article, the
clinic's details, the header and footer) under the same version, for requests the page cache does not answer.

A key that holds the version never changes its value, so with a shared cache (Redis) each process also keeps
what it reads in its own memory (PAGE_CACHE_LOCAL_ALIAS), and the version too: a thread of the process listens
for the change that each save announces on Redis pub/sub (web.cache), and the process reads the version again at
least every PAGE_CACHE_VERSION_SECONDS all the same, in case an announcement was lost. A cached page then costs no
round trip to Redis, and a save anywhere retires every copy everywhere within that second at worst.

Pages are stored as sent: gzip-compressed (by GZipMiddleware, just below) for browsers that accept it, plain for
the others, under keys of their own, so compression costs once per stored page, not once per visit.
"""

import contextlib
import functools
import hashlib
import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.gzip import re_accepts_gzip
from django.urls import reverse
from django.utils.cache import cc_delim_re

from .cache import CacheSkipped

logger = logging.getLogger(__name__)
VERSION_KEY = "page-cache:version"
VERSION_CHANNEL = "page-cache:version-changed"
# A cache server that is down or slow must cost the site its speed, not its pages.
CACHE_DOWN = (ConnectionError, TimeoutError)
try:
    from redis.exceptions import RedisError

    CACHE_DOWN += (RedisError,)
except ImportError:  # pragma: no cover - redis is in requirements.txt
    pass
CACHE_HEADER = "X-Page-Cache"


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _local():
    alias = settings.PAGE_CACHE_LOCAL_ALIAS
    return caches[alias] if alias else None


def _get_versioned(key):
    """What the cache holds under a key that contains the content version: this process's copy first."""
    local = _local()
    if local is not None and (value := local.get(key)) is not None:
        return value
    value = cache().get(key)
    if value is not None and local is not None:
        local.set(key, value, settings.PAGE_CACHE_LOCAL_SECONDS)
    return value


def _set_versioned(key, value, timeout):
    cache().set(key, value, timeout)
    if (local := _local()) is not None:
        local.set(key, value, min(timeout, settings.PAGE_CACHE_LOCAL_SECONDS))


def content_version():
    watcher = _watcher()
    return watcher.get() if watcher is not None else _read_version()


def _read_version():
    version = cache().get(VERSION_KEY)
    if version is None:
        # A fresh start, not 1: pages stored under an evicted version must never match again.
        cache().add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache().get(VERSION_KEY)
    return version


class _VersionWatcher:
    """This process's copy of the content version, kept while a thread of its own listens for changes."""

    def __init__(self):
        self.pid = os.getpid()
        self.known = (None, 0.0)  # the version and when it was read, replaced together
        self.changes = 0
        self.listening = False
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        threading.Thread(target=self._listen, name="content-version", daemon=True).start()

    def get(self):
        version, read_at = self.known
        if self.listening and time.monotonic() - read_at < settings.PAGE_CACHE_VERSION_SECONDS:
            return version
        changes = self.changes
        version = _read_version()
        with self.lock:
            if changes == self.changes:  # else a change was announced meanwhile: this read may predate it
                self.known = (version, time.monotonic())
        return version

    def expire(self):
        with self.lock:
            self.changes += 1
            self.known = (None, 0.0)

    def stop(self):
        self.stopped.set()

    def _listen(self):
        while not self.stopped.is_set():
            try:
                self._wait_for_changes()
            except Exception as error:  # the thread outlives any failure; Redis being away is expected
                if not isinstance(error, CACHE_DOWN):
                    logger.exception("Content version watcher failed")
            # Not listening (Redis away, or it dropped the connection): read the version on every request.
            self.listening = False
            self.expire()
            self.stopped.wait(1)

    def _wait_for_changes(self):
        pubsub = cache().pubsub()
        try:
            pubsub.subscribe(cache().make_key(VERSION_CHANNEL))
            while not self.stopped.is_set():
                message = pubsub.get_message(timeout=1)
                if message is not None:
                    # On "subscribe" too: a change made before the subscription took hold is read from Redis.
                    self.expire()
                    self.listening = True
        finally:
            pubsub.close()


_current_watcher = None
_watcher_lock = threading.Lock()


def _watcher():
    """This process's version watcher, when the cache can announce changes. Started on first use, so each
    gunicorn worker starts its own after the fork."""
    global _current_watcher
    watcher = _current_watcher
    if watcher is not None and watcher.pid == os.getpid():
        return watcher
    if not hasattr(cache(), "pubsub"):
        return None
    with _watcher_lock:
        if _current_watcher is None or _current_watcher.pid != os.getpid():
            _current_watcher = _VersionWatcher()
        return _current_watcher


def _forget_watcher(setting, **kwargs):
    """A test that changes the caches gets a watcher of the new ones."""
    global _current_watcher
    if setting in {"CACHES", "PAGE_CACHE_ALIAS"} and _current_watcher is not None:
        _current_watcher.stop()
        _current_watcher = None


def content_key(*parts):
    """A cache key for something built from content (a rendered fragment, the clinic's details), under the
    current content version so any content save retires it. None when such things are not cached
    (CONTENT_CACHE_SECONDS is 0, or the cache cannot be reached)."""
    if not settings.CONTENT_CACHE_SECONDS:
        return None
    try:
        version = content_version()
    except CACHE_DOWN:
        return None
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"content:{version}:{digest}"


def cached_content(key, build):
    """build()'s result, kept in the cache under key (from content_key); with key None, build() every time."""
    if key is None:
        return build()
    with contextlib.suppress(*CACHE_DOWN):
        cached = _get_versioned(key)
        if cached is not None:
            return cached
    built = build()
    with contextlib.suppress(*CACHE_DOWN):
        _set_versioned(key, built, settings.CONTENT_CACHE_SECONDS)
    return built


def invalidate_pages(using=None):
    """Retire every cached page. Call it after writes that send no signals, such as queryset.update()."""
    _bump_version()
    # Again once the transaction commits: a visitor who read the old rows while the change was still
    # uncommitted would otherwise have stored them under the new version.
    transaction.on_commit(_bump_version, using=using)


def _bump_version():
    try:
        try:
            version = cache().incr(VERSION_KEY)
        except ValueError:  # no version yet (or evicted): any fresh number retires what was stored
            version = time.time_ns()
            cache().set(VERSION_KEY, version, timeout=None)
        _announce(version)
    except CACHE_DOWN:
        # The save itself stands; pages cached before the outage expire within PAGE_CACHE_SECONDS.
        logger.warning("Page cache unreachable: could not retire cached pages after a content change")


def _announce(version):
    """Tell this process's watcher at once, and every other process through Redis."""
    watcher = _current_watcher
    if watcher is not None and watcher.pid == os.getpid():
        watcher.expire()
    # Unheard, the others still read the new version within PAGE_CACHE_VERSION_SECONDS.
    with contextlib.suppress(*CACHE_DOWN):
        if hasattr(cache(), "publish"):
            cache().publish(VERSION_CHANNEL, version)


def _invalidate_on_content_change(sender, using=None, **kwargs):
    if sender._meta.app_label in settings.PAGE_CACHE_CONTENT_APPS:
        invalidate_pages(using)


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_invalidate_on_content_change, dispatch_uid=f"page-cache-{signal!r}")
    setting_changed.connect(_forget_watcher, dispatch_uid="page-cache-watcher")


def _may_use_cache(request):
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not request.path.startswith(_excluded_prefixes())


@functools.cache
def _excluded_prefixes():
    # The booking form renders a CSRF token and is never stored anyway; excluding it says so plainly.
    return (reverse("admin:index"), reverse("healthz"), reverse("appointments:booking-request"))


def _is_shareable(request, response):
    cache_control = {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not cache_control & {"private", "no-cache", "no-store"}
    )


def _key(request, version):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    # The test GZipMiddleware makes: a browser that accepts gzip gets the page as compressed for the first one.
    encoding = "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "identity"
    return f"page-cache:{version}:{encoding}:{digest}"


class PageCacheMiddleware:
    """Serve and fill the shared page cache. Sits above the session middleware so a hit touches no database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _may_use_cache(request):
            return self.get_response(request)
        try:
            version = content_version()
            cached = _get_versioned(_key(request, version))
        except CACHE_DOWN as error:
            if not isinstance(error, CacheSkipped):  # the failure that started the skipping was logged
                logger.warning("Page cache unreachable: serving the page uncached")
            return self.get_response(request)
        if cached is not None:
            cached[CACHE_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if _is_shareable(request, response):
            with contextlib.suppress(*CACHE_DOWN):
                _set_versioned(_key(request, version), response, settings.PAGE_CACHE_SECONDS)
                response[CACHE_HEADER] = "miss"
        return response
