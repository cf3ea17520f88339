"""The patient books a free time in server-rendered steps that work without JavaScript (post/redirect/get):
the safety questions and the kind of visit (start), the free times (times), a time held (hold), the patient's
details (details), and the booked appointment with its calendar file (booked).

The first step's answers travel in the query string of each later step, not in the session: nothing is written
before a time is held, so looking at times needs no session; the back button, a reload or a second tab each show
what their own address says; and the access log drops query strings, so the red-flag answers never reach it.
"""

from datetime import date, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from web.client_ip import client_ip
from web.views import keeps_typed_answers

from . import diary, limits
from .availability import free_times
from .calendar import appointment_file
from .forms import (
    ANYONE,
    EMERGENCY_FLAGS,
    AppointmentDetailsForm,
    AppointmentStartForm,
    bookable_physiotherapists,
    browser_mark,
    diary_is_open,
    new_form_stamp,
)
from .models import BookingPolicy, BookingRequest, BookingWindow
from .notifications import manage_url

DAYS_PER_PAGE = 7
NEAREST = 6


def private(view):
    """Pages about one patient's appointment: never kept by any cache, never indexed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    return never_cache(wrapped)


def address(name: str, query: dict, *args) -> str:
    url = reverse(f"appointments:{name}", args=args)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def callback_url(condition: str) -> str:
    """The call-back request, one click away from every step, with the condition carried."""
    return address("booking-request", {"condition": condition})


def closed(request):
    """Nobody can be booked online (on the live site, until staff replace the placeholders): the call-back form."""
    return redirect(callback_url(request.GET.get("condition", "")))


@require_safe
def appointment_start(request):
    """Step 1: the safety questions, then first visit or follow-up and whom to see. A GET form: it writes nothing."""
    if not diary_is_open():
        return closed(request)
    if "answered" not in request.GET:
        form = AppointmentStartForm(initial=carried_answers(request.GET))
        return render_start(request, form)
    form = AppointmentStartForm(request.GET)
    valid = form.is_valid()
    if form.emergency:
        return render_emergency(request, form)
    if not valid:
        return render_start(request, form)
    return redirect(address("appointment-times", form.answers()))


def carried_answers(query) -> dict:
    return {
        "condition": query.get("condition", ""),
        "red_flags": query.getlist("red_flags"),
        "visit": query.get("visit"),
        "physio": query.get("physio", ANYONE),
    }


def render_start(request, form):
    context = {"form": form, "condition": condition_of(form), "emergency_flags": sorted(EMERGENCY_FLAGS)}
    return render(request, "appointments/appointment_start.html", context)


def condition_of(form) -> str:
    """The condition's slug as the form was given it, to carry on to the next step or the call-back form."""
    return (form.data if form.is_bound else form.initial).get("condition") or ""


def render_emergency(request, answers):
    """Emergency answers: the emergency advice instead of any routine time."""
    context = {
        "condition": condition_of(answers),
        "flags": [BookingRequest.RedFlag(flag).label for flag in answers.flags],
        "change_url": address("appointment-start", carried_answers(answers.data)),
    }
    return render(request, "appointments/appointment_emergency.html", context)


@require_safe
def appointment_times(request):
    """Step 2: the first free time of each part of the next days, or (?day=) every free time of one day."""
    if not diary_is_open():
        return closed(request)
    answers = AppointmentStartForm(request.GET)
    valid = answers.is_valid()
    if answers.emergency:
        return render_emergency(request, answers)
    if not valid:
        return redirect(address("appointment-start", {**carried_answers(request.GET), "answered": "1"}))
    first, day = parse_day(request.GET.get("from")), parse_day(request.GET.get("day"))
    return render_times(request, answers, first=first, day=day)


def render_times(request, answers, *, first=None, day=None, nearest=None, status=200):
    policy, today = BookingPolicy.load(), timezone.localdate()
    last = today + timedelta(days=policy.horizon_days)
    visit, person = answers.cleaned_data["visit"], answers.cleaned_data["physio"]
    query = answers.answers()
    context = {
        "visit": visit,
        "physiotherapist": person,
        "answers": query,
        "query": urlencode(query, doseq=True),
        "urgent": answers.urgent,
        "flags": [BookingRequest.RedFlag(flag).label for flag in answers.flags],
        "condition": query["condition"],
        "nearest": nearest,
        "change_url": address("appointment-start", query),
    }
    windows = list(BookingWindow.objects.all())
    if day is not None and today <= day <= last:
        times = one_per_start(free_times(visit, day, day, person, policy=policy))
        context |= {"day": day, "parts": by_part_of_day(times, windows), "days_url": address_from(query, day)}
        return render(request, "appointments/appointment_times_day.html", context, status=status)
    first = min(max(first or today, today), last)
    until = min(first + timedelta(days=DAYS_PER_PAGE - 1), last)
    times = one_per_start(free_times(visit, first, until, person, policy=policy))
    context |= {
        "days": first_of_each_part(times, windows, first, until),
        "first_day": first,
        "last_day": until,
        "earlier_url": address_from(query, max(first - timedelta(days=DAYS_PER_PAGE), today)) if first > today else "",
        "later_url": address_from(query, until + timedelta(days=1)) if until < last else "",
    }
    return render(request, "appointments/appointment_times.html", context, status=status)


