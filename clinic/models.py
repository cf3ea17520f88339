"""Clinic-wide data that every app reads: who we are, where, and when we are open."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from web.prepared import PreparedQuery

# The fixture ships placeholders for what only the clinic knows; a system check
# warns until staff have replaced them.
PLACEHOLDER_MARKS = ("PLACEHOLDER", "0000000", "example.com")


class ClinicDetails(models.Model):
    """The clinic's contact details. There is exactly one row (pk=1)."""

    name = models.CharField(max_length=100, default="DMPhysios", help_text="The clinic's name as patients see it.")
    tagline = models.CharField(
        max_length=200,
        blank=True,
        help_text="One short line under the name, e.g. 'Physiotherapy for spine and sports conditions in Noida'.",
    )
    about = models.TextField(
        blank=True, help_text="Two or three sentences for the home page: who the clinic is and how it works."
    )
    street_address = models.CharField(
        max_length=200, help_text="Building, street and sector, e.g. 'C-12, Sector 62'. Shown in the footer."
    )
    locality = models.CharField(max_length=100, default="Noida", help_text="City.")
    region = models.CharField(max_length=100, default="Uttar Pradesh", help_text="State.")
    postal_code = models.CharField(max_length=10, blank=True, help_text="PIN code, e.g. 201301.")
    phone = models.CharField(
        max_length=20, help_text="Phone number patients call, as it should be shown, e.g. '0120-4567890'."
    )
    whatsapp = models.CharField(
        max_length=20,
        blank=True,
        help_text="WhatsApp number in international form without spaces, e.g. '+919876543210'.",
    )
    email = models.EmailField(help_text="Public e-mail address shown to patients.")
    directions = models.TextField(
        blank=True, help_text="How to find the clinic, with a landmark, e.g. 'Opposite the metro station, gate 2'."
    )
    map_url = models.URLField(blank=True, help_text="A plain link to the clinic on a map, opened in a new tab.")

    class Meta:
        verbose_name = verbose_name_plural = "clinic details"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="clinic_details_single_row")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The clinic's details, or an unsaved blank row before the fixtures are loaded."""
        # Compiled once, here and for the hours (web/prepared.py): read for every page built, and the ORM's
        # building of the query cost several times what the database took to answer it.
        return next(iter(CLINIC_ROW.run(1)), None) or cls(name="DMPhysios")

    @property
    def has_placeholders(self):
        values = (self.street_address, self.phone, self.whatsapp, self.email)
        return any(mark in value for mark in PLACEHOLDER_MARKS for value in values)

    @property
    def phone_digits(self):
        """The phone number as a tel: link needs it: digits and a leading plus only."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")

    @property
    def whatsapp_digits(self):
        return "".join(c for c in self.whatsapp if c.isdigit())

    def weekly_hours(self):
        """[(day name, [OpeningHours, ...]), ...] Monday first; an empty list is a closed day.

        Read once per instance: every page shows the hours in the footer and again in its structured data,
        from the one ClinicDetails the context processor loads for the request."""
        if not hasattr(self, "_weekly_hours"):
            hours = HOURS_ROWS.run(self.pk) if self.pk else []
            self._weekly_hours = [(label, [h for h in hours if h.weekday == day]) for day, label in Weekday.choices]
        return self._weekly_hours

    def opening_times(self):
        """[(day name, '09:00–13:00, 16:00–20:00' or 'Closed'), ...] Monday first, as the footer lists them."""
        return [
            (day, ", ".join(f"{h.opens:%H:%M}–{h.closes:%H:%M}" for h in periods) or "Closed")
            for day, periods in self.weekly_hours()
        ]

    def one_line_address(self):
        parts = (self.street_address, self.locality, self.region, self.postal_code)
        return ", ".join(part for part in parts if part)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One opening period on a weekday. A weekday with no rows is a closed day."""

    clinic = models.ForeignKey(ClinicDetails, on_delete=models.CASCADE, related_name="opening_hours", default=1)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, help_text="Day of the week.")
    opens = models.TimeField(help_text="Opening time (IST), e.g. 09:00.")
    closes = models.TimeField(help_text="Closing time (IST), e.g. 20:00. Must be later than the opening time.")

    class Meta:
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="opening_hours_close_after_open"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_valid_weekday"),
            models.UniqueConstraint(fields=["weekday", "opens"], name="opening_hours_unique_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M} IST"


class Closure(models.Model):
    """A dated closure, such as a public holiday, on top of the weekly hours."""

    clinic = models.ForeignKey(ClinicDetails, on_delete=models.CASCADE, related_name="closures", default=1)
    date = models.DateField(unique=True, help_text="The day the clinic is closed.")
    reason = models.CharField(max_length=100, blank=True, help_text="Shown to patients, e.g. 'Diwali'.")

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d %b %Y}" + (f" ({self.reason})" if self.reason else "")


