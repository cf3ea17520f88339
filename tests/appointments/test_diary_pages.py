"""A patient books a free time, step by step, with no JavaScript (the test client): safety questions, the kind of
visit, the free times, a held time, their details and the booked appointment. On the seeded clinic at Wednesday
2 December 2026, 10:00 IST (the default policy: 2 hours' notice, 28 days ahead, 15-minute steps, 10-minute holds).
"""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from appointments import diary
from appointments.availability import free_times
from appointments.models import Appointment, BookingRequest, BookingWindow, VisitType
from appointments.notifications import manage_url
from clinic.models import ClinicDetails
from tests.appointments.diary import appointment, at, physiotherapist, policy
from tests.client import Client

pytestmark = pytest.mark.usefixtures("booking_db")

START, TIMES, HOLD = "/book/time/", "/book/time/times/", "/book/time/hold/"
FIRST = {"visit": "first-assessment", "physio": "anyone", "condition": "glutes-spasm"}
DETAILS = {
    "full_name": "Priya Sharma",
    "booking_for": "myself",
    "phone": "98765 43210",
    "email": "priya@example.com",
    "condition": "glutes-spasm",
    "message": "Pain in the left buttock when sitting.",
    "consent": "on",
}


@pytest.fixture
def asha():
    """A real physiotherapist who works every day the clinic opens, all its hours."""
    return physiotherapist("Dr. Asha Rao (PT)", hours=[("all", "09:00", "20:30")])


@pytest.fixture
def ravi():
    return physiotherapist("Dr. Ravi Kumar (PT)", hours=[("all", "16:30", "20:30")])


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response):
    return re.sub(r"\s+", " ", page(response).get_text(" "))


def time_buttons(response, name="starts"):
    return [button["value"] for button in page(response).find_all("button", attrs={"name": name})]


def first_visit():
    return VisitType.objects.get(slug="first-assessment")


def answer(client, **answers):
    """Send the first step's answers; the response (a redirect to the times, unless the answers say otherwise)."""
    return client.get(START, {"answered": "1", **FIRST, **answers})


def hold(client, starts_at, **answers):
    """Press the button of a time: the held appointment's details page (its address)."""
    response = client.post(HOLD, {**FIRST, **answers, "starts": starts_at.isoformat()})
    assert response.status_code == 302, text(response)
    return response.url


def stamp(client, url):
    return page(client.get(url)).find("input", attrs={"name": "started"})["value"]


def book(client, clock, details_url, **changes):
    """Fill in the details page like a patient (taking half a minute) and send it."""
    data = {**DETAILS, "started": stamp(client, details_url), **changes}
    for name in [name for name, value in data.items() if value is None]:
        del data[name]
    data.setdefault("red_flags", parse_qs(urlsplit(details_url).query).get("red_flags", []))
    clock.shift(30)
    return client.post(details_url, data)


def reference_in(url):
    return url.rstrip("/").split("/")[-1]


# Step 1: the safety questions come first.


@pytest.mark.parametrize("flag", ["bladder_bowel", "saddle_numbness", "leg_weakness"])
def test_an_emergency_answer_shows_112_and_108_and_offers_no_time(client, asha, flag):
    response = answer(client, red_flags=flag)

    assert response.status_code == 200
    shown = text(response)
    assert "Please seek emergency care now" in shown
    assert page(response).find("a", href="tel:112") and page(response).find("a", href="tel:108")
    assert "We can't offer a routine time online" in shown
    assert time_buttons(response) == []
    assert not page(response).find("form", action=HOLD)


def test_an_emergency_answer_in_the_address_of_the_times_or_sent_to_the_hold_still_offers_no_time(client, asha):
    times = client.get(TIMES, {**FIRST, "red_flags": "leg_weakness"})
    held = client.post(HOLD, {**FIRST, "red_flags": "leg_weakness", "starts": at("2026-12-03", "09:00").isoformat()})

    assert "Please seek emergency care now" in text(times) and time_buttons(times) == []
    assert "Please seek emergency care now" in text(held)
    assert not Appointment.objects.exists()


