"""schema.org JSON-LD for the clinic: a Physiotherapy business with its address, hours and booking action."""

from django.urls import reverse

from web.json_ld import SCHEMA, compact

from .models import PLACEHOLDER_MARKS, Weekday


def clinic_graph(clinic, request):
    return {"@context": "https://schema.org", "@graph": [clinic_node(clinic, request)]}


def clinic_id(request):
    return request.build_absolute_uri(reverse("home")) + "#clinic"


def clinic_node(clinic, request):
    """The clinic as a Physiotherapy business. Placeholder details are left out, never published as facts."""
    node = {
        "@type": "Physiotherapy",
        "@id": clinic_id(request),
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
            # An EntryPoint has no inLanguage in schema.org; the pages say en-IN themselves.
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": request.build_absolute_uri(reverse("appointments:booking-request")),
                "actionPlatform": [f"{SCHEMA}DesktopWebPlatform", f"{SCHEMA}MobileWebPlatform"],
            },
        },
    }
    for prop, value in [("telephone", clinic.phone), ("email", clinic.email), ("hasMap", clinic.map_url)]:
        if _is_real(value):
            node[prop] = value
    return compact(node)


def _address(clinic):
    address = {
        "@type": "PostalAddress",
        "streetAddress": clinic.street_address if _is_real(clinic.street_address) else "",
        "addressLocality": clinic.locality,
        "addressRegion": clinic.region,
        "postalCode": clinic.postal_code,
        "addressCountry": "IN",
    }
    return compact(address)


def _is_real(value):
    return bool(value) and not any(mark in value for mark in PLACEHOLDER_MARKS)
