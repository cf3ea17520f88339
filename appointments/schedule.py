"""When the clinic is open, as the booking form needs it: judged in IST, from the clinic's own data."""

from datetime import date, time

from django.utils import timezone

from clinic.models import Closure, OpeningHours

from .models import BookingWindow


def day_schedule(day: date) -> tuple[Closure | None, list[tuple[time, time]]]:
    """(the closure that day, if any; [(opens, closes), ...]): two queries, asked once per validation."""
    if closure := Closure.objects.filter(date=day).first():
        return closure, []
    return None, list(OpeningHours.objects.filter(weekday=day.weekday()).values_list("opens", "closes"))


def windows_open_on(day: date, windows, periods) -> list[BookingWindow]:
    """The windows with open time left in them that day: on today, only the time after now counts."""
    now = timezone.localtime()
    after = now.time() if day == now.date() else time.min
    return [window for window in windows if window.has_open_time(periods, after=after)]


def week_windows(windows) -> dict:
    """What the form's script offers for a chosen date: the windows of each weekday, and today's as of now."""
    hours = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    today = timezone.localdate()
    by_weekday = {
        day: [w.time_of_day for w in windows if w.has_open_time([(o, c) for d, o, c in hours if d == day])]
        for day in range(7)
    }
    _, periods = day_schedule(today)
    return {
        "weekdays": by_weekday,
        "today": today.isoformat(),
        "today_windows": [w.time_of_day for w in windows_open_on(today, windows, periods)],
    }
