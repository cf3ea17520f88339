"""The front desk's diary as the admin shows it: for each physiotherapist and day, the time in runs of one kind
(free, taken by visits or an absence, not working), cut into rows of the slot step. What is free comes from the
one availability rule (availability.Diary); the appointments and absences are read once more only to name them.
Also: the visits a later closure, absence or change of hours left in time the rule now refuses."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from clinic.models import Absence, Physiotherapist

from .availability import Diary, days, local_datetime, on_step, staff_conflict
from .models import Appointment, BookingPolicy

# Visits the front desk may still move, and so should when their time is closed.
MOVABLE = [Appointment.Status.BOOKED, Appointment.Status.PENDING]
# How each status reads in the diary: a word (and a symbol beside it), never a colour alone.
LABELS = {
    Appointment.Status.HELD: ("◌", "Held"),
    Appointment.Status.PENDING: ("?", "Pending (to confirm)"),
    Appointment.Status.BOOKED: ("●", "Booked"),
    Appointment.Status.COMPLETED: ("✓", "Completed"),
    Appointment.Status.NO_SHOW: ("✗", "No-show"),
    Appointment.Status.CANCELLED: ("⊘", "Cancelled"),
    Appointment.Status.TO_REBOOK: ("↻", "To rebook"),
    Appointment.Status.EXPIRED: ("", "Hold lapsed"),
}
# Rows of at least ten minutes: a finer step would make the day too long to read.
MIN_ROW_MINUTES = 10


@dataclass
class Run:
    """Consecutive rows of one physiotherapist's day that read the same."""

    kind: str  # "free", "busy" or "off"
    starts_at: datetime
    ends_at: datetime
    visits: list = field(default_factory=list)  # appointments holding this time
    absences: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # appointments that hold no time (cancelled, to rebook) starting here
    label: str = ""  # why it is off, or what takes it when neither a visit nor an absence is known
    person: Physiotherapist | None = None
    rows: int = 1

    @property
    def key(self):
        return (self.kind, [v.pk for v in self.visits], [a.pk for a in self.absences], self.label)

    def extend(self, other: "Run"):
        self.ends_at, self.rows = other.ends_at, self.rows + 1
        self.notes += other.notes


@dataclass
class Row:
    starts_at: datetime
    ends_at: datetime
    cells: list  # a Run per physiotherapist, or None where a run from a row above continues
    gap: str = ""  # for a row standing for a stretch when nobody works: why


class DiaryGrid:
    """What the diary pages show for first_day to last_day: the physiotherapists as columns and their runs."""

    def __init__(self, first_day: date, last_day: date, *, now=None):
        self.now = now or timezone.now()
        starts = local_datetime(first_day, time.min)
        ends = local_datetime(last_day + timedelta(days=1), time.min)
        visits = list(
            Appointment.objects.filter(starts_at__lt=ends, blocked_until__gt=starts)
            .exclude(status=Appointment.Status.EXPIRED)
            .exclude(status=Appointment.Status.HELD, hold_expires_at__lte=self.now)
            .select_related("visit_type", "booking_request", "physiotherapist")
        )
        self.people = columns(visits)
        self.diary = Diary(self.people, first_day, last_day, now=self.now)
        self.step = max(BookingPolicy.load().slot_step_minutes, MIN_ROW_MINUTES)
        self.holding, self.notes, self.absences = defaultdict(list), defaultdict(list), defaultdict(list)
        for visit in visits:
            (self.holding if visit.holds_time else self.notes)[visit.physiotherapist_id].append(visit)
        ids = [person.pk for person in self.people]
        for absence in Absence.objects.filter(physiotherapist__in=ids, starts_at__lt=ends, ends_at__gt=starts):
            self.absences[absence.physiotherapist_id].append(absence)
        movable = Appointment.objects.filter(pk__in=[visit.pk for visit in visits if visit.status in MOVABLE])
        to_move = {visit.pk: reason for visit, reason in visits_to_move(movable, now=self.now)}
        for visit in visits:
            visit.diary_symbol, visit.diary_label = LABELS[visit.status]
            visit.to_move = to_move.get(visit.pk, "")

    def closure(self, day: date):
        return self.diary.closures.get(day)

    def day_rows(self, day: date) -> list[Row]:
        """The day's rows; a stretch when every column is off is one row (the clinic's break, say)."""
        times = self.row_times(day)
        grid = {person.pk: self.runs(person, day, times) for person in self.people}
        rows = []
        for index, (starts, ends) in enumerate(times):
            cells = [grid[person.pk][index] for person in self.people]
            if cells and all(cell.kind == "off" and not cell.notes for cell in cells):
                labels = {cell.label for cell in cells}
                if rows and rows[-1].gap == gap_label(labels):
                    rows[-1].ends_at = ends
                else:
                    rows.append(Row(starts, ends, [], gap_label(labels)))
                continue
            rows.append(Row(starts, ends, cells))
        _merge_down(rows)
        return rows

    def week_cell(self, person, day: date) -> tuple[list[Run], str]:
        """The runs of one physiotherapist's day, merged, without the time off around them; and when nothing is
        left, why (closed, past, not working)."""
        merged = []
        for run in self.runs(person, day, self.row_times(day)):
            if merged and merged[-1].key == run.key:
                merged[-1].extend(run)
            else:
                merged.append(run)
        shown = [run for run in merged if run.kind != "off" or run.notes]
        labels = {run.label for run in merged if run.kind == "off"}
        closure = self.closure(day)
        why = "Clinic closed" if closure else "Past" if "Past" in labels else "Not working"
        return shown, "" if shown else why

    def row_times(self, day: date) -> list[tuple[datetime, datetime]]:
        anchors = [span for person in self.people for span in self.diary.spans(person, day)]
        anchors += [(local_datetime(day, opens), local_datetime(day, closes)) for opens, closes in self.opening(day)]
        anchors += [
            (visit.starts_at, visit.blocked_until)
            for visits in (*self.holding.values(), *self.notes.values())
            for visit in visits
            if timezone.localdate(visit.starts_at) == day
        ]
        if not anchors:
            return []
        step, first = timedelta(minutes=self.step), min(start for start, _ in anchors)
        moment = on_step(first, self.step)
        moment = moment if moment == first else moment - step  # the row the first thing starts in
        last = max(end for _, end in anchors)
        times = []
        while moment < last:
            times.append((moment, moment + step))
            moment += step
        return times

    def opening(self, day: date):
        return [] if self.closure(day) else self.diary.opening[day.weekday()]

    def runs(self, person, day: date, times) -> list[Run]:
        return [self.run(person, day, starts, ends) for starts, ends in times]

    def run(self, person, day: date, starts: datetime, ends: datetime) -> Run:
        """One row of one physiotherapist: free by the one rule, taken (and by what), or off (and why)."""
        visits = [v for v in self.holding[person.pk] if v.starts_at < ends and starts < v.blocked_until]
        away = [a for a in self.absences[person.pk] if a.starts_at < ends and starts < a.ends_at]
        notes = [v for v in self.notes[person.pk] if starts <= v.starts_at < ends]
        spans = [(s, e) for s, e in self.diary.spans(person, day) if s < ends and starts < e]
        clash = self.diary.clash(person, starts, ends)
        if clash is not None or visits or away:
            label = "" if visits or away else clash.what
            return Run("busy", starts, ends, visits, away, notes, label, person)
        if spans and ends <= self.now:  # free, but gone: nobody books the past
            return Run("off", starts, ends, notes=notes, label="Past", person=person)
        if spans:
            return Run("free", max(starts, spans[0][0]), min(ends, spans[-1][1]), notes=notes, person=person)
        return Run("off", starts, ends, notes=notes, label=self.off_label(day, starts, ends), person=person)

    def off_label(self, day: date, starts: datetime, ends: datetime) -> str:
        if closure := self.closure(day):
            return f"Clinic closed ({closure.reason})" if closure.reason else "Clinic closed"
        opening = [(local_datetime(day, o), local_datetime(day, c)) for o, c in self.opening(day)]
        return "Not working" if any(o < ends and starts < c for o, c in opening) else "Clinic closed"


