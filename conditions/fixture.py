"""Build the conditions fixture (fixtures/conditions.json) from the articles in fixtures/source/."""

import tomllib
from pathlib import Path

from .article import parse_article

CATEGORIES = [
    ("spine", "Spine"),
    ("hip-and-pelvis", "Hip and pelvis"),
    ("sports", "Sports injuries"),
]
# Fixed so that regenerating the fixture gives the same file.
FIXTURE_TIMESTAMP = "2026-11-25T00:00:00+05:30"


class _Rows:
    """Fixture rows with primary keys numbered per model, in the order they are added."""

    def __init__(self):
        self.rows = []
        self.next_pk = {}

    def add(self, model, **fields):
        pk = self.next_pk.get(model, 1)
        self.next_pk[model] = pk + 1
        self.rows.append({"model": model, "pk": pk, "fields": fields})
        return pk


def source_articles(source_dir):
    """(metadata, article text) for each article that has both its .toml and .txt, by slug."""
    for meta_path in sorted(Path(source_dir).glob("*.toml")):
        text_path = meta_path.with_suffix(".txt")
        if text_path.exists():
            meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
            yield meta, text_path.read_text(encoding="utf-8")


def build_rows(source_dir):
    rows = _Rows()
    category_pks = {
        slug: rows.add("conditions.category", name=name, slug=slug, position=position)
        for position, (slug, name) in enumerate(CATEGORIES)
    }
    condition_pks = {}
    related_slugs = {}
    for meta, text in source_articles(source_dir):
        condition_pk = rows.add(
            "conditions.condition",
            title=meta["title"],
            slug=meta["slug"],
            summary=meta["summary"],
            alternate_names="\n".join(meta.get("alternate_names", [])),
            meta_description=meta.get("meta_description", ""),
            key_facts="\n".join(meta.get("key_facts", [])),
            category=category_pks[meta["category"]],
            status="published",
            # No fixture names a reviewer: the clinic's physiotherapists review pages in the admin.
            created_at=FIXTURE_TIMESTAMP,
            updated_at=FIXTURE_TIMESTAMP,
        )
        condition_pks[meta["slug"]] = condition_pk
        related_slugs[condition_pk] = meta.get("related", [])
        for position, section in enumerate(parse_article(text)):
            _add_section(rows, condition_pk, position, section)
        for position, advice in enumerate(meta.get("urgent_help", [])):
            rows.add(
                "conditions.urgentadvice",
                condition=condition_pk,
                level=advice["level"],
                text=advice["text"],
                position=position,
            )
    _link_related(rows.rows, condition_pks, related_slugs)
    return rows.rows


def _link_related(rows, condition_pks, related_slugs):
    """Related conditions are named by slug in the sources; the fixture needs their keys."""
    for row in rows:
        if row["model"] == "conditions.condition":
            slugs = related_slugs[row["pk"]]
            unknown = [slug for slug in slugs if slug not in condition_pks]
            if unknown:
                raise ValueError(f"{row['fields']['slug']}: related conditions not in the sources: {unknown}")
            row["fields"]["related"] = [condition_pks[slug] for slug in slugs]


def _add_section(rows, condition_pk, position, section):
    section_pk = rows.add(
        "conditions.section",
        condition=condition_pk,
        kind=section.kind,
        heading=section.heading,
        lead="\n\n".join(section.lead),
        closing="\n\n".join(section.closing),
        term_separator=section.separator,
        position=position,
    )
    _add_items(rows, "conditions.sectionitem", "section", section_pk, section.items)
    for stage_position, stage in enumerate(section.stages):
        stage_pk = rows.add(
            "conditions.stage",
            section=section_pk,
            title=stage.title,
            text="\n\n".join(stage.lead),
            closing="\n\n".join(stage.closing),
            position=stage_position,
        )
        _add_items(rows, "conditions.stageitem", "stage", stage_pk, stage.items)


def _add_items(rows, model, parent_field, parent_pk, items):
    for position, item in enumerate(items):
        rows.add(model, term=item.term, description=item.description, position=position, **{parent_field: parent_pk})
