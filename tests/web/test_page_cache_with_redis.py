"""With Redis, each process keeps its own copy of cached pages and fragments, and of the content version, yet any
save retires them at once.

A save on another app server reaches this one only through Redis: the content version it holds, and the change
announced on pub/sub that this process listens for. These tests bump that version behind this process's back,
exactly as the other server would.
"""

import uuid
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conditions.models import SectionItem
from tests.builders import make_full_condition
from tests.client import Client
from tests.services import REDIS_URL, redis_is_reachable
from tests.waiting import eventually
from web import page_cache
from web.cache import RedisCache
from web.page_cache import CACHE_HEADER, VERSION_CHANNEL, VERSION_KEY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not redis_is_reachable(), reason=f"needs Redis at {REDIS_URL}"),
]


@pytest.fixture
def shared_cache(settings):
    """Django's cache on Redis under a key prefix of this test's own, and each process's local copy."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {"BACKEND": "web.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix},
    }
    settings.PAGE_CACHE_LOCAL_ALIAS = "local"
    server = redis.Redis.from_url(REDIS_URL)
    yield server, prefix
    caches["local"].clear()
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def save_on_another_server(shared_cache, announce=True):
    """What any content save does to Redis, done from outside this process: a new version, and its announcement
    (unless it is lost on the way)."""
    server, prefix = shared_cache
    version = server.incr(caches["default"].make_key(VERSION_KEY))
    if announce:
        server.publish(caches["default"].make_key(VERSION_CHANNEL), version)


def visit(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response


def listening():
    """Wait until this process listens for announced changes, as it does a moment after its first request."""
    eventually(lambda: page_cache._watcher().listening)


def test_a_page_held_in_this_processs_memory_is_retired_by_a_save_on_another_server(shared_cache, seeded, settings):
    settings.PAGE_CACHE_VERSION_SECONDS = 60  # so that only the announcement can retire it
    condition = make_full_condition("Shared Condition")
    url = condition.get_absolute_url()
    assert visit(url)[CACHE_HEADER] == "miss"
    listening()

    server, prefix = shared_cache
    for key in server.scan_iter(f"{prefix}:*page-cache:*"):
        if not key.endswith(b"version"):
            server.delete(key)
    assert visit(url)[CACHE_HEADER] == "hit"  # Redis no longer has it: this came from the process's own copy

    SectionItem.objects.filter(section__condition=condition, description="symptoms item 0").update(
        description="Written on the other server"
    )
    save_on_another_server(shared_cache)
    fresh = eventually(lambda: (response := visit(url))[CACHE_HEADER] == "miss" and response)
    assert "Written on the other server" in fresh.text


def test_once_listening_for_changes_a_cached_page_is_served_without_asking_redis(shared_cache, seeded, settings):
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    url = make_full_condition("Quiet Condition").get_absolute_url()
    visit(url)
    listening()
    visit(url)  # reads the version once more: it may have changed before this process began to listen
    with mock.patch.object(RedisCache, "get", autospec=True, side_effect=RedisCache.get) as redis_get:
        for _ in range(3):
            assert visit(url)[CACHE_HEADER] == "hit"
    assert redis_get.call_count == 0


def test_a_change_whose_announcement_was_lost_still_retires_the_page_within_a_second(shared_cache, seeded):
    condition = make_full_condition("Lost Message Condition")
    url = condition.get_absolute_url()
    visit(url)
    listening()
    assert visit(url)[CACHE_HEADER] == "hit"

    SectionItem.objects.filter(section__condition=condition, description="symptoms item 0").update(
        description="Announced to nobody"
    )
    save_on_another_server(shared_cache, announce=False)
    # PAGE_CACHE_VERSION_SECONDS is 1: the version is read from Redis again within a second (5 s: a loaded machine).
    fresh = eventually(lambda: (response := visit(url))[CACHE_HEADER] == "miss" and response, seconds=5)
    assert "Announced to nobody" in fresh.text


def test_with_the_page_cache_off_cached_fragments_are_retired_by_a_save_on_another_server(
    shared_cache, seeded, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    condition = make_full_condition("Fragment Condition")
    url = condition.get_absolute_url()
    visit(url)
    with CaptureQueriesContext(connection) as warm:
        visit(url)
    assert len(warm) == 1  # the condition's own row: the article, header and footer came from the cache

    SectionItem.objects.filter(section__condition=condition, description="symptoms item 0").update(
        description="Also written elsewhere"
    )
    save_on_another_server(shared_cache)
    assert eventually(lambda: "Also written elsewhere" in visit(url).text)
