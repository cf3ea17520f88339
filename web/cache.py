"""Django's Redis cache backend, made to give up quickly on a Redis that does not answer, and able to announce.

A Redis that hangs makes every call wait out its socket timeout: a page that asks the cache three times would
wait three seconds. Here the first call that fails makes this process skip Redis for OPTIONS["retry_seconds"]
(10 by default): every call meanwhile raises CacheSkipped at once, which callers already treat as "cache down".
Then one call tries Redis again while the others keep skipping it; the first answer puts everything back.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheSkipped(RedisConnectionError):
    """Raised instead of asking a Redis that failed to answer a moment ago."""


class _Breaker:
    """Whether this process skips one Redis server for now. Shared by the threads of the process."""

    def __init__(self, retry_seconds):
        self.retry_seconds = retry_seconds
        self.skip_until = 0.0
        self.lock = threading.Lock()

    def call(self, method, *args, **kwargs):
        if self.skip_until and not self._take_the_retry():
            raise CacheSkipped(f"cache skipped for up to {self.retry_seconds} s after a failure")
        try:
            result = method(*args, **kwargs)
        except UNREACHABLE as error:
            self.skip_until = time.monotonic() + self.retry_seconds
            logger.warning("Cache server unreachable (%s): skipped for %s s", type(error).__name__, self.retry_seconds)
            raise
        except Exception:
            self.skip_until = 0.0  # Redis answered, if only to say no
            raise
        self.skip_until = 0.0
        return result

    def _take_the_retry(self):
        """True for the one caller that tries Redis again once the wait is over; the others keep skipping it."""
        with self.lock:
            if time.monotonic() < self.skip_until:
                return False
            self.skip_until = time.monotonic() + self.retry_seconds
            return True


_breakers = {}
_breakers_lock = threading.Lock()


def _breaker_for(servers, retry_seconds):
    # Django makes a backend per thread: the threads of a process share one breaker per server.
    with _breakers_lock:
        return _breakers.setdefault((tuple(servers), retry_seconds), _Breaker(retry_seconds))


class _Guarded:
    """Django's Redis client, each call through the breaker."""

    def __init__(self, client, breaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name):
        return functools.partial(self._breaker.call, getattr(self._client, name))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = options.pop("retry_seconds", 10)
        super().__init__(server, params | {"OPTIONS": options})
        self._breaker = _breaker_for(self._servers, retry_seconds)

    @cached_property
    def _cache(self):
        return _Guarded(self._class(self._servers, **self._options), self._breaker)

    def publish(self, channel, message):
        """Send message to whoever listens on channel (under this cache's key prefix)."""
        client = self._cache.get_client(write=True)
        return self._breaker.call(client.publish, self.make_key(channel), message)

    def pubsub(self):
        """A pub/sub connection of its own, for a listening thread, which handles its failures itself."""
        return self._cache.get_client().pubsub()
