"""When the clinic is open, as the booking form needs it: judged in IST, from the clinic's own data."""

from datetime import date

from django.utils import timezone

from clinic.models import Closure, OpeningHours

from .models import BookingWindow


def opening_periods(day: date) -> list[tuple]:
    """[(opens, closes), ...] for that day; empty when the clinic is closed."""
    if Closure.objects.filter(date=day).exists():
        return []
    return list(OpeningHours.objects.filter(weekday=day.weekday()).values_list("opens", "closes"))


def windows_open_on(day: date, windows=None) -> list[BookingWindow]:
    """The windows that overlap that day's opening hours, without those already over when the day is today."""
    periods = opening_periods(day)
    windows = BookingWindow.objects.all() if windows is None else windows
    now = timezone.localtime()
    still_ahead = (lambda window: window.ends > now.time()) if day == now.date() else (lambda window: True)
    return [window for window in windows if window.overlaps(periods) and still_ahead(window)]


def weekly_windows(windows) -> dict[int, list[str]]:
    """{weekday: [time_of_day, ...]} for the form's script, which greys out what a chosen day doesn't offer."""
    hours = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    return {
        day: [w.time_of_day for w in windows if w.overlaps([(o, c) for d, o, c in hours if d == day])]
        for day in range(7)
    }
