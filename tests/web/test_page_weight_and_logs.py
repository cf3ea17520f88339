"""Pages go out compressed, scripts never block rendering, and log lines carry no personal data. (The first load's
weight, as production serves it, is measured in tests/prod/test_page_weight.py.)"""

import gzip
import json
import logging
import sys

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory

from tests.client import Client
from web.log import JsonFormatter


def test_pages_the_cache_does_not_keep_are_compressed_too_with_random_padding_against_breach(seeded, settings):
    settings.PAGE_CACHE_SECONDS = 0
    first, second = (Client(HTTP_ACCEPT_ENCODING="gzip").get("/conditions/glutes-spasm/") for _ in range(2))
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == gzip.decompress(second.content)
    assert "Glutes Spasm" in gzip.decompress(first.content).decode()
    # The same page, compressed differently each time: Django's GZipMiddleware pads it with random bytes.
    assert first.content != second.content


@pytest.mark.parametrize(
    "path", ["/", "/conditions/", "/conditions/glutes-spasm/", "/conditions/search/?q=back", "/book/"]
)
def test_no_script_blocks_rendering(seeded, path):
    soup = BeautifulSoup(Client().get(path).content, "html.parser")
    blocking = [
        tag["src"]
        for tag in soup.find_all("script", src=True)
        if not (tag.has_attr("defer") or tag.has_attr("async") or tag.get("type") == "module")
    ]
    assert blocking == []
    # Inline data (JSON-LD, json_script) is allowed; inline code is not.
    inline = [tag for tag in soup.find_all("script") if not tag.get("src")]
    assert not [tag for tag in inline if not tag.get("type", "").endswith("json")]


def test_an_error_log_line_is_json_with_the_path_but_not_the_query_or_the_exception_message():
    request = RequestFactory().post("/book/?name=Asha+Verma", {"phone": "9876543210"})
    try:
        raise ValueError("could not save Asha Verma, 9876543210")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (request.path,),
            sys.exc_info(), extra={"request": request, "status_code": 500},
        )  # fmt: skip
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["path"] == "/book/"
    assert data["status"] == 500
    assert data["exception"] == "builtins.ValueError"
    assert "Asha" not in line
    assert "9876543210" not in line


@pytest.mark.parametrize("level", ["INFO", "WARNING"])
def test_plain_messages_keep_their_level_and_logger(level):
    record = logging.getLogger("dmphysios").makeRecord(
        "dmphysios", getattr(logging, level), __file__, 1, "hi", (), None
    )
    assert json.loads(JsonFormatter().format(record)) | {"time": "t"} == {
        "time": "t",
        "level": level,
        "logger": "dmphysios",
        "message": "hi",
    }