def address_from(query: dict, first: date) -> str:
    return address("appointment-times", {**query, "from": first.isoformat()})


def parse_day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def one_per_start(times):
    """With anyone, one button per time: the first physiotherapist free then (the one a hold would choose)."""
    seen, unique = set(), []
    for free in times:
        if free.starts_at not in seen:
            seen.add(free.starts_at)
            unique.append(free)
    return unique


def part_of_day(moment, windows):
    """The window a time belongs to: the last one begun by then (as diary.time_of_day records it), else the first."""
    begun = [window for window in windows if window.starts <= moment]
    return begun[-1] if begun else windows[0]


def by_part_of_day(times, windows) -> list:
    """[(window, [free times])] in the day's order, leaving out the parts with no free time."""
    if not windows:
        return [(None, times)] if times else []
    parts = {window.pk: [] for window in windows}
    for free in times:
        parts[part_of_day(free.local.time(), windows).pk].append(free)
    return [(window, parts[window.pk]) for window in windows if parts[window.pk]]


def first_of_each_part(times, windows, first: date, last: date) -> list[dict]:
    """For each day from first to last: its date, the first free time of each part of the day, and how many."""
    by_day = {}
    for free in times:
        by_day.setdefault(free.local.date(), []).append(free)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        day_times = by_day.get(day, [])
        parts = [(window, frees[0]) for window, frees in by_part_of_day(day_times, windows)]
        days.append({"date": day, "parts": parts, "count": len(day_times)})
    return days


@require_POST
def appointment_hold(request):
    """A time chosen: hold it for this browser while the patient gives their details."""
    if not diary_is_open():
        return redirect(callback_url(request.POST.get("condition", "")))
    answers = AppointmentStartForm(request.POST)
    valid = answers.is_valid()
    if answers.emergency:
        return render_emergency(request, answers)
    if not valid:
        return redirect(address("appointment-start", {**carried_answers(request.POST), "answered": "1"}))
    starts_at = parse_moment(request.POST.get("starts"))
    if starts_at is None:
        return redirect(address("appointment-times", answers.answers()))
    try:
        hold = diary.appointment_hold(
            visit_type=answers.cleaned_data["visit"],
            starts_at=starts_at,
            physiotherapist=answers.cleaned_data["physio"],
            session_key=session_key(request),
            client_ip=client_ip(request),
        )
    except diary.TimeTaken as taken:
        nearest = taken.nearest or later_free(answers.cleaned_data["visit"], starts_at, answers.cleaned_data["physio"])
        first = timezone.localdate(starts_at)
        return render_times(request, answers, first=first, nearest=nearest, status=409)
    except diary.TooManyHolds:
        return render_too_many_holds(request)
    return redirect(address("appointment-details", answers.answers(), hold.reference))


def parse_moment(value) -> datetime | None:
    """A time from a button: an ISO date and time with its offset; None for anything else."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def session_key(request) -> str:
    """This browser's session key, starting a session if it has none yet (the hold belongs to it)."""
    if request.session.session_key is None:
        request.session.create()
    return request.session.session_key


def later_free(visit_type, starts_at, physiotherapist=None):
    """When nothing is free near a time: the first free times after it, up to the horizon."""
    day = timezone.localdate(starts_at)
    policy = BookingPolicy.load()
    last = timezone.localdate() + timedelta(days=policy.horizon_days)
    return one_per_start(free_times(visit_type, day, last, physiotherapist, policy=policy))[:NEAREST]


def render_too_many_holds(request):
    return render(request, "appointments/appointment_too_many_holds.html", status=429)


def own_appointment(request, reference):
    """The appointment with this reference if this browser's session held it; 404 for anyone else."""
    key = request.session.session_key
    appointment = diary.hold_for_session(reference, key) if key else None
    if appointment is None:
        raise Http404("Only the browser that chose this time can see it.")
    return appointment


