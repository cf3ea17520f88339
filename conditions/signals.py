"""Keep each condition's search text and vector in step with its sections, however they are edited."""

from django.db.models.signals import post_delete, post_save

from .models import Condition, Section, SectionItem, Stage, StageItem


def condition_ids(instance):
    """The condition a saved or deleted piece of content belongs to, as ids or a one-column subquery."""
    if isinstance(instance, Condition):
        return [instance.pk]
    if isinstance(instance, Section):
        return [instance.condition_id]
    if isinstance(instance, SectionItem | Stage):
        return Section.objects.filter(pk=instance.section_id).values("condition_id")
    return Stage.objects.filter(pk=instance.stage_id).values("section__condition_id")


def refresh_after_save(sender, instance, raw=False, **kwargs):
    # Fixtures load raw rows in any order; load_initial_data refreshes the index once they are all in.
    if not raw:
        Condition.objects.filter(pk__in=condition_ids(instance)).refresh_search_index()


def refresh_after_delete(sender, instance, origin=None, **kwargs):
    # A cascade refreshes once, from the object deleted itself, not once per row it takes with it.
    if origin is instance:
        Condition.objects.filter(pk__in=condition_ids(instance)).refresh_search_index()


for model in (Condition, Section, SectionItem, Stage, StageItem):
    post_save.connect(refresh_after_save, sender=model, dispatch_uid=f"search-index-save-{model.__name__}")
for model in (Section, SectionItem, Stage, StageItem):
    post_delete.connect(refresh_after_delete, sender=model, dispatch_uid=f"search-index-delete-{model.__name__}")
