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
