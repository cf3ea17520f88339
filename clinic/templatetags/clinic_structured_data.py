from django import template

from clinic.structured_data import clinic_graph
from web.json_ld import json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def clinic_json_ld(context):
    return json_ld_script(clinic_graph(context["clinic"], context["request"]))
