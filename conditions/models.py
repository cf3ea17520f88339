"""Condition pages: a condition, its ordered sections, their items and the physiotherapy stages."""

import math
from datetime import date, timedelta

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from clinic.models import Physiotherapist
from web.prepared import PreparedQuery

# A page is "due" for review this long before its next review date.
REVIEW_DUE_WARNING = timedelta(days=30)
# Staff may leave "next review due" empty: it is then set this many years after the review.
REVIEW_CYCLE_YEARS = 3
WORDS_PER_MINUTE = 200


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True, help_text="Shown on the A–Z list, e.g. 'Spine'.")
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in links; filled in from the name.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class ReviewStatus(models.TextChoices):
    NEVER = "never", "Never reviewed"
    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Due soon"
    UP_TO_DATE = "up_to_date", "Up to date"


def review_status_q(status, today):
    """The one rule for a page's review status on a given day. The admin's column and filter both read it
    through ConditionQuerySet.with_review_state(); Condition.review_status applies the same dates to one page."""
    reviewed = Q(last_reviewed__isnull=False)
    soon = today + REVIEW_DUE_WARNING
    return {
        ReviewStatus.NEVER: ~reviewed,
        ReviewStatus.OVERDUE: reviewed & Q(next_review_due__lt=today),
        ReviewStatus.DUE: reviewed & Q(next_review_due__gte=today, next_review_due__lte=soon),
        ReviewStatus.UP_TO_DATE: reviewed & Q(next_review_due__gt=soon),
    }[status]


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ConditionQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what the public sees."""
        return self.filter(status=Condition.Status.PUBLISHED)

    def with_review_state(self, today=None):
        """Annotates each condition's review status as `review_state` (a ReviewStatus value)."""
        today = today or timezone.localdate()
        whens = [When(review_status_q(status, today), then=Value(status.value)) for status in ReviewStatus]
        return self.annotate(review_state=Case(*whens, output_field=models.CharField()))

    def with_review_status(self, status, today=None):
        return self.with_review_state(today).filter(review_state=status)

    def refresh_search_index(self):
        for condition in add_sections(list(self)):
            condition.store_search_index()

    def visible_to(self, user):
        """Staff may preview drafts; everyone else sees published conditions only."""
        return self if user.is_staff else self.published()

    def for_article(self):
        """The whole row the page and its article show, with its reviewer; add_page_content() adds the rest."""
        return self.select_related("reviewer").defer(*SEARCH_FIELDS)

    def for_page(self):
        """Only what the page shows around its article (title, description, draft or not): a few columns and
        no joins, because while the rendered article is cached this is the page's only query. The article's
        content comes with load_page_content()."""
        return self.only(*PAGE_FRAME_FIELDS)


