"""Matching scenario files (CONTRACT.md section 3, version 1), and the answer `hearth match` gives.

A scenario is children, households, a policy and the day (`as_of`) ages are taken on. Reading one
checks every field and says exactly where a problem is ("children[2].date_of_birth: not a date"),
so a council can fix the file its own system wrote. Postcodes are looked up in the ONS postcode
directory (hearth.matching.places).
"""

import json
import math
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hearth.matching.model import (
    DEFAULT_WEIGHTS,
    PLACEMENT_TYPES,
    STATUSES,
    Child,
    Household,
    Location,
    PlacedChild,
    Policy,
)
from hearth.matching.places import UnknownPostcode, locate
from hearth.matching.rank import HouseholdIndex, rank

VERSION = 1


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message says where and what is wrong."""


@dataclass(frozen=True)
class Scenario:
    as_of: date
    policy: Policy
    children: tuple[Child, ...]
    households: tuple[Household, ...]

    def groups(self):
        """The children as they are matched: each sibling group together, in the order its first
        child appears; a child with no sibling group on their own."""
        groups = {}
        for child in self.children:
            key = ("group", child.sibling_group) if child.sibling_group else ("child", child.id)
            groups.setdefault(key, []).append(child)
        return [tuple(children) for children in groups.values()]


# Reading ------------------------------------------------------------------------------------------


def read_scenario(source):
    """The Scenario in the file at `source` ('-' for standard input)."""
    try:
        text = sys.stdin.read() if str(source) == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"{source}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{source}: not UTF-8 text") from error
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ScenarioError(f"{source}: not valid JSON: {error.msg} at {where}") from error
    except ValueError as error:  # NaN or Infinity
        raise ScenarioError(f"{source}: not valid JSON: {error}") from error
    return scenario_from(data)


def scenario_from(data):
    """The Scenario in parsed JSON."""
    top = Fields(data, "", ("version", "as_of", "policy", "children", "households"), strict=False)
    version = top.required("version", whole_number)
    if version != VERSION:
        raise ScenarioError(
            f"version: {version} is not a version this Hearth reads (only {VERSION})"
        )
    as_of = top.required("as_of", a_date)
    policy = top.optional("policy", read_policy, Policy())
    children = top.required("children", list_of(read_child))
    households = top.required("households", list_of(read_household))
    _unique(children, "children")
    _unique(households, "households")
    return Scenario(as_of, policy, tuple(children), tuple(households))


class Fields:
    """One JSON object being read, with where it is in the file for the messages."""

    def __init__(self, data, path, known, strict=True):
        if not isinstance(data, dict):
            raise ScenarioError(f"{path or 'the scenario'}: not an object")
        self.data, self.path = data, path
        unknown = [name for name in data if name not in known]
        if strict and unknown:
            raise ScenarioError(f"{self.where(unknown[0])}: not a field Hearth knows")

    def where(self, name):
        return f"{self.path}.{name}" if self.path else name

    def required(self, name, read):
        if name not in self.data:
            raise ScenarioError(f"{self.where(name)}: missing")
        return read(self.data[name], self.where(name))

    def optional(self, name, read, default):
        if self.data.get(name) is None:
            return default
        return read(self.data[name], self.where(name))


CHILD_FIELDS = (
    "id", "date_of_birth", "sex", "ethnicity", "religion", "languages", "placement_type", "needs",
    "risks", "sibling_group", "location", "needs_only_child",
)  # fmt: skip
HOUSEHOLD_FIELDS = (
    "id", "provider", "status", "approval", "accepts_siblings", "children_placed", "skills",
    "ethnicity", "religion", "languages", "location", "weekly_cost", "experience_years",
)  # fmt: skip
APPROVAL_FIELDS = ("min_age", "max_age", "max_children", "types", "named_children")


def read_child(data, path):
    fields = Fields(data, path, CHILD_FIELDS)
    return Child(
        id=fields.required("id", name),
        date_of_birth=fields.required("date_of_birth", a_date),
        placement_type=fields.required("placement_type", one_of(PLACEMENT_TYPES)),
        sex=fields.optional("sex", text, ""),
        ethnicity=fields.optional("ethnicity", text, ""),
        religion=fields.optional("religion", text, ""),
        languages=tuple(fields.optional("languages", tags, ())),
        needs=frozenset(fields.optional("needs", tags, ())),
        risks=frozenset(fields.optional("risks", tags, ())),
        sibling_group=fields.optional("sibling_group", text, "") or None,
        location=fields.optional("location", read_location, None),
        needs_only_child=fields.optional("needs_only_child", true_or_false, False),
    )


def read_household(data, path):
    fields = Fields(data, path, HOUSEHOLD_FIELDS)
    household_id = fields.required("id", name)
    provider = fields.required("provider", name)
    status = fields.required("status", one_of(STATUSES))
    approval = Fields(
        fields.required("approval", _as_is), fields.where("approval"), APPROVAL_FIELDS
    )
    min_age = approval.required("min_age", whole_number_from(0))
    max_age = approval.required("max_age", whole_number_from(0))
    if min_age > max_age:
        raise ScenarioError(f"{approval.path}: min_age {min_age} is above max_age {max_age}")
    return Household(
        id=household_id,
        provider=provider,
        status=status,
        min_age=min_age,
        max_age=max_age,
        max_children=approval.required("max_children", whole_number_from(0)),
        types=frozenset(approval.required("types", list_of(one_of(PLACEMENT_TYPES)))),
        named_children=frozenset(approval.optional("named_children", list_of(name), ())),
        accepts_siblings=fields.optional("accepts_siblings", true_or_false, True),
        children_placed=tuple(fields.optional("children_placed", list_of(read_placed_child), ())),
        skills=frozenset(fields.optional("skills", tags, ())),
        ethnicity=fields.optional("ethnicity", text, ""),
        religion=fields.optional("religion", text, ""),
        languages=tuple(fields.optional("languages", tags, ())),
        location=fields.optional("location", read_location, None),
        weekly_cost=fields.optional("weekly_cost", number_from(0), 0.0),
        experience_years=fields.optional("experience_years", number_from(0), 0.0),
    )


def read_placed_child(data, path):
    fields = Fields(data, path, ("date_of_birth", "risks"))
    return PlacedChild(
        date_of_birth=fields.required("date_of_birth", a_date),
        risks=frozenset(fields.optional("risks", tags, ())),
    )


def read_location(data, path):
    """{"postcode": ...} (a full postcode or a district) or {"easting": E, "northing": N}."""
    fields = Fields(data, path, ("postcode", "easting", "northing"))
    if "postcode" in data:
        if len(data) > 1:
            raise ScenarioError(f"{path}: a postcode, or an easting and a northing, not both")
        postcode = fields.required("postcode", name)
        try:
            return locate(postcode)
        except UnknownPostcode as error:
            raise ScenarioError(f"{fields.where('postcode')}: {error}") from error
    if not data:
        raise ScenarioError(f"{path}: needs a postcode, or an easting and a northing")
    return Location(
        easting=fields.required("easting", number_from(0)),
        northing=fields.required("northing", number_from(0)),
    )


def read_policy(data, path):
    """Any of Policy's settings; the others keep their defaults."""
    readers = {
        "in_house_first": true_or_false,
        "allow_sibling_split": true_or_false,
        "risk_is_a_bar": true_or_false,
        "distance_limit_miles": number_above(0),
        "fostering_limit": whole_number_from(1),
        "weekly_cost_reference": number_above(0),
        "weights": read_weights,
    }
    fields = Fields(data, path, tuple(readers))
    return Policy(**{setting: fields.required(setting, readers[setting]) for setting in data})


