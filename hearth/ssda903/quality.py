"""The data quality of a council's return: what would fail today, by child and rule.

`run(authority, year)` writes the year's return so far (`hearth.ssda903.export.write_return`,
with last year's in `prev/`) to a temporary folder, runs the DfE's rules on it
(`hearth.ssda903.validator`), adds the rules Hearth checks itself because the validator cannot
run them (233: no reason for a placement change on an episode that has not ended), and keeps
every failure in a `QualityRun`: {child (pk), reference, table, row, rule, message, fields,
source ("dfe" or "hearth")}. `row` is the validator's: the row of the table's CSV (0 the first
after the header); Hearth's own checks have no CSV row (None) and say instead which `episode` of
the child's episodes in the year it is (0 the earliest). The nightly job (`nightly`) re-runs it for
each council once a day, each council in its own transaction: a council whose check fails is
logged and kept as a stopped run (no ruleset, `rules_failed_to_run` saying why) so that it is not
retried before the next day, and the other councils are checked all the same. Stopped runs are
never shown as results (`completed_runs`). The data quality page shows the latest completed run
and has a "Check now" button.
"""

import csv
import logging
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from hearth.core.models import Organisation
from hearth.people.models import Child
from hearth.ssda903 import checks, validator
from hearth.ssda903.models import Episode, QualityRun
from hearth.ssda903.tables import year_bounds, year_of

logger = logging.getLogger(__name__)

# Rules Hearth checks on the data quality page itself: the validator cannot run them.
HEARTH_RULES = ("233",)
# The ruleset of a run that stopped before any rule was checked (`nightly`).
STOPPED = ""


def has_previous_children(folder):
    """Whether `folder/prev/` holds last year's return with at least one child in its header."""
    header = Path(folder) / "prev" / "header.csv"
    if not header.is_file():
        return False
    with header.open(newline="", encoding="utf-8") as rows:
        reader = csv.reader(rows)
        next(reader, None)  # the column names
        return any(any(cell.strip() for cell in row) for row in reader)


def validate_return(folder, *, year, authority):
    """The DfE's rules on a return written by `export.write_return` in `folder`. A `prev/` with no
    children (a council's first year in Hearth) is left out: the validator's reader crashes on a
    previous year with no children. `folder` itself is never changed: the files are checked from a
    copy without `prev/`. Raises `validator.ValidatorMissing`, or RuntimeError when the validator
    stops."""
    folder = Path(folder)
    if not (folder / "prev").exists() or has_previous_children(folder):
        return validator.validate(folder, year=year, authority=authority.ons_code)
    with tempfile.TemporaryDirectory(prefix="hearth-check-") as copy:
        for path in folder.iterdir():
            if path.is_file():
                shutil.copy2(path, Path(copy) / path.name)
        return validator.validate(Path(copy), year=year, authority=authority.ons_code)


def run(authority, year=None, by=None):
    """Check the council's return of the collection year starting 1 April `year` (the current
    one when not given) and keep what fails as a new `QualityRun`."""
    from hearth.ssda903.export import write_return

    year = year_of(timezone.localdate()) if year is None else year
    with tempfile.TemporaryDirectory(prefix="hearth-quality-") as folder:
        write_return(authority, year, Path(folder), previous=True)
        result = validate_return(folder, year=year, authority=authority)
    children = {
        reference.upper(): (pk, reference)
        for pk, reference in Child.objects.filter(authority=authority).values_list(
            "pk", "reference"
        )
    }
    failures = []
    for failure in result.errors:
        pk, reference = children.get(failure.child.upper(), (None, failure.child))
        failures.append(
            {
                "child": pk,
                "reference": reference,
                "table": failure.table,
                "row": failure.row,
                "rule": str(failure.rule),
                "message": failure.message,
                "fields": list(getattr(result, "fields", {}).get(str(failure.rule), [])),
                "source": "dfe",
            }  # fmt: skip
        )
    failures += hearth_failures(authority, year)
    failures.sort(key=_order)
    return QualityRun.objects.create(
        authority=authority, year=year, ruleset=result.ruleset, run_at=timezone.now(),
        run_by=by, failures=failures,
        rules_failed_to_run=sorted(str(rule) for rule in result.failed),
    )  # fmt: skip


def _order(failure):
    row = failure.get("row")
    return (failure["reference"], failure["rule"], failure["table"],
            -1 if row is None else row, failure.get("episode", -1))  # fmt: skip


