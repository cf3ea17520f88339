"""The admin (with django-nested-admin) keeps working under a policy that forbids inline code and styles."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.builders import make_full_condition

pytestmark = pytest.mark.django_db


def inline_code(html):
    soup = BeautifulSoup(html, "html.parser")
    problems = [str(tag)[:80] for tag in soup.find_all("script") if not tag.get("src") and tag.string]
    problems += [tag for tag in soup.find_all("script") if tag.get("type", "").endswith("json") and tag.get("src")]
    problems += [str(tag)[:80] for tag in soup.find_all("style")]
    problems += [str(tag)[:80] for tag in soup.find_all(style=True)]
    problems += [f"{tag.name}[{attr}]" for tag in soup.find_all() for attr in tag.attrs if attr.startswith("on")]
    return problems, soup


@pytest.mark.parametrize(
    "page",
    ["admin:index", "admin:conditions_condition_changelist", "admin:conditions_condition_add", "condition-change"],
)
def test_admin_pages_carry_no_inline_script_or_style_and_load_every_asset_from_the_site(staff_client, page):
    condition = make_full_condition()
    if page == "condition-change":
        url = reverse("admin:conditions_condition_change", args=[condition.pk])
    else:
        url = reverse(page)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    problems, soup = inline_code(response.content.decode())
    assert problems == []
    assets = [tag["src"] for tag in soup.find_all("script", src=True)]
    assets += [tag["href"] for tag in soup.find_all("link", rel="stylesheet")]
    assert assets, "the admin page links its scripts and styles"
    for asset in assets:
        assert asset.startswith("/"), f"{asset} comes from another host"
        assert staff_client.get(asset).status_code == 200, asset


def test_nested_inlines_and_their_scripts_are_on_the_condition_change_page(staff_client):
    condition = make_full_condition()
    response = staff_client.get(reverse("admin:conditions_condition_change", args=[condition.pk]))
    html = response.content.decode()
    assert "nested_admin" in html
    assert "djn-group" in html  # nested-admin's inline groups rendered
