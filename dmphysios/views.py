import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as default_server_error
from django.views.generic import TemplateView

from conditions.models import Condition


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
    """A database that cannot be reached is an outage, not a bug: say so with a 503 and the clinic's phone."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    return default_server_error(request)


def service_unavailable(request):
    phone = settings.CLINIC_PHONE_FALLBACK
    # Rendered without a RequestContext: the context processors read the database that is down.
    response = render(
        None, "503.html", {"phone": phone, "phone_digits": "".join(c for c in phone if c.isdigit() or c == "+")}
    )
    response.status_code = 503
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response
