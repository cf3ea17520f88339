import csv
import io
import re

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core import mail

from appointments.diary import appointment_book_by_staff
from appointments.models import Appointment, BookingRequest, Notification, VisitType
from appointments.roles import FRONT_DESK
from conditions.models import Condition
from conditions.roles import CONTENT_EDITORS
from tests.admin_forms import form_values
from tests.appointments.diary import at, physiotherapist
from tests.appointments.mailserver import body
from tests.builders import make_booking_request, staff_member
from tests.client import Client

pytestmark = pytest.mark.usefixtures("booking_db")


def make_request(**changes):
    return make_booking_request(**({"phone": "+919876543210"} | changes))


@pytest.fixture
def front_desk(django_user_model):
    return staff_member(django_user_model, FRONT_DESK)


@pytest.fixture
def content_editor(django_user_model):
    return staff_member(django_user_model, CONTENT_EDITORS)


@pytest.fixture
def physio(db):
    return physiotherapist("Dr. A. Sharma (PT)", hours=[("thu", "09:00", "13:00")])


def test_front_desk_see_and_work_requests_but_cannot_edit_conditions(front_desk):
    booking = make_request()
    assert booking.reference in front_desk.get("/admin/appointments/bookingrequest/").text
    assert front_desk.get(f"/admin/appointments/bookingrequest/{booking.pk}/change/").status_code == 200
    assert front_desk.get("/admin/appointments/notification/").status_code == 200
    glutes = Condition.objects.get(slug="glutes-spasm")
    assert front_desk.get(f"/admin/conditions/condition/{glutes.pk}/change/").status_code == 403
    assert front_desk.get("/admin/clinic/clinicdetails/1/change/").status_code == 403
    assert front_desk.get("/admin/appointments/notificationrecipient/").status_code == 403