class PhysiotherapistQuerySet(models.QuerySet):
    def bookable(self):
        """Who patients may book online: active, taking online bookings, and (on the live site) real people."""
        bookable = self.filter(is_active=True, takes_online_bookings=True)
        return bookable if settings.BOOKING_OFFERS_PLACEHOLDERS else bookable.exclude(is_placeholder=True)


class Physiotherapist(models.Model):
    """A physiotherapist: reviews condition pages and is assigned to appointments."""

    name = models.CharField(max_length=100, help_text="Full name as patients should see it, e.g. 'Dr. A. Sharma (PT)'.")
    qualification = models.CharField(max_length=100, help_text="Degrees, e.g. 'BPT, MPT (Sports)'.")
    registration_number = models.CharField(
        max_length=50, blank=True, help_text="Professional registration number, shown on pages this person reviews."
    )
    is_active = models.BooleanField(default=True, help_text="Untick when this person leaves the clinic.")
    takes_online_bookings = models.BooleanField(
        default=True, help_text="Patients may book this person's free times online. Untick to book by phone only."
    )
    is_placeholder = models.BooleanField(
        default=False,
        help_text="Seed data standing in for a real person. Never offered to patients on the live site: untick "
        "once the name, qualification and working hours are the real ones.",
    )

    objects = PhysiotherapistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingHours(models.Model):
    """One span a physiotherapist works on a weekday (several a day for a break). Patients are offered only the
    time inside both these and the clinic's opening hours."""

    physiotherapist = models.ForeignKey(Physiotherapist, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, help_text="Day of the week.")
    starts = models.TimeField(help_text="Start of the span (IST), e.g. 09:00.")
    ends = models.TimeField(help_text="End of the span (IST), e.g. 13:00. Later than the start.")

    class Meta:
        verbose_name = verbose_name_plural = "working hours"
        ordering = ["physiotherapist", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="working_hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_valid_weekday"),
            models.UniqueConstraint(fields=["physiotherapist", "weekday", "starts"], name="working_hours_unique_start"),
        ]

    def __str__(self):
        return f"{self.physiotherapist}: {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M} IST"


class Absence(models.Model):
    """Time a physiotherapist is away (leave, training): no visit is offered or booked in it."""

    class Kind(models.TextChoices):
        LEAVE = "leave", "Leave"
        TRAINING = "training", "Training"
        OTHER = "other", "Other"

    physiotherapist = models.ForeignKey(Physiotherapist, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField(help_text="When the absence starts (IST).")
    ends_at = models.DateTimeField(help_text="When the physiotherapist is back (IST). Later than the start.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LEAVE, help_text="Why.")
    note = models.CharField(max_length=200, blank=True, help_text="For staff only, e.g. 'Conference in Delhi'.")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="absence_ends_after_start"),
        ]

    def __str__(self):
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{self.physiotherapist}: {self.get_kind_display()}, {starts:%d %b %H:%M} – {ends:%d %b %H:%M} IST"


CLINIC_ROW = PreparedQuery(lambda pk: ClinicDetails.objects.filter(pk=pk))
HOURS_ROWS = PreparedQuery(lambda pk: OpeningHours.objects.filter(clinic=pk))
