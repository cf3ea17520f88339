import nested_admin
from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from web.page_cache import invalidate_pages

from .models import Category, Condition, ReviewStatus, Section, SectionItem, Stage, StageItem, UrgentAdvice


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


class UrgentAdviceInline(nested_admin.NestedTabularInline):
    model = UrgentAdvice
    extra = 0
    sortable_field_name = "position"


class ReviewStatusFilter(admin.SimpleListFilter):
    title = "review status"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return ReviewStatus.choices

    def queryset(self, request, queryset):
        if self.value() in ReviewStatus.values:
            return queryset.with_review_status(self.value())
        return queryset


class ConditionAdminForm(forms.ModelForm):
    def clean_related(self):
        related = self.cleaned_data["related"]
        if self.instance.pk and related.filter(pk=self.instance.pk).exists():
            raise forms.ValidationError("A page cannot be related to itself; remove it from the list.")
        return related


@admin.register(Condition)
class ConditionAdmin(nested_admin.NestedModelAdmin):
    form = ConditionAdminForm
    list_display = ["title", "category", "status", "review_status_display", "next_review_due", "updated_at"]
    list_filter = ["status", ReviewStatusFilter, "category"]
    search_fields = ["title", "alternate_names", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    autocomplete_fields = ["related"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "category", "summary", "alternate_names"]}),
        ("Top of the page and search engines", {"fields": ["key_facts", "meta_description"]}),
        ("Related conditions", {"fields": ["related"]}),
        ("Clinical review", {"fields": ["reviewer", "last_reviewed", "next_review_due", "review_note"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [UrgentAdviceInline, SectionInline]

    def get_queryset(self, request):
        # The column reads the same annotation the review status filter filters on, so they cannot disagree.
        return super().get_queryset(request).with_review_state()

    @admin.display(description="Review status", ordering="next_review_due")
    def review_status_display(self, condition):
        return ReviewStatus(condition.review_state).label

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
