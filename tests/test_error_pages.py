from dmphysios.views import server_error


def test_an_unexpected_error_shows_a_plain_500_page_with_the_clinics_phone_and_no_details(rf, settings):
    settings.CLINIC_PHONE_FALLBACK = "0120-4567890"
    try:
        raise RuntimeError("secret internals")
    except RuntimeError:
        response = server_error(rf.get("/conditions/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in page
    assert 'href="tel:01204567890"' in page
    assert "secret internals" not in page
    assert "Traceback" not in page


def test_the_500_page_leaves_out_the_phone_line_when_no_fallback_number_is_set(rf, settings):
    settings.CLINIC_PHONE_FALLBACK = ""
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert "tel:" not in response.content.decode()
    assert "112" in response.content.decode()
