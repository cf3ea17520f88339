"""Submit an admin form the way a browser would: every field as rendered, with some values changed."""

from bs4 import BeautifulSoup


def form_values(html, form_id):
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    values = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values[name] = field.get("value", "on")
        elif field.name == "textarea":
            values[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            values[name] = chosen["value"] if chosen else ""
        else:
            values[name] = field.get("value", "")
    return values


def field_named(values, value):
    """The name of the field currently holding `value`."""
    return next(name for name, current in values.items() if current == value)
