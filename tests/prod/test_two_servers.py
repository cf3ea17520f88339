"""Two app servers on loopback sharing one PostgreSQL and one Redis, as README's scale-out section runs them."""

import time
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from conditions.models import Condition
from tests.prod.servers import Browser, gunicorn, production_env
from tests.services import REDIS_URL, redis_is_reachable
from tests.waiting import eventually

pytestmark = [
    pytest.mark.usefixtures("collected_static"),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="two app servers need a shared PostgreSQL: run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.skipif(not redis_is_reachable(), reason=f"two app servers need a shared Redis at {REDIS_URL}"),
]


@pytest.fixture
def shared_env():
    # A key prefix of its own, so this run never meets pages cached by another. Each worker keeps the content
    # version in memory; here it would not read it again for a minute, so only the change announced through
    # Redis can retire a page on the other server.
    return production_env(
        REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}", PAGE_CACHE_VERSION_SECONDS="60"
    )


@pytest.fixture
def editor(seeded_for_servers, django_user_model):
    # The servers use the production hashers, not the tests' fast MD5 one.
    password = PBKDF2PasswordHasher().encode("a-long-editor-password", "editorsalt1234")
    django_user_model.objects.create(username="editor", password=password, is_staff=True, is_superuser=True)
    return "editor", "a-long-editor-password"


def run_action(browser, action, condition):
    changelist = "/admin/conditions/condition/"
    token = Browser.csrf_token(browser.get(changelist).text)
    response = browser.post(
        changelist, {"csrfmiddlewaretoken": token, "action": action, "_selected_action": condition.pk, "index": 0}
    )
    assert response.status == 302, response.text[:500]


def test_publishing_through_one_server_invalidates_the_cached_page_on_the_other(shared_env, editor):
    condition = Condition.objects.get(slug="glutes-spasm")
    page = condition.get_absolute_url()
    with gunicorn(shared_env, workers=2) as server_a, gunicorn(shared_env, workers=2) as server_b:
        visitor = Browser(server_b)
        visitor.get(page)
        # Each worker of server B in turn: every one holds the page and the content version in its memory.
        for _ in range(6):
            visitor.get(page)
        assert visitor.get(page).headers["X-Page-Cache"] == "hit"

        staff = Browser(server_a)
        staff.log_in_to_admin(*editor)
        run_action(staff, "unpublish", condition)
        saved = time.monotonic()
        # Within a moment (the bound is generous for a loaded machine), on every worker of B.
        eventually(lambda: all(Browser(server_b).get(page).status == 404 for _ in range(6)), seconds=5)
        assert time.monotonic() - saved < 5

        run_action(staff, "publish", condition)
        published = Browser(server_b, host="localhost")
        again = eventually(lambda: (response := published.get(page)).status == 200 and response)
        assert again.headers["X-Page-Cache"] == "miss"
        # The page server B just stored is the one server A serves.
        assert Browser(server_a, host="localhost").get(page).headers["X-Page-Cache"] == "hit"
