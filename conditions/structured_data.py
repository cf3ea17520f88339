"""schema.org JSON-LD for condition pages, built from the models; the clinic's own node comes from clinic."""

from django.urls import reverse

from clinic.structured_data import clinic_id, clinic_node
from web.json_ld import SCHEMA, compact

from .models import Section


def condition_graph(condition, clinic, request):
    page_url = request.build_absolute_uri(condition.get_absolute_url())
    page = {
        "@type": "MedicalWebPage",
        "@id": f"{page_url}#webpage",
        "url": page_url,
        "name": condition.title,
        "description": condition.description,
        "inLanguage": "en-IN",
        "dateModified": condition.updated_at.isoformat(),
        "about": {"@id": f"{page_url}#condition"},
        "mainEntity": {"@id": f"{page_url}#condition"},
        "audience": {"@type": "Patient"},
        "medicalAudience": {"@type": "Patient"},
        "breadcrumb": {"@id": f"{page_url}#breadcrumb"},
        "publisher": {"@id": clinic_id(request)},
    }
    if condition.last_reviewed:
        page["lastReviewed"] = condition.last_reviewed.isoformat()
    if condition.reviewer:
        page["reviewedBy"] = _person(condition.reviewer, request)
    return {
        "@context": "https://schema.org",
        "@graph": [
            page,
            medical_condition(condition, page_url),
            breadcrumbs(condition, request, page_url),
            clinic_node(clinic, request),
        ],
    }


def medical_condition(condition, page_url):
    sections = {section.kind: section for section in condition.section_list}
    node = {
        "@type": "MedicalCondition",
        "@id": f"{page_url}#condition",
        "name": condition.title,
        "description": condition.summary,
        "url": page_url,
        "relevantSpecialty": f"{SCHEMA}Physiotherapy",
    }
    if condition.alternate_name_list:
        node["alternateName"] = condition.alternate_name_list
    lists = [
        ("signOrSymptom", Section.Kind.SYMPTOMS, "MedicalSignOrSymptom"),
        ("cause", Section.Kind.CAUSES, "MedicalCause"),
        ("riskFactor", Section.Kind.RISK_FACTORS, "MedicalRiskFactor"),
        ("primaryPrevention", Section.Kind.PREVENTION, "MedicalTherapy"),
    ]
    for prop, kind, schema_type in lists:
        if kind in sections and sections[kind].list_items:
            node[prop] = [_entity(schema_type, item) for item in sections[kind].list_items]
    if Section.Kind.PHYSIOTHERAPY in sections:
        node["possibleTreatment"] = _physiotherapy(sections[Section.Kind.PHYSIOTHERAPY])
    return node


def breadcrumbs(condition, request, page_url):
    trail = [
        ("Home", request.build_absolute_uri(reverse("home"))),
        ("Conditions", request.build_absolute_uri(reverse("conditions:condition-list"))),
        (condition.title, page_url),
    ]
    return {
        "@type": "BreadcrumbList",
        "@id": f"{page_url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def _person(physiotherapist, request):
    credentials = [
        {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "degree",
            "name": physiotherapist.qualification,
        }
    ]
    if physiotherapist.registration_number:
        credentials.append(
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "license",
                "name": "Professional registration",
                "identifier": physiotherapist.registration_number,
            }
        )
    return {
        "@type": "Person",
        "name": physiotherapist.name,
        "jobTitle": "Physiotherapist",
        "hasCredential": credentials,
        "worksFor": {"@id": clinic_id(request)},
    }


def _entity(schema_type, item):
    node = {"@type": schema_type, "name": item.term or item.description}
    if item.term:
        node["description"] = item.description
    return node


def _physiotherapy(section):
    steps = [(stage.title, stage.text) for stage in section.stage_list] or [(section.heading, section.lead)]
    return [compact({"@type": "PhysicalTherapy", "name": name, "description": text}) for name, text in steps]
