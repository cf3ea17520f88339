"""The content editors' staff group."""

from django.db.models import Q

CONTENT_EDITORS = "Content editors"

# Every model of the conditions app, including ones added later, and the physiotherapists who review pages.
CONTENT_EDITOR_PERMISSIONS = Q(content_type__app_label="conditions") | Q(
    content_type__app_label="clinic", content_type__model="physiotherapist"
)
