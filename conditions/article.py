"""
Read a condition article in the clinic's plain-text format (fixtures/source/*.txt).

One line per paragraph. Headings are lines of their own (see HEADINGS); list items
start with "- "; in the physiotherapy section, "N. Title" starts a stage. Inside a
section, paragraphs before the list are its lead and paragraphs after it its closing.
The last paragraph of the physiotherapy section closes the whole section.
"""

import re
from dataclasses import dataclass, field

HEADINGS = [
    (re.compile(r"^Overview$"), "overview"),
    (re.compile(r"^Symptoms$"), "symptoms"),
    (re.compile(r"^Types of .+$"), "types"),
    (re.compile(r"^Causes$"), "causes"),
    (re.compile(r"^Risk Factors$"), "risk_factors"),
    (re.compile(r"^Treatment$"), "treatment"),
    (re.compile(r"^Physiotherapy Treatment$"), "physiotherapy"),
    (re.compile(r"^Prevention$"), "prevention"),
    (re.compile(r"^Conclusion$"), "conclusion"),
]
STAGE = re.compile(r"^(\d+)\.\s+(\S.*)$")
MAX_TERM_WORDS = 8


@dataclass
class Item:
    description: str
    term: str = ""
    separator: str = ":"


@dataclass
class Block:
    """The shape shared by a section and a stage: text, items, closing text."""

    lead: list = field(default_factory=list)
    items: list = field(default_factory=list)
    closing: list = field(default_factory=list)

    def add_paragraph(self, text):
        (self.closing if self.items else self.lead).append(text)


@dataclass
class Stage(Block):
    title: str = ""


@dataclass
class Section(Block):
    kind: str = ""
    heading: str = ""
    stages: list = field(default_factory=list)

    @property
    def separator(self):
        return "–" if any(item.separator == "–" for item in self.items) else ":"


def parse_item(text):
    for separator, splitter in (("–", " – "), (":", ": ")):
        term, found, description = text.partition(splitter)
        if found and len(term.split()) <= MAX_TERM_WORDS and "." not in term:
            return Item(term=term.strip(), description=description.strip(), separator=separator)
    return Item(description=text)


def heading_kind(line):
    return next((kind for pattern, kind in HEADINGS if pattern.match(line)), None)


def parse_article(text):
    """Return the article's sections, in order, as Section objects."""
    sections = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        kind = heading_kind(line)
        if kind:
            sections.append(Section(kind=kind, heading=line))
            continue
        if not sections:
            raise ValueError(f"Text before the first heading: {line[:60]!r}")
        _add_line(sections[-1], line)
    for section in sections:
        _close_physiotherapy(section)
    return sections


def _add_line(section, line):
    stage_match = STAGE.match(line) if section.kind == "physiotherapy" else None
    if stage_match and not line.endswith("."):
        section.stages.append(Stage(title=stage_match.group(2)))
        return
    target = section.stages[-1] if section.stages else section
    if line.startswith("- "):
        target.items.append(parse_item(line[2:].strip()))
    else:
        target.add_paragraph(line)


def _close_physiotherapy(section):
    # The section's closing paragraph is written straight after the last stage.
    if section.stages and not section.closing:
        last = section.stages[-1]
        paragraphs = last.closing or last.lead
        if paragraphs and (last.items or len(last.lead) > 1):
            section.closing.append(paragraphs.pop())
