"""The condition page's item lists, built in Python: with a term, a separator and a description per item they
were the longest loop of the page's template and a fifth of its render with nothing cached (bench/render.py)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def item_list(items, separator=":"):
    """The <ul> of a section's or a stage's items, each term in bold and joined to its description by the
    separator (':' or '–'); nothing when there are no items."""
    if not items:
        return ""
    joiner = ":" if separator == ":" else f" {conditional_escape(separator)}"
    rows = []
    for item in items:
        description = conditional_escape(item.description)
        if item.term:
            rows.append(f"<li><strong>{conditional_escape(item.term)}</strong>{joiner} {description}</li>")
        else:
            rows.append(f"<li>{description}</li>")
    return mark_safe("<ul>\n" + "\n".join(rows) + "\n</ul>")  # noqa: S308 - every value is escaped above
