"""A national-scale synthetic SSDA903 history, for the benchmarks and the forecast's back-test.

`make_history(authority, children=85_000, years=10, end=..., seed=0)` writes, for one council,
minimal `Child` records (first name "Synthetic", last name the reference), their `ChildReturn`,
their imported `Episode` rows (`source="imported"`) and, inside the window, their reviews,
missing episodes and social worker episodes (`records`), so that about `children` children are
looked after on `end` and the episodes of the last `years` years are there, as England's whole
return would be. It is deterministic (one seeded random generator) and writes with a few large
multi-row inserts, not model instances, so 85,000 children looked after (some 400,000 children
over the history and 1.5 million episodes) take well under a minute on SQLite.

The dynamics are shaped on the DfE's published statistics ("Children looked after in England
including adoptions", year ending 31 March 2024):

* about 32,000 children start to be looked after a year for 83,600 looked after on 31 March;
  ages at entry: under 1 19%, 1 to 4 13%, 5 to 9 15%, 10 to 15 37%, 16 and over 16%; 7% of
  entrants are unaccompanied asylum-seeking children, almost all boys of 16 or 17;
* each entrant follows a pathway chosen by age: a short stay returning home (REC E4A, E13, E41),
  a special guardianship order (E45 to E48), adoption (young children: placement order E1, placed
  for adoption A5/A6, adopted E11/E12), long-term care to 18 or to independence (E5, E6, E17,
  E8), an older child's stay to 18 (mostly section 20, V2), or a remand (J1, E14/E9);
* legal status changes: interim care order C1 to full care order C2 after 6 to 12 months, police
  protection or an emergency protection order (L1/L2) for a few days before C1, C1 to E1 for
  adoption; each change splits the episode (REC X1, then RNE L, or T on a move the same day);
* placements on 31 March: about 70% fostering (U1 to U6; a fifth with relatives or friends; in-house
  PR1 about 60% of the rest, agencies PR4/PR5 40%), 10 to 15% residential (K2, R1, K1), 4 to 7%
  semi-independent or supported (H5, P2: 16 and over; K3 for placements from 1 April 2025, when
  the return retired H5 and P2), 6% placed with parents (P1), 2 to 3% placed for
  adoption; a fifth of children are "unsettled" and move often, so that about 10% of the children
  looked after on 31 March had 3 or more placements in the year; about 3% of placements have a
  temporary move (T1, T4) of a few days and a return to the same carers;
* about 1.5% of children have only agreed short breaks (V3, each break an episode of 2 to 4 days).

The codes are the return's (valid PLACE, PLACE_PROVIDER, LS, RNE, REC, REASON_PLACE_CHANGE and
real postcodes of the council and of elsewhere), so the export, the indicators and the forecast
make sense of them; the history is not meant to pass every validator rule (URNs are made up).
"""

import bisect
import itertools
import math
import operator
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from hearth.core import postcodes
from hearth.people.models import Child
from hearth.ssda903.models import ChildReturn, Episode, MissingEpisode, Review, SocialWorkerEpisode
from hearth.ssda903.seed import make_upn

ENTRIES_A_YEAR = 32_000  # children starting to be looked after a year, for...
LOOKED_AFTER = 85_000  # ...this many looked after on 31 March (England)
BURN_IN_YEARS = 18  # entries simulated before the window, for those still looked after in it
FIRST_REFERENCE = "SYN"
BATCH = 50_000

