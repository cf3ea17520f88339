"""ASGI entry point (unused in production today; kept for Django tooling)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmphysios.settings")

application = get_asgi_application()
