"""docs/vocabulary.md is the readable copy of hearth/people/vocabulary.py: the two never drift."""

import re
from pathlib import Path

import pytest

from hearth.people import vocabulary

DOC = Path(__file__).resolve().parents[2] / "docs" / "vocabulary.md"
TABLES = ["NEEDS", "RISKS", "SKILLS", "PLACEMENT_TYPES", "ETHNICITIES", "LEGAL_STATUSES", "SEXES",
          "RELIGIONS", "LANGUAGES"]  # fmt: skip


def _documented(name):
    section = DOC.read_text().split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)


@pytest.mark.parametrize("name", TABLES)
def test_documented_tags_are_exactly_the_vocabulary(name):
    assert _documented(name) == list(getattr(vocabulary, name))