AGE_BANDS = ((0, 1, 0.19), (1, 5, 0.13), (5, 10, 0.15), (10, 16, 0.37), (16, 18, 0.16))
PATHWAYS = ("home", "sgo", "adopt", "long", "older", "custody", "breaks")
# Pathway weights by age band at entry (under 1, 1-4, 5-9, 10-15, 16-17).
PATHWAY_WEIGHTS = {
    "home": (0.24, 0.36, 0.38, 0.38, 0.12),
    "sgo": (0.15, 0.18, 0.12, 0.04, 0.0),
    "adopt": (0.36, 0.14, 0.0, 0.0, 0.0),
    "long": (0.25, 0.31, 0.49, 0.52, 0.0),
    "older": (0.0, 0.0, 0.0, 0.0, 0.78),
    "custody": (0.0, 0.0, 0.0, 0.05, 0.10),
    "breaks": (0.005, 0.01, 0.015, 0.015, 0.0),
}
BY_BAND = tuple(
    tuple((name, PATHWAY_WEIGHTS[name][band]) for name in PATHWAYS) for band in range(5)
)
BANDS = tuple((index, share) for index, (_first, _last, share) in enumerate(AGE_BANDS))
ETHNICITIES = (
    ("WBRI", 66), ("WOTH", 5), ("WIRI", 0.5), ("WROM", 1), ("MWBC", 3), ("MWBA", 1.5),
    ("MWAS", 2), ("MOTH", 3.5), ("AIND", 0.5), ("APKN", 1.5), ("ABAN", 0.5), ("AOTH", 2),
    ("BCRB", 1.5), ("BAFR", 4), ("BOTH", 1.5), ("CHNE", 0.2), ("OOTH", 4), ("REFU", 0.3),
    ("NOBT", 0.5),
)  # fmt: skip
UASC_ETHNICITIES = (("BAFR", 40), ("OOTH", 35), ("AOTH", 20), ("WOTH", 5))
CATEGORIES = (("N1", 65), ("N4", 13), ("N5", 7), ("N8", 6), ("N2", 3), ("N3", 3), ("N6", 2),
              ("N7", 1))  # fmt: skip
REASONS = (("CARPL", 40), ("CREQB", 15), ("CREQO", 10), ("CHILD", 8), ("LAREQ", 7),
           ("CLOSE", 5), ("STAND", 3), ("ALLEG", 3), ("OTHER", 9))  # fmt: skip
LEAVING_AT_18 = (("E5", 45), ("E17", 20), ("E6", 10), ("E8", 15), ("E13", 10))
RETURNED_HOME = (("E4A", 70), ("E13", 12), ("E41", 10), ("E4B", 3), ("E8", 5))
LEFT_LONG_STAY = RETURNED_HOME + (("E45", 8), ("E47", 8))
LEFT_BEFORE_18 = (("E5", 50), ("E4A", 20), ("E13", 20), ("E6", 10))
ADOPTION_PROVIDERS = (("PR1", 55), ("PR2", 25), ("PR5", 20))
SGO = (("E45", 40), ("E46", 15), ("E47", 35), ("E48", 10))
TEMPORARY = (("T4", 60), ("T1", 25), ("T2", 10), ("T0", 5))
# A placement category: (PLACE codes with weights, providers with weights, mean days).
CATEGORY = {
    "kinship": ((("U1", 30), ("U3", 70)), (("PR1", 1),), 900),
    "foster": ((("U4", 35), ("U6", 65)), (("PR1", 60), ("PR4", 32), ("PR5", 8)), 700),
    "residential": ((("K2", 85), ("R1", 6), ("K1", 4), ("S1", 5)),
                    (("PR4", 78), ("PR1", 15), ("PR5", 7)), 420),
    "semi": ((("H5", 85), ("P2", 15)), (("PR4", 60), ("PR1", 30), ("PR5", 10)), 420),
    "parents": ((("P1", 1),), (("PR0", 1),), 400),
    "baby": ((("R3", 1),), (("PR4", 70), ("PR1", 30)), 90),
}  # fmt: skip
# The first placement's category by age band, and the next after a move.
FIRST = (
    (("foster", 58), ("kinship", 20), ("parents", 10), ("baby", 12)),
    (("foster", 60), ("kinship", 22), ("parents", 12), ("residential", 6)),
    (("foster", 62), ("kinship", 16), ("parents", 10), ("residential", 12)),
    (("foster", 50), ("kinship", 10), ("parents", 8), ("residential", 32)),
    (("foster", 30), ("kinship", 5), ("semi", 47), ("residential", 18)),
)
REGISTERED = ("K1", "K2", "K3", "R1", "S1", "H5", "R3")  # with an Ofsted URN
# The 2025-26 return retired H5 and P2 (validator rule 146): placements from then are K3.
RETIRED = ("H5", "P2")
RETIRED_ON = date(2025, 4, 1)
UNSETTLED = 0.12  # of children, who move about three times as often
PARTICIPATION = (("PN1", 62), ("PN2", 6), ("PN3", 3), ("PN4", 4), ("PN5", 7), ("PN6", 12),
                 ("PN7", 6))  # fmt: skip
GOES_MISSING = 0.12  # of the periods of care of children of 11 and over
SW_REASONS = (("LEFTRL", 45), ("TSPROC", 25), ("MANAGE", 15), ("ORGRST", 8), ("OTHERS", 7))
SW_RETURN_FROM = date(2023, 4, 1)  # the social worker episodes table began in 2023-24


