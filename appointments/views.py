from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import TemplateView

from web.client_ip import client_ip
from web.views import keeps_typed_answers

from . import limits
from .forms import BookingRequestForm, new_form_stamp
from .models import BookingRequest
from .privacy import PRIVACY_NOTICE_VERSION
from .schedule import week_windows
from .services import booking_request_create

SESSION_KEY = "booking_references"
RESENT_CHANGED_KEY = "booking_resent_changed"


@require_http_methods(["GET", "HEAD", "POST"])
@keeps_typed_answers(BookingRequestForm)
def booking_request(request):
    """The booking form: GET shows it, a valid POST saves the request and redirects to its confirmation."""
    if request.method != "POST":
        form = BookingRequestForm(initial={"condition": request.GET.get("condition", ""), "started": new_form_stamp()})
        return render_form(request, form)
    form = BookingRequestForm(request.POST)
    if form.is_bot:
        return render_blocked(request, status=400)
    if not form.is_valid():
        form.renew_stamp_if_expired()
        return render_form(request, form)
    return save(request, form)


def save(request, form):
    """Save the request and count it against the rate limits in one transaction: a count past a limit undoes it.

    Only the submission that creates the request counts; a double click or a resent form shows the first request.
    """
    fields, counted = booking_fields(form), []
    try:
        with transaction.atomic():
            booking, created = booking_request_create(**fields, form_token=form.form_token)
            if created:
                counted = limits.reserve(phone=fields["phone"], email=fields["email"], ip=client_ip(request))
    except limits.OverLimit:
        return render_blocked(request, status=429)
    except BaseException:
        limits.release(counted)  # counted, but the commit failed: the request was never made
        raise
    return confirm(request, booking, fields)


def booking_fields(form) -> dict:
    data = form.cleaned_data
    names = ["full_name", "booking_for", "patient_name", "relationship", "patient_is_minor", "phone", "email"]
    names += ["visit_type", "preferred_date", "preferred_time", "message", "red_flags"]
    return {name: data[name] for name in names} | {
        "condition": form.condition_object(),
        "consent_version": PRIVACY_NOTICE_VERSION,
    }


def render_form(request, form):
    context = {
        "form": form,
        "week_windows": week_windows(form.windows),
        "urgent": form.has_red_flags,
        "retention_days": settings.BOOKING_RETENTION_DAYS,
    }
    return render(request, "appointments/bookingrequest_form.html", context)


def render_blocked(request, status):
    return render(request, "appointments/bookingrequest_blocked.html", status=status)


def confirm(request, booking, fields):
    """Let this browser, and only this one, see the confirmation; say so if a resent form asked for changes."""
    references = request.session.get(SESSION_KEY, [])
    if booking.reference not in references:
        request.session[SESSION_KEY] = [*references[-19:], booking.reference]
    if booking.differs_from(fields):
        request.session[RESENT_CHANGED_KEY] = booking.reference
    return redirect(booking)


@require_safe
def booking_request_sent(request, reference):
    if reference not in request.session.get(SESSION_KEY, []):
        raise Http404("Only the browser that sent a request can see its confirmation.")
    booking = get_object_or_404(BookingRequest, reference=reference)
    context = {
        "booking": booking,
        "callback_hours": settings.BOOKING_CALLBACK_WORKING_HOURS,
        "resent_changed": request.session.pop(RESENT_CHANGED_KEY, None) == reference,
    }
    return render(request, "appointments/bookingrequest_sent.html", context)


class PrivacyNoticeView(TemplateView):
    template_name = "appointments/privacy_notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            version=PRIVACY_NOTICE_VERSION, retention_days=settings.BOOKING_RETENTION_DAYS, **kwargs
        )
