"""Form fields every app's forms may use."""

import unicodedata

from django import forms

# Line and paragraph separators and the bidirectional overrides, which can make text read other than it is
# stored; other format characters (the joiners Devanagari uses) stay.
BREAKING = {"Zl", "Zp"}
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(value: str) -> str:
    """Control characters, line breaks and bidi overrides become spaces; runs of spaces become one."""
    spaced = "".join(
        " " if unicodedata.category(char) == "Cc" or unicodedata.category(char) in BREAKING or char in BIDI_CONTROLS
        else char
        for char in value
    )  # fmt: skip
    return " ".join(spaced.split())


def without_controls(value: str) -> str:
    """For text that may run over several lines: line breaks stay (as \\n), other control characters go."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(one_line(line) for line in lines).strip()


class OneLineField(forms.CharField):
    """A single-line text field: nothing typed or pasted into it can start a new line in an e-mail or a log."""

    def to_python(self, value):
        return one_line(super().to_python(value))
