"""The outside programs some tests need (Redis, Chromium), found once. A test that cannot find one is skipped,
unless CI asked for it (REQUIRE_REDIS=1, REQUIRE_BROWSER=1): then the run fails instead of skipping silently."""

import os
import shutil

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def redis_is_reachable():
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        if os.environ.get("REQUIRE_REDIS") == "1":
            raise RuntimeError(f"REQUIRE_REDIS=1 but Redis at {REDIS_URL} does not answer") from None
        return False


def chromium_executable():
    """Debian's Chromium (or another on PATH); None when there is none and CI did not require one."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("REQUIRE_BROWSER=1 but no chromium is on PATH (apt-get install chromium)")
    return found
