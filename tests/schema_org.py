"""Checks JSON-LD against the pinned schema.org vocabulary in tests/data/schemaorg/ (no network)."""

import json
from functools import cache
from pathlib import Path

VOCABULARY = json.loads((Path(__file__).parent / "data" / "schemaorg" / "vocabulary.json").read_text())
TYPES, PROPERTIES, MEMBERS = VOCABULARY["types"], VOCABULARY["properties"], VOCABULARY["members"]
SCHEMA = "https://schema.org/"


@cache
def ancestry(type_name):
    """The type and every type above it: a property of any of them is a property of the type."""
    return frozenset({type_name}).union(*(ancestry(parent) for parent in TYPES.get(type_name, [])))


def as_list(value):
    return value if isinstance(value, list) else [value]


def nodes(value):
    """Every object in a JSON-LD document, nested ones included."""
    for item in as_list(value):
        if isinstance(item, dict):
            yield item
            for key, child in item.items():
                if key != "@context":
                    yield from nodes(child)


def problems(document):
    """What schema.org's validator would object to: unknown types or properties, properties off their domain,
    and values (nodes, references within the document, schema.org enumeration members) outside the range."""
    found = list(nodes(document))
    typed_by_id = {node["@id"]: as_list(node["@type"]) for node in found if "@id" in node and "@type" in node}
    return [problem for node in found for problem in node_problems(node, typed_by_id)]


def node_problems(node, typed_by_id):
    properties = [key for key in node if not key.startswith("@")]
    if "@type" not in node:
        return [f"an object with {properties} has no @type"] if properties else []
    types = as_list(node["@type"])
    unknown = [f"unknown type {name}" for name in types if name not in TYPES]
    if unknown:
        return unknown
    label = "/".join(types)
    allowed = frozenset().union(*(ancestry(name) for name in types))
    errors = []
    for prop in properties:
        if prop not in PROPERTIES:
            errors.append(f"{label}: unknown property {prop}")
        elif not allowed & set(PROPERTIES[prop]["domains"]):
            errors.append(f"{label}: {prop} is not a property of {label} (its domains: {PROPERTIES[prop]['domains']})")
        else:
            errors += range_problems(label, prop, node[prop], typed_by_id)
    return errors


def range_problems(label, prop, value, typed_by_id):
    ranges = set(PROPERTIES[prop]["ranges"])
    errors = []
    for item in as_list(value):
        item_types = value_types(item, typed_by_id)
        if item_types is None:
            continue  # a literal, or a reference to something outside the document: nothing to check
        if not item_types:
            errors.append(f"{label}.{prop}: {item!r} is no schema.org term")
        elif not any(ranges & ancestry(name) for name in item_types):
            errors.append(f"{label}.{prop}: a {'/'.join(item_types)} is not one of {sorted(ranges)}")
    return errors


def value_types(item, typed_by_id):
    """The types of a value when they can be known; [] for a schema.org URL that names no term."""
    if isinstance(item, dict):
        return as_list(item["@type"]) if "@type" in item else typed_by_id.get(item.get("@id"))
    if isinstance(item, str) and item.startswith(SCHEMA):
        name = item.removeprefix(SCHEMA)
        return MEMBERS.get(name) or ([name] if name in TYPES else [])
    return None
