"""The condition page's sections, built in Python: with their items and stages they are most of the page, and the
template's walk over them cost more than the rest of the page's markup together (bench/render.py)."""

from html import escape  # Django's escape() without its lazy-text wrapper: every value here is a model's text

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def article_section(section):
    """One section of the article (from add_sections()): heading, lead, items, numbered stages, closing."""
    anchor = escape(section.anchor)
    parts = [
        f'<section id="{anchor}" aria-labelledby="{anchor}-heading">',
        f'<h2 id="{anchor}-heading">{escape(section.heading)}</h2>',
        paragraphs(section.lead),
        item_list(section.list_items, section.term_separator),
    ]
    if section.stage_list:
        parts += ['<ol class="stages">', *map(stage_item, section.stage_list), "</ol>"]
    parts += [paragraphs(section.closing), "</section>"]
    return mark_safe("\n".join(filter(None, parts)))  # noqa: S308 - every value is escaped on the way in


def stage_item(stage):
    """A stage of the physiotherapy section as an item of its numbered list."""
    title = f"<h3>{escape(stage.title)}</h3>"
    parts = ["<li>", title, paragraphs(stage.text), item_list(stage.list_items), paragraphs(stage.closing), "</li>"]
    return "\n".join(filter(None, parts))


def paragraphs(text):
    """What {{ text|linebreaks }} shows: a <p> per paragraph, escaped; nothing for no text."""
    return linebreaks(text, autoescape=True) if text else ""


def item_list(items, separator=":"):
    """The <ul> of a section's or a stage's items, each term in bold and joined to its description by the
    separator (':' or '–'); nothing when there are no items."""
    if not items:
        return ""
    joiner = ":" if separator == ":" else f" {escape(separator)}"
    rows = []
    for item in items:
        description = escape(item.description)
        if item.term:
            rows.append(f"<li><strong>{escape(item.term)}</strong>{joiner} {description}</li>")
        else:
            rows.append(f"<li>{description}</li>")
    return "<ul>\n" + "\n".join(rows) + "\n</ul>"
