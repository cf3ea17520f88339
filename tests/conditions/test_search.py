"""Patients find a condition by typing what they feel; runs on SQLite and again on PostgreSQL."""

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction

from conditions.models import Condition, Section
from conditions.search import MAX_QUERY_LENGTH, search_conditions
from tests.builders import add_section, make_condition

pytestmark = pytest.mark.django_db

SEARCH = "/conditions/search/"


def result_titles(client, query):
    page = BeautifulSoup(client.get(SEARCH, {"q": query}).content, "html.parser")
    return [a.get_text() for a in page.select(".search-results h2 a")]


@pytest.fixture
def conditions():
    frozen = make_condition("Frozen Shoulder", alternate_names="Adhesive capsulitis\nStiff shoulder")
    tennis = make_condition("Tennis Elbow", summary="Pain on the outside of the elbow.")
    add_section(
        tennis,
        kind=Section.Kind.CAUSES,
        lead="Repeated gripping, such as with a screwdriver, strains the tendon.",
        items=["Like a frozen shoulder, it can follow overuse."],
    )
    make_condition("Hidden Draft Shoulder", status=Condition.Status.DRAFT, alternate_names="Adhesive capsulitis")
    return frozen, tennis


def test_a_condition_is_found_by_its_alternate_name(client, conditions):
    assert result_titles(client, "adhesive capsulitis") == ["Frozen Shoulder"]


def test_a_condition_is_found_by_a_word_that_only_appears_in_a_section(client, conditions):
    assert result_titles(client, "screwdriver") == ["Tennis Elbow"]


def test_a_title_match_ranks_above_a_mention_in_another_page(client, conditions):
    assert result_titles(client, "frozen shoulder") == ["Frozen Shoulder", "Tennis Elbow"]


def test_an_edit_to_a_section_is_searchable_at_once(client, conditions, django_capture_on_commit_callbacks):
    _, tennis = conditions
    section = tennis.sections.get()
    section.lead = "Hours of typing on a keyboard can bring it on."
    with django_capture_on_commit_callbacks(execute=True):  # the search index is refreshed when the edit commits
        section.save()
    assert result_titles(client, "keyboard") == ["Tennis Elbow"]
    assert result_titles(client, "screwdriver") == []


def test_an_edited_list_item_is_searchable_at_once(client, conditions, django_capture_on_commit_callbacks):
    _, tennis = conditions
    item = tennis.sections.get().items.get()
    item.description = "Badminton players get it too."
    with django_capture_on_commit_callbacks(execute=True):
        item.save()
    assert result_titles(client, "badminton") == ["Tennis Elbow"]


def test_a_deleted_section_is_no_longer_found(client, conditions, django_capture_on_commit_callbacks):
    _, tennis = conditions
    with django_capture_on_commit_callbacks(execute=True):
        tennis.sections.get().delete()
    assert result_titles(client, "screwdriver") == []


@pytest.mark.django_db(transaction=True)
def test_edits_committed_together_are_searchable_once_the_transaction_commits(client):
    tennis = make_condition("Tennis Elbow")
    section = add_section(tennis, kind=Section.Kind.CAUSES, items=["Gripping a racket too tightly."])
    with transaction.atomic():
        section.lead = "Hours of typing on a keyboard can bring it on."
        section.save()
        item = section.items.get()
        item.description = "Badminton players get it too."
        item.save()
    assert result_titles(client, "keyboard") == ["Tennis Elbow"]
    assert result_titles(client, "badminton") == ["Tennis Elbow"]


def test_an_edit_that_was_rolled_back_is_not_searchable_and_later_edits_are(
    client, conditions, django_capture_on_commit_callbacks
):
    _, tennis = conditions
    item = tennis.sections.get().items.get()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(IntegrityError), transaction.atomic():
            item.description = "Squash players get it too."
            item.save()
            make_condition("Tennis Elbow")  # the same address again: the whole edit is refused
        item.refresh_from_db()
        item.description = "Badminton players get it too."
        item.save()
    assert result_titles(client, "squash") == []
    assert result_titles(client, "badminton") == ["Tennis Elbow"]


def test_drafts_never_appear_in_search_results(client, conditions):
    for query in ("hidden draft", "adhesive capsulitis", "shoulder"):
        assert "Hidden Draft Shoulder" not in result_titles(client, query)


