"""`hearth allocate FILE.json`: every child placed at once, as JSON on stdout, with no database."""

import json

import pytest

from tests.cli.command import run_hearth

HOME = {"easting": 358000, "northing": 405500}
SCENARIO = {
    "version": 1,
    "as_of": "2026-11-23",
    "children": [
        {"id": "C1", "date_of_birth": "2015-03-01", "placement_type": "short_term",
         "needs": ["trauma_attachment"], "location": {"postcode": "WN1 1AA"}},
        {"id": "C2", "date_of_birth": "2019-05-01", "placement_type": "short_term",
         "sibling_group": "G1", "location": HOME},
        {"id": "C3", "date_of_birth": "2017-05-01", "placement_type": "short_term",
         "sibling_group": "G1", "location": HOME},
        {"id": "C4", "date_of_birth": "2008-05-01", "placement_type": "long_term"},
    ],
    "households": [
        {"id": "H1", "provider": "in_house", "status": "approved",
         "approval": {"min_age": 0, "max_age": 17, "max_children": 2, "types": ["short_term"]},
         "skills": ["trauma_attachment"], "location": HOME, "experience_years": 6},
        {"id": "H2", "provider": "Northern Fostering", "status": "approved",
         "approval": {"min_age": 0, "max_age": 10, "max_children": 1, "types": ["short_term"]},
         "location": {"easting": 384000, "northing": 398000}, "weekly_cost": 900},
    ],
}  # fmt: skip


def write(folder, data, name="scenario.json"):
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def allocate(*args, stdin=""):
    # No settings at all, as on a machine where Hearth was only installed: production mode with
    # no SECRET_KEY, and a database that cannot exist. Allocation needs neither.
    return run_hearth(
        "allocate", *args, database="/nonexistent/folder/db.sqlite3", mode=None, stdin=stdin
    )


def test_allocate_places_the_most_children_and_says_why_the_others_are_left(tmp_path):
    result = allocate(write(tmp_path, SCENARIO))

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    answer = json.loads(result.stdout)
    assert list(answer)[:4] == ["version", "assignments", "unassigned", "objective"]
    assert answer["version"] == 1
    # First come, first served gives H1 to C1; the siblings need both of its places.
    (assignment,) = answer["assignments"]
    assert assignment["children"] == ["C2", "C3"]
    assert assignment["household"] == "H1"
    assert 0 < assignment["score"] <= 1
    assert answer["unassigned"] == [
        {"children": ["C1"], "reasons": ["every household that could take C1 is full"]},
        {
            "children": ["C4"],
            "reasons": [
                "no household can take C4",
                "of the 2 households: 2 not approved for this type of care, "
                "2 approved for other ages",
            ],
        },
    ]
    assert answer["objective"] == {
        "children_placed": 2,
        "total_score": pytest.approx(2 * assignment["score"], abs=1e-3),
    }
    assert answer["greedy"]["children_placed"] == 1
    assert answer["solver"] == {"method": "assignment", "optimal": True}


def test_allocate_splits_a_group_when_the_file_allows_it(tmp_path):
    scenario = {**SCENARIO, "policy": {"allow_sibling_split": True}}

    result = allocate(write(tmp_path, scenario), "--keep", "5", "--time-limit", "30")

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["objective"]["children_placed"] == 3
    split = [a for a in answer["assignments"] if a.get("split")]
    assert sorted(c for a in split for c in a["children"]) == ["C2", "C3"]
    assert len({a["household"] for a in split}) == 2
    assert split[0]["label"].startswith("sibling group G1 split: ")
    assert answer["solver"]["method"] == "milp"


def test_allocate_reads_standard_input():
    result = allocate("-", stdin=json.dumps(SCENARIO))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["objective"]["children_placed"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        (json.dumps({**SCENARIO, "version": 2}), "version: 2 is not a version"),
        (
            json.dumps({**SCENARIO, "children": [{**SCENARIO["children"][0], "id": ""}]}),
            "children[0].id: empty",
        ),
    ],
)
def test_allocate_refuses_a_bad_file_with_the_problem_on_stderr(tmp_path, content, message):
    result = allocate(write(tmp_path, content))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("hearth allocate: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_allocate_refuses_a_missing_file(tmp_path):
    result = allocate(tmp_path / "nowhere.json")

    assert result.returncode == 1
    assert "cannot be read" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [[], ["--keep", "0", "s.json"], ["--keep", "many", "s.json"], ["--time-limit", "0", "s.json"],
     ["--time-limit", "nan", "s.json"], ["--format", "text", "s.json"]],
    ids=" ".join,
)  # fmt: skip
def test_allocate_bad_usage_exits_2(arguments):
    result = allocate(*arguments)

    assert result.returncode == 2
    assert "usage: hearth allocate" in result.stderr
    assert result.stdout == ""


def test_allocate_explains_itself_without_a_database():
    result = allocate("--help")

    assert result.returncode == 0
    assert result.stdout.startswith("usage: hearth allocate")
    assert "--keep" in result.stdout and "--time-limit" in result.stdout
