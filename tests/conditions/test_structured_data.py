"""The JSON-LD a search engine reads says what the page says."""

import json
import re
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.models import ClinicDetails
from conditions.models import Condition
from tests.builders import make_full_condition, make_physiotherapist

pytestmark = pytest.mark.django_db


def json_ld(html):
    scripts = BeautifulSoup(html, "html.parser").find_all("script", type="application/ld+json")
    assert len(scripts) == 1, "one JSON-LD graph per page"
    return json.loads(scripts[0].string)


def nodes_by_type(graph):
    return {node["@type"]: node for node in graph["@graph"]}


def normalise(text):
    return " ".join(text.split())


@pytest.fixture
def real_clinic(seeded):
    clinic = ClinicDetails.load()
    clinic.street_address = "C-12, Sector 62"
    clinic.phone = "0120-4567890"
    clinic.email = "hello@dmphysios.in"
    clinic.save()
    return clinic


@pytest.fixture
def reviewed(real_clinic):
    condition = Condition.objects.get(slug="sciatica")
    condition.reviewer = make_physiotherapist()
    condition.last_reviewed = date(2026, 3, 15)
    condition.save()
    return condition


def test_the_condition_graph_has_the_page_the_condition_the_breadcrumbs_and_the_clinic(client, reviewed):
    graph = json_ld(client.get("/conditions/sciatica/").content)
    assert graph["@context"] == "https://schema.org"
    nodes = nodes_by_type(graph)
    assert set(nodes) == {"MedicalWebPage", "MedicalCondition", "BreadcrumbList", "Physiotherapy"}
    page, condition = nodes["MedicalWebPage"], nodes["MedicalCondition"]
    assert page["about"] == {"@id": condition["@id"]}
    assert page["medicalAudience"] == {"@type": "Patient"}
    assert page["audience"] == {"@type": "Patient"}
    assert page["breadcrumb"] == {"@id": nodes["BreadcrumbList"]["@id"]}
    assert page["url"] == "http://testserver/conditions/sciatica/"
    assert condition["relevantSpecialty"] == "https://schema.org/Physiotherapy"
    for prop, schema_type in [
        ("signOrSymptom", "MedicalSignOrSymptom"),
        ("cause", "MedicalCause"),
        ("riskFactor", "MedicalRiskFactor"),
        ("possibleTreatment", "PhysicalTherapy"),
        ("primaryPrevention", "MedicalTherapy"),
    ]:
        assert condition[prop], prop
        assert {node["@type"] for node in condition[prop]} == {schema_type}


def test_the_condition_graph_text_matches_the_page(client, reviewed):
    response = client.get("/conditions/sciatica/")
    page = BeautifulSoup(response.content, "html.parser")
    nodes = nodes_by_type(json_ld(response.content))
    condition = nodes["MedicalCondition"]
    assert condition["name"] == page.h1.get_text()
    also_called = page.find("p", string=re.compile("^Also called")).get_text()
    assert ", ".join(condition["alternateName"]) == also_called.removeprefix("Also called: ")
    assert condition["description"] == page.select_one("article header .lead").get_text()
    symptoms = [normalise(li.get_text()) for li in page.select("#symptoms li")]
    assert [node["name"] for node in condition["signOrSymptom"]] == symptoms
    stages = [normalise(h3.get_text()) for h3 in page.select("#physiotherapy ol.stages h3")]
    assert [node["name"] for node in condition["possibleTreatment"]] == stages
    crumbs = [normalise(li.get_text()) for li in page.select("ol.breadcrumb li")]
    assert [item["name"] for item in nodes["BreadcrumbList"]["itemListElement"]] == crumbs
    assert [item["position"] for item in nodes["BreadcrumbList"]["itemListElement"]] == [1, 2, 3]
    assert nodes["MedicalWebPage"]["description"] == page.find("meta", attrs={"name": "description"})["content"]


