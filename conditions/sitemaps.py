from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Condition


class ConditionSitemap(Sitemap):
    """Published condition pages only: the same rule as every public list."""

    def items(self):
        return Condition.objects.published().order_by("slug")

    def lastmod(self, condition):
        return condition.updated_at


class SiteSectionSitemap(Sitemap):
    """The home page and the A–Z index, which change whenever a published condition does."""

    def items(self):
        return ["home", "conditions:condition-list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Condition.objects.published().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {"pages": SiteSectionSitemap, "conditions": ConditionSitemap}
