"""`hearth match FILE.json`: the ranking as JSON on stdout, with no database and no settings."""

import json

import pytest

from tests.cli.command import run_hearth

SCENARIO = {
    "version": 1,
    "as_of": "2026-11-23",
    "children": [
        {"id": "C1", "date_of_birth": "2015-03-01", "placement_type": "short_term",
         "needs": ["trauma_attachment"], "location": {"postcode": "WN1 1AA"}},
        {"id": "C2", "date_of_birth": "2019-05-01", "placement_type": "short_term",
         "sibling_group": "G1", "location": {"postcode": "WN1"}},
        {"id": "C3", "date_of_birth": "2017-05-01", "placement_type": "short_term",
         "sibling_group": "G1", "location": {"postcode": "WN1"}},
    ],
    "households": [
        {"id": "H1", "provider": "in_house", "status": "approved",
         "approval": {"min_age": 0, "max_age": 17, "max_children": 2, "types": ["short_term"]},
         "skills": ["trauma_attachment"], "location": {"easting": 358000, "northing": 405500},
         "experience_years": 6},
        {"id": "H2", "provider": "Northern Fostering", "status": "approved",
         "approval": {"min_age": 0, "max_age": 10, "max_children": 1, "types": ["short_term"]},
         "location": {"postcode": "M1 1AE"}, "weekly_cost": 900},
    ],
}  # fmt: skip


def write(folder, data, name="scenario.json"):
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def match(*args):
    # No settings at all, as on a machine where Hearth was only installed: production mode with
    # no SECRET_KEY, and a database that cannot exist. Matching needs neither.
    return run_hearth("match", *args, database="/nonexistent/folder/db.sqlite3", mode=None)


def test_match_prints_every_household_for_every_child_or_group(tmp_path):
    result = match(write(tmp_path, SCENARIO))

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    answer = json.loads(result.stdout)
    assert answer["version"] == 1
    alone, siblings = answer["results"]
    assert alone["children"] == ["C1"]
    assert [c["household"] for c in alone["candidates"]] == ["H1"]
    assert "meets 1 of 1 needs: trauma_attachment" in alone["candidates"][0]["reasons"]
    assert alone["excluded"] == [{"household": "H2", "reasons": ["age 11 outside approval 0-10"]}]
    assert siblings["children"] == ["C2", "C3"]
    assert [c["household"] for c in siblings["candidates"]] == ["H1"]
    assert siblings["excluded"] == [
        {"household": "H2", "reasons": ["1 free place for a group of 2"]}
    ]
    candidate = siblings["candidates"][0]
    assert set(candidate) >= {"household", "score", "distance_miles", "reasons", "concerns"}
    assert candidate["score"] == round(candidate["score"], 4)
    assert candidate["distance_miles"] == round(candidate["distance_miles"], 1)


def test_match_reads_standard_input_for_a_dash():
    result = run_hearth("match", "-", stdin=json.dumps(SCENARIO), mode=None)

    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["results"]) == 2


def test_match_accepts_json_as_its_format(tmp_path):
    result = match(write(tmp_path, SCENARIO), "--format", "json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == 1


def test_match_gives_splits_when_the_scenario_allows_them(tmp_path):
    scenario = {**SCENARIO, "policy": {"allow_sibling_split": True}}
    scenario["children"] = [
        *SCENARIO["children"][:2],
        {**SCENARIO["children"][2], "needs": ["trauma_attachment"]},
    ]
    scenario["households"] = [
        {**home, "approval": {**home["approval"], "max_children": 1}}
        for home in SCENARIO["households"]
    ]

    result = match(write(tmp_path, scenario))

    siblings = json.loads(result.stdout)["results"][1]
    assert siblings["candidates"] == []
    # C3 needs what H1's carers are trained in.
    assert [split["label"] for split in siblings["splits"]] == ["Split 1: C2 with H2; C3 with H1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            {**SCENARIO, "children": [{**SCENARIO["children"][0], "date_of_birth": "2015-13-01"}]},
            "hearth match: children[0].date_of_birth: not a date",
        ),
        (
            {
                **SCENARIO,
                "children": [{**SCENARIO["children"][0], "location": {"postcode": "ZZ9 9ZZ"}}],
            },
            "hearth match: children[0].location.postcode: ZZ9 9ZZ is not a postcode",
        ),
        (
            {**SCENARIO, "households": [{"id": "H1"}]},
            "hearth match: households[0].provider: missing",
        ),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_bad_file_exits_1_saying_what_is_wrong(tmp_path, content, message):
    result = match(write(tmp_path, content))

    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr


def test_a_missing_file_exits_1(tmp_path):
    result = match(tmp_path / "nothing.json")

    assert result.returncode == 1
    assert "nothing.json: cannot be read" in result.stderr


@pytest.mark.parametrize("args", [(), ("a.json", "b.json"), ("a.json", "--format", "csv")])
def test_bad_usage_exits_2(args):
    result = match(*args)

    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage: hearth" in result.stderr


def test_match_explains_itself():
    result = match("--help")

    assert result.returncode == 0
    assert "FILE.json" in result.stdout and "Needs no database" in result.stdout
