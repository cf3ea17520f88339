from django.contrib import admin

from .models import MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "channel", "language", "provider_template_id", "is_active"]
    list_filter = ["channel", "language", "is_active"]
    search_fields = ["text", "provider_template_id"]
