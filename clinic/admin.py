from django.contrib import admin
from django.db import models

from .models import ClinicDetails, Closure, OpeningHours, Physiotherapist


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


@admin.register(Physiotherapist)
class PhysiotherapistAdmin(admin.ModelAdmin):
    list_display = ["name", "qualification", "registration_number", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "registration_number"]
