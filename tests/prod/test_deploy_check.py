"""`manage.py check --deploy` with the production settings README gives."""

import subprocess
import sys

import pytest
from django.conf import settings

from clinic.models import ClinicDetails, Physiotherapist
from tests.prod.servers import production_env, unused_port


def deploy_check(**env):
    environment = production_env(**env)
    # The check runs as it would on the server: HTTPS redirect on, nothing relaxed for loopback.
    environment.pop("DJANGO_SECURE_SSL_REDIRECT")
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment | {"DJANGO_ALLOWED_HOSTS": "www.dmphysios.in", "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=False,
    )


def give_real_details():
    ClinicDetails.objects.filter(pk=1).update(
        street_address="C-12, Sector 62", phone="0120-4567890", whatsapp="+919876543210", email="care@dmphysios.in"
    )
    Physiotherapist.objects.filter(is_placeholder=True).update(is_placeholder=False, name="Dr. Real Person")


def test_the_deploy_check_is_clean_once_the_clinic_details_are_real(seeded_for_servers):
    give_real_details()
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_while_the_clinic_details_are_placeholders(seeded_for_servers):
    result = deploy_check()
    assert result.returncode != 0
    assert "clinic.W001" in result.stderr
    assert "placeholders" in result.stderr


def test_the_deploy_check_warns_while_placeholder_physiotherapists_are_active(seeded_for_servers):
    give_real_details()
    Physiotherapist.objects.update(is_placeholder=True)
    result = deploy_check()
    assert result.returncode != 0
    assert "clinic.W002" in result.stderr
    assert "only the call-back request" in result.stderr


def test_the_deploy_check_runs_before_the_database_exists(tmp_path):
    result = deploy_check(DATABASE_URL=f"sqlite:///{tmp_path / 'not-migrated.sqlite3'}")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_runs_with_no_database_server_at_all():
    result = deploy_check(DATABASE_URL=f"postgres://nobody@127.0.0.1:{unused_port()}/nothing")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("weak", ["password123", "dmphysios", "12345678901234", "short"])
def test_staff_passwords_must_be_strong(db, weak):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(weak)


def test_the_admin_address_comes_from_the_environment():
    code = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=production_env(DJANGO_ADMIN_URL="clinic-staff-7f3/", DJANGO_LOG_LEVEL="WARNING"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "/clinic-staff-7f3/"