_CUMULATIVE = {}
_KEPT = []


def _pick(rng, weighted):
    """One code of ((code, weight), ...), at random by weight. The tables are module constants
    (kept alive), so their cumulative weights are worked out once, by identity."""
    try:
        codes, cumulative, total = _CUMULATIVE[id(weighted)]
    except KeyError:
        codes = [code for code, _weight in weighted]
        codes.append(codes[-1])  # a float product rounding up to the total
        cumulative = list(itertools.accumulate(weight for _code, weight in weighted))
        total = cumulative[-1]
        _CUMULATIVE[id(weighted)] = (codes, cumulative, total)
        _KEPT.append(weighted)
    return codes[bisect.bisect(cumulative, rng.random() * total)]


def _years_on(born, years):
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def _band(age_days):
    years = age_days / 365.25
    for index, (_first, last, _share) in enumerate(AGE_BANDS):
        if years < last:
            return index
    return len(AGE_BANDS) - 1


@dataclass
class History:
    """What `make_history` wrote."""

    authority_id: int
    first_day: date
    end: date
    children: int = 0
    episodes: int = 0
    child_returns: int = 0
    reviews: int = 0
    missing: int = 0
    sw_episodes: int = 0
    looked_after_at_end: int = 0
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)
    references: list = field(default_factory=list, repr=False)

    def as_dict(self):
        return {
            "children": self.children,
            "episodes": self.episodes,
            "child_returns": self.child_returns,
            "reviews": self.reviews,
            "missing": self.missing,
            "sw_episodes": self.sw_episodes,
            "looked_after_at_end": self.looked_after_at_end,
            "first_day": self.first_day.isoformat(),
            "end": self.end.isoformat(),
            "seconds": round(self.seconds, 1),
            "phases": {name: round(seconds, 1) for name, seconds in self.phases.items()},
        }


