"""The glutes spasm page shows every paragraph and list item of the clinic's article, in order, under its heading."""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

ARTICLE = settings.BASE_DIR / "fixtures" / "source" / "glutes-spasm.txt"
# Written out by hand, not read with conditions.article (which built the fixture), so a parser bug shows here.
HEADINGS = [
    "Overview",
    "Symptoms",
    "Types of Glutes Spasm",
    "Causes",
    "Risk Factors",
    "Treatment",
    "Physiotherapy Treatment",
    "Prevention",
    "Conclusion",
]
STAGE_LINE = re.compile(r"^(\d+)\.\s+(.*)$")


def normalise(text):
    return " ".join(text.replace("\u00a0", " ").split())


def article_by_heading():
    """{heading: [lines under it]} in the article's order, read straight from the committed file."""
    sections = {}
    current = None
    for line in ARTICLE.read_text(encoding="utf-8").splitlines():
        line = normalise(line)
        if not line:
            continue
        if line in HEADINGS:
            current = sections.setdefault(line, [])
        else:
            current.append(line.removeprefix("- "))
    assert list(sections) == HEADINGS, "the article's headings changed: update HEADINGS"
    return sections


@pytest.fixture
def page(client, seeded):
    response = client.get("/conditions/glutes-spasm/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def section_under(page, heading):
    h2 = page.find("h2", string=lambda s: s and normalise(s) == heading)
    assert h2 is not None, f"no h2 {heading!r} on the page"
    return h2.find_parent("section")


def test_every_article_heading_is_an_h2_in_the_articles_order(page):
    page_headings = [normalise(h.get_text()) for h in page.select("article section > h2")]
    assert page_headings == HEADINGS


def test_every_paragraph_and_list_item_is_under_its_heading_in_order(page):
    for heading, lines in article_by_heading().items():
        text = normalise(section_under(page, heading).get_text())
        position = 0
        for line in lines:
            stage = STAGE_LINE.match(line)
            wanted = stage.group(2) if stage and not line.endswith(".") else line
            found = text.find(wanted, position)
            assert found >= 0, f"under {heading!r}, missing or out of order: {wanted!r}"
            position = found + len(wanted)


def test_physiotherapy_stages_are_a_numbered_list_with_their_items_nested(page):
    section = section_under(page, "Physiotherapy Treatment")
    stages = section.select("ol.stages > li")
    titles = [normalise(li.h3.get_text()) for li in stages]
    expected = [
        STAGE_LINE.match(line).group(2)
        for line in article_by_heading()["Physiotherapy Treatment"]
        if STAGE_LINE.match(line) and not line.endswith(".")
    ]
    assert titles == expected
    pain_relief = stages[1]
    assert [normalise(li.get_text()) for li in pain_relief.select("ul > li")][1] == (
        "Dry Needling: If appropriate, to deactivate trigger points and reduce muscle hyperactivity."
    )


def test_list_items_are_list_elements_with_the_term_in_bold(page):
    types = section_under(page, "Types of Glutes Spasm")
    items = types.select("ul > li")
    assert len(items) == 3
    assert items[0].strong.get_text() == "Acute Glutes Spasm"
    assert normalise(items[0].get_text()).startswith("Acute Glutes Spasm – Sudden onset")


def test_page_has_one_h1_and_headings_never_skip_a_level(page):
    levels = [int(tag.name[1]) for tag in page.find_all(re.compile(r"^h[1-6]$"))]
    assert levels.count(1) == 1
    main_levels = [int(tag.name[1]) for tag in page.main.find_all(re.compile(r"^h[1-6]$"))]
    assert main_levels[0] == 1
    for previous, current in zip(main_levels, main_levels[1:], strict=False):
        assert current <= previous + 1, f"heading jumps from h{previous} to h{current}"


def test_book_an_appointment_appears_under_the_title_after_urgent_help_and_at_the_end_with_the_condition(page):
    links = page.find_all("a", string=lambda s: s and "Book an appointment" in s)
    condition_links = [a for a in links if a["href"].endswith("?condition=glutes-spasm")]
    assert len(condition_links) == 3
    header_link, urgent_help_link, end_link = condition_links
    assert header_link.find_parent("header") is not None
    assert urgent_help_link.find_parent("aside")["id"] == "urgent-help"
    assert urgent_help_link.find_previous("div", class_="care-card") is not None
    assert end_link.find_parent("aside", class_="cta-box") is not None
