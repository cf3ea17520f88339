from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from conditions.structured_data import clinic_graph, condition_graph, to_json

register = template.Library()


@register.simple_tag(takes_context=True)
def condition_json_ld(context, condition):
    return _script(condition_graph(condition, context["clinic"], context["request"]))


@register.simple_tag(takes_context=True)
def clinic_json_ld(context):
    return _script(clinic_graph(context["clinic"], context["request"]))


def _script(data):
    # to_json escapes <, > and & as \u003C etc., so the JSON cannot close the element: safe to mark.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(to_json(data)))  # noqa: S308
