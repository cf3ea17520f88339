"""Keep each condition's search text and vector in step with its sections, however they are edited."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Condition, Section, SectionItem, Stage, StageItem

CONDITION_OF = {
    Condition: lambda obj: obj.pk,
    Section: lambda obj: obj.condition_id,
    SectionItem: lambda obj: Section.objects.filter(pk=obj.section_id).values("condition_id"),
    Stage: lambda obj: Section.objects.filter(pk=obj.section_id).values("condition_id"),
    StageItem: lambda obj: Stage.objects.filter(pk=obj.stage_id).values("section__condition_id"),
}


@receiver(post_save)
@receiver(post_delete)
def refresh_search_index(sender, instance, raw=False, **kwargs):
    # Fixtures load raw rows in any order; load_initial_data refreshes the index once they are in.
    if raw or sender not in CONDITION_OF:
        return
    # A cascade (deleting a condition or a section) refreshes once, from the object deleted itself.
    if kwargs["signal"] is post_delete and (sender is Condition or kwargs.get("origin") is not instance):
        return
    Condition.objects.filter(pk__in=_as_subquery(CONDITION_OF[sender](instance))).refresh_search_index()


def _as_subquery(value):
    return [value] if isinstance(value, int) else value
