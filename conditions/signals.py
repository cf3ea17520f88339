"""Keep each condition's search text and vector in step with its sections, however they are edited."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Condition, Section, SectionItem, Stage, StageItem


def condition_id(instance):
    """The condition a saved or deleted piece of content belongs to (parents set by the admin cost no query)."""
    if isinstance(instance, Condition):
        return instance.pk
    if isinstance(instance, Section):
        return instance.condition_id
    if isinstance(instance, SectionItem | Stage):
        return instance.section.condition_id
    return instance.stage.section.condition_id


# Condition ids edited in this thread's open transaction, refreshed when it commits.
_pending = threading.local()


def refresh_pending():
    """Refresh every condition edited since the last refresh; later callbacks of the same commit find none."""
    ids, _pending.ids = getattr(_pending, "ids", set()), set()
    if ids:
        Condition.objects.filter(pk__in=ids).refresh_search_index()


def refresh_on_commit(instance):
    # Saving a page in the admin saves every item on it: one refresh per condition, not one per item.
    # Ids left over from a rolled-back transaction are refreshed with the next commit, which is harmless.
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids.add(condition_id(instance))
    transaction.on_commit(refresh_pending)  # outside a transaction this runs at once


def refresh_after_save(sender, instance, raw=False, **kwargs):
    # Fixtures load raw rows in any order; load_initial_data refreshes the index once they are all in.
    if not raw:
        refresh_on_commit(instance)


def refresh_after_delete(sender, instance, origin=None, **kwargs):
    # A cascade refreshes once, from the object deleted itself, not once per row it takes with it.
    if origin is instance:
        refresh_on_commit(instance)


for model in (Condition, Section, SectionItem, Stage, StageItem):
    post_save.connect(refresh_after_save, sender=model, dispatch_uid=f"search-index-save-{model.__name__}")
for model in (Section, SectionItem, Stage, StageItem):
    post_delete.connect(refresh_after_delete, sender=model, dispatch_uid=f"search-index-delete-{model.__name__}")
