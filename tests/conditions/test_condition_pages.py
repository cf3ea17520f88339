import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conditions.models import Condition, Section, SectionItem
from tests.builders import add_section, add_stage, make_condition, make_full_condition

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    """Queries for the page built from the database: the cached article and clinic details are emptied first."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_condition_page_runs_the_same_number_of_queries_however_large_the_condition(client, seeded):
    # Seeded, so the footer's opening hours and the clinic's structured data are on the page too.
    small = make_full_condition("Small Condition", items_per_list=1, stages=1)
    large = make_full_condition("Large Condition", items_per_list=25, stages=12)
    assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url())

    # The large page really shows every row it has, so an N+1 anywhere would have counted above.
    page = BeautifulSoup(client.get(large.get_absolute_url()).content, "html.parser")
    assert len(page.select(".key-facts li")) == 25
    assert len(page.select("#urgent-help .care-card")) == 25
    assert len(page.select("#related-conditions li a")) == 13  # the published half of 25
    assert len(page.select("ol.stages > li")) == 12
    assert len(page.select("#symptoms ul > li")) == 25
    assert len(page.select("ol.stages > li")[-1].select("ul > li")) == 25
    assert "Reviewer of Large Condition" in page.select_one(".page-review").get_text()


def test_a_condition_page_built_with_nothing_cached_reads_the_database_at_most_ten_times(
    client, seeded, settings, django_assert_max_num_queries
):
    # The first view after any save: its row with the reviewer, four queries for the sections, items, stages
    # and stage items, one each for urgent help and related links, two for the clinic's details and hours, and
    # one for where its Book buttons go (the diary, when anyone can be booked online).
    settings.PAGE_CACHE_SECONDS = 0
    settings.CONTENT_CACHE_SECONDS = 0
    condition = make_full_condition("Uncached Condition")
    with django_assert_max_num_queries(10):
        response = client.get(condition.get_absolute_url())
    assert response.status_code == 200
    assert "stage 1 item 2" in response.text
    assert "Reviewer of Uncached Condition" in response.text


def test_a_draft_is_not_found_for_visitors(client):
    draft = make_condition("Hidden Draft", status=Condition.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_can_preview_a_draft_and_are_told_it_is_a_draft(staff_client):
    draft = make_condition("Hidden Draft", status=Condition.Status.DRAFT)
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.text


def test_the_index_and_home_page_list_only_published_conditions(client):
    make_condition("Visible Condition")
    make_condition("Hidden Draft", status=Condition.Status.DRAFT)
    for url in ("/conditions/", "/"):
        text = client.get(url).text
        assert "Visible Condition" in text
        assert "Hidden Draft" not in text


def test_the_index_groups_conditions_by_first_letter_and_by_category(client):
    make_condition("Sciatica")
    make_condition("Hip Osteoarthritis", category=add_category("Hip and pelvis"))
    page = BeautifulSoup(client.get("/conditions/").content, "html.parser")
    letters = [h.get_text() for h in page.select("h3.az-letter")]
    assert letters == ["H", "S"]
    assert "Hip and pelvis" in [h.get_text() for h in page.select("#category-heading ~ h3")]


def add_category(name):
    from tests.builders import make_category

    return make_category(name)


def test_a_condition_with_only_some_sections_renders_without_empty_blocks(client):
    condition = make_condition("Sparse Condition")
    add_section(condition, kind=Section.Kind.OVERVIEW, lead="Only an overview here.")
    page = BeautifulSoup(client.get(condition.get_absolute_url()).content, "html.parser")
    article = page.find("article")
    assert [h.get_text() for h in article.find_all("h2")] == ["Overview", "Talk to a physiotherapist"]
    assert not [p for p in article.find_all("p") if not p.get_text(strip=True)]
    assert article.find("ul") is None or article.find("ul").find("li") is not None


def test_paragraphs_in_a_lead_become_separate_paragraphs(client):
    condition = make_condition("Two Paragraphs")
    add_section(condition, kind=Section.Kind.OVERVIEW, lead="First paragraph.\n\nSecond paragraph.")
    page = BeautifulSoup(client.get(condition.get_absolute_url()).content, "html.parser")
    texts = [p.get_text() for p in page.select("#overview p")]
    assert texts == ["First paragraph.", "Second paragraph."]


def test_an_unknown_condition_is_a_friendly_404(client):
    response = client.get("/conditions/no-such-thing/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Conditions A–Z" in response.text


def test_content_typed_by_staff_is_escaped(client):
    condition = make_condition("Escaped", summary="<script>alert(1)</script>")
    response = client.get(condition.get_absolute_url())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_text_typed_into_any_part_of_a_section_is_shown_as_text_never_as_markup(client):
    typed = '<b>bold</b> & "quoted"'
    condition = make_condition("Escaped Sections")
    section = add_section(
        condition,
        kind=Section.Kind.PHYSIOTHERAPY,
        heading=f"Heading {typed}",
        lead=f"Lead {typed}",
        closing=f"Closing {typed}",
        items=[f"Item {typed}"],
        term_separator=Section.TermSeparator.DASH,
    )
    SectionItem.objects.create(section=section, term=f"Term {typed}", description=f"Described {typed}", position=1)
    add_stage(section, f"Stage {typed}", items=[f"Stage item {typed}"], text=f"Text {typed}", closing=f"End {typed}")

    response = client.get(condition.get_absolute_url())
    assert "<b>bold</b>" not in response.text
    shown = BeautifulSoup(response.content, "html.parser").select_one("#physiotherapy")
    for part in ["Heading", "Lead", "Item", "Term", "Described", "Stage", "Stage item", "Text", "End", "Closing"]:
        assert f"{part} {typed}" in shown.get_text(), part
    assert shown.select_one("strong").get_text() == f"Term {typed}"
    assert f"Term {typed} – Described {typed}" in shown.get_text()


def test_a_draft_leaks_nowhere_a_visitor_or_search_engine_looks(client):
    published = make_condition("Open Page", alternate_names="Leaky knee")
    draft = make_condition("Leaky Draft", status=Condition.Status.DRAFT, alternate_names="Leaky knee")
    published.related.add(draft)
    draft.related.add(published)
    pages = {
        "home": client.get("/").text,
        "index": client.get("/conditions/").text,
        "search": client.get("/conditions/search/", {"q": "leaky"}).text,
        "empty search": client.get("/conditions/search/").text,
        "related links and JSON-LD": client.get(published.get_absolute_url()).text,
        "sitemap": client.get("/sitemap.xml").text,
    }
    for where, text in pages.items():
        assert "Leaky Draft" not in text, where
        assert "leaky-draft" not in text, where
    assert "Open Page" in pages["search"]
