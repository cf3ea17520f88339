"""The one rule for free time, used by the patient's booking pages, the staff diary and every write:

    working hours ∩ opening hours − closures − absences − held and booked time (with buffers) − minimum notice

all in IST. A visit must fit inside one span of working and opening hours; its buffer must not run into another
visit or an absence. Every read is one query whatever the number of days, so a fortnight costs what a day does.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.utils import timezone
from django.utils.formats import date_format

from clinic.models import Absence, Closure, OpeningHours, Physiotherapist, WorkingHours

from .models import Appointment, BookingPolicy, VisitType


@dataclass(frozen=True)
class FreeTime:
    starts_at: datetime
    physiotherapist: Physiotherapist

    @property
    def local(self):
        return timezone.localtime(self.starts_at)


@dataclass(frozen=True)
class Busy:
    """Time a physiotherapist cannot take a visit in: another visit (with its buffer) or an absence."""

    starts_at: datetime
    ends_at: datetime
    reference: str = ""  # the other visit's; empty for an absence
    absence: str = ""  # the absence's kind, in words

    @property
    def what(self) -> str:
        """In words, for staff; put into words only when asked, as most are never shown."""
        if self.reference:
            return f"appointment {self.reference} at {describe(self.starts_at)}"
        return f"{self.absence} until {describe(self.ends_at)}"


class Diary:
    """What the rule needs for some physiotherapists over some days, read once (five queries)."""

    def __init__(self, physiotherapists, first_day: date, last_day: date, *, now=None, exclude=None):
        self.physiotherapists = list(physiotherapists)
        self.first_day, self.last_day = first_day, last_day
        self.now = now or timezone.now()
        ids = [p.pk for p in self.physiotherapists]
        starts, ends = local_datetime(first_day, time.min), local_datetime(last_day + timedelta(days=1), time.min)
        self.working = defaultdict(list)
        for hours in WorkingHours.objects.filter(physiotherapist__in=ids):
            self.working[hours.physiotherapist_id, hours.weekday].append((hours.starts, hours.ends))
        self.opening = defaultdict(list)
        for hours in OpeningHours.objects.all():
            self.opening[hours.weekday].append((hours.opens, hours.closes))
        self.closures = {c.date: c for c in Closure.objects.filter(date__range=(first_day, last_day))}
        self.busy = defaultdict(list)
        for absence in Absence.objects.filter(physiotherapist__in=ids, starts_at__lt=ends, ends_at__gt=starts):
            kind = absence.get_kind_display().lower()
            self.busy[absence.physiotherapist_id].append(Busy(absence.starts_at, absence.ends_at, absence=kind))
        taken = Appointment.objects.holding_time(self.now).filter(physiotherapist__in=ids).overlapping(starts, ends)
        if exclude is not None:
            taken = taken.exclude(pk=exclude)
        # Plain values, not model instances: a fortnight of a busy clinic is hundreds of rows.
        for reference, person, visit_starts, blocked_until in taken.values_list(
            "reference", "physiotherapist", "starts_at", "blocked_until"
        ):
            self.busy[person].append(Busy(visit_starts, blocked_until, reference=reference))
        # Sorted by start, with how far the busy time reaches by each entry, so clash() looks at few entries.
        self.starts, self.reach = {}, {}
        for person, entries in self.busy.items():
            entries.sort(key=lambda busy: busy.starts_at)
            self.starts[person] = [busy.starts_at for busy in entries]
            self.reach[person] = list(accumulate((busy.ends_at for busy in entries), max))

    def spans(self, physiotherapist, day: date) -> list[tuple[datetime, datetime]]:
        """The physiotherapist's working time that day inside the clinic's opening hours, as IST datetimes."""
        if day in self.closures:
            return []
        weekday = day.weekday()
        spans = []
        for work_start, work_end in sorted(self.working[physiotherapist.pk, weekday]):
            for opens, closes in sorted(self.opening[weekday]):
                start, end = max(work_start, opens), min(work_end, closes)
                if start < end:
                    spans.append((local_datetime(day, start), local_datetime(day, end)))
        return spans

    def clash(self, physiotherapist, starts_at: datetime, blocked_until: datetime) -> Busy | None:
        """The first visit or absence that [starts_at, blocked_until) runs into, if any."""
        person, first = physiotherapist.pk, None
        if person not in self.reach:
            return None
        entries, reach = self.busy[person], self.reach[person]
        # Back from the last entry that starts before blocked_until, until none earlier reaches past starts_at.
        for index in range(bisect_left(self.starts[person], blocked_until) - 1, -1, -1):
            if reach[index] <= starts_at:
                break
            if entries[index].ends_at > starts_at:
                first = entries[index]
        return first

    def free_starts(self, physiotherapist, visit_type: VisitType, day: date, earliest: datetime, step: int):
        for span_start, span_end in self.spans(physiotherapist, day):
            start = on_step(max(span_start, earliest), step)
            while start + visit_type.duration <= span_end:
                busy = self.clash(physiotherapist, start, start + visit_type.blocked)
                if busy is None:
                    yield start
                    start += timedelta(minutes=step)
                else:
                    start = on_step(max(busy.ends_at, start + timedelta(minutes=step)), step)


def free_times(
    visit_type: VisitType, first_day: date, last_day: date, physiotherapist=None, *, now=None, policy=None, exclude=None
) -> list[FreeTime]:
    """Every time a patient may book `visit_type` online from first_day to last_day (IST dates, inclusive), with
    one physiotherapist or anyone bookable; in time order. Minimum notice and the horizon come from the policy.
    `exclude`: an appointment's pk whose own time counts as free (when moving it)."""
    policy = policy or BookingPolicy.load()
    now = now or timezone.now()
    last_day = min(last_day, timezone.localdate(now) + timedelta(days=policy.horizon_days))
    physiotherapists = Physiotherapist.objects.bookable()
    if physiotherapist is not None:
        physiotherapists = physiotherapists.filter(pk=physiotherapist.pk)
    if first_day > last_day:
        return []
    diary = Diary(physiotherapists, first_day, last_day, now=now, exclude=exclude)
    earliest = now + policy.min_notice
    times = [
        FreeTime(start, person)
        for day in days(first_day, last_day)
        for person in diary.physiotherapists
        for start in diary.free_starts(person, visit_type, day, earliest, policy.slot_step_minutes)
    ]
    return sorted(times, key=lambda free: (free.starts_at, free.physiotherapist.name))


