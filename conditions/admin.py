import nested_admin
from django.contrib import admin, messages
from django.utils import timezone

from dmphysios.page_cache import invalidate_pages

from .models import Category, Condition, Section, SectionItem, Stage, StageItem


class StageItemInline(nested_admin.NestedTabularInline):
    model = StageItem
    extra = 0
    sortable_field_name = "position"


class StageInline(nested_admin.NestedStackedInline):
    model = Stage
    extra = 0
    sortable_field_name = "position"
    inlines = [StageItemInline]


class SectionItemInline(nested_admin.NestedTabularInline):
    model = SectionItem
    extra = 0
    sortable_field_name = "position"


class SectionInline(nested_admin.NestedStackedInline):
    model = Section
    extra = 0
    sortable_field_name = "position"
    fields = ["kind", "heading", "lead", "term_separator", "closing", "position"]
    inlines = [SectionItemInline, StageInline]


@admin.register(Condition)
class ConditionAdmin(nested_admin.NestedModelAdmin):
    list_display = ["title", "category", "status", "updated_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "alternate_names", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "category", "summary", "alternate_names"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [SectionInline]
    actions = ["publish", "unpublish"]

    @admin.action(description="Publish selected conditions", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(status=Condition.Status.PUBLISHED, updated_at=timezone.now())
        invalidate_pages()  # update() sends no signals
        self.message_user(request, f"{count} condition(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected conditions (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Condition.Status.DRAFT, updated_at=timezone.now())
        invalidate_pages()
        self.message_user(request, f"{count} condition(s) moved back to draft.", messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}