def test_matches_in_the_snippet_are_highlighted_and_the_text_around_them_escaped(client):
    condition = make_condition("Escaping Test", summary="A <b>bold</b> claim & a tendon strain.")
    add_section(condition, kind=Section.Kind.OVERVIEW, lead="Nothing here.")
    page = BeautifulSoup(client.get(SEARCH, {"q": "tendon"}).content, "html.parser")
    snippet = page.select_one(".search-results li p:last-child")
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["tendon"]
    assert snippet.find("b") is None  # typed markup is text (SQLite) or dropped (PostgreSQL's headline), never markup
    assert "bold" in snippet.get_text()
    assert "claim & a" in snippet.get_text()


@pytest.mark.parametrize(
    "query",
    [
        '"frozen shoulder',
        "shoulder'",
        "100% pain",
        "%",
        "_",
        "a & b | !c :* ( <script>",
        "कमर दर्द",
        "पैर में दर्द shoulder",
        "x" * 5000,
        "shoulder " * 500,
        "\\",
    ],
)
def test_odd_input_never_errors(client, conditions, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert "Search conditions" in response.text


def test_a_very_long_query_is_shortened_and_still_searched(client, conditions):
    response = client.get(SEARCH, {"q": "stiff shoulder " * 50})
    assert "we searched for its first" in response.text
    assert "Frozen Shoulder" in [a.get_text() for a in BeautifulSoup(response.content, "html.parser").select("h2 a")]


def test_the_search_function_caps_the_query_itself():
    assert search_conditions("x" * (MAX_QUERY_LENGTH * 50)) == []


def test_a_quoted_query_finds_the_phrase(client, conditions):
    assert result_titles(client, '"frozen shoulder"')[0] == "Frozen Shoulder"


def test_a_hindi_query_with_a_match_finds_it(client):
    make_condition("Back Pain", alternate_names="कमर दर्द")
    assert result_titles(client, "कमर दर्द") == ["Back Pain"]


def test_no_results_offer_the_a_to_z_list_the_booking_link_and_close_names(client, conditions):
    page = BeautifulSoup(client.get(SEARCH, {"q": "frozen sholder"}).content, "html.parser")
    text = page.get_text()
    assert "No condition pages match" in text
    assert page.find("a", href="/book/") is not None
    a_to_z = [a.get_text() for a in page.select("#all-conditions-heading ~ ul a")]
    assert a_to_z == ["Frozen Shoulder", "Tennis Elbow"]
    assert "Did you mean" in text
    assert page.find("a", string="Frozen Shoulder", href="/conditions/frozen-shoulder/") is not None


def test_an_empty_search_explains_itself_and_offers_the_a_to_z_list_and_booking(client, conditions):
    page = BeautifulSoup(client.get(SEARCH).content, "html.parser")
    assert "Type a word or two" in page.get_text()
    assert page.find("a", href="/book/") is not None
    assert "Hidden Draft Shoulder" not in page.get_text()
    assert len(page.select("#all-conditions-heading ~ ul a")) == 2


def test_what_was_typed_stays_in_the_search_box(client, conditions):
    page = BeautifulSoup(client.get(SEARCH, {"q": 'pain "down" my leg'}).content, "html.parser")
    assert page.select_one("main input[name=q]")["value"] == 'pain "down" my leg'


def test_every_page_has_a_labelled_search_box_in_the_header(client, conditions):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    form = page.select_one("header form[role=search]")
    assert form["action"] == SEARCH
    assert form["method"] == "get"
    field = form.find("input", attrs={"name": "q"})
    assert form.find("label", attrs={"for": field["id"]}).get_text() == "Search conditions"


def test_search_results_are_kept_out_of_search_engines(client, conditions):
    page = BeautifulSoup(client.get(SEARCH, {"q": "shoulder"}).content, "html.parser")
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")


def test_patients_words_find_the_clinics_conditions(client, seeded):
    assert result_titles(client, "buttock cramp")[0] == "Glutes Spasm"
    assert result_titles(client, "pain down my leg")[0] == "Sciatica"
    assert result_titles(client, "slipped disc")[0] == "Slipped Disc (Lumbar Disc Herniation)"
