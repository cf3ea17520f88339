from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"

    def ready(self):
        from web.roles import keep_group_in_step

        from .roles import CLINIC_MANAGER, CLINIC_MANAGER_PERMISSIONS, FRONT_DESK, FRONT_DESK_PERMISSIONS

        keep_group_in_step(FRONT_DESK, FRONT_DESK_PERMISSIONS)
        keep_group_in_step(CLINIC_MANAGER, CLINIC_MANAGER_PERMISSIONS)
