"""{% booking_url [condition] %}: where "Book an appointment" goes."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from web.page_cache import cached_content, content_key

register = template.Library()


@register.simple_tag(takes_context=True)
def booking_url(context, condition=None):
    """The diary's free times when someone can be booked online, else the call-back request (on the live site
    until staff replace the placeholder physiotherapists). With a condition, it is carried to the form."""
    name = "appointment-start" if diary_is_open(context.get("request")) else "booking-request"
    url = reverse(f"appointments:{name}")
    return url if condition is None else f"{url}?{urlencode({'condition': getattr(condition, 'slug', '')})}"


def diary_is_open(request) -> bool:
    """Asked once per request, and kept under the content version: a change to the physiotherapists or their
    hours (the clinic app) retires it, with the pages and fragments that show the links."""
    from appointments.forms import diary_is_open as ask

    if request is not None and hasattr(request, "_diary_is_open"):
        return request._diary_is_open
    answer = cached_content(content_key("diary-is-open"), ask)
    if request is not None:
        request._diary_is_open = answer
    return answer
