from django import template

register = template.Library()


@register.simple_tag
def failed_notifications():
    """How many e-mails the outbox gave up on: staff must call those patients instead."""
    from appointments.models import Notification

    return Notification.objects.filter(state=Notification.State.FAILED).count()
