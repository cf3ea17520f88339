"""The header and footer are rendered once per content version and shared by every page and visitor."""

import datetime

import pytest
from bs4 import BeautifulSoup

from clinic.models import ClinicDetails, OpeningHours

pytestmark = pytest.mark.django_db

PAGES = {
    "/": "Home",
    "/conditions/": "Conditions A–Z",
    "/book/": "Book an appointment",
    "/conditions/glutes-spasm/": None,
    "/no-such-page/": None,
}


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Whole pages would hide what is tested here: the cached header and footer inside freshly built pages."""
    settings.PAGE_CACHE_SECONDS = 0


def soup(client, url):
    return BeautifulSoup(client.get(url).content, "html.parser")


def current_navigation_item(page):
    current = page.select('header nav[aria-label="Main"] a[aria-current="page"]')
    return " ".join(link.get_text(strip=True) for link in current) or None


def test_every_page_marks_its_own_place_in_the_navigation_though_the_header_is_cached(client, seeded):
    for _ in range(2):  # the second round is served from the cached headers
        for url, expected in PAGES.items():
            assert current_navigation_item(soup(client, url)) == expected, url


def test_new_opening_hours_and_phone_show_in_every_footer_at_once(client, seeded):
    for url in PAGES:
        soup(client, url)  # fills the cache
    monday = OpeningHours.objects.filter(weekday=0).order_by("opens").first()
    monday.opens = datetime.time(7, 15)
    monday.save()
    details = ClinicDetails.load()
    details.phone = "0120-4567890"
    details.save()

    for url in PAGES:
        footer = soup(client, url).select_one("footer.site-footer").get_text(" ", strip=True)
        assert "07:15" in footer, url
        assert "0120-4567890" in footer, url
