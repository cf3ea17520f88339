"""Condition pages: a condition, its ordered sections, their items and the physiotherapy stages."""

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True, help_text="Shown on the A–Z list, e.g. 'Spine'.")
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in links; filled in from the name.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class ConditionQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what the public sees."""
        return self.filter(status=Condition.Status.PUBLISHED)

    def visible_to(self, user):
        """Staff may preview drafts; everyone else sees published conditions only."""
        return self if user.is_staff else self.published()

    def with_content(self):
        """Everything the condition page renders, in a fixed number of queries."""
        return self.select_related("category").prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.prefetch_related(
                    "items", Prefetch("stages", queryset=Stage.objects.prefetch_related("items"))
                ),
            )
        )


class Condition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=120, help_text="The condition's name as patients know it, e.g. 'Glutes Spasm'.")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The page address: /conditions/<slug>/. Filled in from the title."
    )
    summary = models.TextField(
        help_text="One plain paragraph shown first on the page and in lists: what it is and how we help."
    )
    alternate_names = models.TextField(
        blank=True,
        help_text="Other names patients or doctors use, one per line (e.g. 'Buttock cramp'). Shown as 'Also called'.",
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="conditions", help_text="Groups the condition on the A–Z list."
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published conditions are shown to the public. Staff can preview drafts.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="condition_status_valid"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conditions:condition-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def alternate_name_list(self):
        return [name.strip() for name in self.alternate_names.splitlines() if name.strip()]


class Section(models.Model):
    class Kind(models.TextChoices):
        OVERVIEW = "overview", "Overview"
        SYMPTOMS = "symptoms", "Symptoms"
        TYPES = "types", "Types"
        CAUSES = "causes", "Causes"
        RISK_FACTORS = "risk_factors", "Risk factors"
        TREATMENT = "treatment", "Treatment"
        PHYSIOTHERAPY = "physiotherapy", "Physiotherapy stages"
        PREVENTION = "prevention", "Prevention"
        CONCLUSION = "conclusion", "Conclusion"

    class TermSeparator(models.TextChoices):
        COLON = ":", "Term: description"
        DASH = "–", "Term – description"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        help_text="What the section is about. Each kind appears once per condition.",
    )
    heading = models.CharField(max_length=120, help_text="The heading patients see, e.g. 'Types of Glutes Spasm'.")
    lead = models.TextField(blank=True, help_text="Text before the list. Leave a blank line between paragraphs.")
    closing = models.TextField(blank=True, help_text="Text after the list (and after the stages), if any.")
    term_separator = models.CharField(
        max_length=1,
        choices=TermSeparator.choices,
        default=TermSeparator.COLON,
        help_text="How a list item's term is joined to its description.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page; lower comes first.")

    class Meta:
        ordering = ["condition", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "kind"], name="section_one_per_kind"),
        ]

    def __str__(self):
        return self.heading

    @property
    def anchor(self):
        return self.kind.replace("_", "-")


class ListItem(models.Model):
    term = models.CharField(
        max_length=120,
        blank=True,
        help_text="Optional bold lead-in, e.g. 'Poor Posture'. Leave empty for a plain item.",
    )
    description = models.TextField(help_text="The item's text.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list; lower comes first.")

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return self.term or self.description[:60]


class SectionItem(ListItem):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")

    class Meta(ListItem.Meta):
        verbose_name = "list item"


class Stage(models.Model):
    """A numbered step of the physiotherapy programme, e.g. '2. Pain and Spasm Reduction'."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="stages")
    title = models.CharField(max_length=120, help_text="The stage's name, without its number.")
    text = models.TextField(blank=True, help_text="What happens in this stage (before its list, if any).")
    closing = models.TextField(blank=True, help_text="Text after the stage's list, if any.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order of the stage; lower comes first.")

    class Meta:
        ordering = ["section", "position", "id"]

    def __str__(self):
        return self.title


class StageItem(ListItem):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="items")

    class Meta(ListItem.Meta):
        verbose_name = "stage list item"
