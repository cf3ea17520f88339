"""axe-core on every public page, and the structure a screen reader user relies on."""

import pytest
from playwright.sync_api import expect

from .checks import axe_violations

PUBLIC_PAGES = {
    "home": "/",
    "conditions index": "/conditions/",
    "condition page": "/conditions/glutes-spasm/",
    "search results": "/conditions/search/?q=buttock+cramp",
    "search with no results": "/conditions/search/?q=elbow",
    "accessibility statement": "/accessibility/",
    "page not found": "/no-such-page/",
}


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_axe_finds_no_wcag_or_best_practice_violations(page, site, path):
    page.goto(site + path)

    assert axe_violations(page) == []


def test_every_page_has_one_banner_one_main_one_footer_and_the_main_navigation(page, site):
    for path in PUBLIC_PAGES.values():
        page.goto(site + path)

        expect(page.get_by_role("banner")).to_have_count(1)
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("contentinfo")).to_have_count(1)
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_count(1)


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(page, site):
    page.goto(site + "/conditions/glutes-spasm/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("link", name="Home")).to_be_focused()


def test_the_accessibility_statement_names_the_standard_and_how_to_report_a_problem(page, site):
    page.goto(site + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(page.get_by_role("main")).to_contain_text("WCAG) 2.2 at level AA")
    expect(page.get_by_role("heading", name="Report a problem")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="appointments@example.com")).to_have_attribute(
        "href", "mailto:appointments@example.com?subject=Accessibility"
    )
