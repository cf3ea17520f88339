"""The front desk's diary in the admin: booking, moving and cancelling by the same rules as patients, the status
table, the day and week diary, visits a later closure or absence leaves in closed time, and who may do what."""

import itertools

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments import admin_diary, availability, diary
from appointments.models import TRANSITIONS, Appointment, BookingRequest, Notification, VisitType
from appointments.roles import CLINIC_MANAGER, FRONT_DESK
from clinic.models import Absence, Closure, Physiotherapist, WorkingHours
from conditions.roles import CONTENT_EDITORS
from tests.admin_forms import form_values
from tests.appointments.diary import appointment, at, physiotherapist
from tests.builders import make_booking_request, staff_member

pytestmark = pytest.mark.usefixtures("booking_db")  # Wednesday 2 December 2026, 10:00 IST

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
ADD = "/admin/appointments/appointment/add/"
DIARY = "/admin/appointments/appointment/diary/"
WEEK = "/admin/appointments/appointment/diary/week/"
THURSDAY = "2026-12-03"
Status = Appointment.Status


@pytest.fixture
def front_desk(django_user_model):
    return staff_member(django_user_model, FRONT_DESK)


@pytest.fixture
def manager(django_user_model):
    return staff_member(django_user_model, CLINIC_MANAGER)


@pytest.fixture
def content_editor(django_user_model):
    return staff_member(django_user_model, CONTENT_EDITORS)


@pytest.fixture
def meera():
    """Works every day 09:00–13:30 IST (the clinic opens 09:00–13:30 and 16:30–20:30, Monday to Saturday)."""
    return physiotherapist("Dr. Meera Iyer (PT)", hours=[("all", "09:00", "13:30")])


@pytest.fixture
def first_visit():
    return VisitType.objects.get(slug="first-assessment")  # 60 minutes and 15 kept free after


def change_url(visit):
    return f"/admin/appointments/appointment/{visit.pk}/change/"


def book(browser, person, starts_at, visit_type, query="", **fields):
    local = timezone.localtime(starts_at)
    data = {
        "physiotherapist": person.pk,
        "visit_type": visit_type.pk,
        "starts_at_0": f"{local:%Y-%m-%d}",
        "starts_at_1": f"{local:%H:%M}",
        "booking_request": "",
        # The patient who called (ignored when a call-back request is chosen).
        "patient_name": "Asha Verma",
        "patient_phone": "98765 43210",
        "phone_consent": "on",
    }
    return browser.post(ADD + query, data | fields)


def change(browser, visit, **values):
    data = form_values(browser.get(change_url(visit)).content, "appointment_form") | values
    return browser.post(change_url(visit), data)


def move(browser, visit, starts_at, **values):
    local = timezone.localtime(starts_at)
    return change(browser, visit, starts_at_0=f"{local:%Y-%m-%d}", starts_at_1=f"{local:%H:%M}", **values)


def errors(response):
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in page.select(".errorlist, .errornote"))


EMAILS = itertools.count()


def to_move(browser):
    """The references the appointment list shows under "needs moving"."""
    page = BeautifulSoup(
        browser.get("/admin/appointments/appointment/", {"needs_moving": "yes"}).content, "html.parser"
    )
    return [cell.get_text(strip=True) for cell in page.select("#result_list tbody th")]


def patient_request(**fields):
    """A call-back request with an e-mail address of its own (the per-address rate limit stays out of the way)."""
    return make_booking_request(email=f"patient{next(EMAILS)}@example.com", **fields)


# Booking


def test_the_front_desk_books_a_free_time_and_returns_to_the_diary(front_desk, meera, first_visit):
    response = book(front_desk, meera, at(THURSDAY, "09:15"), first_visit, query="?_diary=1")

    booked = Appointment.objects.get(physiotherapist=meera)
    assert booked.status == Status.BOOKED
    assert (booked.starts_at, booked.ends_at) == (at(THURSDAY, "09:15"), at(THURSDAY, "10:15"))
    assert response.status_code == 302 and response["Location"] == f"{DIARY}?date={THURSDAY}"


def test_staff_are_held_to_the_hours_but_not_to_the_patients_notice(front_desk, meera, first_visit):
    # 10:30 today is inside the two hours' notice patients must give online; the front desk may book it.
    assert book(front_desk, meera, at("2026-12-02", "10:30"), first_visit).status_code == 302
    assert Appointment.objects.filter(physiotherapist=meera, starts_at=at("2026-12-02", "10:30")).exists()


