"""Staff groups kept in step with their permissions on every migrate (permissions exist only after migrating)."""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate


def keep_group_in_step(name, permissions):
    """Connect a post_migrate receiver that creates the group if missing and gives it exactly `permissions` (a Q).

    No sender: it runs after every app's migrations, so permissions of apps migrated later are granted too.
    """

    def sync(using="default", **kwargs):
        if not Permission.objects.using(using).exists():
            return
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(Permission.objects.using(using).filter(permissions))

    post_migrate.connect(sync, weak=False, dispatch_uid=f"roles:{name}")