def gap_label(labels: set[str]) -> str:
    if len(labels) == 1:
        return next(iter(labels))
    return "Past" if "Past" in labels else "Nobody works"


def _merge_down(rows: list[Row]):
    """Join each column's run with the one above when they read the same (the cell then spans both rows)."""
    above = {}
    for row in rows:
        if row.gap:
            above = {}
            continue
        for column, run in enumerate(row.cells):
            if column in above and above[column].key == run.key:
                above[column].extend(run)
                row.cells[column] = None
            else:
                above[column] = run


def columns(visits) -> list[Physiotherapist]:
    """Every active physiotherapist with working hours, and anyone else with a visit in the diary's days."""
    with_visits = {visit.physiotherapist_id for visit in visits}
    working = Q(is_active=True, working_hours__isnull=False)
    return list(Physiotherapist.objects.filter(working | Q(pk__in=with_visits)).distinct().order_by("name"))


def visits_to_move(visits=None, *, now=None) -> list[tuple[Appointment, str]]:
    """Booked and pending visits still to come whose time the one rule now refuses (a closure or an absence added
    after booking, or changed hours), each with the rule's words for why, in time order."""
    now = now or timezone.now()
    visits = Appointment.objects.all() if visits is None else visits
    visits = list(
        visits.filter(status__in=MOVABLE, starts_at__gte=now)
        .select_related("physiotherapist", "visit_type", "booking_request")
        .order_by("starts_at")
    )
    if not visits:
        return []
    people = {visit.physiotherapist for visit in visits}
    first, last = timezone.localdate(visits[0].starts_at), timezone.localdate(visits[-1].starts_at)
    diary = Diary(people, first, last, now=now)
    # A cheap look at the shared diary first; the rule itself (one read per visit) has the last word.
    suspects = [visit for visit in visits if _may_be_refused(diary, visit)]
    return [
        (visit, reason)
        for visit in suspects
        if (reason := staff_conflict(visit.physiotherapist, visit.visit_type, visit.starts_at, exclude=visit.pk))
    ]


def _may_be_refused(diary: Diary, visit: Appointment) -> bool:
    day = timezone.localdate(visit.starts_at)
    spans = diary.spans(visit.physiotherapist, day)
    if not any(start <= visit.starts_at and visit.ends_at <= end for start, end in spans):
        return True
    busy = diary.busy[visit.physiotherapist_id]
    overlapping = [b for b in busy if b.starts_at < visit.blocked_until and visit.starts_at < b.ends_at]
    return len(overlapping) > 1  # the visit's own time is one of them


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return list(days(monday, monday + timedelta(days=6)))
