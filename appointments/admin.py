import csv
import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .calendar import appointment_calendar
from .forms import indian_mobile_e164
from .models import PATIENT_FIELDS, VISIT_FIELDS, BookingRequest, BookingWindow, Notification, NotificationRecipient
from .notifications import resend
from .services import booking_request_notify_confirmed
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


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "urgent", "status", "full_name", "phone", "condition", "preferred", "created_at"]
    list_display_links = ["reference", "full_name"]
    list_filter = ["status", "is_urgent", "preferred_date", "created_at", "condition"]
    search_fields = ["reference", "full_name", "patient_name", "phone"]
    list_select_related = ["condition"]
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    inlines = [NotificationInline]
    readonly_fields = ["reference", "created_at", "updated_at", "red_flag_answers", "consent_version", "consent_at"]
    readonly_fields += ["calendar_file"]
    fieldsets = [
        (None, {"fields": ["reference", "status", "is_urgent", "red_flag_answers", "created_at"]}),
        ("Patient", {"fields": PATIENT_FIELDS}),
        ("Request", {"fields": VISIT_FIELDS}),
        ("Appointment", {"fields": ["appointment_at", "physiotherapist", "calendar_file", "internal_notes"]}),
        ("Consent", {"fields": ["consent_version", "consent_at", "updated_at"]}),
    ]

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

    @admin.display(description="Calendar file")
    def calendar_file(self, booking):
        if not booking.pk or not booking.is_booked or not booking.appointment_at:
            return "Available once the request is confirmed."
        url = reverse("admin:appointments_bookingrequest_calendar", args=[booking.pk])
        return format_html('<a href="{}">Download {}.ics</a> (times in IST)', url, booking.reference)

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
        if not booking.is_booked or not booking.appointment_at:
            raise Http404("Only a confirmed request has a calendar file.")
        response = HttpResponse(appointment_calendar(booking), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
        return response

    def save_model(self, request, obj, form, change):
        confirming = obj.status == BookingRequest.Status.CONFIRMED and (
            not change or {"status", "appointment_at", "physiotherapist"} & set(form.changed_data)
        )
        super().save_model(request, obj, form, change)
        if confirming and booking_request_notify_confirmed(booking_request=obj):
            self.message_user(request, "A confirmation with the calendar file is being e-mailed to the patient.")

    @admin.action(description="Export selected requests as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="booking-requests-{timezone.localdate()}.csv"'
        response.write("\ufeff")  # a byte-order mark: without it Excel reads UTF-8 as ANSI and garbles Devanagari
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for booking in queryset.select_related("condition", "physiotherapist"):
            writer.writerow([csv_safe(value) for value in csv_row(booking)])
        return response


CSV_COLUMNS = [
    "Reference", "Received (IST)", "Status", "Urgent", "Name", "For", "Patient", "Mobile", "E-mail", "Condition",
    "Visit", "Preferred date", "Time of day", "Appointment (IST)", "Physiotherapist", "Message",
]  # fmt: skip


def csv_row(booking):
    appointment = booking.appointment_at and timezone.localtime(booking.appointment_at).strftime("%Y-%m-%d %H:%M")
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
        appointment or "",
        booking.physiotherapist or "",
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


from . import admin_messaging  # noqa: E402, F401