def read_weights(data, path):
    """Weights for some or all factors; the others keep their defaults."""
    fields = Fields(data, path, tuple(DEFAULT_WEIGHTS))
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({factor: fields.required(factor, number_from(0)) for factor in data})
    if sum(weights.values()) <= 0:
        raise ScenarioError(f"{path}: at least one factor needs a weight above 0")
    return weights


# Values -------------------------------------------------------------------------------------------


def _as_is(value, path):
    return value


def text(value, path):
    if not isinstance(value, str):
        raise ScenarioError(f"{path}: not text")
    return value.strip()


def name(value, path):
    """Text that is not empty: an id, a provider, a group."""
    value = text(value, path)
    if not value:
        raise ScenarioError(f"{path}: empty")
    return value


def tags(value, path):
    return list_of(name)(value, path)


def a_date(value, path):
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(f"{path}: not a date (YYYY-MM-DD): {json.dumps(value)}") from None


def true_or_false(value, path):
    if not isinstance(value, bool):
        raise ScenarioError(f"{path}: not true or false")
    return value


def whole_number(value, path):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{path}: not a whole number")
    return value


def whole_number_from(least):
    def read(value, path):
        value = whole_number(value, path)
        if value < least:
            raise ScenarioError(f"{path}: {value} is below {least}")
        return value

    return read


def _number(value, path):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(f"{path}: not a number")
    return float(value)


def number_from(least):
    def read(value, path):
        value = _number(value, path)
        if value < least:
            raise ScenarioError(f"{path}: {value:g} is below {least}")
        return value

    return read


def number_above(least):
    def read(value, path):
        value = _number(value, path)
        if value <= least:
            raise ScenarioError(f"{path}: must be above {least}")
        return value

    return read


def one_of(choices):
    def read(value, path):
        if value not in choices:
            raise ScenarioError(f"{path}: {json.dumps(value)} is not one of {', '.join(choices)}")
        return value

    return read


def list_of(read_item):
    def read(value, path):
        if not isinstance(value, list):
            raise ScenarioError(f"{path}: not a list")
        return [read_item(item, f"{path}[{number}]") for number, item in enumerate(value)]

    return read


def _unique(items, path):
    seen = set()
    for number, item in enumerate(items):
        if item.id in seen:
            raise ScenarioError(f"{path}[{number}].id: {item.id} is used twice")
        seen.add(item.id)


def _no_constants(constant):
    raise ValueError(f"{constant} is not a number JSON allows")


# Answering ----------------------------------------------------------------------------------------


def match_output(scenario):
    """`hearth match`'s answer: every household ranked or excluded for each child or group."""
    index = HouseholdIndex.build(scenario.households)
    return {
        "version": VERSION,
        "results": [
            ranking_as_json(rank(index, group, scenario.policy, scenario.as_of))
            for group in scenario.groups()
        ],
    }


def ranking_as_json(ranking):
    return {
        "children": list(ranking.children),
        "candidates": [
            {
                "household": candidate.household,
                "score": round(candidate.score, 4),
                "distance_miles": None
                if candidate.distance_miles is None
                else round(candidate.distance_miles, 1),
                "reasons": list(candidate.reasons),
                "concerns": list(candidate.concerns),
                "support_gaps": list(candidate.support_gaps),
            }
            for candidate in ranking.candidates
        ],
        "excluded": [
            {"household": excluded.household, "reasons": list(excluded.reasons)}
            for excluded in ranking.excluded
        ],
        "splits": [
            {
                "label": split.label,
                "score": round(split.score, 4),
                "parts": [
                    {"children": list(children), "household": household, "score": round(score, 4)}
                    for children, household, score in split.parts
                ],
                "not_placed": [
                    child
                    for child in ranking.children
                    if not any(child in children for children, _, _ in split.parts)
                ],
            }
            for split in ranking.splits
        ],
    }