def test_the_reviewer_and_review_date_are_in_the_graph_as_on_the_page(client, reviewed):
    response = client.get("/conditions/sciatica/")
    page = nodes_by_type(json_ld(response.content))["MedicalWebPage"]
    assert page["lastReviewed"] == "2026-03-15"
    reviewer = page["reviewedBy"]
    assert reviewer["@type"] == "Person"
    assert reviewer["name"] == "Dr. Asha Verma (PT)"
    assert reviewer["jobTitle"] == "Physiotherapist"
    assert [c.get("identifier") for c in reviewer["hasCredential"]] == [None, "IAP/L-12345"]
    assert reviewer["hasCredential"][0]["name"] == "BPT, MPT (Musculoskeletal)"
    text = normalise(BeautifulSoup(response.content, "html.parser").get_text())
    assert "Reviewed by Dr. Asha Verma (PT), BPT, MPT (Musculoskeletal), registration number IAP/L-12345" in text
    assert "Page last reviewed: 15 March 2026" in text


def test_a_page_never_reviewed_has_no_reviewer_or_review_date_in_the_graph_or_on_the_page(client, seeded):
    response = client.get("/conditions/sciatica/")
    page = nodes_by_type(json_ld(response.content))["MedicalWebPage"]
    assert "lastReviewed" not in page
    assert "reviewedBy" not in page
    assert "Reviewed by" not in response.text
    assert "Page last reviewed" not in response.text


def test_the_clinic_is_a_physiotherapy_business_with_address_hours_and_a_booking_action(client, real_clinic):
    graph = json_ld(client.get("/").content)
    clinic = nodes_by_type(graph)["Physiotherapy"]
    assert clinic["name"] == "DMPhysios"
    assert clinic["telephone"] == "0120-4567890"
    assert clinic["address"]["streetAddress"] == "C-12, Sector 62"
    assert clinic["address"]["addressLocality"] == "Noida"
    assert clinic["address"]["addressCountry"] == "IN"
    monday = [s for s in clinic["openingHoursSpecification"] if s["dayOfWeek"] == "https://schema.org/Monday"]
    assert [(s["opens"], s["closes"]) for s in monday] == [("09:00", "13:30"), ("16:30", "20:30")]
    assert not [s for s in clinic["openingHoursSpecification"] if s["dayOfWeek"].endswith("Sunday")]
    action = clinic["potentialAction"]
    assert action["@type"] == "ReserveAction"
    assert action["target"]["urlTemplate"] == "http://testserver/book/"


def test_placeholder_contact_details_are_left_out_of_the_clinic_block(client, seeded):
    clinic = nodes_by_type(json_ld(client.get("/").content))["Physiotherapy"]
    assert "telephone" not in clinic
    assert "email" not in clinic
    assert "streetAddress" not in clinic["address"]
    assert clinic["address"]["postalCode"] == "201301"


def test_text_that_could_close_the_script_element_is_escaped_and_still_valid_json(client):
    condition = make_full_condition("Script Test", items_per_list=1, stages=1)
    condition.summary = "</script><script>alert(1)</script> & more"
    condition.save()
    html = client.get(condition.get_absolute_url()).text
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert "\\u003C/script\\u003E" in block
    graph = json.loads(block)
    assert nodes_by_type(graph)["MedicalCondition"]["description"] == condition.summary


def test_a_draft_preview_carries_no_structured_data(staff_client):
    draft = make_full_condition("Draft Data", items_per_list=1, stages=1)
    Condition.objects.filter(pk=draft.pk).update(status=Condition.Status.DRAFT)
    html = staff_client.get(draft.get_absolute_url()).text
    assert "application/ld+json" not in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("url", ["/", "/conditions/sciatica/"])
def test_the_footer_and_the_structured_data_show_the_opening_hours_from_one_query(client, seeded, url):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content
    hours_queries = [q["sql"] for q in queries if 'FROM "clinic_openinghours"' in q["sql"]]
    assert len(hours_queries) == 1, hours_queries
    footer = normalise(BeautifulSoup(html, "html.parser").select_one("footer.site-footer").get_text())
    assert "Monday 09:00–13:30, 16:30–20:30" in footer
    clinic = next(node for node in json_ld(html)["@graph"] if node["@type"] == "Physiotherapy")
    assert {"opens": "16:30", "closes": "20:30"}.items() <= clinic["openingHoursSpecification"][1].items()
