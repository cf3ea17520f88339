"""Whatever staff type into the content renders as text: on the public pages, in the admin, in the footer."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from clinic.models import ClinicDetails
from conditions.models import Section
from tests.builders import add_section, add_stage, make_condition
from tests.client import Client

pytestmark = pytest.mark.django_db

HOSTILE = [
    '<script>alert("owned")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "' onmouseover='alert(1)' x='",
    '=HYPERLINK("http://evil.example","click")',
    "+91 98765 43210",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "Name\r\nBcc: victim@example.com",
    "कमर दर्द – पीठ के निचले हिस्से में दर्द; 腰痛; ألم أسفل الظهر",
    "Very long " + "x" * 3000,
]


def assert_inert(html):
    soup = BeautifulSoup(html, "html.parser")
    scripts = [
        tag for tag in soup.find_all("script") if tag.get("type") != "application/ld+json" and not tag.get("src")
    ]
    assert scripts == []
    assert [tag for tag in soup.find_all("img") if tag.get("src") == "x"] == []
    handlers = [(tag.name, attr) for tag in soup.find_all() for attr in tag.attrs if attr.lower().startswith("on")]
    assert handlers == []
    links = [tag["href"] for tag in soup.find_all(href=True)]
    # (nested-admin's own buttons are href="javascript:void(0)"; what matters is that no typed text became a link.)
    assert not [href for href in links if "alert" in href or "evil" in href]
    return soup


def hostile_condition(text):
    condition = make_condition(title=text[:120], slug="hostile", summary=text, alternate_names=text)
    section = add_section(condition, kind=Section.Kind.SYMPTOMS, heading=text[:120], lead=text, closing=text)
    section.items.create(term=text[:80], description=text, position=0)
    physio = add_section(condition, kind=Section.Kind.PHYSIOTHERAPY, heading="Stages", position=1)
    add_stage(physio, title=text[:120], text=text, closing=text, items=[text])
    return condition


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_condition_content_is_shown_as_text_on_every_public_page(text):
    condition = hostile_condition(text)
    for url in (condition.get_absolute_url(), reverse("conditions:condition-list"), reverse("home")):
        response = Client().get(url)
        assert response.status_code == 200
        soup = assert_inert(response.content.decode())
        visible = soup.get_text()
        assert text.splitlines()[0][:40] in visible, f"{url} lost the text"


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_clinic_details_are_shown_as_text_in_the_header_and_footer(text):
    ClinicDetails.objects.create(
        name=text[:100], tagline=text[:200], about=text, street_address=text[:200], phone=text[:20],
        email="care@dmphysios.in", directions=text,
    )  # fmt: skip
    response = Client().get(reverse("home"))
    assert response.status_code == 200
    assert_inert(response.content.decode())


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_content_is_inert_in_the_admin(staff_client, text):
    condition = hostile_condition(text)
    for url in (
        reverse("admin:conditions_condition_changelist"),
        reverse("admin:conditions_condition_change", args=[condition.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200
        assert_inert(response.content.decode())


def test_the_admin_refuses_a_javascript_map_link(staff_client):
    ClinicDetails.objects.create(street_address="C-12", phone="0120-4567890", email="care@dmphysios.in")
    change = reverse("admin:clinic_clinicdetails_change", args=[1])
    form = {
        "name": "DMPhysios", "street_address": "C-12", "locality": "Noida", "region": "Uttar Pradesh",
        "phone": "0120-4567890", "email": "care@dmphysios.in", "map_url": "javascript:alert(1)",
    }  # fmt: skip
    response = staff_client.post(change, form)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert ClinicDetails.load().map_url == ""
