import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from conditions.models import Condition

from .page_cache import CACHE_DOWN


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conditions"] = Condition.objects.published().select_related("category")
        return context


@never_cache
def healthz(request):
    """For the load balancer: 200 while this server can reach its database, 503 otherwise."""
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


def fallback_phone():
    """The clinic's phone from the settings, for pages that cannot rely on the database."""
    phone = settings.CLINIC_PHONE_FALLBACK
    return {"phone": phone, "phone_digits": "".join(c for c in phone if c.isdigit() or c == "+")}


def service_unavailable(request):
    context = fallback_phone()
    if request.method == "POST" and _is_booking_form(request):
        context |= {
            "typed": _typed_answers(request.POST),
            "resend": _resend_fields(request.POST),
            "action": request.path,
        }
    # Rendered without a RequestContext: the context processors read the database that is down.
    response = render(None, "503.html", context)
    response.status_code = 503
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def _is_booking_form(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "appointments:booking-request"


NOT_SHOWN = {"csrfmiddlewaretoken", "started", "website", "consent"}


def _typed_answers(data):
    """What the patient typed, labelled as on the form, so nothing is lost while the database is away."""
    from appointments.forms import BookingRequestForm

    answers = []
    for name, field in BookingRequestForm.base_fields.items():
        values = [value for value in data.getlist(name) if value.strip()]
        if name in NOT_SHOWN or not values:
            continue
        choices = dict(getattr(field, "choices", None) or [])
        answers.append((field.label, ", ".join(str(choices.get(value, value)) for value in values)))
    return answers


def _resend_fields(data):
    """Every posted field as it came, so "Send again" posts exactly the same form (CSRF token included)."""
    return [(name, value) for name in data for value in data.getlist(name)]
