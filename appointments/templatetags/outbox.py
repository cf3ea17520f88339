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
