"""Real app servers on loopback for the production tests: gunicorn with the production settings."""

import contextlib
import http.client
import os
import re
import socket
import threading
import urllib.parse

from django.conf import settings

from tools import production_like


def free_port():
    """A port in this worktree's range (8600-8699) that nothing listens on."""
    for port in range(8650, 8700):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8650-8699")


def unused_port():
    """A loopback port where nothing answers (outside the range the test servers take)."""
    for port in range(8600, 8650):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no unused port in 8600-8649")


def production_env(**overrides):
    """A production-like server on the test database. Every server shares one secret key, as the servers
    behind one load balancer do: a form signed by one is accepted by the other."""
    shared = {"DJANGO_SECRET_KEY": "production-test-key-" + "k" * 40, "CLINIC_PHONE_FALLBACK": "0120-4567890"}
    return production_like.production_env(database_url(), **(shared | overrides))


def database_url():
    """The test database the pytest run uses, as a DATABASE_URL another process can open."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def gunicorn(env, workers=1, log_path=None):
    """Start gunicorn on a free loopback port; yield its base URL; stop it afterwards."""
    with (
        open(log_path or os.devnull, "wb") as log,
        production_like.gunicorn(env, free_port(), workers=workers, log=log) as url,
    ):
        yield url


class Browser:
    """A minimal browser for plain-HTTP loopback servers: keeps cookies (Secure ones too, as a browser
    does for 127.0.0.1), reads CSRF tokens from forms."""

    def __init__(self, base_url, host=None):
        self.base = urllib.parse.urlsplit(base_url)
        # Behind a load balancer every app server sees the site's one public host name.
        self.host = host or f"{self.base.hostname}:{self.base.port}"
        self.cookies = {}

    def request(self, method, path, data=None, headers=None):
        connection = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=30)
        body = urllib.parse.urlencode(data, doseq=True) if data is not None else None
        sent = {"Host": self.host} | (headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ('""', "") or "expires=Thu, 01 Jan 1970" in rest:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        connection.close()
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    @staticmethod
    def csrf_token(html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    @staticmethod
    def field_value(html, name):
        return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)

    @staticmethod
    def hidden_fields(html):
        """(name, value) of every hidden input, unescaped as a browser would post them."""
        from html import unescape

        return [
            (unescape(n), unescape(v)) for n, v in re.findall(r'type="hidden" name="([^"]*)" value="([^"]*)"', html)
        ]

    def log_in_to_admin(self, username, password):
        page = self.get("/admin/login/")
        token = self.csrf_token(page.text)
        response = self.post(
            "/admin/login/?next=/admin/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        assert response.status == 302, response.text[:500]


class TcpProxy:
    """A loopback TCP proxy to a real server that a test can cut and restore: the database "goes away"
    for the app without anyone touching the shared database server."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        """Refuse new connections and drop the open ones, as a crashed database would."""
        self.open.clear()
        with self.lock:
            for sock in self.connections:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.connections.clear()

    def restore(self):
        self.open.set()

    def close(self):
        self.cut()
        self.listener.close()
