"""The tables of the SSDA903 return as CSV files: their file names, the DfE's column names in
the DfE's order, and which field of which Hearth record each column is. The export writes these
and the import reads them, through the same map, so a return read in is written out the same.

Dates are written dd/mm/yyyy, as the DfE's CSV layout and its validator (`csc-validator-be-903`)
take them; an empty cell is a value not recorded.
"""

from dataclasses import dataclass
from datetime import date, datetime

from hearth.ssda903 import models

DATE_FORMAT = "%d/%m/%Y"


def day(value):
    """A date as the return writes it."""
    return value.strftime(DATE_FORMAT) if value else ""


def parse_day(text):
    """A date as the return writes it, or None for an empty cell; ValueError if it is not one."""
    text = (text or "").strip()
    if not text:
        return None
    return datetime.strptime(text, DATE_FORMAT).date()


@dataclass(frozen=True)
class Column:
    name: str  # the DfE's column name
    field: str  # the Hearth field it is, on the table's record ("" when derived, as DOB)
    kind: str = "code"  # "code" (text, upper case), "date", "text" (as given)


@dataclass(frozen=True)
class Table:
    name: str  # the validator's name for it
    file: str
    columns: tuple
    model: type | None  # the record each row is (None: the header, from the child)

    @property
    def header(self):
        return [column.name for column in self.columns]


def _c(name, field, kind="code"):
    return Column(name, field, kind)


CHILD = _c("CHILD", "child")
DOB = _c("DOB", "dob", "date")

HEADER = Table(
    "Header",
    "header.csv",
    (CHILD, _c("SEX", "sex"), DOB, _c("ETHNIC", "ethnicity"), _c("UPN", "upn"),
     _c("MOTHER", "mother"), _c("MC_DOB", "mc_dob", "date")),
    None,
)  # fmt: skip
EPISODES = Table(
    "Episodes",
    "episodes.csv",
    (CHILD, _c("DECOM", "decom", "date"), _c("RNE", "rne"), _c("LS", "ls"), _c("CIN", "cin"),
     _c("PLACE", "place"), _c("PLACE_PROVIDER", "place_provider"), _c("DEC", "dec", "date"),
     _c("REC", "rec"), _c("REASON_PLACE_CHANGE", "reason_place_change"),
     _c("HOME_POST", "home_post"), _c("PL_POST", "pl_post"), _c("URN", "urn")),
    models.Episode,
)  # fmt: skip
UASC = Table(
    "UASC",
    "uasc.csv",
    (CHILD, _c("SEX", "sex"), DOB, _c("DUC", "uasc_ceased_on", "date")),
    models.ChildReturn,
)
REVIEWS = Table(
    "Reviews",
    "reviews.csv",
    (CHILD, DOB, _c("REVIEW", "reviewed_on", "date"), _c("REVIEW_CODE", "participation")),
    models.Review,
)
MISSING = Table(
    "Missing",
    "missing.csv",
    (CHILD, DOB, _c("MISSING", "kind"), _c("MIS_START", "started_on", "date"),
     _c("MIS_END", "ended_on", "date")),
    models.MissingEpisode,
)  # fmt: skip
OC2 = Table(
    "OC2",
    "oc2.csv",
    (CHILD, DOB, _c("SDQ_SCORE", "sdq_score"), _c("SDQ_REASON", "sdq_reason"),
     _c("CONVICTED", "convicted"), _c("HEALTH_CHECK", "health_check"),
     _c("IMMUNISATIONS", "immunisations"), _c("TEETH_CHECK", "teeth_check"),
     _c("HEALTH_ASSESSMENT", "health_assessment"), _c("SUBSTANCE_MISUSE", "substance_misuse"),
     _c("INTERVENTION_RECEIVED", "intervention_received"),
     _c("INTERVENTION_OFFERED", "intervention_offered")),
    models.HealthOutcome,
)  # fmt: skip
OC3 = Table(
    "OC3",
    "oc3.csv",
    (CHILD, DOB, _c("IN_TOUCH", "in_touch"), _c("ACTIV", "activity"),
     _c("ACCOM", "accommodation")),
    models.CareLeaverOutcome,
)  # fmt: skip
AD1 = Table(
    "AD1",
    "ad1.csv",
    (CHILD, DOB, _c("DATE_INT", "decided_on", "date"), _c("DATE_MATCH", "matched_on", "date"),
     _c("FOSTER_CARE", "foster_care"), _c("NB_ADOPTR", "number_of_adopters"),
     _c("SEX_ADOPTR", "sex_of_adopters"), _c("LS_ADOPTR", "legal_status_of_adopters")),
    models.AdoptionDecision,
)  # fmt: skip
PLACED_FOR_ADOPTION = Table(
    "PlacedAdoption",
    "placed_for_adoption.csv",
    (CHILD, DOB, _c("DATE_PLACED", "placed_on", "date"),
     _c("DATE_PLACED_CEASED", "ceased_on", "date"),
     _c("REASON_PLACED_CEASED", "reason_ceased")),
    models.PlacedForAdoption,
)  # fmt: skip
PREVIOUS_PERMANENCE = Table(
    "PrevPerm",
    "previous_permanence.csv",
    (CHILD, DOB, _c("PREV_PERM", "previous_permanence"), _c("LA_PERM", "la_perm"),
     _c("DATE_PERM", "date_perm", "text")),
    models.PreviousPermanence,
)  # fmt: skip
SW_EPISODES = Table(
    "SWEpisodes",
    "sw_episodes.csv",
    (CHILD, DOB, _c("SW_ID", "social_worker_id", "text"), _c("SW_DECOM", "started_on", "date"),
     _c("SW_DEC", "ended_on", "date"), _c("SW_REASON", "reason")),
    models.SocialWorkerEpisode,
)  # fmt: skip

TABLES = (
    HEADER, EPISODES, UASC, REVIEWS, MISSING, OC2, OC3, AD1, PLACED_FOR_ADOPTION,
    PREVIOUS_PERMANENCE, SW_EPISODES,
)  # fmt: skip
BY_FILE = {table.file: table for table in TABLES}


def ruleset(year):
    """The validator's rule set for the collection year starting 1 April `year`: 'lac2025_26'."""
    return f"lac{year}_{(year + 1) % 100:02d}"


def collection_year(year):
    """The validator's `collectionYear` for the year starting 1 April `year`: the year it ends."""
    return str(year + 1)


def year_bounds(year):
    """The first and last days of the collection year starting 1 April `year`."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def year_of(day):
    """The collection year `day` falls in (its first year): 2025 for 1 April 2025 to 31 March
    2026."""
    return day.year if day.month >= 4 else day.year - 1


def last_ended_year(today):
    """The collection year that ended last before `today` (its first year)."""
    return year_of(today) - 1
