from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"

    def ready(self):
        from web.roles import keep_group_in_step

        from . import signals  # noqa: F401 - connects the search index receivers
        from .roles import CONTENT_EDITOR_PERMISSIONS, CONTENT_EDITORS

        keep_group_in_step(CONTENT_EDITORS, CONTENT_EDITOR_PERMISSIONS)
