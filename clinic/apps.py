from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic details"

    def ready(self):
        from . import checks  # noqa: F401 - registers the placeholder check
