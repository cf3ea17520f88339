"""The front desk's staff group."""

from django.db.models import Q

FRONT_DESK = "Front desk"

# The front desk views and works requests (and resends notifications); requests come only from patients, and
# deleting them is for superusers and the purge command. Clinic details, windows and recipients: superusers only.
FRONT_DESK_PERMISSIONS = Q(
    content_type__app_label="appointments",
    content_type__model__in=["bookingrequest", "notification"],
    codename__regex=r"^(view|change)_",
)