class _Maker:
    def __init__(self, rng, end, first_day, home_posts, away_posts, urns):
        self.rng = rng
        self.end = end
        self.first_day = first_day
        self.home_posts = home_posts
        self.away_posts = away_posts
        self.urns = urns

    # -- one child's care -------------------------------------------------------------------
    def child(self, entered):
        """(born, sex, ethnicity, uasc, category of need, [period episodes...]) or None when the
        child's care ended before the window."""
        rng = self.rng
        band = _pick(rng, BANDS)
        first, last, _share = AGE_BANDS[band]
        if band == 0 and rng.random() < 0.4:
            age_days = rng.randrange(0, 31)
        else:
            age_days = rng.randrange(int(first * 365.25), int(last * 365.25) - 1)
        born = entered - timedelta(days=age_days)
        pathway = _pick(rng, BY_BAND[band])
        eighteen = _years_on(born, 18)
        if pathway == "breaks":
            return self._breaks(entered, born, eighteen)
        leaves, rec = self._leaving(pathway, entered, born, eighteen)
        if leaves is not None and leaves < self.first_day:
            return None
        uasc = pathway == "older" and rng.random() < 0.33
        sex = "M" if (uasc and rng.random() < 0.95) or rng.random() < 0.54 else "F"
        ethnicity = _pick(rng, UASC_ETHNICITIES if uasc else ETHNICITIES)
        cin = "N8" if uasc else _pick(rng, CATEGORIES)
        home = "" if uasc else rng.choice(self.home_posts)
        statuses = self._statuses(pathway, entered, leaves, born)
        placements = self._placements(pathway, entered, leaves, born, eighteen)
        episodes = self._episodes(statuses, placements, leaves, rec, cin, home)
        return born, sex, ethnicity, uasc, cin, episodes

    def _leaving(self, pathway, entered, born, eighteen):
        """The day the care ends and its REC (None, "" when it goes on past `end`)."""
        rng = self.rng
        if pathway == "home":
            days = max(3, int(rng.lognormvariate(math.log(110), 1.0)))
            rec = _pick(rng, RETURNED_HOME)
        elif pathway == "sgo":
            days, rec = rng.randrange(300, 1300), _pick(rng, SGO)
        elif pathway == "adopt":
            days, rec = rng.randrange(520, 1100), rng.choice(("E11", "E11", "E11", "E12"))
        elif pathway == "long":
            if rng.random() < 0.48:
                days, rec = 10**6, ""
            else:
                days = int(rng.lognormvariate(math.log(1000), 0.8))
                rec = _pick(rng, LEFT_LONG_STAY)
        elif pathway == "older":
            days, rec = 10**6, ""
        else:  # custody: a remand ending, or a sentence
            days = rng.randrange(7, 150)
            rec = "E14" if rng.random() < 0.8 else "E9"
        leaves = entered + timedelta(days=days)
        if leaves >= eighteen:
            leaves, rec = eighteen, _pick(rng, LEAVING_AT_18)
            if pathway == "older" and rng.random() < 0.25:  # left at 16 or 17
                leaves = entered + timedelta(
                    days=rng.randrange(60, max(61, (eighteen - entered).days))
                )
                rec = _pick(rng, LEFT_BEFORE_18)
        if leaves > self.end:
            return None, ""
        return leaves, rec

    def _statuses(self, pathway, entered, leaves, born):
        """[(from, LS)] for the period."""
        rng = self.rng
        last = leaves or (self.end + timedelta(days=1))
        statuses = []
        day = entered
        if pathway in ("home", "long", "sgo", "adopt") and rng.random() < 0.12:
            statuses.append((day, rng.choice(("L1", "L2"))))
            day += timedelta(days=rng.randrange(1, 9))
        if pathway == "custody":
            return [(entered, "J1")]
        section_20 = {"older": 0.8, "home": 0.6, "long": 0.2}.get(pathway, 0.0)
        if rng.random() < section_20:
            statuses.append((day, "V2"))
            if pathway == "long" and rng.random() < 0.3:
                day += timedelta(days=rng.randrange(60, 300))
                statuses.append((day, "C1"))
                day += timedelta(days=rng.randrange(180, 360))
                statuses.append((day, "C2"))
        else:
            statuses.append((day, "C1"))
            day += timedelta(days=rng.randrange(180, 370))
            statuses.append((day, "E1" if pathway == "adopt" else "C2"))
        return [(on, status) for on, status in statuses if on < last]

    def _placements(self, pathway, entered, leaves, born, eighteen):
        """[(from, PLACE, PLACE_PROVIDER, PL_POST, URN, temporary)] for the period."""
        rng = self.rng
        last = leaves or (self.end + timedelta(days=1))
        unsettled = 3.0 if rng.random() < UNSETTLED else 1.0
        adopted_from = None
        if pathway == "adopt" and leaves is not None:
            adopted_from = leaves - timedelta(days=rng.randrange(200, 500))
        elif pathway == "adopt":
            adopted_from = entered + timedelta(days=rng.randrange(500, 800))
        placements = []
        day = entered
        category = None
        stop = adopted_from if adopted_from and adopted_from > entered else last
        while day < stop:
            band = _band((day - born).days)
            if category is None or rng.random() < 0.4:
                category = _pick(rng, FIRST[band])
            if category == "semi" and (day - born).days < 16 * 365.25:
                category = "foster"
            if category == "baby" and band > 0:
                category = "foster"
            places, providers, mean = CATEGORY[category]
            place = _pick(rng, places)
            if place in RETIRED and day >= RETIRED_ON:  # 2025-26: supported accommodation is K3
                place = "K3"
            provider = _pick(rng, providers)
            if place.startswith("U1") or place.startswith("U3"):
                provider = "PR1"
            post = ""
            if place != "P1":
                post = rng.choice(self.home_posts if rng.random() < 0.6 else self.away_posts)
            urn = rng.choice(self.urns) if place in REGISTERED else ""
            length = max(1, int(rng.expovariate(unsettled / mean)))
            placements.append([day, place, provider, post, urn])
            if length > 40 and rng.random() < 0.03:
                away = day + timedelta(days=rng.randrange(10, length - 10))
                back = away + timedelta(days=rng.randrange(1, 8))
                if back < stop:
                    placements.append([away, _pick(rng, TEMPORARY), "", "", ""])
                    placements.append([back, place, provider, post, urn])
            day += timedelta(days=length)
        if adopted_from and adopted_from < last:
            with_carers = bool(placements) and rng.random() < 0.3
            provider = _pick(rng, ADOPTION_PROVIDERS)
            post = rng.choice(self.home_posts)
            if with_carers:
                post = placements[-1][3] or post
            placements.append(
                [max(adopted_from, entered), "A5" if with_carers else "A6", provider, post, ""]
            )
        return [p for p in placements if p[0] < last]

    def _episodes(self, statuses, placements, leaves, rec, cin, home):
        """The period's episodes: a new one wherever the placement or the legal status changes."""
        rng = self.rng
        days = sorted({on for on, _status in statuses} | {p[0] for p in placements})
        episodes = []
        status_index = placement_index = -1
        for day in days:
            while status_index + 1 < len(statuses) and statuses[status_index + 1][0] <= day:
                status_index += 1
            while (
                placement_index + 1 < len(placements) and placements[placement_index + 1][0] <= day
            ):
                placement_index += 1
            ls = statuses[max(status_index, 0)][1]
            place, provider, post, urn = placements[max(placement_index, 0)][1:]
            if episodes:
                before = episodes[-1]
                moved = (place, provider, post, urn) != (
                    before["place"], before["place_provider"], before["pl_post"], before["urn"],
                )  # fmt: skip
                changed = ls != before["ls"]
                if not moved and not changed:
                    continue
                if moved and place in ("A5",) and not changed:
                    rne = "U"
                elif moved:
                    rne = "T" if changed else "P"
                else:
                    rne = "L"
                before["dec"], before["rec"] = day, "X1"
                if moved and not place.startswith("T") and not before["place"].startswith("T"):
                    before["reason_place_change"] = _pick(rng, REASONS)
            else:
                rne = "S"
            episodes.append(
                {
                    "decom": day, "rne": rne, "ls": ls, "cin": cin, "place": place,
                    "place_provider": provider, "dec": None, "rec": "",
                    "reason_place_change": "", "home_post": home, "pl_post": post, "urn": urn,
                }
            )  # fmt: skip
        if leaves is not None and episodes:
            episodes[-1]["dec"], episodes[-1]["rec"] = leaves, rec
        return [episode for episode in episodes if episode["decom"] <= self.end]

    def _breaks(self, entered, born, eighteen):
        """A child with agreed short breaks only (V3): a break of 2 to 4 days every few weeks for
        a year or two, each its own episode."""
        rng = self.rng
        stop = min(entered + timedelta(days=rng.randrange(100, 500)), eighteen, self.end)
        if stop < self.first_day:
            return None
        place, provider = ("U6", "PR1") if rng.random() < 0.6 else ("K2", "PR1")
        episodes = []
        day = entered
        while day < stop:
            ends = day + timedelta(days=rng.randrange(2, 5))
            if ends > self.end:
                break
            episodes.append(
                {
                    "decom": day, "rne": "S", "ls": "V3", "cin": "N2", "place": place,
                    "place_provider": provider, "dec": ends, "rec": "E8",
                    "reason_place_change": "", "home_post": rng.choice(self.home_posts),
                    "pl_post": "", "urn": "",
                }
            )  # fmt: skip
            day = ends + timedelta(days=rng.randrange(21, 70))
        if not episodes:
            return None
        sex = "M" if rng.random() < 0.6 else "F"
        return born, sex, _pick(rng, ETHNICITIES), False, "N2", episodes


