"""Staff groups, kept in step with the permissions on every migrate (permissions exist only after migrating)."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

FRONT_DESK = "Front desk"
CONTENT_EDITORS = "Content editors"

# The front desk views and works requests (and resends notifications); requests come only from patients, and
# deleting them is for superusers and the purge command. Clinic details, windows and recipients: superusers only.
FRONT_DESK_PERMISSIONS = Q(
    content_type__app_label="appointments",
    content_type__model__in=["bookingrequest", "notification"],
    codename__regex=r"^(view|change)_",
)
# Every model of the conditions app, including ones added later, and the physiotherapists who review pages.
CONTENT_EDITOR_PERMISSIONS = Q(content_type__app_label="conditions") | Q(
    content_type__app_label="clinic", content_type__model="physiotherapist"
)

ROLES = {FRONT_DESK: FRONT_DESK_PERMISSIONS, CONTENT_EDITORS: CONTENT_EDITOR_PERMISSIONS}


def sync_groups(using="default", **kwargs):
    """Create the groups if missing and give each exactly its permissions (a post_migrate receiver)."""
    if not Permission.objects.using(using).exists():
        return
    for name, permissions in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(Permission.objects.using(using).filter(permissions))
