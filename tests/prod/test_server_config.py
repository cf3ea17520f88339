"""gunicorn as production runs it: a log a collector can read, a safe worker count, nothing shared by accident."""

import json
import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings

from tests.prod.servers import Browser, free_port, gunicorn, production_env
from tools.production_like import wait_until_serving

pytestmark = pytest.mark.usefixtures("collected_static")
HOSTILE_PATHS = ["/x%5C", "/x%22y", "/x%0Ay", "/x%1B[31m", "/x%00", "/x%C3%A9", "/x\\y"]


def access_lines(log):
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines if '"method"' in line]


def test_every_access_log_line_is_one_json_object_whatever_the_path(tmp_path):
    log = tmp_path / "server.log"
    with gunicorn(production_env(), log_path=log) as url:
        browser = Browser(url)
        for path in [*HOSTILE_PATHS, "/conditions/search/?q=Asha+Verma"]:
            browser.get(path)
    requests = access_lines(log)  # json.loads fails on any line that is not one JSON object
    paths = [request["path"] for request in requests]
    assert {"/x\\", '/x"y', "/x\ny", "/x\x1b[31m", "/x\x00", "/conditions/search/"} <= set(paths)
    assert all(request["status"] in (200, 301, 400, 404) for request in requests)
    assert "Asha" not in log.read_text(errors="replace"), "the query string never reaches the log"


def gunicorn_with_project_config(env, port):
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(  # noqa: S603
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_several_workers_without_redis_refuse_to_start_and_say_why():
    env = production_env(WEB_CONCURRENCY="3")
    result = gunicorn_with_project_config(env, free_port())
    output, _ = result.communicate(timeout=60)
    assert result.returncode != 0
    assert "3 workers need a shared cache: set REDIS_URL" in output


def test_two_servers_on_one_host_share_no_control_socket(tmp_path):
    env = production_env(HOME=str(tmp_path))
    servers = [gunicorn_with_project_config(env, free_port()) for _ in range(2)]
    try:
        for server in servers:
            wait_until_serving(f"http://{server.args[-1]}/healthz", server)
        assert not (tmp_path / ".gunicorn").exists(), "no control socket in the user's home"
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


@pytest.mark.parametrize(("limit", "expected"), [(None, (0, 0)), ("2000", (2000, 2000))])
def test_workers_are_recycled_only_when_asked_and_then_spread_over_a_window_as_long_as_the_limit(
    monkeypatch, limit, expected
):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    if limit:
        monkeypatch.setenv("GUNICORN_MAX_REQUESTS", limit)
    config = runpy.run_path(os.path.join(settings.BASE_DIR, "gunicorn.conf.py"))
    assert (config["max_requests"], config["max_requests_jitter"]) == expected