def hearth_failures(authority, year):
    """The failures of the rules only Hearth checks, on the episodes of the year's return (one
    query, then Python over the rows)."""
    first, last = year_bounds(year)
    rows = (
        Episode.objects.filter(authority=authority, decom__lte=last)
        .exclude(dec__lt=first)
        .select_related("child")
        .order_by("child_id", "decom", "pk")
    )
    by_child = {}
    for row in rows:
        by_child.setdefault(row.child_id, (row.child, []))[1].append(row)
    found = []
    for child, episodes in by_child.values():
        for problem in checks.problems(child.date_of_birth, episodes, year=year):
            if problem.rule in HEARTH_RULES:
                found.append(
                    {
                        "child": child.pk,
                        "reference": child.reference,
                        "table": "Episodes",
                        "row": None,  # no CSV row: Hearth checks the child's episodes
                        "episode": problem.index,
                        "rule": problem.rule,
                        "message": problem.message,
                        "fields": [problem.field.upper()],
                        "source": "hearth",
                    }  # fmt: skip
                )
    return found


def completed_runs(authority, year=None):
    """The council's runs that checked the return (not the stopped ones), newest first; of `year`
    when given."""
    runs = QualityRun.objects.filter(authority=authority).exclude(ruleset=STOPPED)
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-run_at", "-pk")


def latest(authority, year=None):
    """The council's latest completed run of the year (of any year when not given), or None."""
    return completed_runs(authority, year).first()


def latest_with_stopped(authority, year):
    """The latest completed run of the year, annotated with `stopped_at`: when the latest check
    that stopped after it ran (None if none did); one query. None when no check completed."""
    from django.db.models import OuterRef, Subquery

    stopped = QualityRun.objects.filter(
        authority=authority, year=year, ruleset=STOPPED, run_at__gt=OuterRef("run_at")
    ).order_by("-run_at", "-pk")
    return (
        completed_runs(authority, year)
        .select_related("run_by")
        .annotate(stopped_at=Subquery(stopped.values("run_at")[:1]))
        .first()
    )


def stopped_since(authority, year, run):
    """The latest stopped run of the year newer than `run` (any, when `run` is None), or None."""
    runs = QualityRun.objects.filter(authority=authority, year=year, ruleset=STOPPED)
    if run is not None:
        runs = runs.filter(run_at__gt=run.run_at)
    return runs.order_by("-run_at", "-pk").first()


@lru_cache(maxsize=32)
def _failures_by_child(run_pk):
    """{child pk: (failures)} of a run. Runs are never changed once made (and their ids never
    reused), so each process reads a run's failures once, whatever the number of child records
    shown; a run saved or deleted in this process forgets them all (`_forget_failures`)."""
    failures = QualityRun.objects.filter(pk=run_pk).values_list("failures", flat=True).first()
    by_child = {}
    for failure in failures or []:
        by_child.setdefault(failure.get("child"), []).append(failure)
    return {child: tuple(found) for child, found in by_child.items()}


@receiver([post_save, post_delete], sender=QualityRun)
def _forget_failures(**_arguments):
    _failures_by_child.cache_clear()


def child_problems(child, today=None):
    """The child's failures in the council's latest completed run of the current collection year:
    [failure dicts], for the child's record. One small query (the run's id); the run's failures
    are read once per process (`_failures_by_child`)."""
    year = year_of(today or timezone.localdate())
    run_pk = completed_runs(child.authority_id, year).values_list("pk", flat=True).first()
    if run_pk is None:
        return []
    return list(_failures_by_child(run_pk).get(child.pk, ()))


def _stopped(council, year, error):
    """Keep that the check of `council` stopped today, so that the nightly job does not retry it
    before tomorrow."""
    with transaction.atomic():
        QualityRun.objects.create(
            authority=council, year=year, ruleset=STOPPED, run_at=timezone.now(),
            rules_failed_to_run=[f"the whole check stopped: {type(error).__name__}: {error}"],
        )  # fmt: skip


def nightly(now):
    """The nightly job: check each council's return of the current year once a day (a council
    already checked today, or whose check stopped today, is left alone). Each council is checked
    in its own transaction; one whose check fails is logged and kept as stopped, and the others
    are checked all the same. Answers how many councils were checked."""
    today = timezone.localdate(now or timezone.now())
    year = year_of(today)
    checked = 0
    councils = Organisation.objects.filter(
        pk__in=Episode.objects.values("authority_id").distinct()
    ).order_by("pk")
    done_today = set(
        QualityRun.objects.filter(run_at__date=today, year=year).values_list(
            "authority_id", flat=True
        )
    )
    if not validator.available():
        return 0
    for council in councils:
        if council.pk in done_today:
            continue
        try:
            with transaction.atomic():
                run(council, year)
        except Exception as error:  # one council's failure must not stop the others'
            logger.exception("The data quality check of %s %s stopped", council.ons_code, year)
            _stopped(council, year, error)
            continue
        checked += 1
    return checked


# The job runner leaves the transactions to this job: one per council (`hearth.trays.jobs`).
nightly.runs_own_transactions = True


# What to fix, in words: the DfE's columns and where in Hearth each table's rows come from --------

