"""The diary in the admin: visit types, the booking policy, appointments, and the front desk's day and week diary.

Staff writes go through the same rules as patients' (appointments/diary.py and the one availability rule): the
form names a conflict before saving, and a time lost to a race while saving shows as a form error, never a 500.
"""

from datetime import date, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from clinic import admin as clinic_admin
from clinic.models import Absence, ClinicDetails, Closure, Physiotherapist
from web.fields import OneLineField

from .availability import staff_conflict
from .diary import (
    NotAllowed,
    TimeTaken,
    appointment_book_by_phone,
    appointment_book_by_staff,
    appointment_cancel,
    appointment_move,
    appointment_set_status,
)
from .diary_grid import DiaryGrid, visits_to_move, week_of
from .forms import indian_mobile_e164
from .models import TRANSITIONS, Appointment, BookingPolicy, BookingRequest, BookingWindow, Notification, VisitType
from .models.diary import AFTER_START_ONLY, HOLDS_TIME

Status = Appointment.Status
MOVABLE = {Status.BOOKED, Status.PENDING, Status.TO_REBOOK}
MOVE_FIELDS = ["physiotherapist", "starts_at", "ends", "time_check"]
# A status as it reads in a sentence ("cannot become a no-show").
IN_WORDS = {
    Status.HELD: "held",
    Status.PENDING: "pending",
    Status.BOOKED: "booked",
    Status.COMPLETED: "completed",
    Status.NO_SHOW: "a no-show",
    Status.CANCELLED: "cancelled",
    Status.EXPIRED: "a lapsed hold",
    Status.TO_REBOOK: "to rebook",
}


