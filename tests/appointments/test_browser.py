"""The form's script in a real Chromium: it reveals the emergency advice and greys out closed times of day."""

import subprocess
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from bs4 import BeautifulSoup

from tests.appointments.booking import VALID
from tests.services import chromium_executable

CHROMIUM = chromium_executable()
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


# Runs after the page's deferred scripts: records where focus is, then does what a patient's tap would.
AFTER_SCRIPTS = """<script>document.addEventListener("DOMContentLoaded", function () {
  document.body.setAttribute("data-focused", document.activeElement ? document.activeElement.id : "");
  %s
});</script>"""
TICK_FIRST_RED_FLAG = """var box = document.getElementById("id_red_flags_0");
  box.checked = true; box.dispatchEvent(new Event("change"));"""


def rendered_by_chromium(html, base_url, tmp_path, then=""):
    page = tmp_path / "page.html"
    html = html.replace('"/static/', f'"{base_url}/static/').replace("</body>", AFTER_SCRIPTS % then + "</body>")
    page.write_text(html)
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000"]
    dom = subprocess.run([*command, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60)  # noqa: S603
    return BeautifulSoup(dom.stdout, "html.parser")


def offered_times(dom):
    return {
        radio["value"]: not radio.has_attr("disabled")
        for radio in dom.find_all("input", attrs={"name": "preferred_time"})
    }


def visible_alerts(dom):
    return [element for element in dom.find_all(attrs={"role": "alert"}) if not element.has_attr("hidden")]


def test_after_a_mistake_focus_is_on_the_summary_and_only_saturdays_open_times_are_offered(
    seeded, live_server, clock, tmp_path
):
    html = post_form(live_server.url, full_name="", preferred_date="2026-12-05")
    dom = rendered_by_chromium(html, live_server.url, tmp_path)

    assert dom.body["data-focused"] == "form-problems"
    assert dom.find(id="form-problems").find("a", href="#id_full_name")
    assert offered_times(dom) == {"morning": True, "afternoon": True, "evening": False}


def test_with_the_advice_already_at_the_top_the_script_does_not_show_a_second_copy(
    seeded, live_server, clock, tmp_path
):
    # A mistake (no name) brings the form back with the red-flag box ticked: the server puts the advice first.
    html = post_form(live_server.url, full_name="", red_flags=["fall_accident"])
    dom = rendered_by_chromium(html, live_server.url, tmp_path)

    assert "Please seek emergency care now." in dom.find(id="emergency-advice").get_text()
    assert dom.find(id="red-flag-advice").has_attr("hidden")
    assert len(visible_alerts(dom)) == 0
    assert len([e for e in dom.find_all(class_="emergency-advice") if not e.has_attr("hidden")]) == 1


def test_ticking_a_red_flag_box_shows_the_advice_beside_the_questions_as_the_one_alert(
    seeded, live_server, clock, tmp_path
):
    html = urllib.request.urlopen(f"{live_server.url}/book/").read().decode()  # noqa: S310 - the test's own server
    dom = rendered_by_chromium(html, live_server.url, tmp_path, then=TICK_FIRST_RED_FLAG)

    assert [alert.get("id") for alert in visible_alerts(dom)] == ["red-flag-advice"]


def test_for_today_the_script_offers_only_the_times_of_day_with_time_left(seeded, live_server, clock, tmp_path):
    clock.move_to("2026-12-02T14:00+05:30")  # Wednesday, in the afternoon break
    html = post_form(live_server.url, full_name="", preferred_date="2026-12-02")
    dom = rendered_by_chromium(html, live_server.url, tmp_path)

    assert offered_times(dom) == {"morning": False, "afternoon": False, "evening": True}
