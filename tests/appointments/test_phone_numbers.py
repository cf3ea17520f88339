import pytest
from django import forms

from appointments.forms import indian_mobile_e164
from appointments.models import BookingRequest
from tests.appointments.booking import error_next_to, send

ACCEPTED = ["98765 43210", "+91 98765 43210", "098765 43210", "9876543210", "+91-98765-43210", "(+91) 98765 43210"]


@pytest.mark.parametrize("typed", ACCEPTED)
def test_the_ways_patients_type_an_indian_mobile_are_all_stored_as_one_e164_number(booking_db, client, clock, typed):
    response = send(client, clock, phone=typed)
    assert response.status_code == 302
    assert BookingRequest.objects.get().phone == "+919876543210"


def test_a_new_mobile_series_starting_with_6_is_accepted():
    assert indian_mobile_e164("62000 12345") == "+916200012345"


REFUSED = [
    ("0120 4567890", "That looks like a landline"),
    ("+91 120 456 7890", "That looks like a landline"),
    ("98765", "That number has 5 digits; an Indian mobile number has 10"),
    ("98765 432109", "That number has 11 digits"),
    ("98765 4321O", "Please use digits only: a phone number has no letters."),
    ("CALL-ME-NOW", "Please use digits only"),
    ("+44 7700 900123", "We can only call Indian mobile numbers (+91)"),
    ("+1 202 555 0123", "We can only call Indian mobile numbers (+91)"),
    ("55555 55555", "That isn't a valid Indian mobile number"),
    ("+", "Please enter a 10-digit Indian mobile number"),
]


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_landlines_short_numbers_letters_and_foreign_numbers_get_a_clear_message(typed, message):
    with pytest.raises(forms.ValidationError) as refused:
        indian_mobile_e164(typed)
    assert message in refused.value.messages[0]


def test_a_refused_number_is_explained_next_to_the_phone_field_and_kept_for_correction(booking_db, client, clock):
    response = send(client, clock, phone="0120 4567890")
    assert "That looks like a landline. Please give a mobile number" in error_next_to(response, "phone")
    assert 'value="0120 4567890"' in response.text
    assert not BookingRequest.objects.exists()
