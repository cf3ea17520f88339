from django.apps import AppConfig


class WebConfig(AppConfig):
    """Site-wide web plumbing every app may use: the page and content cache, the client's address, security
    headers, error pages and health check. It imports no other app of ours."""

    name = "web"
    verbose_name = "Site plumbing"

    def ready(self):
        from . import db, page_cache

        # Every content save, wherever it happens, retires the cached pages.
        page_cache.connect_signals()
        db.install()
