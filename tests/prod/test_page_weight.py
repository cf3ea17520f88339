"""The condition page's first load, as the production setup sends it to a browser that accepts gzip."""

import gzip
import http.client
import re
import sys
import urllib.parse

import pytest
from bs4 import BeautifulSoup

from tests.prod.servers import gunicorn, production_env

pytestmark = pytest.mark.usefixtures("collected_static")
LIMIT = 40 * 1024


def fetch(base_url, path):
    """(status, headers, body as it came over the wire) for one GET from a browser that accepts gzip."""
    base = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200, path
    return response.headers, body


def decoded(headers, body):
    return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body


def first_load(base_url, path):
    """Every file a browser fetches to show the page, as sent: the HTML, what it links, what the CSS links."""
    headers, body = fetch(base_url, path)
    sent = {path: (headers, body)}
    soup = BeautifulSoup(decoded(headers, body), "html.parser")
    links = [
        tag["href"] for tag in soup.find_all("link", href=True) if {"stylesheet", "icon", "preload"} & set(tag["rel"])
    ]
    links += [tag["src"] for tag in soup.find_all(["script", "img"], src=True)]
    for link in links:
        sent[link] = fetch(base_url, link)
        if link.endswith(".css"):
            for ref in re.findall(rb"url\(([^)]+)\)", decoded(*sent[link])):
                ref = urllib.parse.urljoin(link, ref.strip(b"'\"").decode())
                if not ref.startswith("data:"):
                    sent[ref] = fetch(base_url, ref)
    return sent


def test_the_condition_page_first_load_is_at_most_40_kb_as_the_app_serves_it(seeded_for_servers):
    page = "/conditions/glutes-spasm/"
    with gunicorn(production_env()) as url:
        sent = first_load(url, page)
        cached = first_load(url, page)
    sizes = {name: len(body) for name, (headers, body) in sent.items()}
    print("first load (bytes as sent):", sizes, "total", sum(sizes.values()), file=sys.stderr)
    assert sent[page][0]["Content-Encoding"] == "gzip"
    assert cached[page][0]["X-Page-Cache"] == "hit"
    assert cached[page][0]["Content-Encoding"] == "gzip"
    assert sum(sizes.values()) <= LIMIT, sizes
    assert sum(len(body) for headers, body in cached.values()) <= LIMIT
