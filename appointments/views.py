from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import TemplateView

from web.client_ip import client_ip
from web.views import keeps_typed_answers

from . import limits
from .forms import BookingRequestForm, browser_mark, new_form_stamp
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
    browser = browser_mark(request)
    if request.method != "POST":
        initial = {"condition": request.GET.get("condition", ""), "started": new_form_stamp(browser)}
        return render_form(request, BookingRequestForm(initial=initial, browser=browser))
    form = BookingRequestForm(request.POST, browser=browser)
    if form.is_bot:
        return render_blocked(request, status=400)
    if not form.is_valid():
        form.renew_stamp_if_expired()
        return render_form(request, form)
    try:
        booking, created = booking_request_create(
            booking=form.instance, form_token=form.form_token, client_ip=client_ip(request)
        )
    except limits.OverLimit:
        return render_blocked(request, status=429)
    if not created and not form.sent_from_this_browser():
        # Someone else's form token: say it was sent, and nothing about whose request it was.
        return render(request, "appointments/bookingrequest_already_sent.html")
    return confirm(request, booking, resent=form.instance if not created else None)


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


def confirm(request, booking, resent=None):
    """Let this browser, and only this one, see the confirmation; say so if a resent form asked for changes."""
    references = request.session.get(SESSION_KEY, [])
    if booking.reference not in references:
        request.session[SESSION_KEY] = [*references[-19:], booking.reference]
    if resent is not None and booking.differs_from(resent):
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
