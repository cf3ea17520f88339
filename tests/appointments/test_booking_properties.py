"""Property-based: whatever arrives at the booking form, the patient gets a page or a clear message, never a 500."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.appointments.booking import BOOK, VALID, form_stamp

WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
FIELDS = [*VALID, "patient_name", "relationship", "patient_is_minor", "red_flags", "started", "website"]
# Any text a browser can send: every Unicode character but lone surrogates, which UTF-8 cannot carry.
ANY_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)
# Text that looks like what a patient might type, so that some examples pass validation.
PLAUSIBLE = {
    "full_name": st.one_of(st.just("Priya Sharma"), ANY_TEXT),
    "phone": st.one_of(st.just("98765 43210"), st.from_regex(r"\+?[0-9 ()-]{0,20}", fullmatch=True), ANY_TEXT),
    "email": st.one_of(st.just(""), st.emails(), ANY_TEXT),
    "preferred_date": st.one_of(st.dates().map(str), st.just("2026-12-03"), ANY_TEXT),
    "preferred_time": st.sampled_from(["morning", "afternoon", "evening", "night", ""]),
    "booking_for": st.sampled_from(["myself", "someone_else", "", "nobody"]),
    "visit_type": st.sampled_from(["new", "follow_up", "", "?"]),
    "condition": st.sampled_from(["glutes-spasm", "other", "", "no-such-condition"]),
    "message": ANY_TEXT,
    "consent": st.sampled_from(["on", "", "off"]),
}
SHOWS_A_MESSAGE = re.compile(r'id="id_\w+_error"|role="alert"')

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)
    return time_machine


def assert_answered(response):
    assert response.status_code in (200, 302, 400, 429), response.status_code
    if response.status_code == 200:
        assert SHOWS_A_MESSAGE.search(response.content.decode()), "a refused form says what is wrong"


@given(answers=st.fixed_dictionaries({}, optional=PLAUSIBLE))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_answers_give_the_confirmation_or_a_clear_message(seeded, client, clock, answers):
    data = {**answers, "started": form_stamp(client)}
    clock.shift(30)
    assert_answered(client.post(BOOK, data))


@given(form=st.dictionaries(st.sampled_from(FIELDS) | ANY_TEXT, st.lists(ANY_TEXT, max_size=3), max_size=12))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_posted_fields_at_all_never_cause_a_server_error(seeded, client, clock, form):
    assert_answered(client.post(BOOK, form))


@given(query=st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=3))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_string_on_the_form_page_shows_the_form(seeded, client, clock, query):
    response = client.get(BOOK, query)
    assert response.status_code == 200


@given(words=ANY_TEXT)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_search_shows_a_results_page(seeded, client, words):
    response = client.get("/conditions/search/", {"q": words})
    assert response.status_code == 200
