"""The health check and the error pages, which must render even when the database or the cache is away."""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import db
from .page_cache import CACHE_DOWN


@never_cache
def healthz(request):
    """For the load balancer: 200 while this server can reach its database, 503 otherwise."""
    if db.known_down():
        return JsonResponse({"status": "unavailable", "database": "not answering"}, status=503)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """A database (or cache server) that cannot be reached is an outage, not a bug: a 503 with the clinic's phone."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError, *CACHE_DOWN)):
        return service_unavailable(request)
    # Rendered without a RequestContext: whatever failed may be what the context processors need.
    response = render(None, "500.html", fallback_phone())
    response.status_code = 500
    return response


def bad_request(request, exception):
    """Our own 400 page, rendered without a RequestContext: the request's body may be what could not be read."""
    response = render(None, "400.html", fallback_phone())
    response.status_code = 400
    return response


def fallback_phone():
    """The clinic's phone from the settings, for pages that cannot rely on the database."""
    phone = settings.CLINIC_PHONE_FALLBACK
    return {"phone": phone, "phone_digits": "".join(c for c in phone if c.isdigit() or c == "+")}


def service_unavailable(request):
    context = fallback_phone()
    if form_class := _outage_form(request):
        # The view's own form lists what was typed, so nothing is lost while the database is away.
        context |= {
            "typed": form_class.typed_answers(request.POST),
            "resend": _resend_fields(request.POST),
            "action": request.path,
        }
    # Rendered without a RequestContext: the context processors read the database that is down.
    response = render(None, "503.html", context)
    response.status_code = 503
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def _outage_form(request):
    """The form class a POSTing view named with @keeps_typed_answers(FormClass), if any."""
    match = getattr(request, "resolver_match", None)
    if request.method != "POST" or match is None:
        return None
    return getattr(match.func, "outage_form", None)


def keeps_typed_answers(form_class):
    """Mark a view whose POSTed form the 503 page shows back to the visitor, with a "Send again" button.
    form_class.typed_answers(data) gives (label, value) pairs of what the visitor typed."""

    def mark(view):
        view.outage_form = form_class
        return view

    return mark


def _resend_fields(data):
    """Every posted field as it came, so "Send again" posts exactly the same form (CSRF token included)."""
    return [(name, value) for name in data for value in data.getlist(name)]