@admin.register(VisitType)
class VisitTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duration_minutes", "buffer_minutes", "is_active", "position"]
    list_filter = ["is_active", "kind"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # Appointments refer to it: untick "active" to stop offering it.
        return False


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_notice_minutes", "horizon_days", "hold_minutes", "confirm_online_bookings"]

    def has_add_permission(self, request):
        # One policy, one row: staff edit it, they never add a second.
        return super().has_add_permission(request) and not BookingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class Refused(Exception):
    """The write itself refused what the form allowed (a time taken meanwhile): shown as the form's error."""


def why_not(appointment: Appointment, status: str, now=None) -> str | None:
    """Why the status table does not let `appointment` become `status`, in words; None when it may."""
    if status == appointment.status or appointment.may_become(status, now):
        return None
    old, new = IN_WORDS[appointment.status], IN_WORDS[status]
    if status in TRANSITIONS[appointment.status]:  # allowed, but not yet
        starts = timezone.localtime(appointment.starts_at)
        return f"A visit can be marked {new} only after its start time ({starts:%H:%M} IST on {starts:%d %b %Y})."
    if appointment.status in (Status.COMPLETED, Status.NO_SHOW):
        return f"A visit marked {old} cannot go back to {new}: what happened stays recorded."
    allowed = " or ".join(IN_WORDS[s] for s in Status if s in TRANSITIONS[appointment.status])
    then = f"; it can become {allowed}" if allowed else "; it can no longer change"
    return f"An appointment that is {old} cannot become {new}{then}."


class AppointmentAdminForm(forms.ModelForm):
    refusal = None  # set when the write itself refused: the form then says why
    # A patient who calls: their details, when the appointment answers no call-back request.
    patient_name = OneLineField(label="Patient's full name", max_length=100, required=False)
    patient_phone = forms.CharField(label="Patient's mobile number", max_length=25, required=False)
    patient_email = forms.EmailField(label="Patient's e-mail (optional)", required=False)
    phone_consent = forms.BooleanField(
        label="The patient agreed on the phone to the privacy notice (read them its summary)", required=False
    )

    class Meta:
        model = Appointment
        fields = ["physiotherapist", "visit_type", "starts_at", "booking_request", "status", "cancel_reason"]
        help_texts = {"booking_request": "The call-back request this appointment answers, if any."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "physiotherapist" in self.fields:
            current = Physiotherapist.objects.filter(pk=self.instance.physiotherapist_id)
            self.fields["physiotherapist"].queryset = Physiotherapist.objects.filter(is_active=True) | current
        if "visit_type" in self.fields:
            self.fields["visit_type"].queryset = VisitType.objects.filter(is_active=True)
        if "booking_request" in self.fields:
            waiting = BookingRequest.objects.open().filter(appointment__isnull=True)
            self.fields["booking_request"].queryset = waiting
        if "status" in self.fields and self.instance.pk:
            self.fields["status"].help_text = next_statuses(self.instance)

    def clean(self):
        data = super().clean()
        if self.refusal:
            raise ValidationError(self.refusal)
        if self.instance.pk:
            self.check_change(data)
        else:
            self.check_caller(data)
            if {"physiotherapist", "visit_type", "starts_at"} <= data.keys():
                if conflict := staff_conflict(data["physiotherapist"], data["visit_type"], data["starts_at"]):
                    raise ValidationError(conflict)
        return data

    def check_caller(self, data):
        """Without a call-back request, the patient who called is named, reachable and has agreed to the notice."""
        if data.get("booking_request"):
            return
        if not data.get("patient_name"):
            self.add_error("patient_name", "Give the patient's name, or choose the call-back request this answers.")
        if not data.get("patient_phone"):
            self.add_error("patient_phone", "Give a mobile number we can call the patient on.")
        else:
            try:
                data["patient_phone"] = indian_mobile_e164(data["patient_phone"])
            except ValidationError as error:
                self.add_error("patient_phone", error)
        if not data.get("phone_consent"):
            self.add_error(
                "phone_consent", "The patient must agree to the privacy notice before we keep their details."
            )

    def caller(self) -> BookingRequest | None:
        """The patient who called, as a request to book (unsaved), when no call-back request was chosen."""
        data = self.cleaned_data
        if data.get("booking_request"):
            return None
        return BookingRequest(
            full_name=data["patient_name"], booking_for=BookingRequest.BookingFor.MYSELF,
            phone=data["patient_phone"], email=data.get("patient_email", ""),
        )  # fmt: skip

    def check_change(self, data):
        old = self.instance  # still as saved: the form's values reach it only after clean()
        person, starts = data.get("physiotherapist"), data.get("starts_at")
        status = data.get("status", old.status)
        if person is None or starts is None or status is None:
            return  # the field's own error says what is missing
        if person != old.physiotherapist or starts != old.starts_at:
            if status != old.status and not (old.status == Status.TO_REBOOK and status == Status.BOOKED):
                self.add_error("status", "Move the visit or change its status, not both at once.")
            elif old.status not in MOVABLE:
                self.add_error(None, f"An appointment that is {IN_WORDS[old.status]} cannot be moved.")
            elif conflict := staff_conflict(person, old.visit_type, starts, exclude=old.pk):
                self.add_error(None, conflict)
        elif reason := why_not(old, status):
            self.add_error("status", reason)
        elif status in HOLDS_TIME and not old.holds_time:
            if conflict := staff_conflict(person, old.visit_type, starts, exclude=old.pk):
                self.add_error(None, conflict)


def next_statuses(appointment: Appointment) -> str:
    allowed = [s for s in Status if s in TRANSITIONS[appointment.status]]
    if not allowed:
        return f"A visit that is {IN_WORDS[appointment.status]} stays so."
    later = [f"{IN_WORDS[s]}{' (once it has started)' if s in AFTER_START_ONLY else ''}" for s in allowed]
    return f"From {IN_WORDS[appointment.status]} it can become {', '.join(later)}. Cancelling tells the patient."


class NeedsMovingFilter(admin.SimpleListFilter):
    """Booked visits whose time a later closure, absence or change of hours closed (by the one rule)."""

    title = "needs moving"
    parameter_name = "needs_moving"

    def lookups(self, request, model_admin):
        return [("yes", "Needs moving: time now closed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=[visit.pk for visit, _ in visits_to_move(queryset)])
        return queryset


class DiaryDateForm(forms.Form):
    date = forms.DateField(
        label="Go to date",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and not date(2000, 1, 1) <= day <= date(2099, 12, 31):
            raise ValidationError("Choose a date between 2000 and 2099.")
        return day


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppointmentMessagesInline(admin.TabularInline):
    """What the patient was sent about this visit, by every channel, with what failed; staff resend from
    Notifications (search by the appointment's reference)."""

    model = Notification
    fk_name = "appointment"
    extra = 0
    can_delete = False
    verbose_name_plural = "messages to the patient about this visit"
    fields = ["kind", "channel", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    form = AppointmentAdminForm
    list_display = ["reference", "when", "physiotherapist", "visit_type", "status", "patient"]
    list_filter = [NeedsMovingFilter, "status", "physiotherapist", "visit_type"]
    list_select_related = ["physiotherapist", "visit_type", "booking_request"]
    search_fields = ["reference", "booking_request__reference", "booking_request__full_name", "booking_request__phone"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["booking_request"]

    def get_inlines(self, request, obj):
        return [AppointmentMessagesInline] if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["physiotherapist", "visit_type", "starts_at", "booking_request"]}),
                (
                    "Or the patient who called (when there is no call-back request)",
                    {"fields": ["patient_name", "patient_phone", "patient_email", "phone_consent"]},
                ),
            ]
        return [
            (None, {"fields": ["reference", "status", "cancel_reason", "patient", "visit_type"]}),
            ("Time (IST): change it to move the visit; the patient is told", {"fields": MOVE_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["reference", "patient", "visit_type", "ends", "time_check"]

    def has_delete_permission(self, request, obj=None):
        # Cancelling is a status: the row stays (the retention purge removes old ones).
        return False

    @admin.display(description="Starts (IST)", ordering="starts_at")
    def when(self, appointment):
        return f"{timezone.localtime(appointment.starts_at):%a %d %b %Y, %H:%M}"

    @admin.display(description="Patient")
    def patient(self, appointment):
        booking = appointment.booking_request
        if booking is None:
            return "No call-back request linked"
        url = reverse("admin:appointments_bookingrequest_change", args=[booking.pk])
        return format_html('<a href="{}">{}</a> ({}, {})', url, booking.full_name, booking.reference, booking.phone)

    @admin.display(description="Ends (IST)")
    def ends(self, appointment):
        ends, free = timezone.localtime(appointment.ends_at), timezone.localtime(appointment.blocked_until)
        return f"{ends:%H:%M}; the physiotherapist is free again at {free:%H:%M}"

    @admin.display(description="Time check")
    def time_check(self, appointment):
        """What the one rule says of the visit's time now: a closure or absence added later shows here."""
        if appointment.status not in MOVABLE:
            return "Holds no time that could clash." if not appointment.holds_time else "Done: nothing to check."
        person, visit_type = appointment.physiotherapist, appointment.visit_type
        if conflict := staff_conflict(person, visit_type, appointment.starts_at, exclude=appointment.pk):
            return f"Needs moving: {conflict}"
        return "Clear: inside the working and opening hours, with no closure, absence or other visit."

    # The front desk's diary and the cancel page, before the admin's own catch-all object URLs.
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("diary/", view(self.diary_view), name="appointments_appointment_diary"),
            path("diary/week/", view(self.diary_week_view), name="appointments_appointment_diary_week"),
            path("<path:object_id>/cancel/", view(self.cancel_view), name="appointments_appointment_cancel"),
            *super().get_urls(),
        ]

    def diary_view(self, request):
        day, form = self.diary_day(request)
        grid = DiaryGrid(day, day)
        context = self.diary_context(request, form, day, grid, f"Diary: {date_format(day, 'l j F Y')}")
        context |= {"rows": grid.day_rows(day), "closure": grid.closure(day), "previous": day - timedelta(days=1)}
        context |= {"next": day + timedelta(days=1)}
        return TemplateResponse(request, "admin/appointments/appointment_diary_day.html", context)

    def diary_week_view(self, request):
        day, form = self.diary_day(request)
        week = week_of(day)
        grid = DiaryGrid(week[0], week[-1])
        title = f"Diary: week of {date_format(week[0], 'j F')} to {date_format(week[-1], 'j F Y')}"
        context = self.diary_context(request, form, day, grid, title)
        context |= {
            "week": [(d, grid.closure(d), [(p, *grid.week_cell(p, d)) for p in grid.people]) for d in week],
            "previous": week[0] - timedelta(days=7),
            "next": week[0] + timedelta(days=7),
        }
        return TemplateResponse(request, "admin/appointments/appointment_diary_week.html", context)

    def diary_day(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = DiaryDateForm(request.GET)
        day = form.cleaned_data["date"] if form.is_valid() else None
        return day or timezone.localdate(), form

    def diary_context(self, request, form, day, grid, title):
        return {
            **self.admin_site.each_context(request),
            "is_nav_sidebar_enabled": False,  # the diary needs the width
            "opts": self.opts,
            "title": title,
            "form": form,
            "day": day,
            "today": timezone.localdate(),
            "grid": grid,
            "people": grid.people,
            "to_move": len(visits_to_move()),
            "can_add": self.has_add_permission(request),
            "can_change": self.has_change_permission(request),
        }

    def cancel_view(self, request, object_id):
        appointment = self.get_object(request, unquote(object_id))
        if appointment is None:
            raise Http404("No such appointment.")
        if not self.has_change_permission(request, appointment):
            raise PermissionDenied
        form = CancelForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"], by_patient=False)
            except NotAllowed as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(request, f"{appointment} is cancelled; the patient is told, with a calendar update.")
                return HttpResponseRedirect(diary_url(appointment))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Cancel appointment {appointment.reference}",
            "appointment": appointment,
            "form": form,
            "refusal": why_not(appointment, Status.CANCELLED),
        }
        return TemplateResponse(request, "admin/appointments/appointment_cancel.html", context)

    def get_changeform_initial_data(self, request):
        """From the diary: ?physiotherapist=<pk>&starts_at=2026-12-03T09:00 (IST). From a call-back request:
        ?booking_request=<pk>, which also proposes its visit type and the start of the day part it asked for."""
        initial = super().get_changeform_initial_data(request)
        starts = _moment(initial.pop("starts_at", None))
        booking = BookingRequest.objects.filter(pk=_number(initial.get("booking_request"))).first()
        if booking is not None:
            initial.setdefault("visit_type", VisitType.objects.filter(kind=booking.visit_type, is_active=True).first())
            window = BookingWindow.objects.filter(time_of_day=booking.preferred_time).first()
            if starts is None and window is not None:
                starts = datetime.combine(booking.preferred_date, window.starts)
        if starts is not None:
            initial["starts_at"] = starts if timezone.is_aware(starts) else timezone.make_aware(starts)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if refusal := getattr(request, "diary_refusal", None):
            form = type(form.__name__, (form,), {"refusal": refusal})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self.booking_request_context(request, object_id)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:  # rolled back: show the form again, with the reason
            request.diary_refusal = str(refused)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def booking_request_context(self, request, object_id):
        number = None if object_id else _number(request.GET.get("booking_request"))
        return {"booking_request": BookingRequest.objects.filter(pk=number).first() if number else None}

    def save_model(self, request, obj, form, change):
        try:
            with transaction.atomic():
                saved = self.write(obj, form, change)
        except (NotAllowed, TimeTaken, IntegrityError) as refused:
            raise Refused(self.refusal(obj, form.cleaned_data, refused)) from refused
        obj.pk, obj._state.adding = saved.pk, False
        obj.refresh_from_db()

    def write(self, obj, form, change) -> Appointment:
        data = form.cleaned_data
        if not change:
            when = {"physiotherapist": data["physiotherapist"], "visit_type": data["visit_type"]}
            when["starts_at"] = data["starts_at"]
            if caller := form.caller():
                return appointment_book_by_phone(**when, patient=caller)
            return appointment_book_by_staff(**when, booking_request=data.get("booking_request"))
        saved = Appointment.objects.select_related("visit_type").get(pk=obj.pk)
        person, starts, status = data["physiotherapist"], data["starts_at"], data["status"]
        if person != saved.physiotherapist or starts != saved.starts_at:
            return appointment_move(appointment=saved, starts_at=starts, physiotherapist=person, by_patient=False)
        if status == Status.CANCELLED and saved.status != Status.CANCELLED:
            return appointment_cancel(appointment=saved, reason=data.get("cancel_reason", ""), by_patient=False)
        if status != saved.status:
            return appointment_set_status(appointment=saved, status=status)
        if data.get("cancel_reason", saved.cancel_reason) != saved.cancel_reason:
            saved.cancel_reason = data["cancel_reason"]
            saved.save(update_fields=["cancel_reason", "updated_at"])
        return saved

    def refusal(self, obj, data, refused) -> str:
        if isinstance(refused, NotAllowed):
            return str(refused)
        person, starts = data.get("physiotherapist") or obj.physiotherapist, data.get("starts_at") or obj.starts_at
        visit_type = data.get("visit_type") or obj.visit_type
        conflict = staff_conflict(person, visit_type, starts, exclude=obj.pk)
        return conflict or "That time was just taken by another booking: choose another."

    def response_add(self, request, obj, post_url_continue=None):
        return self.back_to_diary(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self.back_to_diary(request, obj, super().response_change(request, obj))

    def back_to_diary(self, request, obj, response):
        """Saved from the diary (?_diary=1): back to the diary's day, unless staff asked to keep editing."""
        keep_editing = {"_continue", "_addanother", "_saveasnew", "_popup"} & request.POST.keys()
        return HttpResponseRedirect(diary_url(obj)) if request.GET.get("_diary") and not keep_editing else response


def diary_url(appointment: Appointment) -> str:
    day = timezone.localdate(appointment.starts_at)
    return f"{reverse('admin:appointments_appointment_diary')}?date={day.isoformat()}"


def _moment(value) -> datetime | None:
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed, but no such time
        return None


def _number(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def tell_about_visits_to_move(model_admin, request, visits):
    """After a closure or an absence is saved: the booked visits now in closed time, for the front desk to move."""
    moving = visits_to_move(visits)
    if not moving:
        return
    links = format_html_join(
        "; ",
        '<a href="{}">{}</a> ({}, {})',
        (
            (reverse("admin:appointments_appointment_change", args=[visit.pk]), visit.reference,
             f"{timezone.localtime(visit.starts_at):%d %b %H:%M} IST", visit.physiotherapist)
            for visit, _ in moving
        ),
    )  # fmt: skip
    every = reverse("admin:appointments_appointment_changelist") + "?needs_moving=yes"
    count = f"{len(moving)} booked visit{'s' if len(moving) > 1 else ''} now {'fall' if len(moving) > 1 else 'falls'}"
    model_admin.message_user(
        request,
        format_html(
            '{} in closed time and must be moved: {}. Moving one tells the patient. <a href="{}">See all to move</a>.',
            count,
            links,
            every,
        ),  # fmt: skip
        messages.WARNING,
    )


# Clinic's own admins for the closures and absences, which cannot know of appointments (clinic is below
# appointments), and here also the visits a new closure or absence leaves in closed time.
admin.site.unregister(ClinicDetails)
admin.site.unregister(Absence)


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(clinic_admin.ClinicDetailsAdmin):
    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Closure:
            dates = [closure.date for closure in formset.new_objects]
            dates += [closure.date for closure, _ in formset.changed_objects]
            if dates:
                tell_about_visits_to_move(self, request, Appointment.objects.filter(starts_at__date__in=dates))


@admin.register(Absence)
class AbsenceAdmin(clinic_admin.AbsenceAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        during = Appointment.objects.filter(physiotherapist=obj.physiotherapist_id)
        during = during.overlapping(obj.starts_at, obj.ends_at)
        tell_about_visits_to_move(self, request, during)
