"""Shared fixtures: the clinic's seed data, staff users and small builders for content."""

import pytest
from django.core.management import call_command

from tests.builders import make_condition
from tests.client import Client


@pytest.fixture
def seeded(db):
    """The database as `make run` leaves it: clinic details and the condition pages."""
    call_command("load_initial_data", verbosity=0)


@pytest.fixture
def client():
    """An anonymous browser that posts forms URL-encoded, as a browser does."""
    return Client()


@pytest.fixture
def staff_client(db, django_user_model):
    """A separate browser, logged in as a superuser; `client` stays anonymous."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    staff = Client()
    staff.force_login(user)
    return staff


@pytest.fixture
def condition(db):
    return make_condition()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no page cached by an earlier test, no rate-limit count."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
