"""Staff see which pages need a clinical review, and a review is recorded completely or not at all."""

from datetime import date

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import IntegrityError

from conditions.models import Condition, ReviewStatus
from tests.admin_forms import form_values
from tests.builders import make_condition, make_physiotherapist

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/conditions/condition/"
TODAY = date(2027, 6, 1)


@pytest.fixture
def frozen_today():
    """The clock stopped at TODAY before anyone logs in, so sessions and review dates agree."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def pages(db):
    reviewer = make_physiotherapist()
    make_condition("Never Reviewed Page")
    make_condition("Overdue Page", reviewer=reviewer, last_reviewed=date(2024, 1, 10))  # due 10 Jan 2027
    make_condition(
        "Due Soon Page", reviewer=reviewer, last_reviewed=date(2025, 1, 1), next_review_due=date(2027, 6, 20)
    )
    make_condition("Up To Date Page", reviewer=reviewer, last_reviewed=date(2027, 1, 5))
    return reviewer


def listed_titles(staff_client, query=""):
    page = BeautifulSoup(staff_client.get(CHANGELIST + query).content, "html.parser")
    return {
        row.select_one("th a").get_text(): row.select_one("td.field-review_status_display").get_text()
        for row in page.select("#result_list tbody tr")
    }


def test_the_condition_list_shows_each_pages_review_status(frozen_today, staff_client, pages):
    assert listed_titles(staff_client) == {
        "Never Reviewed Page": "Never reviewed",
        "Overdue Page": "Overdue",
        "Due Soon Page": "Due soon",
        "Up To Date Page": "Up to date",
    }


def test_the_review_status_filter_shows_overdue_pages(frozen_today, staff_client, pages):
    assert list(listed_titles(staff_client, "?review=overdue")) == ["Overdue Page"]
    assert list(listed_titles(staff_client, "?review=due")) == ["Due Soon Page"]
    assert list(listed_titles(staff_client, "?review=never")) == ["Never Reviewed Page"]
    assert list(listed_titles(staff_client, "?review=up_to_date")) == ["Up To Date Page"]


def test_the_filter_is_offered_with_every_status(frozen_today, staff_client, pages):
    page = BeautifulSoup(staff_client.get(CHANGELIST).content, "html.parser")
    filter_links = [a.get_text() for a in page.select('#changelist-filter a[href*="review="]')]
    assert filter_links == ["Never reviewed", "Overdue", "Due soon", "Up to date"]


@pytest.fixture
def boundary_pages(pages):
    """Pages due on the days where one status turns into the next."""
    for title, due in [
        ("Due Yesterday", date(2027, 5, 31)),
        ("Due Today", TODAY),
        ("Due In 30 Days", date(2027, 7, 1)),
        ("Due In 31 Days", date(2027, 7, 2)),
    ]:
        make_condition(title, reviewer=pages, last_reviewed=date(2025, 1, 1), next_review_due=due)


@pytest.mark.parametrize("status", ReviewStatus.values)
def test_the_review_status_filter_lists_exactly_the_pages_the_column_shows_with_that_status(
    frozen_today, staff_client, boundary_pages, status
):
    column = listed_titles(staff_client)
    shown_with_status = sorted(title for title, label in column.items() if label == ReviewStatus(status).label)
    assert shown_with_status, f"no page is {status}: the test would prove nothing"
    assert sorted(listed_titles(staff_client, f"?review={status}")) == shown_with_status
    per_page = sorted(c.title for c in Condition.objects.all() if c.review_status == status)
    assert per_page == shown_with_status


def test_the_boundary_days_fall_on_the_expected_side(frozen_today, staff_client, boundary_pages):
    column = listed_titles(staff_client)
    assert [column[t] for t in ("Due Yesterday", "Due Today", "Due In 30 Days", "Due In 31 Days")] == [
        "Overdue",
        "Due soon",
        "Due soon",
        "Up to date",
    ]


def test_the_database_refuses_a_review_without_a_next_review_date(pages):
    # Without one, the page would have no review status for the filter to find.
    with pytest.raises(IntegrityError):
        Condition.objects.filter(title="Up To Date Page").update(next_review_due=None)


def test_the_clinics_pages_are_flagged_never_reviewed(staff_client, seeded):
    assert set(listed_titles(staff_client).values()) == {"Never reviewed"}


def test_next_review_defaults_to_three_years_after_the_review():
    condition = make_condition("Default Due", reviewer=make_physiotherapist(), last_reviewed=date(2024, 2, 29))
    assert condition.next_review_due == date(2027, 2, 28)


def test_the_database_refuses_a_review_date_without_a_reviewer():
    with pytest.raises(IntegrityError):
        make_condition("Half Reviewed", last_reviewed=date(2026, 1, 1))


def test_staff_record_a_review_in_the_admin_and_the_page_shows_it(frozen_today, seeded, staff_client, client):
    reviewer = make_physiotherapist()
    condition = Condition.objects.get(slug="piriformis-syndrome")
    change_url = f"{CHANGELIST}{condition.pk}/change/"
    values = form_values(staff_client.get(change_url).content, "condition_form")
    values.update(reviewer=str(reviewer.pk), last_reviewed="2027-05-30", review_note="Updated the exercises.")
    response = staff_client.post(change_url, values)
    assert response.status_code == 302, response.content.decode()[:3000]
    condition.refresh_from_db()
    assert condition.next_review_due == date(2030, 5, 30)
    text = " ".join(BeautifulSoup(client.get(condition.get_absolute_url()).content, "html.parser").get_text().split())
    assert "Reviewed by Dr. Asha Verma (PT)" in text
    assert "Page last reviewed: 30 May 2027" in text
    assert "Next review due: 30 May 2030" in text


def test_an_incomplete_or_impossible_review_is_explained_and_nothing_typed_is_lost(frozen_today, seeded, staff_client):
    reviewer = make_physiotherapist()
    condition = Condition.objects.get(slug="piriformis-syndrome")
    change_url = f"{CHANGELIST}{condition.pk}/change/"
    values = form_values(staff_client.get(change_url).content, "condition_form")
    values.update(reviewer=str(reviewer.pk), last_reviewed="", review_note="Half done.")
    response = staff_client.post(change_url, values)
    assert response.status_code == 200
    assert "Enter the day the reviewer checked the page." in response.text
    assert "Half done." in response.text

    values.update(last_reviewed="2027-07-01")
    assert "The review date cannot be in the future." in staff_client.post(change_url, values).text

    values.update(last_reviewed="2027-05-01", next_review_due="2027-04-01")
    assert "The next review must be after the last review." in staff_client.post(change_url, values).text


def test_a_page_cannot_list_itself_as_related(seeded, staff_client):
    condition = Condition.objects.get(slug="sciatica")
    change_url = f"{CHANGELIST}{condition.pk}/change/"
    values = form_values(staff_client.get(change_url).content, "condition_form")
    response = staff_client.post(change_url, {**values, "related": [str(condition.pk)]})
    assert response.status_code == 200
    assert "A page cannot be related to itself" in response.text


def test_staff_edit_urgent_help_in_the_admin(seeded, staff_client, client):
    condition = Condition.objects.get(slug="sciatica")
    change_url = f"{CHANGELIST}{condition.pk}/change/"
    html = staff_client.get(change_url).text
    values = form_values(html, "condition_form")
    name = next(n for n, v in values.items() if v.startswith("See a doctor today if you have back pain with a fever"))
    values[name] = "See a doctor today if you have a fever with your back pain."
    assert staff_client.post(change_url, values).status_code == 302
    assert "See a doctor today if you have a fever with your back pain." in client.get("/conditions/sciatica/").text