FIELD_WORDS = {
    "CHILD": "the child's reference", "SEX": "sex", "DOB": "date of birth",
    "ETHNIC": "ethnicity", "UPN": "unique pupil number", "MOTHER": "whether she is a mother",
    "MC_DOB": "her child's date of birth", "DECOM": "the date the episode started",
    "RNE": "the reason for the new episode", "LS": "legal status", "CIN": "category of need",
    "PLACE": "placement type", "PLACE_PROVIDER": "placement provider",
    "DEC": "the date the episode ended", "REC": "the reason the episode ended",
    "REASON_PLACE_CHANGE": "the reason the placement changed",
    "HOME_POST": "the child's home postcode", "PL_POST": "the placement's postcode",
    "URN": "the provider's Ofsted URN", "PL_DISTANCE": "distance from home",
    "PL_LA": "the council where the child is placed", "PL_LOCATION": "where the child is placed",
    "UASC": "unaccompanied asylum seeking child", "DUC": "the date UASC status ended",
    "REVIEW": "the date of the review", "REVIEW_CODE": "how the child took part in the review",
    "MISSING": "missing or away without authorisation", "MIS_START": "the date it started",
    "MIS_END": "the date it ended", "SDQ_SCORE": "the SDQ score",
    "SDQ_REASON": "why there is no SDQ score", "CONVICTED": "convicted in the year",
    "HEALTH_CHECK": "health surveillance checks", "IMMUNISATIONS": "immunisations",
    "TEETH_CHECK": "dental check", "HEALTH_ASSESSMENT": "annual health assessment",
    "SUBSTANCE_MISUSE": "substance misuse", "INTERVENTION_RECEIVED": "intervention received",
    "INTERVENTION_OFFERED": "intervention offered", "IN_TOUCH": "whether in touch",
    "ACTIV": "main activity", "ACCOM": "accommodation",
    "DATE_INT": "the date of the decision to place for adoption",
    "DATE_MATCH": "the date matched with adopters", "FOSTER_CARE": "adopted by foster carers",
    "NB_ADOPTR": "number of adopters", "SEX_ADOPTR": "the adopters' sex",
    "LS_ADOPTR": "the adopters' legal status", "DATE_PLACED": "the date of the decision",
    "DATE_PLACED_CEASED": "the date the decision was reversed",
    "REASON_PLACED_CEASED": "why the child should no longer be placed for adoption",
    "PREV_PERM": "previous permanence", "LA_PERM": "the council of the previous permanence",
    "DATE_PERM": "the date of the previous permanence order", "SW_ID": "the social worker's ID",
    "SW_DECOM": "the date the social worker was allocated",
    "SW_DEC": "the date the allocation ended", "SW_REASON": "the reason the social worker changed",
}  # fmt: skip

# Where the rows of each table are put right in Hearth.
WHERE = {
    "Header": "the child's record (date of birth, sex, ethnicity) and the return's details "
    "(UPN, MOTHER)",
    "Episodes": "the child's placements (their start and ending) and legal status changes",
    "UASC": "the return's details of the child (UASC, DUC)",
    "Reviews": "the child's reviews",
    "Missing": "the child's missing episodes",
    "OC2": "the child's health outcomes (OC2)",
    "OC3": "the care leaver's outcomes (OC3)",
    "AD1": "the child's adoption decision (AD1)",
    "PlacedAdoption": "the child's placement for adoption",
    "PrevPerm": "the child's previous permanence",
    "SWEpisodes": "the child's allocated social workers",
}


def field_words(fields):
    """'PLACE (placement type), URN (the provider's Ofsted URN)'."""
    return ", ".join(
        f"{name} ({FIELD_WORDS[name]})" if name in FIELD_WORDS else name for name in fields
    )


def what_to_fix(failure):
    """What the failure asks of the worker, in words: the check's own words, the 903 fields it is
    about and where in Hearth they are recorded."""
    fields = [name for name in failure.get("fields") or [] if name != "CHILD"]
    where = WHERE.get(failure.get("table"), "the child's record")
    if fields:
        return f"Check {field_words(fields)} in {where}."
    return f"Check {where}."


def children_in_scope(user, authority_id, scope):
    """The children whose failures `user` sees (`permissions.quality_scope`): None for "all";
    else a queryset of pks: their own children as social worker, and for "team" the children of
    the teams they manage (as the team's manager or by their team manager membership), for "iro"
    the children they are the IRO for."""
    from django.db.models import Q

    from hearth.accounts.models import Membership
    from hearth.accounts.roles import Role
    from hearth.core.models import Team

    if scope == "all":
        return None
    mine = Q(social_worker=user)
    if scope == "team":
        teams = Team.objects.filter(organisation_id=authority_id).filter(
            Q(manager=user)
            | Q(
                pk__in=Membership.objects.filter(
                    user=user, organisation_id=authority_id, role=Role.TEAM_MANAGER
                ).values("team_id")
            )
        )
        mine |= Q(team__in=teams)
    elif scope == "iro":
        mine |= Q(iro=user)
    elif scope != "own":
        return Child.objects.none().values("pk")
    return Child.objects.filter(mine, authority_id=authority_id).values("pk")
