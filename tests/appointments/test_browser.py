"""The form's script in a real Chromium: it reveals the emergency advice and greys out closed times of day."""

import shutil
import subprocess
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from bs4 import BeautifulSoup

from tests.appointments.booking import VALID

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="needs Chromium")


def post_form(base_url, **changes):
    """Send the form from a cookie-keeping client, as a browser would; the HTML that comes back."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    url = f"{base_url}/book/"
    page = BeautifulSoup(opener.open(url).read(), "html.parser")
    hidden = {name: page.find("input", attrs={"name": name})["value"] for name in ("csrfmiddlewaretoken", "started")}
    data = [(k, v) for k, v in ({**VALID, **hidden} | changes).items() if not isinstance(v, list)]
    data += [(k, item) for k, v in changes.items() if isinstance(v, list) for item in v]
    request = urllib.request.Request(url, urllib.parse.urlencode(data).encode(), {"Referer": url})  # noqa: S310
    return opener.open(request).read().decode()  # noqa: S310 - the test's own live server


def rendered_by_chromium(html, base_url, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(html.replace('"/static/', f'"{base_url}/static/'))
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000"]
    dom = subprocess.run([*command, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60)  # noqa: S603
    return BeautifulSoup(dom.stdout, "html.parser")


def test_the_script_shows_the_advice_beside_the_questions_and_offers_only_saturdays_open_times(
    seeded, live_server, clock, tmp_path
):
    # A mistake (no name) brings the form back with the answers ticked, as the script finds them on load.
    html = post_form(live_server.url, full_name="", preferred_date="2026-12-05", red_flags=["fall_accident"])
    dom = rendered_by_chromium(html, live_server.url, tmp_path)

    assert not dom.find(id="red-flag-advice").has_attr("hidden")
    offered = {
        radio["value"]: radio.has_attr("disabled") for radio in dom.find_all("input", attrs={"name": "preferred_time"})
    }
    assert offered == {"morning": False, "afternoon": False, "evening": True}