def test_a_booking_over_another_visit_is_refused_naming_that_visit(front_desk, meera, first_visit):
    other = appointment(meera, first_visit, at(THURSDAY, "09:00"))

    response = book(front_desk, meera, at(THURSDAY, "10:00"), first_visit)  # inside the other's buffer

    assert response.status_code == 200
    assert f"Dr. Meera Iyer (PT) is not free then: appointment {other.reference} at 09:00 IST on 3 Dec." in errors(
        response
    )
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    "day, clock, named",
    [
        (THURSDAY, "21:30", "Dr. Meera Iyer (PT) works 09:00–13:30 IST that day; a 60-minute visit at 21:30 does not"),
        (THURSDAY, "13:00", "a 60-minute visit at 13:00 does not fit inside the working and opening hours"),
        ("2026-12-06", "10:00", "Dr. Meera Iyer (PT) does not work that day"),  # a Sunday: the clinic is closed
    ],
)
def test_a_booking_outside_working_or_opening_hours_is_refused_saying_why(
    front_desk, meera, first_visit, day, clock, named
):
    response = book(front_desk, meera, at(day, clock), first_visit)

    assert response.status_code == 200
    assert named in errors(response)
    assert not Appointment.objects.exists()


def test_a_booking_in_an_absence_or_on_a_closure_is_refused_saying_why(front_desk, meera, first_visit):
    Absence.objects.create(physiotherapist=meera, starts_at=at(THURSDAY, "09:00"), ends_at=at(THURSDAY, "12:00"))
    Closure.objects.create(date="2026-12-04", reason="Staff training")

    away = book(front_desk, meera, at(THURSDAY, "10:00"), first_visit)
    closed = book(front_desk, meera, at("2026-12-04", "10:00"), first_visit)

    assert "is not free then: leave until 12:00 IST on 3 Dec." in errors(away)
    assert "The clinic is closed on 4 December 2026 (Staff training)." in errors(closed)
    assert not Appointment.objects.exists()


def test_a_time_taken_between_the_check_and_the_save_is_a_form_error_not_a_500(
    front_desk, meera, first_visit, monkeypatch
):
    taken = {}

    def someone_else_first(**fields):
        taken["visit"] = appointment(meera, first_visit, at(THURSDAY, "09:00"))
        return book_by_staff(**fields)

    book_by_staff = diary.appointment_book_by_staff
    monkeypatch.setattr(diary, "appointment_book_by_staff", someone_else_first)  # as a phone booking calls it

    response = book(front_desk, meera, at(THURSDAY, "09:30"), first_visit)

    assert response.status_code == 200
    assert f"appointment {taken['visit'].reference} at 09:00 IST" in errors(response)
    # (The other booking, made inside this test's transaction, is rolled back with the refused save.)
    assert not Appointment.objects.filter(starts_at=at(THURSDAY, "09:30")).exists()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="only PostgreSQL has the exclusion constraint that settles races")
def test_on_postgresql_a_race_the_check_missed_is_stopped_by_the_constraint_and_shown_as_a_form_error(
    front_desk, meera, first_visit, monkeypatch
):
    taken, checks = {}, []
    rule = availability.staff_conflict

    def checked_before_the_other_committed(*args, **kwargs):
        checks.append(args)
        return None if len(checks) == 1 else rule(*args, **kwargs)

    def someone_else_first(**fields):
        taken["visit"] = appointment(meera, first_visit, at(THURSDAY, "09:00"))
        monkeypatch.setattr(availability, "staff_conflict", checked_before_the_other_committed)
        return book_by_staff(**fields)

    book_by_staff = diary.appointment_book_by_staff
    monkeypatch.setattr(diary, "appointment_book_by_staff", someone_else_first)  # as a phone booking calls it

    response = book(front_desk, meera, at(THURSDAY, "09:30"), first_visit)

    assert response.status_code == 200
    assert checks, "the booking's own check ran"
    assert f"appointment {taken['visit'].reference} at 09:00 IST" in errors(response)
    # (The other booking, made inside this test's transaction, is rolled back with the refused save.)
    assert not Appointment.objects.filter(starts_at=at(THURSDAY, "09:30")).exists()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="only PostgreSQL has the exclusion constraint that settles races")
