"""Guessing staff passwords: after five wrong tries the admin locks that login out for an hour."""

import pytest
from django.urls import reverse

PASSWORD = "a-long-test-password"


@pytest.fixture
def editors(django_user_model):
    for name in ("editor", "colleague"):
        django_user_model.objects.create_superuser(name, f"{name}@example.com", PASSWORD)


def log_in(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_login_even_against_the_right_password(client, editors):
    for _ in range(4):
        assert log_in(client, "editor", "guess").status_code == 200
    assert log_in(client, "editor", "guess").status_code == 429
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_out_username_does_not_lock_out_a_colleague(client, editors):
    for _ in range(5):
        log_in(client, "editor", "guess")
    assert log_in(client, "colleague", PASSWORD).status_code == 302


def test_four_wrong_passwords_still_let_the_right_one_in(client, editors):
    for _ in range(4):
        log_in(client, "editor", "guess")
    assert log_in(client, "editor", PASSWORD).status_code == 302
