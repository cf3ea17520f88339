from django.core.checks import Warning, register
from django.db import DatabaseError


@register(deploy=True)
def clinic_details_are_real(app_configs=None, databases=None, **kwargs):
    """Warn before going live while the address, phone or e-mail are still the fixture's placeholders."""
    from .models import ClinicDetails

    try:
        details = ClinicDetails.load()
    except DatabaseError:
        # No database yet, or no table before `migrate`: nothing to judge.
        return []
    if details.pk is None or not details.has_placeholders:
        return []
    return [
        Warning(
            "The clinic's details still hold placeholders (address, phone, WhatsApp or e-mail).",
            hint="Replace them in the admin under Clinic details before patients see the site.",
            id="clinic.W001",
        )
    ]
