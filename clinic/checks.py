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


@register(deploy=True)
def physiotherapists_are_real(app_configs=None, databases=None, **kwargs):
    """Warn while the seed's placeholder physiotherapists are active: patients cannot book them online."""
    from .models import Physiotherapist

    try:
        placeholders = Physiotherapist.objects.filter(is_active=True, is_placeholder=True).count()
    except DatabaseError:
        return []
    if not placeholders:
        return []
    return [
        Warning(
            f"{placeholders} active physiotherapist(s) are placeholders from the seed data; patients are offered "
            "only the call-back request until real physiotherapists with working hours are entered.",
            hint="In the admin, replace them under Physiotherapists (untick 'is placeholder') or make them inactive.",
            id="clinic.W002",
        )
    ]