def test_on_postgresql_a_move_into_a_time_taken_meanwhile_is_a_form_error(front_desk, meera, first_visit, monkeypatch):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    move_it, taken = admin_diary.appointment_move, {}
    monkeypatch.setattr(admin_diary, "staff_conflict", lambda *args, **kwargs: None)  # the form saw it free

    def someone_else_first(**fields):
        taken["visit"] = appointment(meera, first_visit, at(THURSDAY, "11:00"))
        monkeypatch.setattr(availability, "staff_conflict", lambda *args, **kwargs: None)  # so did the move
        return move_it(**fields)

    monkeypatch.setattr(admin_diary, "appointment_move", someone_else_first)

    response = move(front_desk, visit, at(THURSDAY, "11:30"))

    assert response.status_code == 200
    assert "taken" in errors(response)
    visit.refresh_from_db()
    assert visit.starts_at == at(THURSDAY, "09:00")


def test_a_call_back_request_becomes_an_appointment_and_the_patient_is_told(front_desk, meera, first_visit):
    request = patient_request(visit_type="new", preferred_time="morning")

    form = front_desk.get(f"{ADD}?booking_request={request.pk}")
    assert request.reference in form.text and "Priya Sharma" in form.text
    values = form_values(form.content, "appointment_form")
    assert values["visit_type"] == str(first_visit.pk) and values["booking_request"] == str(request.pk)
    assert values["starts_at_0"] == THURSDAY  # the day the patient asked for

    response = book(front_desk, meera, at(THURSDAY, "09:00"), first_visit, booking_request=request.pk)

    assert response.status_code == 302
    booked = Appointment.objects.get(booking_request=request)
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.CONFIRMED
    assert booked.physiotherapist == meera and booked.starts_at == at(THURSDAY, "09:00")
    told = request.notifications.filter(kind=Notification.Kind.APPOINTMENT_BOOKED, recipient=request.email)
    assert told.exists()


def test_the_add_form_survives_nonsense_in_its_address(front_desk):
    for query in ("?starts_at=2026-13-45T99:00", "?starts_at=soon", "?booking_request=x", "?booking_request=999"):
        assert front_desk.get(ADD + query).status_code == 200


# Moving and cancelling


def test_moving_a_visit_to_a_free_time_tells_the_patient(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"), booking_request=patient_request())

    response = move(front_desk, visit, at(THURSDAY, "11:00"))

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.starts_at, visit.sequence) == (at(THURSDAY, "11:00"), 1)
    assert visit.booking_request.notifications.filter(kind=Notification.Kind.APPOINTMENT_MOVED).count() == 1