def _periods(episodes):
    """The periods of care of a child's episodes: [(first day, last day or None)], short breaks
    (V3, V4) left out."""
    periods = []
    for episode in episodes:
        if episode["ls"] in ("V3", "V4"):
            continue
        if periods and periods[-1][1] == episode["decom"]:
            periods[-1][1] = episode["dec"]
        else:
            periods.append([episode["decom"], episode["dec"]])
    return periods


def records(rng, born, episodes, *, first_day, end, workers):
    """A child's reviews, missing episodes and social worker episodes inside the window, as the
    rules ask of them (rules 164, 167, SW13): ([(REVIEW, REVIEW_CODE)], [(MISSING, MIS_START,
    MIS_END)], [(SW_ID, SW_DECOM, SW_DEC, SW_REASON)]).

    Reviews: 20 days into each period of care, 3 months after that, then every 6 months (a few
    days early at random), PN0 under 4. Missing: about one period in eight of children of 11 and
    over has one to five times missing (M) or away (A) for up to three days. Social workers: one
    from the start of each period, another every 200 to 700 days."""
    reviews, missing, workers_rows = [], [], []
    four = _years_on(born, 4)
    eleven = _years_on(born, 11)
    for began, ended in _periods(episodes):
        last = min(ended or end, end)
        due = began + timedelta(days=20)
        gap = 92
        while due <= last:
            held = due - timedelta(days=rng.randrange(0, 6))
            if held >= first_day:
                reviews.append((held, "PN0" if held < four else _pick(rng, PARTICIPATION)))
            due = held + timedelta(days=gap)
            gap = 183
        if last >= eleven and rng.random() < GOES_MISSING:
            earliest = max(began, eleven, first_day)
            days = (last - earliest).days
            for _time in range(rng.randrange(1, 6) if days > 10 else 0):
                start = earliest + timedelta(days=rng.randrange(0, days - 4))
                kind = "M" if rng.random() < 0.8 else "A"
                missing.append((kind, start, start + timedelta(days=rng.randrange(0, 4))))
        day, reason = began, "FCONTA"
        while day <= last:
            following = day + timedelta(days=rng.randrange(200, 700))
            stops = following if following <= last else ended
            if stops is None or stops >= max(first_day, SW_RETURN_FROM):
                workers_rows.append((rng.choice(workers), day, stops, reason))
            day, reason = following, _pick(rng, SW_REASONS)
    missing.sort(key=operator.itemgetter(1))
    kept, until = [], None
    for row in missing:  # missing episodes of a child never overlap
        if until is None or row[1] > until:
            kept.append(row)
            until = row[2]
    return reviews, kept, workers_rows


