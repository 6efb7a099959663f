"""`hearth export 903`: the folder it writes into, and its usage."""

import pytest

from hearth.cli.console import UserError
from hearth.cli.exports import check_folder
from hearth.cli.main import parse_arguments


def test_a_new_or_empty_folder_is_taken(tmp_path):
    check_folder(tmp_path / "new")
    check_folder(tmp_path)


def test_a_folder_holding_an_earlier_export_is_taken(tmp_path):
    (tmp_path / "prev").mkdir()
    for name in ("header.csv", "episodes.csv", "prev/header.csv"):
        (tmp_path / name).write_text("CHILD\n")

    check_folder(tmp_path)


def test_a_folder_holding_anything_else_is_refused_naming_it(tmp_path):
    (tmp_path / "header.csv").write_text("CHILD\n")
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(UserError, match="notes.txt"):
        check_folder(tmp_path)


def test_year_and_folder_are_required_and_the_year_is_four_digits(capsys):
    for argv in (["export", "903", "--out", "x"], ["export", "903", "--year", "25", "--out", "x"]):
        with pytest.raises(SystemExit) as stopped:
            parse_arguments(argv)
        assert stopped.value.code == 2