@require_http_methods(["GET", "HEAD", "POST"])
@private
@keeps_typed_answers(AppointmentDetailsForm)
def appointment_details(request, reference):
    """Step 3: the held time and the patient's details. A time lost meanwhile keeps everything typed, and offers
    the nearest free times as buttons that book one of them with the same details."""
    hold = own_appointment(request, reference)
    if hold.booking_request_id:
        return redirect(hold)
    carried = AppointmentStartForm(request.GET)
    carried.is_valid()  # only the red flags and the condition are read here: the hold says the rest
    if carried.emergency:
        return render_emergency(request, carried)
    browser = browser_mark(request)
    if request.method != "POST":
        initial = {"condition": condition_of(carried), "red_flags": carried.flags, "started": new_form_stamp(browser)}
        return render_details(request, hold, AppointmentDetailsForm(initial=initial, browser=browser))
    form = AppointmentDetailsForm(request.POST, browser=browser)
    if form.is_bot:
        return render(request, "appointments/bookingrequest_blocked.html", status=400)
    if not form.is_valid():
        form.renew_stamp_if_expired()
        return render_details(request, hold, form)
    if booked := booked_before(request, form):
        return redirect(booked)
    try:
        if chosen := request.POST.get("time"):
            hold = hold_instead(request, hold, chosen)
        appointment = diary.appointment_book(
            hold=hold, booking=form.instance, client_ip=client_ip(request), form_token=form.form_token
        )
    except diary.TimeTaken as taken:
        nearest = taken.nearest or later_free(hold.visit_type, hold.starts_at)
        return render_details(request, hold, form, nearest=nearest, status=409)
    except diary.TooManyHolds:
        return render_too_many_holds(request)
    except limits.OverLimit:
        return render(request, "appointments/bookingrequest_blocked.html", status=429)
    return redirect(appointment)


def booked_before(request, form):
    """The appointment this very form booked already, in this browser (a second press of a button)."""
    booking = BookingRequest.objects.filter(form_token=form.form_token).select_related("appointment").first()
    appointment = getattr(booking, "appointment", None) if booking else None
    if appointment is None:
        return None
    return diary.hold_for_session(appointment.reference, request.session.session_key)


def hold_instead(request, hold, chosen: str):
    """Hold one of the nearest times offered after the held one was lost ("<physiotherapist pk>|<ISO time>")."""
    pk, _, moment = chosen.partition("|")
    starts_at = parse_moment(moment)
    person = bookable_physiotherapists().filter(pk=pk).first() if pk.isdigit() else None
    if starts_at is None or person is None:
        raise diary.TimeTaken(later_free(hold.visit_type, hold.starts_at))
    return diary.appointment_hold(
        visit_type=hold.visit_type,
        starts_at=starts_at,
        physiotherapist=person,
        session_key=request.session.session_key,
        client_ip=client_ip(request),
    )


def render_details(request, hold, form, nearest=None, status=200):
    now = timezone.now()
    query = request.GET.copy()
    query.pop("day", None)
    flags = form.data.getlist("red_flags") if form.is_bound else form.initial.get("red_flags", [])
    context = {
        "hold": hold,
        "form": form,
        "lapsed": hold.status != hold.Status.HELD or not hold.hold_expires_at or hold.hold_expires_at <= now,
        "nearest": nearest,
        "times_url": f"{reverse('appointments:appointment-times')}?{query.urlencode()}",
        "condition": condition_of(form),
        "urgent": bool(flags),
        "flags": [label for value, label in BookingRequest.RedFlag.choices if value in flags],
        "callback_url": callback_url(condition_of(form)),
        "retention_days": settings.BOOKING_RETENTION_DAYS,
    }
    return render(request, "appointments/appointment_details.html", context, status=status)


@require_safe
@private
def appointment_booked(request, reference):
    """Step 4: the booked appointment, for the browser that booked it."""
    appointment = own_appointment(request, reference)
    if not appointment.booking_request_id:
        return redirect("appointments:appointment-details", reference)
    context = {
        "appointment": appointment,
        "booking": appointment.booking_request,
        "manage_url": manage_url(appointment),
    }
    return render(request, "appointments/appointment_booked.html", context)


@require_safe
@private
def appointment_calendar(request, reference):
    """The booked appointment as a calendar file, for the browser that booked it."""
    appointment = own_appointment(request, reference)
    if not appointment.booking_request_id:
        raise Http404("Nothing is booked at this time yet.")
    response = HttpResponse(appointment_file(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{appointment.reference}.ics"'
    return response
