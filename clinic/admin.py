from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from .models import Absence, ClinicDetails, Closure, OpeningHours, Physiotherapist, WorkingHours

# Whether a physiotherapist works and may be booked belongs with their hours, not with their public profile.
DIARY_FIELDS = ["is_active", "takes_online_bookings", "is_placeholder"]


def keeps_the_diary(user) -> bool:
    """Who keeps the working hours (the clinic manager) also keeps whether a physiotherapist is booked at all;
    content editors keep only the public profile."""
    return user.has_perm("clinic.change_workinghours")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    inlines = [OpeningHoursInline, ClosureInline]
    # A map link typed without a scheme is taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "tagline", "about"]}),
        ("Address", {"fields": ["street_address", "locality", "region", "postal_code", "directions", "map_url"]}),
        ("Contact", {"fields": ["phone", "whatsapp", "email"]}),
    ]

    def has_add_permission(self, request):
        # One clinic, one row: staff edit it, they never add a second.
        return super().has_add_permission(request) and not ClinicDetails.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class WorkingHoursFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        spans = sorted(
            (form.cleaned_data["weekday"], form.cleaned_data["starts"], form.cleaned_data["ends"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and {"weekday", "starts", "ends"} <= form.cleaned_data.keys()
        )
        for (day, starts, ends), (next_day, next_starts, next_ends) in zip(spans, spans[1:], strict=False):
            if day == next_day and next_starts < ends:
                raise ValidationError(
                    f"Two spans overlap on {WorkingHours(weekday=day).get_weekday_display()}: {starts:%H:%M}–"
                    f"{ends:%H:%M} and {next_starts:%H:%M}–{next_ends:%H:%M} IST. Make them one span."
                )


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    extra = 0
    verbose_name = "working hours span"
    verbose_name_plural = "working hours (IST; several spans a day for a break; offered only inside opening hours)"


@admin.register(Physiotherapist)
class PhysiotherapistAdmin(admin.ModelAdmin):
    list_display = ["name", "qualification", "registration_number", "is_active", "takes_online_bookings"]
    list_display += ["is_placeholder"]
    list_filter = ["is_active", "takes_online_bookings", "is_placeholder"]
    search_fields = ["name", "registration_number"]
    inlines = [WorkingHoursInline]
    fieldsets = [
        ("Public profile", {"fields": ["name", "qualification", "registration_number"]}),
        ("Diary", {"fields": DIARY_FIELDS}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if keeps_the_diary(request.user) else [*readonly, *DIARY_FIELDS]

    def has_delete_permission(self, request, obj=None):
        # Deleting takes the hours and absences with it: for those who keep them.
        return super().has_delete_permission(request, obj) and keeps_the_diary(request.user)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["physiotherapist", "kind", "starts_at", "ends_at", "note"]
    list_filter = ["physiotherapist", "kind", ("starts_at", admin.DateFieldListFilter)]
    list_select_related = ["physiotherapist"]
    date_hierarchy = "starts_at"
    fields = ["physiotherapist", "kind", "starts_at", "ends_at", "note"]