def _postcode_pools(authority, rng):
    """Real postcodes: the council's own (its children's first letters, else W and M) for homes
    and near placements; a spread of other areas' for placements away."""
    letters = {
        code[0]
        for code in Child.objects.filter(authority=authority)
        .exclude(home_postcode="")
        .values_list("home_postcode", flat=True)[:200]
    }
    if authority.postcode:
        letters.add(authority.postcode[0].upper())
    letters = sorted(letters) or ["W", "M"]
    home = postcodes.postcodes_in(authority.ons_code or "", letters) if authority.ons_code else []
    away = []
    for letter in "BLM":
        every = sorted(postcodes._letter(letter))[::997]
        away.extend(f"{code[:-3]} {code[-3:]}" for code in every)
    if not home:
        home = away
    home = rng.sample(home, min(len(home), 3000))
    return sorted(home), sorted(away)


def _insert_sql(model, names):
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names, not values)


def _columns(model, given):
    """Every concrete column but the key: (names, defaults prepared for the database)."""
    names, defaults = [], {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key:
            continue
        names.append(model_field.name)
        if model_field.name not in given:
            value = model_field.get_default()
            if getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            ):
                value = timezone.now()
            defaults[model_field.name] = model_field.get_db_prep_save(value, connection)
    return names, defaults


def _insert(model, rows, given):
    """Insert dict rows (only the `given` fields; the rest take their defaults) with one
    prepared statement executed over batches of rows (`executemany`: the driver's loop)."""
    names, defaults = _columns(model, given)
    adapt = connection.ops.adapt_datefield_value
    dates = {
        name for name in given if model._meta.get_field(name).get_internal_type() == "DateField"
    }
    getters = []
    for name in names:
        if name in defaults:
            getters.append(lambda row, value=defaults[name]: value)
        elif name in dates:
            getters.append(lambda row, name=name: adapt(row[name]))
        else:
            getters.append(operator.itemgetter(name))
    sql = _insert_sql(model, names)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            cursor.executemany(sql, [tuple(get(row) for get in getters) for row in chunk])


def generate(*, children, years, end, seed, home_posts, away_posts, urns):
    """The history as plain rows, without writing: [(reference, born, sex, ethnicity, uasc, cin,
    [episode dicts])], and the first day of the window."""
    rng = random.Random(seed)
    first_day = _years_on(end, -years) + timedelta(days=1)
    maker = _Maker(rng, end, first_day, home_posts, away_posts, urns)
    a_year = ENTRIES_A_YEAR * children / LOOKED_AFTER
    start = _years_on(first_day, -BURN_IN_YEARS)
    total_days = (end - start).days + 1
    entries = int(round(a_year * total_days / 365.25))
    made = []
    for number in range(entries):
        entered = start + timedelta(days=int(number * total_days / entries))
        one = maker.child(entered)
        if one is None or not one[-1]:
            continue
        made.append((f"{FIRST_REFERENCE}{len(made) + 1:07d}", *one))
    return made, first_day


