import subprocess
import sys

import pytest
from django.conf import settings

from tests.prod.servers import production_env


@pytest.fixture(scope="session")
def collected_static():
    """Production serves hashed, compressed files from STATIC_ROOT: collect them once, as a deploy does."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=production_env(DJANGO_LOG_LEVEL="WARNING"),
        check=True,
    )


@pytest.fixture
def seeded_for_servers(transactional_db):
    """The seed data, committed so that app servers in other processes see it."""
    from django.core.management import call_command

    call_command("load_initial_data", verbosity=0)
