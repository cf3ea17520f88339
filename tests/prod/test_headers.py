"""The headers a careful site sends, on a real gunicorn with the production settings behind a proxy."""

import re

import pytest
from bs4 import BeautifulSoup

from tests.prod.servers import Browser, gunicorn, production_env

pytestmark = pytest.mark.usefixtures("collected_static", "seeded_for_servers")

BEHIND_PROXY = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def proxied_env():
    # As deployed: HTTPS redirect on, the proxy's X-Forwarded-Proto trusted.
    return {"DJANGO_SECURE_SSL_REDIRECT": "true", "DJANGO_TRUST_X_FORWARDED_PROTO": "true"}


def test_plain_http_is_redirected_to_https_and_healthz_is_not(proxied_env):
    with gunicorn(production_env(**proxied_env)) as url:
        browser = Browser(url)
        page = browser.get("/conditions/glutes-spasm/")
        health = browser.get("/healthz")
    assert page.status == 301
    assert page.headers["Location"] == "https://127.0.0.1:" + url.rsplit(":", 1)[1] + "/conditions/glutes-spasm/"
    assert health.status == 200


def test_every_security_header_is_sent_with_the_expected_value(proxied_env):
    with gunicorn(production_env(**proxied_env)) as url:
        page = Browser(url).get("/conditions/glutes-spasm/", headers=BEHIND_PROXY)
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in page.headers["Permissions-Policy"]
    assert "geolocation=()" in page.headers["Permissions-Policy"]
    csp = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"


def test_the_policy_allows_no_inline_code_and_no_outside_host(proxied_env):
    with gunicorn(production_env(**proxied_env)) as url:
        policy = Browser(url).get("/", headers=BEHIND_PROXY).headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert not re.search(r"https?:|\*", policy)


def test_cookies_are_secure_and_http_only(proxied_env):
    with gunicorn(production_env(**proxied_env)) as url:
        login = Browser(url).get("/admin/login/", headers=BEHIND_PROXY)
    csrf_cookie = next(c for c in login.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "Secure" in csrf_cookie
    assert "HttpOnly" in csrf_cookie
    assert "SameSite=Lax" in csrf_cookie


def test_static_files_have_hashed_names_and_are_cached_for_a_year(proxied_env):
    with gunicorn(production_env(**proxied_env)) as url:
        browser = Browser(url)
        page = browser.get("/", headers=BEHIND_PROXY)
        stylesheet = BeautifulSoup(page.text, "html.parser").find("link", rel="stylesheet")["href"]
        css = browser.get(stylesheet, headers=BEHIND_PROXY | {"Accept-Encoding": "gzip"})
    assert re.fullmatch(r"/static/dist/site\.[0-9a-f]{12}\.css", stylesheet)
    assert css.status == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in css.headers["Cache-Control"]
    assert "immutable" in css.headers["Cache-Control"]