def test_an_emergency_answer_lets_the_patient_change_answers_they_gave_by_mistake(client, asha):
    change = page(answer(client, red_flags="saddle_numbness")).find("a", string=re.compile("change my answers"))
    form = page(client.get(change["href"]))
    assert form.find("input", attrs={"name": "red_flags", "value": "saddle_numbness"}).has_attr("checked")
    assert form.find("input", attrs={"name": "visit", "value": "first-assessment"}).has_attr("checked")


def test_without_a_visit_type_the_first_step_says_what_to_choose_and_keeps_the_answers(client, asha):
    response = answer(client, visit="", red_flags="fall_accident")

    assert response.status_code == 200
    summary = page(response).find(id="form-problems")
    assert "Please choose a first assessment or a follow-up." in summary.get_text()
    assert page(response).find("input", attrs={"name": "red_flags", "value": "fall_accident"}).has_attr("checked")


def test_an_urgent_answer_advises_a_doctor_today_and_still_offers_times(client, clock, asha):
    times = client.get(answer(client, red_flags="fever_weight_loss").url)

    assert "Please see a doctor today as well" in text(times)
    assert "we'll mark your booking urgent" in text(times)
    assert time_buttons(times)
    assert "Please seek emergency care now" not in text(times)


def test_a_time_booked_with_an_urgent_answer_is_saved_urgent_with_the_answer(client, clock, asha):
    times = client.get(answer(client, red_flags="fall_accident").url)
    details = hold(client, at("2026-12-03", "09:00"), red_flags="fall_accident")
    assert "Please see a doctor today as well" in text(client.get(details))

    booked = client.get(book(client, clock, details).url)

    request = BookingRequest.objects.get()
    assert time_buttons(times)
    assert request.is_urgent and request.red_flags == ["fall_accident"]
    assert "We have marked your booking urgent" in text(booked)


def test_the_first_step_offers_active_visit_types_and_only_real_bookable_physiotherapists(client, asha):
    physiotherapist("Dr. No Hours")  # nobody can book someone with no working hours
    physiotherapist("Dr. Phone Only", hours=[("all", "09:00", "13:00")], takes_online_bookings=False)
    VisitType.objects.filter(slug="follow-up").update(is_active=False)

    form = page(client.get(START, {"condition": "glutes-spasm"}))

    visits = [choice["value"] for choice in form.find_all("input", attrs={"name": "visit"})]
    choices = form.find_all("input", attrs={"name": "physio"})
    people = [choice.find_parent("div").get_text(" ", strip=True) for choice in choices]
    assert visits == ["first-assessment"]
    assert people[0].startswith("Anyone") and len(people) == 2 and people[1].startswith("Dr. Asha Rao (PT)")
    assert form.find("input", attrs={"name": "condition"})["value"] == "glutes-spasm"
    start = form.find("form", class_="appointment-start")
    assert start.find("legend").get_text(strip=True) == "Safety questions first"
    asked = [field["name"] for field in start.find_all("input") if field["type"] in ("checkbox", "radio")]
    assert asked.index("red_flags") < asked.index("visit") < asked.index("physio")


def test_the_answers_and_the_condition_are_carried_to_the_times(client, asha):
    response = answer(client, red_flags="fall_accident")

    carried = parse_qs(urlsplit(response.url).query)
    assert response.url.startswith(TIMES)
    assert carried == {"condition": ["glutes-spasm"], "red_flags": ["fall_accident"], "visit": ["first-assessment"],
                       "physio": ["anyone"]}  # fmt: skip


# Step 2: the free times.


def expected_first_times(day, windows, physio=None):
    """The first free time of each part of the day, straight from free_times."""
    firsts = {}
    for free in free_times(first_visit(), day, day, physio):
        window = [w for w in windows if w.starts <= free.local.time()][-1]
        firsts.setdefault(window.pk, free.local.isoformat())
    return list(firsts.values())


