import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from appointments.models import BookingRequest, Notification
from appointments.roles import FRONT_DESK
from clinic.models import Physiotherapist
from conditions.models import Condition
from conditions.roles import CONTENT_EDITORS
from tests.admin_forms import form_values
from tests.appointments.mailserver import body
from tests.builders import make_booking_request
from tests.client import Client

pytestmark = pytest.mark.usefixtures("booking_db")


def make_request(**changes):
    return make_booking_request(**({"phone": "+919876543210"} | changes))


def staff_member(django_user_model, group_name):
    user = django_user_model.objects.create_user(f"{group_name.lower().replace(' ', '-')}", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def front_desk(django_user_model):
    return staff_member(django_user_model, FRONT_DESK)


@pytest.fixture
def content_editor(django_user_model):
    return staff_member(django_user_model, CONTENT_EDITORS)


@pytest.fixture
def physio(db):
    return Physiotherapist.objects.create(name="Dr. A. Sharma (PT)", qualification="MPT")


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
    assert codenames == {"view_bookingrequest", "change_bookingrequest", "view_notification", "change_notification"}
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


def test_confirming_needs_a_time_and_a_physiotherapist(front_desk):
    booking = make_request()
    response = change(front_desk, booking, status="confirmed")
    assert response.status_code == 200
    assert "Set the agreed date and time (IST) before confirming." in response.text
    assert "Choose who will see the patient before confirming." in response.text
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.REQUESTED


def test_front_desk_move_a_request_through_its_states_and_the_patient_gets_a_calendar_file(
    front_desk, physio, mail_server, django_capture_on_commit_callbacks
):
    booking = make_request(email="priya@example.com")
    mail_server.inbox.messages.clear()
    assert change(front_desk, booking, status="contacted", internal_notes="Called, prefers 10:30").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = change(
            front_desk, booking, status="confirmed", appointment_at_0="2026-12-03", appointment_at_1="10:30:00",
            physiotherapist=physio.pk,
        )  # fmt: skip
    assert confirmed.status_code == 302

    [confirmation] = mail_server.inbox.to("priya@example.com")
    assert "3 December 2026 at 10:30 IST is confirmed" in confirmation["Subject"]
    assert "Thursday 3 December 2026, 10:30 IST" in body(confirmation)
    [attachment] = list(confirmation.iter_attachments())
    assert attachment.get_filename() == f"{booking.reference}.ics"
    ics = attachment.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "DTSTART;TZID=Asia/Kolkata:20261203T103000" in ics
    assert f"UID:{booking.reference}@dmphysios.in" in ics
    assert change(front_desk, booking, status="completed").status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.COMPLETED
    assert len(mail_server.inbox.to("priya@example.com")) == 1


def test_a_confirmed_request_offers_an_ics_file_in_ist_with_a_stable_uid(front_desk, physio):
    booking = make_request()
    change(front_desk, booking, status="confirmed", appointment_at_0="2026-12-03", appointment_at_1="17:00:00",
           physiotherapist=physio.pk)  # fmt: skip
    page = front_desk.get(f"/admin/appointments/bookingrequest/{booking.pk}/change/").text
    link = re.search(r'href="([^"]+calendar\.ics)"', page).group(1)

    first, second = front_desk.get(link), front_desk.get(link)

    assert first["Content-Type"].startswith("text/calendar")
    ics = first.content.decode()
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata" in ics
    assert "DTSTART;TZID=Asia/Kolkata:20261203T170000\r\n" in ics
    assert "DTEND;TZID=Asia/Kolkata:20261203T174500\r\n" in ics
    assert f"UID:{booking.reference}@dmphysios.in\r\n" in ics
    assert first.content == second.content
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_an_unconfirmed_request_has_no_calendar_file(front_desk):
    booking = make_request()
    assert front_desk.get(f"/admin/appointments/bookingrequest/{booking.pk}/calendar.ics").status_code == 404


@pytest.mark.parametrize("made_up", ["abc", "999999", "1%2F2"])
def test_a_calendar_address_for_no_request_is_not_found_not_an_error(front_desk, made_up):
    assert front_desk.get(f"/admin/appointments/bookingrequest/{made_up}/calendar.ics").status_code == 404


def test_only_active_physiotherapists_can_be_chosen_for_an_appointment(front_desk, physio):
    departed = Physiotherapist.objects.create(name="Dr. B. Left (PT)", qualification="BPT", is_active=False)
    booking = make_request()
    url = f"/admin/appointments/bookingrequest/{booking.pk}/change/"
    offered = front_desk.get(url).text
    assert physio.name in offered and departed.name not in offered
    response = change(front_desk, booking, status="confirmed", appointment_at_0="2026-12-03",
                      appointment_at_1="10:30:00", physiotherapist=departed.pk)  # fmt: skip
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    booking.refresh_from_db()
    assert booking.physiotherapist is None


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
