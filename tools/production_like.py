"""Serve the site as production would, on plain http://127.0.0.1, for Lighthouse and screenshots.

Debug off, a throwaway secret key, static files collected and served by WhiteNoise, gunicorn,
and a separate SQLite database under reports/ loaded with the seed data. The only difference
from production is DJANGO_SECURE_SSL_REDIRECT=false, because loopback has no TLS.
"""

import contextlib
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(database_url: str, **overrides: str) -> dict:
    """The environment of a production-like server on plain loopback, for make bench, make lighthouse, make
    screenshots and the production tests: debug off, a throwaway secret key, the given database and no Redis
    (pass REDIS_URL to share one). Whatever the caller's shell sets for the site is left out, so every run
    starts from the same settings; overrides win."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "dmphysios.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Loopback has no TLS: the documented switch turns the redirect to https:// off (HSTS is only sent
        # over HTTPS anyway). The deploy check is run without it.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
    }
    return environment | overrides


def production_like_environment(database_file: Path, port: int) -> dict:
    return production_env(
        f"sqlite:///{database_file}",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
        EMAIL_URL="consolemail://",
        DJANGO_LOG_LEVEL="WARNING",
        # The seed's placeholder physiotherapists, so the diary's pages show free times to measure.
        BOOKING_OFFERS_PLACEHOLDERS="true",
    )


def prepare(environment: dict) -> None:
    """A fresh database with the seed data, and the static files collected as production does."""
    database_file = Path(environment["DATABASE_URL"].removeprefix("sqlite:///"))
    database_file.parent.mkdir(parents=True, exist_ok=True)
    database_file.unlink(missing_ok=True)
    for command in (["migrate", "--noinput"], ["load_initial_data"], ["collectstatic", "--noinput", "--clear"]):
        subprocess.run([PYTHON, "manage.py", *command, "-v", "0"], cwd=ROOT, env=environment, check=True)  # noqa: S603


def gunicorn_command(port: int, workers: int | None = None) -> list:
    command = [PYTHON, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    # The deployment's own gunicorn settings, when the project has them; the options above win.
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", "gunicorn.conf.py"]
    if workers:
        command += ["--workers", str(workers)]
    return [*command, "dmphysios.wsgi"]


@contextlib.contextmanager
def gunicorn(environment: dict, port: int, *, workers: int | None = None, log=None):
    """Run gunicorn on 127.0.0.1:port; yield its base URL once /healthz answers; stop it afterwards.

    Shared by `make lighthouse`, `make screenshots`, `make bench` and the production tests.
    """
    output = {"stdout": log, "stderr": subprocess.STDOUT} if log else {}
    process = subprocess.Popen(gunicorn_command(port, workers), cwd=ROOT, env=environment, **output)  # noqa: S603
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url + "/healthz", process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback server
                return
        except urllib.error.HTTPError:
            return  # it answers, if only to say its database is down (the fault tests start it that way)
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # still starting (slowly, on a busy machine)
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def serve(port: int, workdir: Path):
    """Yield the base URL of a production-like server; stop it afterwards."""
    environment = production_like_environment(workdir / "db.sqlite3", port)
    prepare(environment)
    with gunicorn(environment, port) as base_url:
        yield base_url
