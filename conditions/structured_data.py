"""schema.org JSON-LD for condition pages and the clinic, built from the models."""

import json

from django.urls import reverse

from clinic.models import PLACEHOLDER_MARKS, Weekday

from .models import Section

SCHEMA = "https://schema.org/"
# Keeps the JSON from closing the <script> element or starting markup, whatever staff type.
SCRIPT_ESCAPES = {"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"}


def to_json(data):
    text = json.dumps(data, ensure_ascii=False, indent=None)
    # One str.replace per character: str.translate took half a millisecond over a page's JSON-LD.
    for character, escape in SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return text


def clinic_graph(clinic, request):
    return {"@context": "https://schema.org", "@graph": [clinic_node(clinic, request)]}


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
        "publisher": {"@id": _clinic_id(request)},
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


def clinic_node(clinic, request):
    """The clinic as a Physiotherapy business. Placeholder details are left out, never published as facts."""
    node = {
        "@type": "Physiotherapy",
        "@id": _clinic_id(request),
        "name": clinic.name,
        "url": request.build_absolute_uri(reverse("home")),
        "description": clinic.tagline,
        "address": _address(clinic),
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"{SCHEMA}{Weekday(period.weekday).label}",
                "opens": f"{period.opens:%H:%M}",
                "closes": f"{period.closes:%H:%M}",
            }
            for _day, periods in clinic.weekly_hours()
            for period in periods
        ],
        "potentialAction": {
            "@type": "ReserveAction",
            "name": "Book an appointment",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": request.build_absolute_uri(reverse("appointments:booking-request")),
                "inLanguage": "en-IN",
                "actionPlatform": [f"{SCHEMA}DesktopWebPlatform", f"{SCHEMA}MobileWebPlatform"],
            },
        },
    }
    for prop, value in [("telephone", clinic.phone), ("email", clinic.email), ("hasMap", clinic.map_url)]:
        if _is_real(value):
            node[prop] = value
    return _compact(node)


def _clinic_id(request):
    return request.build_absolute_uri(reverse("home")) + "#clinic"


def _address(clinic):
    address = {
        "@type": "PostalAddress",
        "streetAddress": clinic.street_address if _is_real(clinic.street_address) else "",
        "addressLocality": clinic.locality,
        "addressRegion": clinic.region,
        "postalCode": clinic.postal_code,
        "addressCountry": "IN",
    }
    return _compact(address)


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
        "worksFor": {"@id": _clinic_id(request)},
    }


def _entity(schema_type, item):
    node = {"@type": schema_type, "name": item.term or item.description}
    if item.term:
        node["description"] = item.description
    return node


def _physiotherapy(section):
    steps = [(stage.title, stage.text) for stage in section.stage_list] or [(section.heading, section.lead)]
    return [_compact({"@type": "PhysicalTherapy", "name": name, "description": text}) for name, text in steps]


def _compact(node):
    return {key: value for key, value in node.items() if value}


def _is_real(value):
    return bool(value) and not any(mark in value for mark in PLACEHOLDER_MARKS)