def test_each_day_shows_the_first_free_time_of_its_morning_afternoon_and_evening_as_free_times_gives_them(
    client, asha, ravi
):
    appointment(asha, first_visit(), at("2026-12-03", "09:00"))  # Thursday morning starts later: 10:15
    windows = list(BookingWindow.objects.all())

    times = page(client.get(TIMES, FIRST))

    days = times.find_all("section", class_="appointment-day")
    assert len(days) == 7
    for offset, section in enumerate(days):
        day = date(2026, 12, 2) + timedelta(days=offset)
        shown = [button["value"] for button in section.find_all("button", attrs={"name": "starts"})]
        assert shown == expected_first_times(day, windows), day
    thursday = [b.get_text(" ", strip=True) for b in days[1].find_all("button")]
    assert thursday[0].startswith("Morning 10:15 IST Dr. Asha Rao (PT)")
    assert days[4].find("p", string="No free times.")  # Sunday: closed


def test_today_starts_after_the_minimum_notice(client, asha):
    wednesday = page(client.get(TIMES, FIRST)).find("section", class_="appointment-day")
    # 10:00 now, and two hours' notice.
    assert [b["value"] for b in wednesday.find_all("button")][0] == at("2026-12-02", "12:00").isoformat()


def test_a_day_page_lists_every_free_time_of_that_day_by_part_of_the_day(client, asha, ravi):
    appointment(ravi, first_visit(), at("2026-12-03", "17:00"))

    response = client.get(TIMES, {**FIRST, "day": "2026-12-03"})

    free = free_times(first_visit(), date(2026, 12, 3), date(2026, 12, 3))
    every_start = sorted({time.local.isoformat() for time in free})
    assert time_buttons(response) == every_start
    headings = [h.get_text(strip=True) for h in page(response).find_all("h2", id=re.compile("^part-"))]
    assert headings == ["Morning (09:00–12:00 IST)", "Afternoon (12:00–16:30 IST)", "Evening (16:30–20:30 IST)"]


def test_the_day_link_of_the_summary_opens_that_day(client, asha):
    link = page(client.get(TIMES, FIRST)).find("a", string=re.compile("free times on Thursday 3 December"))
    assert "Free times on Thursday 3 December 2026" in text(client.get(link["href"]))


def test_one_physiotherapist_chosen_shows_only_their_times_with_their_name(client, asha, ravi):
    response = client.get(TIMES, {**FIRST, "physio": ravi.pk, "day": "2026-12-03"})

    buttons = page(response).find_all("button", attrs={"name": "starts"})
    names = {button.find(class_="appointment-time__who").get_text(strip=True) for button in buttons}
    assert names == {"Dr. Ravi Kumar (PT)"}
    assert time_buttons(response)[0] == at("2026-12-03", "16:30").isoformat()


def test_earlier_and_later_days_stay_within_the_booking_horizon(client, asha):
    policy(horizon_days=14)
    first = page(client.get(TIMES, FIRST))
    assert not first.find("a", string="Earlier days")

    later = page(client.get(first.find("a", string="Later days")["href"]))
    last = page(client.get(later.find("a", string="Later days")["href"]))

    headings = [h.get_text(strip=True) for h in later.find_all("h2", id=re.compile("^day-"))]
    assert headings[0] == "Wednesday 9 December"
    assert not last.find("a", string="Later days")
    assert [h.get_text(strip=True) for h in last.find_all("h2", id=re.compile("^day-"))] == ["Wednesday 16 December"]
    earlier = page(client.get(later.find("a", string="Earlier days")["href"]))
    assert earlier.find("h2", id="day-1").get_text(strip=True) == "Wednesday 2 December"


def test_a_physiotherapist_no_longer_bookable_is_asked_again_in_plain_words(client, asha):
    response = client.get(START, {**FIRST, "answered": "1", "physio": "9999"})

    assert "That physiotherapist can't be booked online now" in page(response).find(id="form-problems").get_text()


def test_nonsense_in_the_address_of_the_times_is_never_an_error(client, asha):
    assert client.get(TIMES, {**FIRST, "day": "2026-13-45", "from": "soon"}).status_code == 200
    assert client.get(TIMES, {**FIRST, "day": "2031-01-01"}).status_code == 200  # beyond the horizon: the days
    wrong_visit = client.get(TIMES, {**FIRST, "visit": "massage"})
    assert wrong_visit.status_code == 302 and wrong_visit.url.startswith(START)
    assert client.get(wrong_visit.url).status_code == 200
    assert client.post(HOLD, {**FIRST, "starts": "tomorrow at nine"}).status_code == 302


