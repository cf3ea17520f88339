"""What a search engine sees: titles, descriptions, canonical links, the sitemap and robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from conditions.models import Condition
from tests.builders import make_condition

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    meta = {
        tag.get("property") or tag.get("name"): tag["content"] for tag in page.find_all("meta") if tag.get("content")
    }
    return page.title.get_text(), meta, page.find("link", rel="canonical")["href"]


def test_every_public_page_has_its_own_title_and_description(client, seeded):
    urls = ["/", "/conditions/"] + [c.get_absolute_url() for c in Condition.objects.published()]
    heads = [head(client, url) for url in urls]
    titles = [title for title, _, _ in heads]
    descriptions = [meta["description"] for _, meta, _ in heads]
    assert len(set(titles)) == len(urls)
    assert len(set(descriptions)) == len(urls)
    assert all(0 < len(description) <= 160 for description in descriptions)


def test_a_condition_page_has_a_canonical_url_and_open_graph_tags(client, seeded):
    title, meta, canonical = head(client, "/conditions/sciatica/?utm_source=test")
    assert canonical == "http://testserver/conditions/sciatica/"
    assert meta["og:url"] == canonical
    assert meta["og:title"] == "Sciatica"
    assert meta["og:type"] == "article"
    assert meta["og:description"] == meta["description"] == Condition.objects.get(slug="sciatica").meta_description
    assert meta["og:site_name"] == "DMPhysios"


@pytest.mark.parametrize("url", ["/no-such-page/", "/conditions/no-such-condition/"])
def test_a_missing_page_gives_search_engines_no_canonical_address_to_keep(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Page not found"
    assert page.find("link", rel="canonical") is None
    assert page.find("meta", property="og:url") is None


def test_a_condition_without_a_meta_description_uses_the_start_of_its_summary(client):
    condition = make_condition("No Meta", summary="Word " * 100)
    _, meta, _ = head(client, condition.get_absolute_url())
    assert meta["description"].startswith("Word Word")
    assert len(meta["description"]) <= 160
    assert meta["description"].endswith("…")


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap, not untrusted input
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_the_sitemap_lists_home_the_index_and_published_conditions_with_dates(client, seeded):
    make_condition("Secret Draft", status=Condition.Status.DRAFT)
    entries = sitemap_entries(client)
    published = Condition.objects.published()
    expected = {"http://testserver/", "http://testserver/conditions/"} | {
        f"http://testserver{c.get_absolute_url()}" for c in published
    }
    assert set(entries) == expected
    assert "http://testserver/conditions/secret-draft/" not in entries
    assert entries["http://testserver/conditions/sciatica/"] == "2026-11-25"
    assert all(entries.values())


def test_unpublishing_a_condition_takes_it_out_of_the_sitemap(client, seeded):
    Condition.objects.filter(slug="sciatica").update(status=Condition.Status.DRAFT)
    assert "http://testserver/conditions/sciatica/" not in sitemap_entries(client)


def test_robots_txt_points_at_the_sitemap_and_does_not_name_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "admin" not in response.text


def test_the_admin_tells_search_engines_not_to_index_it(client, staff_client):
    assert "noindex" in client.get("/admin/login/")["X-Robots-Tag"]
    assert "noindex" in staff_client.get("/admin/conditions/condition/")["X-Robots-Tag"]
    assert not client.get("/").has_header("X-Robots-Tag")