def test_moving_over_another_visit_is_refused_naming_it(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    other = appointment(meera, first_visit, at(THURSDAY, "11:00"))

    response = move(front_desk, visit, at(THURSDAY, "10:30"))

    assert response.status_code == 200
    assert f"is not free then: appointment {other.reference} at 11:00 IST on 3 Dec." in errors(response)
    visit.refresh_from_db()
    assert visit.starts_at == at(THURSDAY, "09:00")


def test_a_visit_may_move_into_its_own_old_time(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    assert move(front_desk, visit, at(THURSDAY, "09:30")).status_code == 302


def test_a_completed_visit_cannot_be_moved(front_desk, meera, first_visit, clock):
    visit = appointment(meera, first_visit, at("2026-12-02", "09:00"), status=Status.COMPLETED)

    response = move(front_desk, visit, at(THURSDAY, "09:00"))

    assert "An appointment that is completed cannot be moved." in errors(response)


def test_cancelling_from_the_diary_keeps_the_row_and_tells_the_patient(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"), booking_request=patient_request())
    url = f"/admin/appointments/appointment/{visit.pk}/cancel/"
    assert "Cancel this appointment" in front_desk.get(url).text
    assert Appointment.objects.get(pk=visit.pk).status == Status.BOOKED  # a GET changes nothing

    response = front_desk.post(url, {"reason": "Patient phoned: unwell"})

    assert response.status_code == 302 and response["Location"] == f"{DIARY}?date={THURSDAY}"
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == (Status.CANCELLED, "Patient phoned: unwell")
    assert visit.booking_request.notifications.filter(kind=Notification.Kind.APPOINTMENT_CANCELLED).exists()


def test_a_visit_that_cannot_be_cancelled_says_so(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at("2026-12-01", "09:00"), status=Status.COMPLETED)
    page = front_desk.get(f"/admin/appointments/appointment/{visit.pk}/cancel/")
    assert "cannot go back to cancelled" in page.text and "Cancel this appointment" not in page.text
    front_desk.post(f"/admin/appointments/appointment/{visit.pk}/cancel/", {"reason": ""})
    assert Appointment.objects.get(pk=visit.pk).status == Status.COMPLETED


def test_nobody_deletes_an_appointment_cancelling_is_a_status(front_desk, staff_client, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    for browser in (front_desk, staff_client):
        assert browser.get(f"/admin/appointments/appointment/{visit.pk}/delete/").status_code == 403
    assert Appointment.objects.filter(pk=visit.pk).exists()


# The status table


STAFF_CHANGES = [(old, new) for old in Status for new in Status if old != new]


@pytest.mark.parametrize("old, new", STAFF_CHANGES, ids=[f"{old}-to-{new}" for old, new in STAFF_CHANGES])
def test_the_admin_saves_a_status_change_only_when_the_table_allows_it(front_desk, meera, first_visit, clock, old, new):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"), status=old)
    clock.move_to(at(THURSDAY, "10:30"))  # after the start, so completed and no-show may be recorded

    response = change(front_desk, visit, status=new)

    visit.refresh_from_db()
    if new in TRANSITIONS[old]:
        assert (response.status_code, visit.status) == (302, new)
    else:
        assert (response.status_code, visit.status) == (200, old)
        assert "cannot" in errors(response)


@pytest.mark.parametrize("done", [Status.COMPLETED, Status.NO_SHOW])
@pytest.mark.parametrize("back_to", [Status.BOOKED, Status.PENDING, Status.CANCELLED])
def test_a_completed_or_missed_visit_cannot_go_back(front_desk, meera, first_visit, done, back_to):
    visit = appointment(meera, first_visit, at("2026-12-01", "09:00"), status=done)

    response = change(front_desk, visit, status=back_to)

    assert "cannot go back" in errors(response)
    assert Appointment.objects.get(pk=visit.pk).status == done


@pytest.mark.parametrize("outcome", [Status.NO_SHOW, Status.COMPLETED])
def test_no_show_and_completed_only_after_the_start_time(front_desk, meera, first_visit, clock, outcome):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))

    early = change(front_desk, visit, status=outcome)
    assert "only after its start time (09:00 IST on 03 Dec 2026)" in errors(early)
    assert Appointment.objects.get(pk=visit.pk).status == Status.BOOKED

    clock.move_to(at(THURSDAY, "09:05"))
    assert change(front_desk, visit, status=outcome).status_code == 302
    assert Appointment.objects.get(pk=visit.pk).status == outcome


def test_confirming_a_pending_online_booking_tells_the_patient(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"), Status.PENDING, booking_request=patient_request())

    assert change(front_desk, visit, status=Status.BOOKED).status_code == 302

    assert visit.booking_request.notifications.filter(kind=Notification.Kind.APPOINTMENT_BOOKED).exists()


def test_a_visit_to_rebook_is_booked_again_only_into_a_free_time(front_desk, meera, first_visit):
    clashing = appointment(meera, first_visit, at(THURSDAY, "09:00"), Status.TO_REBOOK)
    other = appointment(meera, first_visit, at(THURSDAY, "09:30"))

    same_time = change(front_desk, clashing, status=Status.BOOKED)
    assert f"appointment {other.reference} at 09:30 IST" in errors(same_time)

    assert move(front_desk, clashing, at(THURSDAY, "11:00"), status=Status.BOOKED).status_code == 302
    clashing.refresh_from_db()
    assert (clashing.status, clashing.starts_at) == (Status.BOOKED, at(THURSDAY, "11:00"))


def test_a_move_and_a_status_change_are_one_at_a_time(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    response = move(front_desk, visit, at(THURSDAY, "11:00"), status=Status.CANCELLED)
    assert "Move the visit or change its status, not both at once." in errors(response)
    assert Appointment.objects.get(pk=visit.pk).status == Status.BOOKED


# The day and week diary


def diary_cells(response, person):
    """Text of each of the person's cells, as a screen reader would reach them (by the column header)."""
    page = BeautifulSoup(response.content, "html.parser")
    return [" ".join(td.get_text(" ", strip=True).split()) for td in page.select(f'td[headers~="diary-p{person.pk}"]')]


def column_headers(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [th.get_text(" ", strip=True) for th in page.select('thead th[scope="col"]')]


@pytest.fixture
def busy_thursday(meera, first_visit):
    """Meera's Thursday: booked at 09:00, a time held at 10:15, a cancelled visit at 11:30, away 12:30–13:30."""
    return {
        "booked": appointment(meera, first_visit, at(THURSDAY, "09:00"), booking_request=patient_request()),
        "held": appointment(meera, first_visit, at(THURSDAY, "10:15"), Status.HELD),
        "cancelled": appointment(meera, first_visit, at(THURSDAY, "11:30"), Status.CANCELLED),
        "away": Absence.objects.create(
            physiotherapist=meera, starts_at=at(THURSDAY, "12:30"), ends_at=at(THURSDAY, "13:30"), note="Course"
        ),
    }


def test_the_day_diary_has_a_column_per_physiotherapist_and_tells_each_state_in_words(front_desk, meera, busy_thursday):
    response = front_desk.get(DIARY, {"date": THURSDAY})

    assert response.status_code == 200
    headers = column_headers(response)
    assert headers[0] == "Time" and "Dr. Meera Iyer (PT)" in headers
    assert any(name.startswith("PLACEHOLDER: Physiotherapist A") for name in headers)  # the seeded ones too
    cells = diary_cells(response, meera)
    booked, held = busy_thursday["booked"], busy_thursday["held"]
    assert any(c.startswith("● Booked 09:00–10:00 " + booked.reference) and "Priya Sharma" in c for c in cells)
    assert any(c.startswith("◌ Held 10:15–11:15 " + held.reference) for c in cells)
    assert any("⊘ Cancelled 11:30–12:30 " + busy_thursday["cancelled"].reference in c for c in cells)
    assert any(c.startswith("Free 11:30–12:30 Book") for c in cells)  # the cancelled visit's time is free again
    assert "Away Leave until 3 Dec, 13:30 · Course" in cells
    assert "Thursday 3 December 2026" in BeautifulSoup(response.content, "html.parser").caption.get_text()


def test_free_time_in_the_diary_is_the_one_rules_free_time(front_desk, meera, busy_thursday):
    cells = diary_cells(front_desk.get(DIARY, {"date": THURSDAY}), meera)

    [free] = [c for c in cells if c.startswith("Free")]
    # 09:00 visit + buffer to 10:15; the hold (10:15–11:30 with buffer); then free until the absence at 12:30.
    assert free.startswith("Free 11:30–12:30 Book Dr. Meera Iyer (PT) at 11:30 IST on Thursday 3 December")


def test_a_free_time_links_to_the_add_form_prefilled(front_desk, meera, first_visit):
    page = BeautifulSoup(front_desk.get(DIARY, {"date": THURSDAY}).content, "html.parser")
    link = page.select_one(f'td[headers~="diary-p{meera.pk}"] a.diary-action')["href"]
    assert link == f"{ADD}?physiotherapist={meera.pk}&starts_at={THURSDAY}T09:00&_diary=1"

    values = form_values(front_desk.get(link).content, "appointment_form")
    assert (values["physiotherapist"], values["starts_at_0"], values["starts_at_1"]) == (
        str(meera.pk),
        THURSDAY,
        "09:00:00",
    )


def test_the_week_diary_shows_each_day_for_each_physiotherapist(front_desk, meera, busy_thursday):
    Closure.objects.create(date="2026-12-04", reason="Founders' day")

    response = front_desk.get(WEEK, {"date": THURSDAY})

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    days = [th.get_text(" ", strip=True) for th in page.select('tbody th[scope="row"]')]
    assert days[0] == "Mon 30 Nov" and days[3] == "Thu 3 Dec" and days[6] == "Sun 6 Dec"
    assert "Clinic closed: Founders' day" in days[4]
    thursday = page.select_one(f'td[headers="diary-p{meera.pk} diary-d20261203"]').get_text(" ", strip=True)
    assert busy_thursday["booked"].reference in thursday and "Held" in thursday and "Cancelled" in thursday
    assert "Free 11:30–12:30" in thursday
    friday = page.select_one(f'td[headers="diary-p{meera.pk} diary-d20261204"]').get_text(" ", strip=True)
    assert friday == "Clinic closed"


def test_the_diary_moves_by_day_and_week_and_shrugs_off_a_bad_date(front_desk):
    day = front_desk.get(DIARY, {"date": THURSDAY}).text
    assert 'href="?date=2026-12-02"' in day and 'href="?date=2026-12-04"' in day
    week = front_desk.get(WEEK, {"date": THURSDAY}).text
    assert 'href="?date=2026-11-23"' in week and 'href="?date=2026-12-07"' in week
    for nonsense in ("tomorrow", "2026-02-30", "99999-01-01", "0001-01-01"):
        for page in (DIARY, WEEK):
            response = front_desk.get(page, {"date": nonsense})
            assert response.status_code == 200
    assert "Wednesday 2 December 2026" in front_desk.get(DIARY, {"date": "tomorrow"}).text  # today, then


def test_time_already_gone_today_is_past_not_free(front_desk, meera):
    response = front_desk.get(DIARY, {"date": "2026-12-02"})  # it is 10:00

    first = BeautifulSoup(response.content, "html.parser").select_one("tbody tr")
    assert first.get_text(" ", strip=True) == "09:00–10:00 Past"  # for everyone: one row
    assert diary_cells(response, meera)[0].startswith("Free 10:00–13:30 Book Dr. Meera Iyer (PT) at 10:00 IST")


def test_a_closed_day_says_so_and_still_shows_its_visits(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    Closure.objects.create(date=THURSDAY, reason="Gurpurab")

    response = front_desk.get(DIARY, {"date": THURSDAY})

    assert "The clinic is closed on this day (Gurpurab)." in response.text
    [cell] = [c for c in diary_cells(response, meera) if visit.reference in c]
    assert "Needs moving: The clinic is closed on 3 December 2026 (Gurpurab)." in cell


def test_the_diary_reads_as_many_queries_for_a_full_week_as_for_a_quiet_one(front_desk, meera, first_visit):
    def queries():
        with CaptureQueriesContext(connection) as read:
            assert front_desk.get(WEEK, {"date": THURSDAY}).status_code == 200
        return len(read)

    appointment(meera, first_visit, at(THURSDAY, "09:00"), booking_request=patient_request())
    quiet = queries()
    for day in (THURSDAY, "2026-12-04", "2026-12-05"):
        for hour in ("10:15", "11:30"):
            appointment(meera, first_visit, at(day, hour), booking_request=patient_request())
    Absence.objects.create(physiotherapist=meera, starts_at=at(THURSDAY, "12:45"), ends_at=at(THURSDAY, "13:30"))
    Absence.objects.create(
        physiotherapist=meera, starts_at=at("2026-12-05", "12:45"), ends_at=at("2026-12-06", "20:00")
    )
    assert queries() == quiet


# A closure or an absence over booked visits


def test_a_closure_over_a_booked_visit_lists_it_for_the_front_desk(staff_client, front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"), booking_request=patient_request())
    elsewhere = appointment(meera, first_visit, at("2026-12-04", "09:00"))
    url = "/admin/clinic/clinicdetails/1/change/"
    values = form_values(staff_client.get(url).content, "clinicdetails_form")
    new = values["closures-TOTAL_FORMS"]
    values |= {"closures-TOTAL_FORMS": str(int(new) + 1), f"closures-{new}-date": THURSDAY}
    values |= {f"closures-{new}-reason": "Water supply cut", f"closures-{new}-clinic": "1"}

    response = staff_client.post(url, values, follow=True)

    [message] = [m.message for m in response.context["messages"] if "closed time" in m.message]
    assert f'href="/admin/appointments/appointment/{visit.pk}/change/"' in message
    message = BeautifulSoup(message, "html.parser").get_text()
    assert f"1 booked visit now falls in closed time and must be moved: {visit.reference} (03 Dec 09:00 IST" in message
    assert elsewhere.reference not in message
    assert to_move(front_desk) == [visit.reference]


def test_an_absence_over_booked_visits_lists_them_and_moving_one_tells_the_patient(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"), booking_request=patient_request())
    later = appointment(meera, first_visit, at(THURSDAY, "12:00"))
    local = {"starts_at_0": THURSDAY, "starts_at_1": "08:00", "ends_at_0": THURSDAY, "ends_at_1": "11:00"}

    response = front_desk.post(
        "/admin/clinic/absence/add/",
        {"physiotherapist": meera.pk, "kind": "training", "note": "", **local},
        follow=True,
    )

    [message] = [m.message for m in response.context["messages"] if "closed time" in m.message]
    assert visit.reference in message and later.reference not in message
    assert f'href="/admin/appointments/appointment/{visit.pk}/change/"' in message
    assert to_move(front_desk) == [visit.reference]
    reason = "Needs moving: Dr. Meera Iyer (PT) is not free then: training until 11:00 IST on 3 Dec."
    assert reason in front_desk.get(change_url(visit)).text

    assert move(front_desk, visit, at("2026-12-04", "09:00")).status_code == 302
    assert "Clear: inside the working and opening hours" in front_desk.get(change_url(visit)).text
    assert visit.booking_request.notifications.filter(kind=Notification.Kind.APPOINTMENT_MOVED).count() == 1
    assert to_move(front_desk) == []


def test_past_visits_and_cancelled_ones_never_need_moving(front_desk, meera, first_visit):
    appointment(meera, first_visit, at("2026-12-01", "09:00"), Status.COMPLETED)
    appointment(meera, first_visit, at(THURSDAY, "09:00"), Status.CANCELLED)
    Closure.objects.create(date="2026-12-01")
    Closure.objects.create(date=THURSDAY)
    still_booked = appointment(meera, first_visit, at(THURSDAY, "11:00"))
    assert to_move(front_desk) == [still_booked.reference]


# Roles


def test_the_clinic_manager_keeps_physiotherapists_hours_visit_types_and_the_policy(manager, meera):
    assert manager.get("/admin/appointments/visittype/add/").status_code == 200
    assert manager.get("/admin/appointments/bookingpolicy/1/change/").status_code == 200
    page = manager.get(f"/admin/clinic/physiotherapist/{meera.pk}/change/")
    assert page.status_code == 200 and 'name="working_hours-0-starts"' in page.text
    assert 'name="takes_online_bookings"' in page.text
    assert manager.get("/admin/appointments/appointment/").status_code == 403
    assert manager.get(DIARY).status_code == 403
    assert manager.get("/admin/appointments/visittype/1/delete/").status_code == 403
    assert manager.get("/admin/appointments/bookingpolicy/1/delete/").status_code == 403


def test_the_manager_edits_hours_and_whether_a_physiotherapist_is_booked(manager, meera):
    url = f"/admin/clinic/physiotherapist/{meera.pk}/change/"
    values = form_values(manager.get(url).content, "physiotherapist_form")
    values.pop("takes_online_bookings")
    values["working_hours-0-ends"] = "12:00"
    assert manager.post(url, values).status_code == 302
    meera.refresh_from_db()
    assert not meera.takes_online_bookings
    assert meera.working_hours.get(weekday=0).ends.hour == 12


def test_two_overlapping_spans_on_one_day_are_refused(manager, meera):
    url = f"/admin/clinic/physiotherapist/{meera.pk}/change/"
    values = form_values(manager.get(url).content, "physiotherapist_form")
    extra = values["working_hours-TOTAL_FORMS"]
    values |= {"working_hours-TOTAL_FORMS": str(int(extra) + 1), f"working_hours-{extra}-weekday": "0"}
    values |= {f"working_hours-{extra}-starts": "12:00", f"working_hours-{extra}-ends": "14:00"}
    response = manager.post(url, values)
    assert "Two spans overlap on Monday: 09:00–13:30 and 12:00–14:00 IST." in response.text
    assert meera.working_hours.count() == 7


def test_the_front_desk_keeps_appointments_and_absences_but_deletes_neither(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    absence = Absence.objects.create(
        physiotherapist=meera, starts_at=at(THURSDAY, "12:00"), ends_at=at(THURSDAY, "13:00")
    )
    for url in (
        DIARY,
        WEEK,
        ADD,
        change_url(visit),
        "/admin/clinic/absence/add/",
        f"/admin/clinic/absence/{absence.pk}/change/",
    ):
        assert front_desk.get(url).status_code == 200, url
    for url in (f"/admin/clinic/absence/{absence.pk}/delete/", f"/admin/appointments/appointment/{visit.pk}/delete/"):
        assert front_desk.get(url).status_code == 403, url
    for url in (
        "/admin/appointments/visittype/",
        "/admin/appointments/bookingpolicy/",
        "/admin/clinic/physiotherapist/",
    ):
        assert front_desk.get(url).status_code == 403, url


def test_content_editors_keep_a_physiotherapists_public_profile_only(content_editor, meera):
    url = f"/admin/clinic/physiotherapist/{meera.pk}/change/"
    page = content_editor.get(url)
    assert page.status_code == 200
    assert "working_hours-" not in page.text and 'name="is_active"' not in page.text
    assert 'name="takes_online_bookings"' not in page.text and 'name="is_placeholder"' not in page.text
    values = form_values(page.content, "physiotherapist_form")
    # A forged form cannot untick them either.
    values |= {"name": "Dr. Meera Iyer (PT), MIAP", "registration_number": "IAP/L-999", "is_placeholder": "on"}
    values |= {"working_hours-TOTAL_FORMS": "1", "working_hours-0-weekday": "6", "working_hours-0-starts": "07:00"}

    assert content_editor.post(url, values).status_code == 302

    meera.refresh_from_db()
    assert (meera.name, meera.registration_number) == ("Dr. Meera Iyer (PT), MIAP", "IAP/L-999")
    assert meera.is_active and meera.takes_online_bookings and not meera.is_placeholder
    assert not WorkingHours.objects.filter(physiotherapist=meera, starts__hour=7).exists()
    assert content_editor.get(f"/admin/clinic/physiotherapist/{meera.pk}/delete/").status_code == 403
    for url in ("/admin/clinic/absence/", DIARY, "/admin/appointments/visittype/"):
        assert content_editor.get(url).status_code == 403, url


def test_the_manager_group_is_kept_in_step_on_every_migrate(db):
    from django.core.management import call_command

    group = Group.objects.get(name=CLINIC_MANAGER)
    group.permissions.clear()
    call_command("migrate", verbosity=0)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_physiotherapist", "add_physiotherapist", "change_physiotherapist",
        "view_workinghours", "add_workinghours", "change_workinghours", "delete_workinghours",
        "view_visittype", "add_visittype", "change_visittype",
        "view_bookingpolicy", "add_bookingpolicy", "change_bookingpolicy",
    }  # fmt: skip
    front_desk = set(Group.objects.get(name=FRONT_DESK).permissions.values_list("codename", flat=True))
    assert {"view_appointment", "add_appointment", "change_appointment"} <= front_desk
    assert {"view_absence", "add_absence", "change_absence"} <= front_desk
    assert not {"delete_appointment", "delete_absence", "change_workinghours"} & front_desk


def test_a_physiotherapist_who_left_keeps_their_visits_in_the_diary(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    Physiotherapist.objects.filter(pk=meera.pk).update(is_active=False)
    assert any(visit.reference in cell for cell in diary_cells(front_desk.get(DIARY, {"date": THURSDAY}), meera))


def test_a_patient_who_calls_is_booked_with_their_details_and_consent_and_gets_the_e_mail(
    front_desk, meera, first_visit
):
    response = book(front_desk, meera, at(THURSDAY, "09:00"), first_visit, patient_email="asha@example.com")
    assert response.status_code == 302
    visit = Appointment.objects.get()
    patient = visit.booking_request
    assert (patient.full_name, patient.phone, patient.email) == ("Asha Verma", "+919876543210", "asha@example.com")
    assert patient.status == BookingRequest.Status.CONFIRMED
    assert patient.consent_version.endswith("(by phone)")
    assert visit.booking_request.notifications.filter(kind="appt_booked").exists()


def test_a_phone_booking_without_a_name_a_valid_mobile_or_consent_says_what_is_missing(front_desk, meera, first_visit):
    page = book(front_desk, meera, at(THURSDAY, "09:00"), first_visit, patient_name="", patient_phone="12345",
                phone_consent="").content.decode()  # fmt: skip
    assert "Give the patient&#x27;s name" in page or "Give the patient's name" in page
    assert "an Indian mobile number has 10" in page
    assert "must agree to the privacy notice" in page
    assert not Appointment.objects.exists()


def test_an_appointment_page_lists_the_messages_sent_about_it_and_what_failed(front_desk, meera, first_visit):
    visit = appointment(meera, first_visit, at(THURSDAY, "09:00"))
    request = BookingRequest.objects.create(
        full_name="Asha Verma", booking_for="myself", phone="+919876543210", visit_type="new",
        preferred_date=at(THURSDAY, "09:00").date(), preferred_time="morning", consent_version="test",
        consent_at=timezone.now(),
    )  # fmt: skip
    Notification.objects.create(
        booking_request=request, appointment=visit, kind="reminder_24h", channel="sms", recipient="+919876543210",
        state="failed", last_error="SendFailed: invalid-number",
    )  # fmt: skip
    page = front_desk.get(change_url(visit)).content.decode()
    assert "messages to the patient about this visit" in page.lower()
    assert "invalid-number" in page
