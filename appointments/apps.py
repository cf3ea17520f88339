from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AppointmentsConfig(AppConfig):
    name = "appointments"

    def ready(self):
        from .roles import sync_groups

        # No sender: runs after every app's migrations, so permissions of apps listed later are granted too.
        post_migrate.connect(sync_groups, dispatch_uid="appointments.sync_groups")
