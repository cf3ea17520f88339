import csv
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .calendar import appointment_file
from .forms import indian_mobile_e164
from .models import (
    PATIENT_FIELDS,
    VISIT_FIELDS,
    Appointment,
    BookingRequest,
    BookingWindow,
    Notification,
    NotificationRecipient,
)
from .models.requests import SET_BY_HAND
from .notifications import resend
from .tasks import enqueue_on_commit

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"\+\d{6,15}")


def csv_safe(value) -> str:
    """A spreadsheet runs a cell starting with = + - @ as a formula: a leading quote keeps it text.

    A phone number in E.164 form (+919876543210) is no formula and stays as staff would dial it.
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) and not E164.fullmatch(text) else text


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ["kind", "channel", "appointment", "recipient", "state", "attempts", "next_attempt_at", "sent_at"]
    fields += ["retired_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def linked_appointment(booking) -> Appointment | None:
    return getattr(booking, "appointment", None) if booking.pk else None


def admin_url(name, *args) -> str | None:
    """The address of an admin page; None while the admin that serves it is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class BookingRequestForm(forms.ModelForm):
    """By hand, staff move a request only between the statuses of a call-back (requested, contacted, cancelled),
    as the request's table allows; confirmed, completed and no-show come from its appointment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if status := self.fields.get("status"):
            booking = self.instance
            status.choices = [
                (value, label)
                for value, label in BookingRequest.Status.choices
                if value == booking.status or (value in SET_BY_HAND and booking.may_become(value))
            ]
            status.help_text = "Confirmed, completed and no-show follow the request's appointment."


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    form = BookingRequestForm
    list_display = ["reference", "urgent", "status", "full_name", "phone", "condition", "preferred", "visit"]
    list_display += ["created_at"]
    list_display_links = ["reference", "full_name"]
    list_filter = ["status", "is_urgent", "preferred_date", "created_at", "condition"]
    search_fields = ["reference", "full_name", "patient_name", "phone"]
    list_select_related = ["condition", "appointment"]
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    inlines = [NotificationInline]
    readonly_fields = ["reference", "created_at", "updated_at", "red_flag_answers", "consent_version", "consent_at"]
    readonly_fields += ["appointment_summary", "calendar_file"]
    fieldsets = [
        (None, {"fields": ["reference", "status", "is_urgent", "red_flag_answers", "created_at"]}),
        ("Patient", {"fields": PATIENT_FIELDS}),
        ("Request", {"fields": VISIT_FIELDS}),
        ("Appointment", {"fields": ["appointment_summary", "calendar_file", "internal_notes"]}),
        ("Consent", {"fields": ["consent_version", "consent_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("appointment__visit_type", "appointment__physiotherapist")

    def get_readonly_fields(self, request, obj=None):
        # Once it has an appointment, a request's status is the appointment's: change it there.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "status"] if obj and linked_appointment(obj) else fields

    def has_add_permission(self, request):
        # Requests come from patients through the form, which records their consent; staff work them.
        return False

    @admin.display(description="Urgent", boolean=True, ordering="is_urgent")
    def urgent(self, booking):
        return booking.is_urgent

    @admin.display(description="Preferred (IST)", ordering="preferred_date")
    def preferred(self, booking):
        return f"{booking.preferred_date:%d %b %Y}, {booking.get_preferred_time_display().lower()}"

    @admin.display(description="Red-flag answers")
    def red_flag_answers(self, booking):
        return "; ".join(booking.red_flag_labels()) or "None"

    @admin.display(description="Appointment (IST)", ordering="appointment__starts_at")
    def visit(self, booking):
        appointment = linked_appointment(booking)
        if appointment is None:
            return "–"
        return f"{timezone.localtime(appointment.starts_at):%d %b %Y %H:%M}, {appointment.get_status_display()}"

    @admin.display(description="Appointment")
    def appointment_summary(self, booking):
        appointment = linked_appointment(booking)
        if appointment is None:
            return self.book_a_time(booking)
        when = timezone.localtime(appointment.starts_at)
        text = (
            f"{appointment.get_status_display()}: {when:%a %d %b %Y, %H:%M} IST, {appointment.visit_type.name} "
            f"with {appointment.physiotherapist} (appointment {appointment.reference})."
        )
        if appointment.status == Appointment.Status.TO_REBOOK:
            text += " That time clashed with another visit and holds nothing: give it a new time."
        url = admin_url("admin:appointments_appointment_change", appointment.pk)
        return format_html('{} <a href="{}">Open the appointment</a>', text, url) if url else text

    @staticmethod
    def book_a_time(booking):
        if not booking.pk or not booking.may_become(BookingRequest.Status.CONFIRMED):
            return f"None: the request is {booking.get_status_display().lower()}."
        url = admin_url("admin:appointments_appointment_add")
        if url is None:
            return "None yet: book a time for this request in the diary."
        return format_html(
            'None yet. <a href="{}?booking_request={}">Book a time for this request</a>', url, booking.pk
        )

    @admin.display(description="Calendar file")
    def calendar_file(self, booking):
        if not has_calendar_file(linked_appointment(booking)):
            return "Available once the request has an appointment."
        url = reverse("admin:appointments_bookingrequest_calendar", args=[booking.pk])
        return format_html('<a href="{}">Download {}.ics</a> (times in IST)', url, booking.appointment.reference)

    def get_search_results(self, request, queryset, search_term):
        """Staff type phone numbers as patients do ('98765 43210'); they are stored as +919876543210."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = indian_mobile_e164(search_term)
        except ValidationError:  # not a phone number: the ordinary search stands
            return results, may_have_duplicates
        return results | queryset.filter(phone=phone), may_have_duplicates

    def get_urls(self):
        calendar = path(
            "<path:object_id>/calendar.ics",
            self.admin_site.admin_view(self.calendar_view),
            name="appointments_bookingrequest_calendar",
        )
        return [calendar, *super().get_urls()]

    def calendar_view(self, request, object_id):
        booking = self.get_object(request, unquote(object_id))  # None for an id that is no number, too
        if booking is None:
            raise Http404("No such booking request.")
        if not self.has_view_permission(request, booking):
            raise PermissionDenied
        appointment = linked_appointment(booking)
        if not has_calendar_file(appointment):
            raise Http404("Only a request with an appointment has a calendar file.")
        response = HttpResponse(appointment_file(appointment), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{appointment.reference}.ics"'
        return response

    @admin.action(description="Export selected requests as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="booking-requests-{timezone.localdate()}.csv"'
        response.write("\ufeff")  # a byte-order mark: without it Excel reads UTF-8 as ANSI and garbles Devanagari
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for booking in queryset.select_related("condition", "appointment__physiotherapist"):
            writer.writerow([csv_safe(value) for value in csv_row(booking)])
        return response


CSV_COLUMNS = [
    "Reference", "Received (IST)", "Status", "Urgent", "Name", "For", "Patient", "Mobile", "E-mail", "Condition",
    "Visit", "Preferred date", "Time of day", "Appointment (IST)", "Physiotherapist", "Appointment status",
    "Message",
]  # fmt: skip


def has_calendar_file(appointment) -> bool:
    """A time that clashed (to rebook) is no time to put in a calendar; a cancelled one's file says so."""
    return appointment is not None and appointment.status != Appointment.Status.TO_REBOOK


def csv_row(booking):
    appointment = linked_appointment(booking)
    when = appointment and timezone.localtime(appointment.starts_at).strftime("%Y-%m-%d %H:%M")
    return [
        booking.reference,
        timezone.localtime(booking.created_at).strftime("%Y-%m-%d %H:%M"),
        booking.get_status_display(),
        "yes" if booking.is_urgent else "no",
        booking.full_name,
        booking.get_booking_for_display(),
        booking.patient_name,
        booking.phone,
        booking.email,
        booking.condition.title if booking.condition else "Other / not sure",
        booking.get_visit_type_display(),
        booking.preferred_date.isoformat(),
        booking.get_preferred_time_display(),
        when or "",
        appointment.physiotherapist if appointment else "",
        appointment.get_status_display() if appointment else "",
        booking.message,
    ]


class RetryFilter(admin.SimpleListFilter):
    """Failed rows split by what happens next: retried by send_notifications, or given up (call the patient)."""

    title = "retries"
    parameter_name = "retries"

    def lookups(self, request, model_admin):
        return [("given_up", "Given up: call the patient"), ("retrying", "Failed, will be retried")]

    def queryset(self, request, queryset):
        given_up = queryset.given_up()
        if self.value() == "given_up":
            return given_up
        if self.value() == "retrying":
            return queryset.filter(state=Notification.State.FAILED).exclude(pk__in=given_up)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["booking_request", "appointment", "kind", "channel", "recipient", "state", "attempts", "sent_at"]
    list_display += ["next_attempt_at", "error"]
    list_filter = ["state", "channel", RetryFilter, "kind"]
    search_fields = ["booking_request__reference", "appointment__reference"]
    list_select_related = ["booking_request", "appointment"]
    actions = ["resend_selected"]
    fields = ["booking_request", "appointment", "kind", "channel", "language", "recipient", "state", "attempts"]
    fields += ["last_error", "next_attempt_at", "sent_at", "provider_message_id", "receipt_at", "retired_at"]
    readonly_fields = fields

    @admin.display(description="Last error")
    def error(self, notification):
        return notification.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Resend selected notifications", permissions=["change"])
    def resend_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        queued = resend(Notification.objects.filter(pk__in=ids))
        enqueue_on_commit(ids)
        self.message_user(request, f"{queued} queued again: the worker sends them in a moment.", messages.SUCCESS)


@admin.register(NotificationRecipient)
class NotificationRecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "description", "is_active"]
    list_filter = ["is_active"]


@admin.register(BookingWindow)
class BookingWindowAdmin(admin.ModelAdmin):
    list_display = ["time_of_day", "starts", "ends"]


# The diary's and the message templates' admins register themselves.
from . import admin_diary, admin_messaging  # noqa: E402, F401
