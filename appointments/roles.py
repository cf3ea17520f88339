"""The staff groups of the diary: the front desk, who work requests and appointments, and the clinic manager, who
keeps who works when and how online booking works."""

from django.db.models import Q

FRONT_DESK = "Front desk"
CLINIC_MANAGER = "Clinic manager"


def _permissions(app_label, models, actions):
    return Q(content_type__app_label=app_label, content_type__model__in=models, codename__regex=rf"^({actions})_")


# The front desk views and works requests (and resends notifications); requests come only from patients, and
# deleting them is for superusers and the purge command. They book, move and cancel appointments and record
# absences; cancelling is a status, so they delete neither. Clinic details, windows and recipients: superusers only.
FRONT_DESK_PERMISSIONS = (
    _permissions("appointments", ["bookingrequest", "notification"], "view|change")
    | _permissions("appointments", ["appointment"], "view|add|change")
    | _permissions("clinic", ["absence"], "view|add|change")
)

# The clinic manager keeps the physiotherapists (all their fields, incl. whether patients may book them), their
# working hours, the visit types and the booking policy. A physiotherapist who leaves is made inactive, and a
# visit type no longer offered is unticked: appointments refer to both, so neither is deleted.
CLINIC_MANAGER_PERMISSIONS = (
    _permissions("clinic", ["physiotherapist"], "view|add|change")
    | _permissions("clinic", ["workinghours"], "view|add|change|delete")
    | _permissions("appointments", ["visittype", "bookingpolicy"], "view|add|change")
)
