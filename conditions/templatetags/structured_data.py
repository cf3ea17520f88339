from django import template

from conditions.structured_data import condition_graph
from web.json_ld import json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def condition_json_ld(context, condition):
    return json_ld_script(condition_graph(condition, context["clinic"], context["request"]))
