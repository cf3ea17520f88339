"""A real Chromium loads the public pages and the admin under the production Content-Security-Policy:
no violation is reported and the admin's scripts run."""

import http.client
import http.server
import subprocess
import threading

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from conditions.models import Condition
from tests.prod.servers import Browser, gunicorn, production_env
from tests.services import chromium_executable

CHROMIUM = chromium_executable()
pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason="needs Chromium"),
    pytest.mark.usefixtures("collected_static", "seeded_for_servers"),
]
VIOLATION = "Content Security Policy"


def chromium(url):
    """(the DOM after scripts ran, the console lines Chromium logged)."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
    command += ["--virtual-time-budget=5000", "--dump-dom", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)  # noqa: S603
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    return BeautifulSoup(result.stdout, "html.parser"), console


class SignedInProxy:
    """A loopback proxy that adds a staff session cookie to every request: Chromium browses the admin as
    a signed-in editor, and every header (the policy included) comes from the real server."""

    def __init__(self, upstream_port, cookie):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                connection = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("cookie", "host")}
                connection.request("GET", self.path, headers=headers | {"Cookie": cookie, "Host": "127.0.0.1"})
                response = connection.getresponse()
                body = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_public_pages_report_no_policy_violation():
    paths = ["/", "/conditions/", "/conditions/glutes-spasm/", "/conditions/search/?q=back", "/book/", "/privacy/"]
    with gunicorn(production_env()) as url:
        for path in paths:
            dom, console = chromium(url + path)
            assert dom.find("h1"), f"{path} rendered"
            assert [line for line in console if VIOLATION in line] == [], path


def test_the_condition_change_page_in_the_admin_runs_its_scripts_with_no_policy_violation(django_user_model):
    password = PBKDF2PasswordHasher().encode("a-long-editor-password", "editorsalt1234")
    django_user_model.objects.create(username="editor", password=password, is_staff=True, is_superuser=True)
    condition = Condition.objects.get(slug="glutes-spasm")
    with gunicorn(production_env()) as url:
        editor = Browser(url, host="127.0.0.1")
        editor.log_in_to_admin("editor", "a-long-editor-password")
        cookie = "; ".join(f"{name}={value}" for name, value in editor.cookies.items())
        proxy = SignedInProxy(int(url.rsplit(":", 1)[1]), cookie)
        try:
            served = editor.get(f"/admin/conditions/condition/{condition.pk}/change/").text
            dom, console = chromium(f"{proxy.url}/admin/conditions/condition/{condition.pk}/change/")
        finally:
            proxy.close()
    assert dom.find("h1") and "Change condition" in dom.get_text()
    assert [line for line in console if VIOLATION in line] == []
    # The admin's scripts ran: the date fields got their "Today" shortcuts and calendar, which only
    # JavaScript adds.
    assert "datetimeshortcuts" not in served
    assert dom.find(class_="datetimeshortcuts")
    assert dom.find(class_="calendar-cancel")
