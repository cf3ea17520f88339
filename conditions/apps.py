from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"

    def ready(self):
        from . import signals  # noqa: F401 - connects the search index receivers
