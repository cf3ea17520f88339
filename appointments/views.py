from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import TemplateView

from .forms import BookingRequestForm, new_form_stamp
from .limits import client_ip, count_request, is_over_limit
from .models import BookingRequest
from .privacy import PRIVACY_NOTICE_VERSION
from .schedule import weekly_windows
from .services import booking_request_create

SESSION_KEY = "booking_references"
TOO_FAST = "That was quicker than we expected. Please check your details and press Send again."


def booking_request(request):
    """The booking form: GET shows it, a valid POST saves the request and redirects to its confirmation."""
    if request.method != "POST":
        form = BookingRequestForm(initial={"condition": request.GET.get("condition", ""), "started": new_form_stamp()})
        return render_form(request, form)
    if request.POST.get("website"):
        return render_blocked(request, status=400)
    form = BookingRequestForm(request.POST)
    if not form.is_valid():
        form.renew_stamp_if_expired()
        return render_form(request, form)
    if existing := BookingRequest.objects.filter(form_token=form.form_token).first():
        return confirm(request, existing)  # a double click or a resent form: the first request stands
    if form.is_too_fast:
        form.add_error(None, TOO_FAST)
        return render_form(request, form)
    who = {"phone": form.cleaned_data["phone"], "email": form.cleaned_data["email"], "ip": client_ip(request)}
    if is_over_limit(**who):
        return render_blocked(request, status=429)
    booking, created = booking_request_create(**booking_fields(form), form_token=form.form_token)
    if created:
        count_request(**who)
    return confirm(request, booking)


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
        "weekly_windows": weekly_windows(form.windows),
        "urgent": form.has_red_flags,
        "retention_days": settings.BOOKING_RETENTION_DAYS,
    }
    return render(request, "appointments/bookingrequest_form.html", context)


def render_blocked(request, status):
    return render(request, "appointments/bookingrequest_blocked.html", status=status)


def confirm(request, booking):
    """Remember, in this browser's session only, that it may see this confirmation page."""
    references = request.session.get(SESSION_KEY, [])
    if booking.reference not in references:
        request.session[SESSION_KEY] = [*references[-19:], booking.reference]
    return redirect(booking)


def booking_request_sent(request, reference):
    if reference not in request.session.get(SESSION_KEY, []):
        raise Http404("Only the browser that sent a request can see its confirmation.")
    booking = get_object_or_404(BookingRequest, reference=reference)
    context = {"booking": booking, "callback_hours": settings.BOOKING_CALLBACK_WORKING_HOURS}
    return render(request, "appointments/bookingrequest_sent.html", context)


class PrivacyNoticeView(TemplateView):
    template_name = "appointments/privacy_notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            version=PRIVACY_NOTICE_VERSION, retention_days=settings.BOOKING_RETENTION_DAYS, **kwargs
        )