class Condition(models.Model):
    Status = PublicationStatus

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
    meta_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="What search engines show under the page's title: one sentence, at most 160 characters. "
        "Leave empty to use the start of the summary.",
    )
    key_facts = models.TextField(
        blank=True,
        help_text="Three to five short facts shown near the top of the page, one per line.",
    )
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        help_text="Other conditions to suggest at the end of this page. Drafts are never shown.",
    )
    reviewer = models.ForeignKey(
        Physiotherapist,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_conditions",
        help_text="The physiotherapist who last checked this page. Shown as 'Reviewed by' with their "
        "qualification and registration number.",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="The day the reviewer last checked the page. Fill in with the reviewer."
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text=f"When the page must be checked again. Leave empty for {REVIEW_CYCLE_YEARS} years after "
        "the last review.",
    )
    review_note = models.TextField(
        blank=True,
        help_text="What changed at the last review, in a sentence or two. Shown under the review dates.",
    )
    search_document = models.TextField(
        blank=True,
        editable=False,
        help_text="The text of the sections, kept up to date automatically for search.",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="The search index (PostgreSQL only), kept up to date automatically.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the page was first saved.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When the page was last saved.")

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [GinIndex(fields=["search_vector"], name="condition_search_vector_gin")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PublicationStatus.values), name="condition_status_valid"),
            # /conditions/search/ is the search page, so no condition may take that address.
            models.CheckConstraint(condition=~Q(slug="search"), name="condition_slug_not_reserved"),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True, last_reviewed__isnull=True, next_review_due__isnull=True)
                | Q(
                    reviewer__isnull=False,
                    last_reviewed__isnull=False,
                    # Spelled out: a NULL next review would make the comparison unknown, which a CHECK lets pass.
                    next_review_due__isnull=False,
                    next_review_due__gt=models.F("last_reviewed"),
                ),
                name="condition_review_complete",
                violation_error_message="A review needs a reviewer, the review date and a later next review date.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._fill_next_review_due()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("conditions:condition-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def alternate_name_list(self):
        return _lines(self.alternate_names)

    @property
    def key_fact_list(self):
        return _lines(self.key_facts)

    @property
    def description(self):
        """The meta description: the staff's own, or the summary cut at a word."""
        if self.meta_description:
            return self.meta_description
        summary = " ".join(self.summary.split())
        return summary if len(summary) <= 160 else summary[:157].rsplit(" ", 1)[0] + "…"

    def clean(self):
        errors = {}
        if self.slug == "search":
            errors["slug"] = "'search' is the address of the search page; choose another."
        if self.reviewer_id and not self.last_reviewed:
            errors["last_reviewed"] = "Enter the day the reviewer checked the page."
        if self.last_reviewed and not self.reviewer_id:
            errors["reviewer"] = "Choose the physiotherapist who reviewed the page."
        if self.last_reviewed and self.last_reviewed > timezone.localdate():
            errors["last_reviewed"] = "The review date cannot be in the future."
        if self.next_review_due and not self.last_reviewed:
            errors["next_review_due"] = "Set the next review only with a review date and a reviewer."
        self._fill_next_review_due()
        if self.last_reviewed and self.next_review_due and self.next_review_due <= self.last_reviewed:
            errors["next_review_due"] = "The next review must be after the last review."
        if errors:
            raise ValidationError(errors)

    def _fill_next_review_due(self):
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = _years_after(self.last_reviewed, REVIEW_CYCLE_YEARS)

    @property
    def review_status(self):
        """review_status_q's rule for this page today. A reviewed page always has a next review date
        (save() fills it in and a constraint insists), so there is no fallback here to disagree with it."""
        today = timezone.localdate()
        if not self.last_reviewed:
            return ReviewStatus.NEVER
        if self.next_review_due < today:
            return ReviewStatus.OVERDUE
        if self.next_review_due <= today + REVIEW_DUE_WARNING:
            return ReviewStatus.DUE
        return ReviewStatus.UP_TO_DATE

    def load_page_content(self):
        """This condition again with everything its article renders (for a row from for_page())."""
        return Condition.objects.for_article().get(pk=self.pk).add_page_content()

    def add_page_content(self):
        """Read what the article renders besides this row (from for_article()), in a fixed number of queries:
        section_list (see add_sections()), urgent_advice_list and published_related. Returns the condition."""
        add_sections([self])
        self.urgent_advice_list = ARTICLE_ROWS[UrgentAdvice].run(self.pk)
        self.published_related = RELATED_ROWS.run(self.pk)
        return self

    def content_text(self):
        """Every paragraph and list item of the sections, in page order (from add_sections())."""
        return "\n".join(text for section in self.section_list for text in section.texts() if text)

    def read_minutes(self):
        words = " ".join([self.summary, self.key_facts, self.content_text()]).split()
        return max(1, math.ceil(len(words) / WORDS_PER_MINUTE))

    def refresh_search_index(self):
        """Store the section text for search and, on PostgreSQL, its weighted search vector."""
        add_sections([self])  # afresh: the sections may have changed since this object was read
        self.store_search_index()

    def store_search_index(self):
        """refresh_search_index() for a condition whose sections add_sections() has just read."""
        from .search import search_vector_for  # search imports this module

        document = "\n".join([self.key_facts, self.content_text()])
        document = document.replace(SENTINEL_START, "").replace(SENTINEL_STOP, "")
        update = {"search_document": document}
        vector = search_vector_for(document)
        if vector is not None:
            update["search_vector"] = vector
        Condition.objects.filter(pk=self.pk).update(**update)
        self.search_document = document


