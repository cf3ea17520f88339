"""What a patient sees around the article: key facts, read time, urgent help, review dates, related pages."""

from datetime import date

import pytest
from bs4 import BeautifulSoup

from conditions.models import Condition, Section, UrgentAdvice
from tests.builders import add_section, add_urgent_advice, make_condition, make_physiotherapist

pytestmark = pytest.mark.django_db


def get_page(client, condition):
    response = client.get(condition.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def normalise(text):
    return " ".join(text.split())


def test_key_facts_and_the_read_time_come_before_the_article_sections(client):
    condition = make_condition("Fact Test", key_facts="First fact.\n\nSecond fact.\n")
    add_section(condition, kind=Section.Kind.OVERVIEW, lead="word " * 450)
    page = get_page(client, condition)
    facts = page.select_one("aside.key-facts")
    assert [li.get_text() for li in facts.find_all("li")] == ["First fact.", "Second fact."]
    assert "3-minute read" in page.select_one("article header").get_text()
    assert facts.find_next("section")["id"] == "overview"


def test_a_short_page_is_a_one_minute_read_and_a_page_without_key_facts_has_no_empty_box(client):
    page = get_page(client, make_condition("Short"))
    assert "1-minute read" in page.get_text()
    assert page.select_one("aside.key-facts") is None


def test_urgent_help_cards_announce_their_level_to_screen_readers_in_the_order_staff_set(client):
    condition = make_condition("Urgent Test")
    add_urgent_advice(condition, UrgentAdvice.Level.EMERGENCY, "You lose control of your bladder.")
    add_urgent_advice(condition, UrgentAdvice.Level.URGENT, "You have a fever with back pain.")
    add_urgent_advice(condition, UrgentAdvice.Level.ROUTINE, "Pain lasts more than a few weeks.")
    block = get_page(client, condition).select_one("#urgent-help")
    assert block.h2.get_text() == "When to get urgent help"
    cards = block.select(".care-card")
    assert [card.select_one(".visually-hidden").get_text().strip() for card in cards] == [
        "Emergency:",
        "Urgent:",
        "Non-urgent:",
    ]
    assert [normalise(card.h3.get_text()) for card in cards] == [
        "Emergency: Call 112 or 108 (ambulance)",
        "Urgent: See a doctor today",
        "Non-urgent: Book a physiotherapy appointment",
    ]
    assert [a["href"] for a in cards[0].h3.find_all("a")] == ["tel:112", "tel:108"]
    assert cards[0].p.get_text() == "You lose control of your bladder."
    assert "care-card--emergency" in cards[0]["class"]


def test_a_page_without_urgent_advice_shows_no_urgent_help_block(client):
    assert get_page(client, make_condition("Calm")).select_one("#urgent-help") is None


def test_review_details_show_near_the_end_of_the_content_only_when_set(client):
    condition = make_condition(
        "Reviewed Test",
        reviewer=make_physiotherapist(),
        last_reviewed=date(2026, 3, 15),
        review_note="Added advice on sitting at work.",
    )
    add_section(condition, kind=Section.Kind.OVERVIEW, lead="Text.")
    page = get_page(client, condition)
    review = page.select_one("article footer.page-review")
    text = normalise(review.get_text())
    assert "Reviewed by Dr. Asha Verma (PT), BPT, MPT (Musculoskeletal), registration number IAP/L-12345" in text
    assert "Page last reviewed: 15 March 2026" in text
    assert "Next review due: 15 March 2029" in text
    assert "What changed: Added advice on sitting at work." in text
    assert review.find_previous("section")["id"] == "overview"
    assert review.find_next("aside")["class"] == ["cta-box"]
    assert page.find("footer", class_="site-footer").find(string=lambda s: "reviewed" in s.lower()) is None


def test_related_conditions_link_to_published_pages_only(client):
    condition = make_condition("Related Test")
    condition.related.add(make_condition("Published Neighbour"), make_condition("Draft Neighbour", status="draft"))
    page = get_page(client, condition)
    links = page.select("#related-conditions a")
    assert [(a.get_text(), a["href"]) for a in links] == [("Published Neighbour", "/conditions/published-neighbour/")]
    assert "Draft Neighbour" not in page.get_text()
    assert page.select_one('.contents-list a[href="#related-conditions"]') is None  # one section: no contents list


def test_the_contents_list_jumps_to_urgent_help_every_section_and_related_conditions(client):
    condition = make_condition("Contents Test")
    add_urgent_advice(condition, UrgentAdvice.Level.EMERGENCY, "Call now.")
    add_section(condition, kind=Section.Kind.OVERVIEW, lead="One.", position=0)
    add_section(condition, kind=Section.Kind.SYMPTOMS, items=["Two."], position=1)
    condition.related.add(make_condition("Neighbour"))
    page = get_page(client, condition)
    targets = [a["href"] for a in page.select(".contents-list a")]
    assert targets == ["#urgent-help", "#overview", "#symptoms", "#related-conditions"]
    for target in targets:
        assert page.find(id=target[1:]) is not None


def test_the_clinics_conditions_are_published_with_facts_urgent_help_and_related_pages_but_no_reviewer(seeded):
    slugs = [
        "glutes-spasm",
        "sciatica",
        "piriformis-syndrome",
        "lumbar-disc-herniation",
        "sacroiliac-joint-dysfunction",
        "hip-osteoarthritis",
    ]
    conditions = Condition.objects.published().filter(slug__in=slugs)
    assert conditions.count() == len(slugs)
    for condition in conditions:
        assert 3 <= len(condition.key_fact_list) <= 6, condition.slug
        assert condition.meta_description and len(condition.meta_description) <= 160
        assert condition.urgent_advice.filter(level=UrgentAdvice.Level.EMERGENCY).exists(), condition.slug
        assert condition.related.exists(), condition.slug
        assert condition.reviewer is None and condition.last_reviewed is None
        assert condition.review_status == "never"


def test_the_sciatica_page_warns_of_cauda_equina_signs_before_its_sections(client, seeded):
    page = get_page(client, Condition.objects.get(slug="sciatica"))
    emergency = page.select_one(".care-card--emergency")
    assert "loss of bladder or bowel control" in emergency.get_text()
    assert emergency.find_next("section")["id"] == "overview"
