"""With Redis, each process keeps its own copy of cached pages and fragments, yet any save retires them at once.

A save on another app server reaches this one only through the content version in Redis; these tests bump that
version behind this process's back, exactly as the other server would.
"""

import uuid

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conditions.models import SectionItem
from tests.builders import make_full_condition
from tests.client import Client
from tests.services import REDIS_URL, redis_is_reachable
from web.page_cache import CACHE_HEADER, VERSION_KEY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not redis_is_reachable(), reason=f"needs Redis at {REDIS_URL}"),
]


@pytest.fixture
def shared_cache(settings):
    """Django's cache on Redis under a key prefix of this test's own, and each process's local copy."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix},
    }
    settings.PAGE_CACHE_LOCAL_ALIAS = "local"
    server = redis.Redis.from_url(REDIS_URL)
    yield server, prefix
    caches["local"].clear()
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def save_on_another_server(shared_cache):
    """What any content save does to Redis, done from outside this process."""
    server, prefix = shared_cache
    server.incr(caches["default"].make_key(VERSION_KEY))


def visit(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response


def test_a_page_held_in_this_processs_memory_is_retired_by_a_save_on_another_server(shared_cache, seeded):
    condition = make_full_condition("Shared Condition")
    url = condition.get_absolute_url()
    assert visit(url)[CACHE_HEADER] == "miss"

    server, prefix = shared_cache
    for key in server.scan_iter(f"{prefix}:*page-cache:*"):
        if not key.endswith(b"version"):
            server.delete(key)
    assert visit(url)[CACHE_HEADER] == "hit"  # Redis no longer has it: this came from the process's own copy

    SectionItem.objects.filter(section__condition=condition, description="symptoms item 0").update(
        description="Written on the other server"
    )
    save_on_another_server(shared_cache)
    fresh = visit(url)
    assert fresh[CACHE_HEADER] == "miss"
    assert "Written on the other server" in fresh.text


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
    assert "Also written elsewhere" in visit(url).text
