"""A patient finds the glutes spasm page and heads for booking: with a mouse, then with the keyboard alone."""

import re

from playwright.sync_api import expect

from .checks import focus_problems, focused, tab_to, visible_and_uncovered


def test_a_patient_goes_from_the_home_page_to_booking_for_glutes_spasm_with_a_mouse(page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="See all conditions, A to Z").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conditions A–Z")

    page.get_by_role("main").get_by_role("link", name="Glutes Spasm").first.click()
    expect(page).to_have_url(re.compile(r"/conditions/glutes-spasm/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glutes Spasm")

    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Causes").click()
    expect(page).to_have_url(re.compile(r"#causes$"))
    assert visible_and_uncovered(page, page.get_by_role("heading", name="Causes", exact=True))

    page.get_by_role("main").get_by_role("link", name="Book an appointment").first.click()
    expect(page).to_have_url(re.compile(r"/book/\?condition=glutes-spasm$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment")


def test_the_same_journey_works_with_the_keyboard_alone_and_focus_is_always_visible(page, site):
    page.goto(site + "/")

    tab_to(page, "Conditions A–Z")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Conditions A–Z")

    tab_to(page, "Glutes Spasm")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Glutes Spasm")

    tab_to(page, "Prevention")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#prevention$"))
    assert visible_and_uncovered(page, page.get_by_role("heading", name="Prevention", exact=True))

    # Back up with Shift+Tab to the booking button above the contents list.
    tab_to(page, "Book an appointment", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/\?condition=glutes-spasm$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment")


def test_after_following_a_contents_link_the_next_tab_continues_from_that_section(page, site):
    page.goto(site + "/conditions/glutes-spasm/")

    tab_to(page, "Physiotherapy Treatment")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    assert focus_problems(focused(page)) == []
    # Not back at the top of the page: the next stop comes after the section the patient jumped to.
    assert page.evaluate(
        "() => !!(document.getElementById('physiotherapy').compareDocumentPosition(document.activeElement)"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )


def test_a_patient_searches_from_the_header_with_the_keyboard_and_opens_the_glutes_spasm_page(page, site):
    page.goto(site + "/")

    tab_to(page, "Search conditions")
    page.keyboard.type("buttock cramp")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/conditions/search/\?q=buttock\+cramp$"))

    tab_to(page, "Glutes Spasm")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Glutes Spasm")
