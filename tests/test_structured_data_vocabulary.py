"""Every JSON-LD block on the public pages uses schema.org's vocabulary as schema.org defines it.

The vocabulary is a pinned copy (tests/data/schemaorg/); nothing is fetched from schema.org.
"""

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup

from clinic.models import ClinicDetails
from conditions.models import Condition
from tests.builders import make_physiotherapist
from tests.schema_org import VOCABULARY, nodes, problems

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "/": 200,
    "/conditions/": 200,
    "/conditions/sciatica/": 200,
    "/conditions/search/?q=back+pain": 200,
    "/book/": 200,
    "/privacy/": 200,
    "/accessibility/": 200,
    "/no-such-page/": 404,
}


@pytest.fixture
def everything_filled_in(seeded):
    """Real contact details and a reviewed page, so that every optional property is in the graphs."""
    ClinicDetails.objects.filter(pk=1).update(
        street_address="C-12, Sector 62", phone="0120-4567890", email="hello@dmphysios.in",
        map_url="https://maps.example.org/?q=dmphysios",
    )  # fmt: skip
    condition = Condition.objects.get(slug="sciatica")
    condition.reviewer, condition.last_reviewed = make_physiotherapist(), date(2026, 3, 15)
    condition.save()


def json_ld_blocks(client, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    scripts = BeautifulSoup(response.content, "html.parser").find_all("script", type="application/ld+json")
    return [json.loads(script.string) for script in scripts]


def test_every_json_ld_node_on_the_public_pages_is_valid_schema_org(client, everything_filled_in):
    checked = {url: json_ld_blocks(client, url, status) for url, status in PUBLIC_PAGES.items()}
    errors = [f"{url}: {problem}" for url, blocks in checked.items() for block in blocks for problem in problems(block)]
    assert errors == []
    types = {node.get("@type") for blocks in checked.values() for node in nodes(blocks)}
    assert {"Physiotherapy", "ReserveAction", "EntryPoint", "MedicalWebPage", "MedicalCondition", "Person"} <= types


@pytest.mark.parametrize(
    ("node", "complaint"),
    [
        ({"@type": "EntryPoint", "urlTemplate": "/book/", "inLanguage": "en-IN"}, "inLanguage is not a property"),
        ({"@type": "Physiotheraphy", "name": "DMPhysios"}, "unknown type Physiotheraphy"),
        ({"@type": "Physiotherapy", "telephoneNumber": "0120"}, "unknown property telephoneNumber"),
        ({"@type": "MedicalWebPage", "breadcrumb": {"@type": "Person"}}, "a Person is not one of"),
        ({"@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Mondey"}, "is no schema.org term"),
        ({"@type": "MedicalCondition", "relevantSpecialty": "https://schema.org/Monday"}, "a DayOfWeek is not one of"),
        ({"@type": "WebPage", "about": {"name": "untyped"}}, "has no @type"),
    ],
)
def test_the_check_catches_what_schema_org_rejects(node, complaint):
    [problem] = problems({"@context": "https://schema.org", "@graph": [node]})
    assert complaint in problem


def test_the_check_follows_superclasses_and_references_within_the_graph():
    clinic = {"@type": "Physiotherapy", "@id": "#clinic", "telephone": "0120", "openingHoursSpecification": []}
    page = {"@type": "MedicalWebPage", "inLanguage": "en-IN", "publisher": {"@id": "#clinic"}}
    condition = {"@type": "MedicalCondition", "relevantSpecialty": "https://schema.org/Physiotherapy"}
    assert problems({"@graph": [clinic, page, condition]}) == []
    assert problems({"@graph": [{**page, "breadcrumb": {"@id": "#clinic"}}, clinic]}) != []


def test_the_pinned_vocabulary_is_a_full_schema_org_release():
    assert VOCABULARY["release"] == "30.0"
    assert len(VOCABULARY["types"]) > 900
    assert len(VOCABULARY["properties"]) > 1500
