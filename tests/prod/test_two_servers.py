"""Two app servers on loopback sharing one PostgreSQL and one Redis, as README's scale-out section runs them."""

import uuid

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from conditions.models import Condition
from tests.prod.servers import Browser, gunicorn, production_env
from tests.services import REDIS_URL, redis_is_reachable

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
    # A key prefix of its own, so this run never meets pages cached by another.
    return production_env(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}")


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
        assert visitor.get(page).headers["X-Page-Cache"] == "hit"

        staff = Browser(server_a)
        staff.log_in_to_admin(*editor)
        run_action(staff, "unpublish", condition)
        assert Browser(server_b).get(page).status == 404

        run_action(staff, "publish", condition)
        again = Browser(server_b, host="localhost").get(page)
        assert again.status == 200
        assert again.headers["X-Page-Cache"] == "miss"
        # The page server B just stored is the one server A serves.
        assert Browser(server_a, host="localhost").get(page).headers["X-Page-Cache"] == "hit"