# Markers the search snippets use for highlighting; never stored in the searchable text.
SENTINEL_START = "\ue000"
SENTINEL_STOP = "\ue001"


# Large and never shown on a page: left out of the page's queries.
SEARCH_FIELDS = ("search_document", "search_vector")
# What base.html and the page's title and meta blocks read: `description` is meta_description or the summary.
PAGE_FRAME_FIELDS = ("title", "slug", "status", "meta_description", "summary")


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 2, 28)


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

    def texts(self):
        """The section's text in page order (from add_sections())."""
        yield self.heading
        yield self.lead
        yield from (item.text for item in self.list_items)
        for stage in self.stage_list:
            yield from (stage.title, stage.text)
            yield from (item.text for item in stage.list_items)
            yield stage.closing
        yield self.closing


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

    @property
    def text(self):
        return f"{self.term}: {self.description}" if self.term else self.description


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


class UrgencyLevel(models.TextChoices):
    EMERGENCY = "emergency", "Emergency: call 112 or 108"
    URGENT = "urgent", "Urgent: see a doctor today"
    ROUTINE = "routine", "Routine: book a physiotherapy appointment"


class UrgentAdvice(models.Model):
    """One 'When to get urgent help' card: the signs that need care at one level of urgency."""

    Level = UrgencyLevel

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="urgent_advice", help_text="The page the card is on."
    )
    level = models.CharField(
        max_length=10, choices=Level.choices, help_text="How urgent: sets the card's colour, heading and what it says."
    )
    text = models.TextField(
        help_text="Who should act at this level, in plain words, e.g. 'Call 112 or 108 if you lose bladder control.'"
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order of the card; lower comes first.")

    class Meta:
        verbose_name = verbose_name_plural = "urgent help advice"
        ordering = ["condition", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=UrgencyLevel.values), name="urgent_advice_level_valid"),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.text[:60]}"

    @property
    def screen_reader_prefix(self):
        """Announced before the card's heading, as NHS care cards do."""
        return {"emergency": "Emergency:", "urgent": "Urgent:", "routine": "Non-urgent:"}[self.level]


# One condition's article rows in page order, compiled once (web/prepared.py): building these queries through the
# ORM took three times as long as reading their rows, on the page every first visitor after a save waits for.
ARTICLE_ROWS = {
    Section: PreparedQuery(lambda pk: Section.objects.filter(condition=pk)),
    SectionItem: PreparedQuery(lambda pk: SectionItem.objects.filter(section__condition=pk)),
    Stage: PreparedQuery(lambda pk: Stage.objects.filter(section__condition=pk)),
    StageItem: PreparedQuery(lambda pk: StageItem.objects.filter(stage__section__condition=pk)),
    UrgentAdvice: PreparedQuery(lambda pk: UrgentAdvice.objects.filter(condition=pk)),
}
# Related links follow the one rule for what the public sees (drafts never show), and show only title and slug.
RELATED_ROWS = PreparedQuery(lambda pk: Condition.objects.published().filter(condition=pk).only("title", "slug"))


def add_sections(conditions):
    """Give each condition its sections in page order as section_list, each section its list_items and
    stage_list, each stage its list_items: four queries a condition, however many rows."""
    for condition in conditions:
        sections, stages = {}, {}
        condition.section_list = []
        for section in ARTICLE_ROWS[Section].run(condition.pk):
            section.list_items, section.stage_list = [], []
            condition.section_list.append(section)
            sections[section.pk] = section
        for item in ARTICLE_ROWS[SectionItem].run(condition.pk):
            sections[item.section_id].list_items.append(item)
        for stage in ARTICLE_ROWS[Stage].run(condition.pk):
            stage.list_items = []
            sections[stage.section_id].stage_list.append(stage)
            stages[stage.pk] = stage
        for item in ARTICLE_ROWS[StageItem].run(condition.pk):
            stages[item.stage_id].list_items.append(item)
    return conditions
