"""The condition page's first load stays light, and log lines carry no personal data."""

import gzip
import json
import logging
import re
import sys

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory

from tests.client import Client
from web.log import JsonFormatter

LIMIT = 60 * 1024


def first_load(client, url):
    """Every file a browser fetches to show the page: the HTML, then what it links, then what the CSS links."""
    html = client.get(url).content
    soup = BeautifulSoup(html, "html.parser")
    files = {url: html}
    links = [
        tag["href"] for tag in soup.find_all("link", href=True) if {"stylesheet", "icon", "preload"} & set(tag["rel"])
    ]
    links += [tag["src"] for tag in soup.find_all(["script", "img"], src=True)]
    for link in links:
        files[link] = b"".join(client.get(link).streaming_content)
        if link.endswith(".css"):
            for ref in re.findall(rb"url\(([^)]+)\)", files[link]):
                ref = ref.strip(b"'\"").decode()
                if not ref.startswith("data:"):
                    files[ref] = b"".join(client.get(ref).streaming_content)
    return files


def test_the_condition_page_first_load_is_at_most_60_kb_compressed(seeded):
    files = first_load(Client(), "/conditions/glutes-spasm/")
    compressed = {name: len(gzip.compress(body, compresslevel=6)) for name, body in files.items()}
    print("first load (gzip bytes):", compressed, "total", sum(compressed.values()), file=sys.stderr)
    assert sum(compressed.values()) <= LIMIT, compressed


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
