from django import template

register = template.Library()


@register.simple_tag
def given_up_notifications():
    """How many e-mails the outbox gave up on (no retry left): staff must call those patients instead."""
    from appointments.models import Notification

    return Notification.objects.given_up().count()


@register.simple_tag
def retrying_notifications():
    """How many e-mails failed so far but will be tried again."""
    from appointments.models import Notification

    return Notification.objects.filter(state=Notification.State.FAILED).count() - given_up_notifications()


@register.simple_tag
def appointments_to_rebook():
    """How many appointments hold no time because theirs clashed: the front desk gives each a new one."""
    from appointments.models import Appointment

    return Appointment.objects.filter(status=Appointment.Status.TO_REBOOK).count()