def is_free(visit_type, physiotherapist, starts_at, *, now=None, policy=None, exclude=None) -> bool:
    """True when a patient may book exactly this time online (the check repeated inside every booking's
    transaction, so a time taken meanwhile is refused)."""
    day = timezone.localdate(starts_at)
    options = free_times(visit_type, day, day, physiotherapist, now=now, policy=policy, exclude=exclude)
    return any(free.starts_at == starts_at for free in options)


def staff_conflict(physiotherapist, visit_type, starts_at, *, exclude=None) -> str | None:
    """Why staff cannot book this time, in words naming the conflict; None when it is free. Staff are not held
    to the minimum notice, the horizon or online booking, only to hours, closures, absences and other visits."""
    day = timezone.localdate(starts_at)
    diary = Diary([physiotherapist], day, day, exclude=exclude)
    ends_at = starts_at + visit_type.duration
    if closure := diary.closures.get(day):
        reason = f" ({closure.reason})" if closure.reason else ""
        return f"The clinic is closed on {date_format(day, 'j F Y')}{reason}."
    spans = diary.spans(physiotherapist, day)
    if not any(start <= starts_at and ends_at <= end for start, end in spans):
        hours = ", ".join(f"{timezone.localtime(s):%H:%M}–{timezone.localtime(e):%H:%M}" for s, e in spans)
        works = f"works {hours} IST that day" if spans else "does not work that day"
        return (
            f"{physiotherapist} {works}; a {visit_type.duration_minutes}-minute visit at "
            f"{timezone.localtime(starts_at):%H:%M} does not fit inside the working and opening hours."
        )
    if busy := diary.clash(physiotherapist, starts_at, starts_at + visit_type.blocked):
        return f"{physiotherapist} is not free then: {busy.what}."
    return None


def local_datetime(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def on_step(moment: datetime, step: int) -> datetime:
    """The first time at or after `moment` on the step grid from midnight IST (09:00, 09:15, …)."""
    local = timezone.localtime(moment)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    minutes = -(-(local - midnight) // timedelta(minutes=step))  # ceiling division
    return midnight + timedelta(minutes=step * minutes)


def days(first: date, last: date):
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def describe(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M} IST on {date_format(timezone.localtime(moment), 'j M')}"
