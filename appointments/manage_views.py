"""The patient's manage link, /book/manage/?t=<signed token>: no account, the token where the access log keeps
nothing (the query string). A GET only shows the appointment and the choices, since mail scanners and link
previews open links; a POST cancels it or moves it to another free time, up to the self-service cut-off."""

from datetime import date, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.models import Physiotherapist

from .availability import free_times
from .diary import NotAllowed, TimeTaken, appointment_cancel, appointment_for_token, appointment_move, nearest_free
from .models import Appointment, BookingPolicy

CHANGEABLE = {Appointment.Status.BOOKED, Appointment.Status.PENDING, Appointment.Status.TO_REBOOK}
ANYONE = "any"
# Parts of the day, as the patient's booking pages show them: (name, first hour after it).
PARTS = (("Morning", 12), ("Afternoon", 17), ("Evening", 24))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        help_text="It helps us plan, but you need not say.",
    )


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField()
    physiotherapist = forms.CharField(max_length=12)

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        # Far outside any diary (and outside what date arithmetic can reach): not a time the page offered.
        if abs(starts_at - timezone.now()) > timedelta(days=366):
            raise forms.ValidationError("Not a time we offer.")
        return starts_at

    def clean_physiotherapist(self):
        choice = self.cleaned_data["physiotherapist"]
        if choice != ANYONE and not choice.isdigit():
            raise forms.ValidationError("Unknown physiotherapist.")
        return choice


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def appointment_manage(request):
    token = request.GET.get("t", "")
    appointment = appointment_for_token(token) if token else None
    if appointment is None:
        return private(render(request, "appointments/appointment_manage_invalid.html", status=404))
    if request.method == "POST":
        return change(request, appointment, token)
    return show(request, appointment, token)


def change(request, appointment, token):
    """Cancel or move, then back to the page by GET (post/redirect/get); a refusal is shown on the page."""
    action = request.POST.get("action")
    try:
        if action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                return show(request, appointment, token, cancel_form=form, status=400)
            appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"], by_patient=True)
        elif action == "move":
            form = MoveForm(request.POST)
            if not form.is_valid():
                return show(request, appointment, token, problem="choose", status=400)
            move(appointment, form.cleaned_data["starts_at"], form.cleaned_data["physiotherapist"])
        else:
            return show(request, appointment, token, problem="choose", status=400)
    except TimeTaken as taken:
        return show(request, appointment, token, problem="taken", nearest=taken.nearest, status=409)
    except NotAllowed as refusal:
        return show(request, appointment, token, refusal=str(refusal), status=409)
    return redirect(manage_url(token, done="cancelled" if action == "cancel" else "moved"))


def move(appointment, starts_at, choice):
    """Move to `starts_at` with the physiotherapist chosen, or with anyone free then (the current one first)."""
    visit_type = appointment.visit_type
    if choice == ANYONE:
        day = timezone.localdate(starts_at)
        options = free_times(visit_type, day, day, exclude=appointment.pk)
        free = [option.physiotherapist for option in options if option.starts_at == starts_at]
        if not free:
            raise TimeTaken(nearest_free(visit_type, starts_at))
        person = appointment.physiotherapist if appointment.physiotherapist in free else free[0]
    else:
        person = Physiotherapist.objects.bookable().filter(pk=choice).first()
        if person is None:
            raise TimeTaken(nearest_free(visit_type, starts_at))
    appointment_move(appointment=appointment, starts_at=starts_at, physiotherapist=person, by_patient=True)


def show(request, appointment, token, *, status=200, cancel_form=None, **notes):
    """The appointment (as it is: a refused change left it alone), and what the patient may do with it now."""
    policy, now = BookingPolicy.load(), timezone.now()
    too_late = now >= appointment.starts_at - policy.self_service_cutoff
    may_change = appointment.status in CHANGEABLE and not too_late
    done = request.GET.get("done")
    context = {
        "appointment": appointment,
        "manage_url": manage_url(token),
        "may_change": may_change,
        "too_late": appointment.status in CHANGEABLE and too_late,
        "cutoff_hours": policy.self_service_cutoff_hours,
        "cancelled_now": done == "cancelled" and appointment.status == Appointment.Status.CANCELLED,
        "moved_now": done == "moved" and appointment.status in CHANGEABLE and appointment.sequence > 0,
        "cancel_form": cancel_form or CancelForm(),
        **notes,
    }
    if may_change:
        context |= move_choices(request, appointment, token, policy, now)
    return private(render(request, "appointments/appointment_manage.html", context, status=status))


def move_choices(request, appointment, token, policy, now):
    """The free times to move to, a day at a time, with the same physiotherapist or anyone."""
    anyone = ANYONE in (request.GET.get("who"), request.POST.get("physiotherapist"))
    person = None if anyone else appointment.physiotherapist
    today = timezone.localdate(now)
    last_day = today + timedelta(days=policy.horizon_days)
    visit_type = appointment.visit_type
    options = free_times(visit_type, today, last_day, person, now=now, policy=policy, exclude=appointment.pk)
    current = (appointment.starts_at, appointment.physiotherapist_id)
    options = [free for free in options if (free.starts_at, free.physiotherapist.pk) != current]
    if anyone:  # one button a time, whoever is free then
        options = [next(group) for _, group in groupby(options, key=lambda free: free.starts_at)]
    by_day = {day: list(times) for day, times in groupby(options, key=lambda free: free.local.date())}
    day = chosen_day(request.GET.get("day"), by_day, timezone.localdate(appointment.starts_at))
    who = ANYONE if anyone else str(appointment.physiotherapist_id)
    return {
        "anyone": anyone,
        "who": who,
        "same_url": manage_url(token, day=day),
        "anyone_url": manage_url(token, who=ANYONE, day=day),
        "days": [
            {"day": d, "url": manage_url(token, who=ANYONE if anyone else None, day=d), "chosen": d == day}
            for d in by_day
        ],
        "day": day,
        "action_url": manage_url(token, who=ANYONE if anyone else None, day=day),
        "parts": day_parts(by_day.get(day, [])),
    }


def chosen_day(value, by_day, own_day) -> date | None:
    """The day asked for; else the appointment's own day, or the first with free times."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        day = None
    for candidate in (day, own_day):
        if candidate in by_day:
            return candidate
    return next(iter(by_day), None)


def day_parts(times):
    """[(part name, [free times])] for the parts of the day that have any."""
    parts, rest = [], list(times)
    for name, before in PARTS:
        mine = [free for free in rest if free.local.hour < before]
        rest = rest[len(mine) :]
        if mine:
            parts.append((name, mine))
    return parts


def manage_url(token, **query):
    """This page's address with the token (and, for a GET, the day and whom to show)."""
    query = {"t": token} | {key: str(value) for key, value in query.items() if value}
    return f"{reverse('appointments:appointment-manage')}?{urlencode(query)}"


def private(response):
    """Kept out of search engines, as never_cache keeps it out of every cache (the page cache included)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
