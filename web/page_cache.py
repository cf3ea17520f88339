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
what it reads in its own memory (PAGE_CACHE_LOCAL_ALIAS): a request then asks Redis only for the version, a few
bytes, and a save still retires every copy everywhere, because the next request reads the new version.
"""

import contextlib
import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)
VERSION_KEY = "page-cache:version"
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
    version = cache().get(VERSION_KEY)
    if version is None:
        # A fresh start, not 1: pages stored under an evicted version must never match again.
        cache().add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache().get(VERSION_KEY)
    return version


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
        cache().incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any fresh number retires what was stored
        cache().set(VERSION_KEY, time.time_ns(), timeout=None)
    except CACHE_DOWN:
        # The save itself stands; pages cached before the outage expire within PAGE_CACHE_SECONDS.
        logger.warning("Page cache unreachable: could not retire cached pages after a content change")


def _invalidate_on_content_change(sender, using=None, **kwargs):
    if sender._meta.app_label in settings.PAGE_CACHE_CONTENT_APPS:
        invalidate_pages(using)


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_invalidate_on_content_change, dispatch_uid=f"page-cache-{signal!r}")


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
    return f"page-cache:{version}:{digest}"


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
        except CACHE_DOWN:
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
