"""Every public page at phone and desktop size: no sideways scrolling, targets large enough to tap."""

import pytest

from .checks import sideways_overflow, undersized_choices, undersized_targets
from .conftest import DESKTOP, PHONE
from .test_accessibility import PUBLIC_PAGES

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone 360x800", "desktop 1280x800"])


@VIEWPORTS
def test_no_public_page_scrolls_sideways(page, site, viewport):
    page.set_viewport_size(viewport)
    overflow = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(site + path)
        overflow[name] = sideways_overflow(page)

    assert overflow == dict.fromkeys(PUBLIC_PAGES, 0)


@VIEWPORTS
def test_links_and_buttons_are_at_least_24_px_unless_inline_in_a_sentence(page, site, viewport):
    page.set_viewport_size(viewport)
    too_small = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(site + path)
        too_small[name] = undersized_targets(page) + undersized_choices(page)

    assert too_small == dict.fromkeys(PUBLIC_PAGES, [])