def test_front_desk_cannot_delete_or_add_requests_deleting_is_for_superusers(front_desk, staff_client):
    booking = make_request()
    assert front_desk.get(f"/admin/appointments/bookingrequest/{booking.pk}/delete/").status_code == 403
    listing = front_desk.get("/admin/appointments/bookingrequest/").text
    assert 'value="delete_selected"' not in listing
    front_desk.post(
        "/admin/appointments/bookingrequest/",
        {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"},
    )
    assert BookingRequest.objects.filter(pk=booking.pk).exists()
    assert front_desk.get("/admin/appointments/bookingrequest/add/").status_code == 403
    notification = booking.notifications.first()
    assert front_desk.get(f"/admin/appointments/notification/{notification.pk}/delete/").status_code == 403
    assert staff_client.get(f"/admin/appointments/bookingrequest/{booking.pk}/delete/").status_code == 200


def test_content_editors_edit_conditions_and_physiotherapists_but_never_see_patient_data(content_editor):
    booking = make_request()
    glutes = Condition.objects.get(slug="glutes-spasm")
    assert content_editor.get(f"/admin/conditions/condition/{glutes.pk}/change/").status_code == 200
    assert content_editor.get("/admin/clinic/physiotherapist/add/").status_code == 200
    assert content_editor.get("/admin/appointments/bookingrequest/").status_code == 403
    assert content_editor.get(f"/admin/appointments/bookingrequest/{booking.pk}/change/").status_code == 403
    assert content_editor.get("/admin/appointments/notification/").status_code == 403
    assert "Booking requests" not in content_editor.get("/admin/").text


def test_the_groups_are_kept_in_step_on_every_migrate(db):
    from django.core.management import call_command

    front_desk = Group.objects.get(name=FRONT_DESK)
    front_desk.permissions.clear()
    call_command("migrate", verbosity=0)
    codenames = set(front_desk.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_bookingrequest", "change_bookingrequest", "view_notification", "change_notification",
        "view_appointment", "add_appointment", "change_appointment", "view_absence", "add_absence", "change_absence",
    }  # fmt: skip
    editor_apps = set(
        Group.objects.get(name=CONTENT_EDITORS).permissions.values_list("content_type__app_label", flat=True)
    )
    assert editor_apps == {"conditions", "clinic"}


def test_the_list_shows_newest_first_marks_urgent_ones_and_filters(staff_client, clock):
    older = make_request()
    clock.shift(60)
    urgent = make_request(red_flags=["leg_weakness"], phone="+919876500001")
    listing = staff_client.get("/admin/appointments/bookingrequest/").text
    assert listing.index(urgent.reference) < listing.index(older.reference)
    assert 'alt="True"' in listing
    only_urgent = staff_client.get("/admin/appointments/bookingrequest/?is_urgent__exact=1").text
    assert urgent.reference in only_urgent and older.reference not in only_urgent
    for query in ("status__exact=requested", "preferred_date__gte=2026-12-01", "condition__isnull=True"):
        assert staff_client.get(f"/admin/appointments/bookingrequest/?{query}").status_code == 200


@pytest.mark.parametrize("typed", ["98765 43210", "+91 98765 43210", "Sharma"])
def test_staff_find_a_request_by_phone_as_the_patient_says_it_or_by_name(staff_client, typed):
    booking = make_request()
    other = make_request(full_name="Ravi Kumar", phone="+919811100000")
    found = staff_client.get("/admin/appointments/bookingrequest/", {"q": typed}).text
    assert booking.reference in found and other.reference not in found


def test_staff_find_a_request_by_its_reference(staff_client):
    booking = make_request()
    assert booking.reference in staff_client.get("/admin/appointments/bookingrequest/", {"q": booking.reference}).text


def change(browser, booking, **values):
    url = f"/admin/appointments/bookingrequest/{booking.pk}/change/"
    data = form_values(browser.get(url).content, "bookingrequest_form") | values
    return browser.post(url, data)


def test_confirming_is_booking_a_time_staff_cannot_type_confirmed_on_a_request(front_desk):
    booking = make_request()
    response = change(front_desk, booking, status="confirmed")
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.REQUESTED


def book_a_time(booking, physio, starts_at, capture):
    """What the diary's "Book a time for this request" does: the appointment, and the patient told of it."""
    with capture(execute=True):
        return appointment_book_by_staff(
            physiotherapist=physio, visit_type=VisitType.objects.get(slug="first-assessment"), starts_at=starts_at,
            booking_request=booking,
        )  # fmt: skip


def ics_event(data):
    return icalendar.Calendar.from_ical(data).walk("VEVENT")[0]


def test_front_desk_move_a_request_through_its_states_and_the_patient_gets_a_calendar_file(
    front_desk, physio, mail_server, clock, django_capture_on_commit_callbacks
):
    booking = make_request(email="priya@example.com")
    mail_server.inbox.messages.clear()
    assert change(front_desk, booking, status="contacted", internal_notes="Called, prefers 10:30").status_code == 302
    booked = book_a_time(booking, physio, at("2026-12-03", "10:30"), django_capture_on_commit_callbacks)
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.CONFIRMED

    [confirmation] = mail_server.inbox.to("priya@example.com")
    assert "3 December 2026 at 10:30 IST" in confirmation["Subject"]
    assert "Thursday 3 December 2026, 10:30 IST" in body(confirmation)
    [attachment] = list(confirmation.iter_attachments())
    assert attachment.get_filename() == f"{booked.reference}.ics"
    event = ics_event(attachment.get_payload(decode=True))
    assert event.decoded("dtstart") == at("2026-12-03", "10:30")
    assert str(event["uid"]) == f"{booked.reference}@dmphysios.in"

    clock.move_to(at("2026-12-03", "11:30"))
    booked.status = Appointment.Status.COMPLETED  # as the diary's admin marks it, once the visit has begun
    booked.save()
    booking.follow(booked)
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.COMPLETED
    assert len(mail_server.inbox.to("priya@example.com")) == 1


def test_a_request_with_an_appointment_offers_an_ics_file_in_ist_with_a_stable_uid(
    front_desk, physio, django_capture_on_commit_callbacks
):
    booking = make_request()
    booked = book_a_time(booking, physio, at("2026-12-03", "11:45"), django_capture_on_commit_callbacks)
    page = front_desk.get(f"/admin/appointments/bookingrequest/{booking.pk}/change/").text
    link = re.search(r'href="([^"]+calendar\.ics)"', page).group(1)

    first, second = front_desk.get(link), front_desk.get(link)

    assert first["Content-Type"].startswith("text/calendar")
    assert first["Content-Disposition"] == f'attachment; filename="{booked.reference}.ics"'
    event = ics_event(first.content)
    assert event.decoded("dtstart") == at("2026-12-03", "11:45")
    assert event.decoded("dtend") == at("2026-12-03", "12:45")
    assert event["dtstart"].params["TZID"] == "Asia/Kolkata"
    assert str(event["uid"]) == f"{booked.reference}@dmphysios.in"
    assert first.content == second.content
    assert all(len(line) <= 75 for line in first.content.split(b"\r\n"))


def test_an_unconfirmed_request_has_no_calendar_file(front_desk):
    booking = make_request()
    assert front_desk.get(f"/admin/appointments/bookingrequest/{booking.pk}/calendar.ics").status_code == 404


@pytest.mark.parametrize("made_up", ["abc", "999999", "1%2F2"])
def test_a_calendar_address_for_no_request_is_not_found_not_an_error(front_desk, made_up):
    assert front_desk.get(f"/admin/appointments/bookingrequest/{made_up}/calendar.ics").status_code == 404


def export_csv(browser):
    response = browser.post(
        "/admin/appointments/bookingrequest/",
        {"action": "export_csv", "_selected_action": list(BookingRequest.objects.values_list("pk", flat=True))},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return response, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_csv_export_neutralises_spreadsheet_formulas_but_keeps_phone_numbers_dialable(front_desk):
    make_request(full_name='=HYPERLINK("http://evil")', message="@SUM(1+1)\n-2", patient_name="")
    _, [row] = export_csv(front_desk)
    assert list(row)[:3] == ["Reference", "Received (IST)", "Status"]
    assert row["Name"] == '\'=HYPERLINK("http://evil")'
    assert row["Mobile"] == "+919876543210"
    assert row["Message"].startswith("'@SUM")
    assert row["Received (IST)"] == "2026-12-02 10:00"


def test_the_csv_export_takes_the_time_and_the_physiotherapist_from_the_appointment(
    front_desk, physio, django_capture_on_commit_callbacks
):
    booked = make_request()
    book_a_time(booked, physio, at("2026-12-03", "10:30"), django_capture_on_commit_callbacks)
    make_request(phone="+919811100000")
    _, rows = export_csv(front_desk)
    by_status = {row["Status"]: row for row in rows}
    assert by_status["Confirmed"]["Appointment (IST)"] == "2026-12-03 10:30"
    assert by_status["Confirmed"]["Physiotherapist"] == "Dr. A. Sharma (PT)"
    assert by_status["Confirmed"]["Appointment status"] == "Booked"
    assert [by_status["Requested"][column] for column in ("Appointment (IST)", "Physiotherapist")] == ["", ""]


def test_the_csv_export_opens_in_excel_with_devanagari_names_intact(front_desk):
    make_request(full_name="प्रिया शर्मा", message="+91 कमर दर्द")
    response, [row] = export_csv(front_desk)
    # Excel reads a CSV as UTF-8 only when it starts with the byte-order mark.
    assert response.content.startswith(b"\xef\xbb\xbfReference,")
    assert row["Name"] == "प्रिया शर्मा"
    assert row["Message"] == "'+91 कमर दर्द"  # not a phone number in E.164 form: still guarded


def test_notifications_in_the_admin_are_read_only_apart_from_resend(front_desk):
    make_request(email="priya@example.com")
    notification = Notification.objects.first()
    page = front_desk.get(f"/admin/appointments/notification/{notification.pk}/change/").text
    assert 'name="state"' not in page
    assert front_desk.get("/admin/appointments/notification/add/").status_code == 403


def test_staff_reset_a_forgotten_password_by_email(django_user_model):
    django_user_model.objects.create_user("desk", "desk@dmphysios.test", "an-old-password-1", is_staff=True)
    login = Client().get("/admin/login/").text
    assert "/admin/password_reset/" in login
    browser = Client()
    assert browser.post("/admin/password_reset/", {"email": "desk@dmphysios.test"}).status_code == 302
    [message] = mail.outbox
    # Made by the worker, which has no request: the site is SITE_URL.
    link = re.search(r"https?://[^/\s]+(/admin/reset/\S+/)", message.body).group(1)
    form_page = browser.get(link, follow=True)
    new = {"new_password1": "a-brand-new-password-42", "new_password2": "a-brand-new-password-42"}
    assert browser.post(form_page.redirect_chain[-1][0], new).status_code == 302
    assert Client().login(username="desk", password="a-brand-new-password-42")