# Steps 3 and 4: hold, details, booked.


def test_a_patient_holds_a_time_gives_details_for_someone_else_and_sees_the_booked_appointment(client, clock, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    held = text(client.get(details))
    assert "Thursday 3 December 2026, 11:00 IST (60 minutes)" in held
    assert "Dr. Asha Rao (PT)" in held and "First assessment" in held
    assert "Held for you until 10:10 IST" in held

    response = book(
        client, clock, details, booking_for="someone_else", patient_name="Asha Sharma",
        relationship="parent_guardian", patient_is_minor="on",
    )  # fmt: skip

    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response.url == f"/book/time/booked/{appointment.reference}/"
    assert appointment.status == Appointment.Status.BOOKED
    request = appointment.booking_request
    assert (request.full_name, request.patient_name, request.relationship) == ("Priya Sharma", "Asha Sharma",
                                                                              "parent_guardian")  # fmt: skip
    assert request.patient_is_minor and request.condition.slug == "glutes-spasm" and request.visit_type == "new"
    booked = client.get(response.url)
    shown = text(booked)
    assert "Your appointment is booked" in shown
    assert "Thursday 3 December 2026, 11:00 IST" in shown and "Dr. Asha Rao (PT)" in shown
    assert "First assessment" in shown
    assert ClinicDetails.load().one_line_address() in shown
    reference = page(booked).find(class_="appointment-reference")
    assert reference.get_text() == appointment.reference and "appointment-reference" in reference["class"]
    assert page(booked).find("a", href=manage_url(appointment))
    assert "Asha Sharma" not in booked.text and "98765" not in booked.text


def test_the_details_form_asks_nothing_the_hold_or_the_first_step_answered(client, asha):
    form = page(client.get(hold(client, at("2026-12-03", "11:00"), red_flags="fall_accident"))).find(
        "form", id="details-form"
    )
    names = {field["name"] for field in form.find_all(["input", "select", "textarea"])}
    assert not names & {"preferred_date", "preferred_time", "visit_type"}
    flag = form.find("input", attrs={"name": "red_flags"})
    assert flag["type"] == "hidden" and flag["value"] == "fall_accident"
    assert form.find("select", attrs={"name": "condition"}).find("option", selected=True)["value"] == "glutes-spasm"
    assert {"booking_for", "patient_name", "relationship", "patient_is_minor", "consent", "website"} <= names


def test_mistakes_in_the_details_are_listed_and_everything_typed_stays(client, clock, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    response = book(client, clock, details, phone="12345", consent=None)

    assert response.status_code == 200
    summary = page(response).find(id="form-problems").get_text(" ")
    assert "Please check 2 answers" in summary and "an Indian mobile number has 10" in summary
    assert page(response).find("input", attrs={"name": "full_name"})["value"] == "Priya Sharma"
    assert not Appointment.objects.filter(status=Appointment.Status.BOOKED).exists()


def test_the_calendar_file_is_the_booked_appointment(client, clock, asha):
    booked = book(client, clock, hold(client, at("2026-12-03", "11:00"))).url
    link = page(client.get(booked)).find("a", string=re.compile("Add to your calendar"))["href"]

    response = client.get(link)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    appointment = Appointment.objects.get()
    assert event["UID"] == f"{appointment.reference}@dmphysios.in"
    assert event.decoded("DTSTART") == at("2026-12-03", "11:00")


def test_when_the_front_desk_confirms_online_bookings_the_page_says_pending_confirmation(client, clock, asha):
    policy(confirm_online_bookings=False)
    booked = client.get(book(client, clock, hold(client, at("2026-12-03", "11:00"))).url)

    assert Appointment.objects.get().status == Appointment.Status.PENDING
    assert "pending confirmation" in text(booked)


def test_sending_the_details_twice_shows_the_same_booking(client, clock, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    data = {**DETAILS, "started": stamp(client, details)}
    clock.shift(30)

    first, second = client.post(details, data), client.post(details, data)

    assert first.url == second.url
    assert BookingRequest.objects.count() == 1 and Appointment.objects.count() == 1


def test_another_browser_cannot_open_someone_elses_details_booked_page_or_calendar(client, clock, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    other = Client()
    assert other.get(details).status_code == 404
    assert other.post(details, {**DETAILS, "started": "x"}).status_code == 404

    booked = book(client, clock, details).url

    assert other.get(booked).status_code == 404
    assert other.get(booked + "calendar.ics").status_code == 404
    assert client.get(booked).status_code == 200


def test_the_booked_page_of_a_time_only_held_leads_back_to_the_details(client, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    reference = reference_in(urlsplit(details).path)
    assert client.get(f"/book/time/booked/{reference}/").url == f"/book/time/details/{reference}/"
    assert client.get(f"/book/time/booked/{reference}/calendar.ics").status_code == 404


def test_details_and_booked_pages_are_never_cached_nor_indexed(client, clock, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    booked = book(client, clock, details).url
    for url in (booked, booked + "calendar.ics"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex"
    assert page(client.get(booked)).find("meta", attrs={"name": "robots", "content": "noindex"})
    other = Client()
    response = other.get(hold(other, at("2026-12-03", "12:15")))
    assert "no-store" in response["Cache-Control"]
    assert page(response).find("meta", attrs={"name": "robots", "content": "noindex"})


# A time lost meanwhile.


def test_a_time_taken_before_it_could_be_held_gives_the_nearest_free_times_not_an_error(client, asha):
    diary.appointment_hold(
        visit_type=first_visit(), starts_at=at("2026-12-03", "11:00"), session_key="someone else", client_ip="10.0.0.9"
    )

    response = client.post(HOLD, {**FIRST, "starts": at("2026-12-03", "11:00").isoformat()})

    assert response.status_code == 409
    assert "That time was just taken — here are the nearest free times" in text(response)
    nearest = page(response).find(id="time-taken").find_all("button", attrs={"name": "starts"})
    expected = diary.nearest_free(first_visit(), at("2026-12-03", "11:00"))
    assert [b["value"] for b in nearest] == [free.local.isoformat() for free in expected]
    assert at("2026-12-03", "11:00").isoformat() not in [b["value"] for b in nearest]
    assert client.post(HOLD, {**FIRST, "starts": nearest[0]["value"]}).status_code == 302


def test_a_time_taken_while_the_patient_typed_keeps_what_they_typed_and_books_a_nearest_time(client, clock, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    data = {**DETAILS, "started": stamp(client, details), "booking_for": "someone_else",
            "patient_name": "Asha Sharma", "relationship": "child"}  # fmt: skip
    clock.shift(11 * 60)  # the hold lapses while they type, and someone else takes the time
    diary.appointment_hold(
        visit_type=first_visit(), starts_at=at("2026-12-03", "11:00"), session_key="someone else", client_ip="10.0.0.9"
    )

    response = client.post(details, data)

    assert response.status_code == 409
    assert "That time was just taken — here are the nearest free times" in text(response)
    form = page(response).find("form", id="details-form")
    for name in ("full_name", "phone", "patient_name", "email"):
        assert form.find("input", attrs={"name": name})["value"] == data[name]
    assert form.find("textarea", attrs={"name": "message"}).get_text().strip() == data["message"]
    assert form.find("input", attrs={"name": "consent"}).has_attr("checked")
    offered = page(response).find_all("button", attrs={"name": "time", "form": "details-form"})
    assert offered

    booked = client.post(details, {**data, "time": offered[0]["value"]})

    appointment = Appointment.objects.get(status=Appointment.Status.BOOKED)
    assert booked.url == appointment.get_absolute_url()
    assert timezone.localtime(appointment.starts_at).isoformat() == offered[0]["value"].split("|")[1]
    assert appointment.booking_request.patient_name == "Asha Sharma"
    assert "Your appointment is booked" in text(client.get(booked.url))


def test_a_lapsed_hold_whose_time_is_still_free_is_booked_all_the_same(client, clock, asha):
    details = hold(client, at("2026-12-03", "11:00"))
    data = {**DETAILS, "started": stamp(client, details)}
    clock.shift(30 * 60)
    assert "You can still book it if nobody else has taken it" in text(client.get(details))

    response = client.post(details, data)

    assert response.status_code == 302
    assert Appointment.objects.get(status=Appointment.Status.BOOKED).starts_at == at("2026-12-03", "11:00")


def test_too_many_times_held_from_one_address_gives_a_polite_page_with_the_phone(client, asha, settings):
    settings.BOOKING_HOLDS_PER_ADDRESS = 1
    hold(Client(), at("2026-12-03", "11:00"))

    response = client.post(HOLD, {**FIRST, "starts": at("2026-12-03", "12:30").isoformat()})

    assert response.status_code == 429
    assert "Please call us to book" in text(response)
    assert page(response).find("a", href="tel:01200000000")


def test_past_a_rate_limit_the_booking_is_refused_with_the_call_us_page(client, clock, asha, settings):
    settings.BOOKING_RATE_LIMIT_PER_PHONE_PER_DAY = 1
    first = Client()
    assert book(first, clock, hold(first, at("2026-12-03", "11:00"))).status_code == 302

    response = book(client, clock, hold(client, at("2026-12-03", "12:30")))

    assert response.status_code == 429
    assert "Please call us to book" in text(response)
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 1


# The call-back request, one click away.


def test_the_call_back_request_is_one_click_away_from_every_step_with_the_condition(client, clock, asha):
    steps = [client.get(START, {"condition": "glutes-spasm"}), client.get(TIMES, FIRST),
             client.get(TIMES, {**FIRST, "day": "2026-12-03"}), answer(client, red_flags="bladder_bowel")]  # fmt: skip
    steps.append(client.get(hold(client, at("2026-12-03", "11:00"))))
    for response in steps:
        link = page(response).find("a", string="Ask us to call you back")
        assert link["href"] == "/book/?condition=glutes-spasm", response.request["PATH_INFO"]
    chosen = page(client.get("/book/?condition=glutes-spasm")).find("select", attrs={"name": "condition"})
    assert chosen.find("option", selected=True)["value"] == "glutes-spasm"


def test_with_nobody_bookable_online_the_diary_steps_lead_to_the_call_back_request(client):
    # Seeded: only the placeholder physiotherapists, never offered with debug off.
    assert client.get(START, {"condition": "glutes-spasm"}).url == "/book/?condition=glutes-spasm"
    assert client.get(TIMES, FIRST).url == "/book/?condition=glutes-spasm"


# The site's "Book an appointment" buttons.


def book_links(client, url):
    main_links = page(client.get(url)).find_all("a", string="Book an appointment")
    return {link["href"] for link in main_links}


def test_the_book_buttons_go_to_the_call_back_form_until_a_real_physiotherapist_has_hours(client):
    assert book_links(client, "/") == {"/book/"}
    assert book_links(client, "/conditions/glutes-spasm/") == {"/book/", "/book/?condition=glutes-spasm"}

    ravi = physiotherapist("Dr. Ravi Kumar (PT)")  # no working hours yet: still nobody to book
    assert book_links(client, "/conditions/glutes-spasm/") == {"/book/", "/book/?condition=glutes-spasm"}

    ravi.working_hours.create(weekday=3, starts="09:00", ends="13:00")

    assert book_links(client, "/") == {"/book/time/"}
    assert book_links(client, "/conditions/glutes-spasm/") == {"/book/time/", "/book/time/?condition=glutes-spasm"}


def test_the_book_buttons_return_to_the_call_back_form_when_the_last_physiotherapist_stops_online_booking(client, asha):
    assert book_links(client, "/conditions/glutes-spasm/") == {"/book/time/", "/book/time/?condition=glutes-spasm"}

    asha.takes_online_bookings = False
    asha.save()

    assert book_links(client, "/conditions/glutes-spasm/") == {"/book/", "/book/?condition=glutes-spasm"}


def test_placeholders_are_offered_where_the_settings_allow_them(client, settings):
    settings.BOOKING_OFFERS_PLACEHOLDERS = True  # as in development (DEBUG)
    assert book_links(client, "/") == {"/book/time/"}
    names = page(client.get(START)).find_all("input", attrs={"name": "physio"})
    assert len(names) == 3  # anyone, and the two placeholders
