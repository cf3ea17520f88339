import os
import subprocess
import sys

from django.conf import settings


def run_settings(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    return subprocess.run(
        [sys.executable, "-c", "import dmphysios.settings"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_starts_with_a_secret_key():
    assert run_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50).returncode == 0