@contextmanager
def _large_cache():
    """On SQLite, a 100 MB page cache while the history is inserted (its indexes' pages stay in
    memory), then the connection's own again."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -100000")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@transaction.atomic
def make_history(authority, *, children=LOOKED_AFTER, years=10, end=None, seed=0):
    """Write a synthetic history for `authority`: about `children` looked after on `end` (today
    by default), `years` years of episodes before it (and the earlier episodes of the children
    looked after then). Returns a `History` with the counts and the seconds it took."""
    started = clock = time.perf_counter()
    end = end or timezone.localdate()
    if Child.objects.filter(authority=authority, reference__startswith=FIRST_REFERENCE).exists():
        raise ValueError(f"{authority} already has synthetic children ({FIRST_REFERENCE}...)")
    rng = random.Random(seed + 1)
    home_posts, away_posts = _postcode_pools(authority, rng)
    urns = [f"SC{rng.randrange(10**5, 10**6)}" for _ in range(max(50, children // 40))]
    made, first_day = generate(
        children=children,
        years=years,
        end=end,
        seed=seed,
        home_posts=home_posts,
        away_posts=away_posts,
        urns=urns,
    )
    history = History(authority.pk, first_day, end)
    history.phases["generate"] = time.perf_counter() - clock
    clock = time.perf_counter()
    child_rows = [
        {
            "authority": authority.pk,
            "reference": reference,
            "first_name": "Synthetic",
            "last_name": reference,
            "date_of_birth": born,
            "sex": sex,
            "ethnicity": ethnicity,
            "legal_status": episodes[-1]["ls"],
        }
        for reference, born, sex, ethnicity, _uasc, _cin, episodes in made
    ]
    with _large_cache():
        _insert(Child, child_rows, _keys(child_rows))
        ids = dict(
            Child.objects.filter(
                authority=authority, reference__startswith=FIRST_REFERENCE
            ).values_list("reference", "pk")
        )
        returns, episode_rows = [], []
        common = {"authority": authority.pk, "placement": None, "source": Episode.Source.IMPORTED}
        for serial, (reference, born, _sex, _eth, uasc, cin, episodes) in enumerate(made, 1):
            child_id = ids[reference]
            returns.append(
                {
                    "child": child_id,
                    "upn": "UN2" if uasc else make_upn("999", born.year + 5, serial),
                    "category_of_need": cin,
                    "uasc": uasc,
                    "uasc_ceased_on": episodes[-1]["dec"] if uasc else None,
                }
            )
            for episode in episodes:
                episode.update(common)
                episode["child"] = child_id
                episode_rows.append(episode)
            history.looked_after_at_end += episodes[-1]["dec"] is None
        _insert(ChildReturn, returns, _keys(returns))
        _insert(Episode, episode_rows, _keys(episode_rows))
        history.phases["insert"] = time.perf_counter() - clock
        clock = time.perf_counter()
        _insert_records(authority, made, ids, history, seed=seed, workers=children // 15)
        history.phases["records"] = time.perf_counter() - clock
    history.children = len(child_rows)
    history.child_returns = len(returns)
    history.episodes = len(episode_rows)
    history.references = [row["reference"] for row in child_rows]
    history.seconds = time.perf_counter() - started
    return history


def _insert_records(authority, made, ids, history, *, seed, workers):
    """The children's reviews, missing episodes and social worker episodes (`records`), from a
    generator of their own, so that the episodes are the same with them or without."""
    rng = random.Random(seed + 2)
    numbers = [f"SW{number:06d}" for number in range(1, max(workers, 10) + 1)]
    reviews, missing, social_workers = [], [], []
    for reference, born, _sex, _eth, _uasc, _cin, episodes in made:
        child = {"authority": authority.pk, "child": ids[reference]}
        child_reviews, child_missing, child_workers = records(
            rng, born, episodes, first_day=history.first_day, end=history.end, workers=numbers
        )
        reviews += [
            {**child, "reviewed_on": on, "participation": code} for on, code in child_reviews
        ]
        missing += [
            {**child, "kind": kind, "started_on": began, "ended_on": ended}
            for kind, began, ended in child_missing
        ]
        social_workers += [
            {**child, "social_worker_id": number, "started_on": began, "ended_on": ended,
             "reason": reason}
            for number, began, ended, reason in child_workers
        ]  # fmt: skip
    _insert(Review, reviews, _keys(reviews))
    _insert(MissingEpisode, missing, _keys(missing))
    _insert(SocialWorkerEpisode, social_workers, _keys(social_workers))
    history.reviews, history.missing = len(reviews), len(missing)
    history.sw_episodes = len(social_workers)


def _keys(rows):
    return tuple(rows[0]) if rows else ()
