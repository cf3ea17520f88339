from django.apps import AppConfig


class DmphysiosConfig(AppConfig):
    """The project package as an app, so the page cache hears every content save, wherever it happens."""

    name = "dmphysios"
    verbose_name = "DMPhysios site"

    def ready(self):
        from . import page_cache

        page_cache.connect_signals()
