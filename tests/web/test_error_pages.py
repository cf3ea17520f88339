import re

import pytest

from tests.client import Client
from web.views import server_error


def error_page(rf, settings, phone):
    """The 500 page as a visitor sees it after an unexpected error, with `phone` as the fallback number."""
    settings.CLINIC_PHONE_FALLBACK = phone
    try:
        raise RuntimeError("secret internals")
    except RuntimeError:
        response = server_error(rf.get("/conditions/"))
    assert response.status_code == 500
    return response.content.decode()


def test_an_unexpected_error_shows_a_plain_500_page_with_the_clinics_phone_and_no_details(rf, settings):
    page = error_page(rf, settings, "0120-4567890")
    assert "Sorry, something went wrong" in page
    assert 'href="tel:01204567890"' in page
    assert "secret internals" not in page
    assert "Traceback" not in page


def test_the_500_page_leaves_out_the_phone_line_when_no_fallback_number_is_set(rf, settings):
    page = error_page(rf, settings, "")
    assert "tel:" not in page
    assert "112" in page


@pytest.mark.parametrize("path", ["/book/", "/admin/login/", "/conditions/search/"])
def test_a_form_sent_in_another_charset_gets_our_400_page_not_a_500(seeded, settings, path):
    settings.CLINIC_PHONE_FALLBACK = "0120-4567890"
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/book/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        path,
        data=f"csrfmiddlewaretoken={token}&full_name=Ren%E9e&username=Ren%E9e",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400
    assert "Sorry, we could not read that" in response.content.decode()
    assert 'href="tel:01204567890"' in response.content.decode()
