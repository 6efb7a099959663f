"""The data quality page: what in a council's SSDA903 return would fail the DfE's rules today, from
the latest check (`hearth.ssda903.quality`), by child or by rule, each failure saying what to fix
and where, each child linked to their record. "Check now" runs the check again (a few seconds);
the nightly job runs it for every council.

Who sees what (`hearth.ssda903.permissions.quality_scope`): a social worker their own children's
failures, a team manager their team's, an IRO the children they review, return makers and the
council's managers every child's. Return makers also download the year's return (a zip of the
CSVs, `data_quality_download`). The lists shown and the download are audited. Someone in several
councils chooses one (?council=ONS code); a council they may not read is 404, audited
(`_report_common`); someone of the council who reads no data quality is told why (403, audited).
A check that stopped (the validator failed) is said so: the last completed check is shown.
"""

import io
import logging
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import children_for_user
from hearth.accounts.roles import Capability
from hearth.ssda903 import permissions, quality, validator
from hearth.ssda903.tables import last_ended_year, year_of
from hearth.web.decorators import requires
from hearth.web.downloads import download
from hearth.web.editing import audit_list_shown
from hearth.web.forms import GovukForm
from hearth.web.views._report_common import choose_council, refused

logger = logging.getLogger(__name__)

SCOPE_WORDS = {
    "all": "every child of the council",
    "team": "the children of the teams you manage, and the children allocated to you",
    "iro": "the children you are the independent reviewing officer for, and the children "
    "allocated to you",
    "own": "the children allocated to you",
}
QUALITY_READER_WORDS = (
    "social workers, team managers, IROs, service leads, senior managers, heads of service, "
    "assistant directors, directors and system administrators"
)
VIEWS = ("child", "rule")
PAGE = ("see the data quality page", "The data quality page")
DOWNLOAD = ("download the return", "Downloading the SSDA903 return")


def years_offered(today=None):
    """The current collection year (the default) and the last one that has ended."""
    today = today or timezone.localdate()
    return [year_of(today), last_ended_year(today)]


class YearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Year (1 April to 31 March)",
        coerce=int,
        error_messages={
            "required": "Choose a year",
            "invalid_choice": "Choose a year from the list",
        },
    )

    def __init__(self, data, *, years):
        super().__init__(data, initial={"year": years[0]})
        self.fields["year"].choices = [(year, f"{year} to {year + 1}") for year in years]


def _council(request, may, what, words):
    """(the council chosen, the councils offered, or a refusal response): `_report_common`'s
    choice. `what`: (what they tried, what it is): ("see the data quality page", "The data quality
    page")."""

    def refuse(authority):
        return refused(
            request, authority, page=what[1], what=what[0],
            reason=f"{what[1]} is for {words} of {authority.name}",
        )  # fmt: skip

    return choose_council(request, may, page=what[1], refuse=refuse)


def _year(data, years):
    """(the form, the year chosen or None when the choice is wrong)."""
    form = YearForm(data if "year" in data else None, years=years)
    if not form.is_bound:
        return form, years[0]
    return form, (form.cleaned_data["year"] if form.is_valid() else None)


def _latest(authority, year):
    """(the latest completed run or None, when a later check stopped or None): one query when a
    check completed."""
    run = quality.latest_with_stopped(authority, year)
    if run is not None:
        return run, run.stopped_at
    stopped = quality.stopped_since(authority, year, None)
    return None, stopped.run_at if stopped else None


def _at_words(moment):
    at = timezone.localtime(moment)
    return f"{at:%-d %B %Y} at {at:%H:%M}"


def _when(run):
    who = run.run_by.get_full_name() or run.run_by.username if run.run_by else "the nightly check"
    return _at_words(run.run_at), who


def _shown(failures, request, authority):
    """The failures the person may see, with each child's name and link (one query)."""
    scope = permissions.quality_scope(request.user, authority.pk)
    allowed = quality.children_in_scope(request.user, authority.pk, scope)
    children = (
        children_for_user(request.user)
        .filter(authority=authority)
        .only("pk", "first_name", "last_name", "reference")
    )
    if allowed is not None:
        children = children.filter(pk__in=allowed)
        failures = [f for f in failures if f.get("child") is not None]
    by_pk = {child.pk: child for child in children}
    shown = []
    for failure in failures:
        child = by_pk.get(failure.get("child"))
        if allowed is not None and child is None:
            continue
        shown.append(
            {
                "rule": failure["rule"],
                "message": failure["message"],
                "fix": quality.what_to_fix(failure),
                "fields": failure.get("fields") or [],
                "table": failure.get("table", ""),
                "hearth": failure.get("source") == "hearth",
                "reference": child.reference if child else failure.get("reference", ""),
                "name": child.full_name if child else f"Child {failure.get('reference', '')}",
                "url": reverse("child", args=[child.pk]) if child else "",
                "pk": child.pk if child else None,
            }
        )
    return scope, shown


def _by_child(shown):
    groups = {}
    for failure in shown:
        key = failure["pk"] or failure["reference"]
        group = groups.setdefault(
            key,
            {"name": failure["name"], "reference": failure["reference"], "url": failure["url"],
             "failures": []},
        )  # fmt: skip
        group["failures"].append(failure)
    return sorted(groups.values(), key=lambda g: (g["name"], g["reference"]))


def _by_rule(shown):
    groups = {}
    for failure in shown:
        group = groups.setdefault(
            failure["rule"],
            {"rule": failure["rule"], "message": failure["message"], "failures": [],
             "children": set(), "hearth": failure["hearth"]},
        )  # fmt: skip
        group["failures"].append(failure)
        group["children"].add(failure["pk"] or failure["reference"])
    rules = sorted(groups.values(), key=lambda g: (-len(g["failures"]), _rule_key(g["rule"])))
    for group in rules:
        group["child_count"] = len(group.pop("children"))
        group["failures"].sort(key=lambda f: (f["name"], f["reference"]))
    return rules


def _rule_key(rule):
    digits = "".join(ch for ch in rule if ch.isdigit())
    return (int(digits) if digits else 0, rule)


@requires(Capability.VIEW_CHILDREN)
@require_http_methods(["GET", "POST"])
def data_quality(request):
    authority, councils, refusal = _council(
        request, permissions.may_read_quality, PAGE, QUALITY_READER_WORDS
    )
    if refusal is not None:
        return refusal
    years = years_offered()
    if request.method == "POST":
        return _check_now(request, authority, years)
    form, year = _year(request.GET, years)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "child"
    context = {
        "authority": authority,
        "councils": councils,
        "form": form,
        "view": view,
        "run": None,
        "may_download": permissions.may_make_return(request.user, authority.pk),
    }
    if year is None:
        return render(request, "ssda903/quality/page.html", context, status=400)
    run, stopped_at = _latest(authority, year)
    query = f"council={authority.ons_code}&year={year}"
    context.update({"year": year, "year_words": f"{year} to {year + 1}", "query": query})
    if stopped_at is not None:
        context.update({"stopped": True, "stopped_when": _at_words(stopped_at)})
    if run is None:
        return render(request, "ssda903/quality/page.html", context)
    scope, shown = _shown(run.failures, request, authority)
    rule = request.GET.get("rule", "")
    listed = [f for f in shown if f["rule"] == rule] if rule else shown
    children = _by_child(listed)
    audit_list_shown(
        request, "child", len(children),
        f"data quality of {authority.ons_code} {year} to {year + 1} ({scope})",
        organisation=authority,
    )  # fmt: skip
    when, who = _when(run)
    context.update(
        {
            "run": run,
            "when": when,
            "who": who,
            "scope_words": SCOPE_WORDS[scope],
            "failure_count": len(shown),
            "child_count": len(_by_child(shown)),
            "rules": _by_rule(shown),
            "rule": rule,
            "children": children,
            "rule_groups": _by_rule(listed),
        }
    )
    return render(request, "ssda903/quality/page.html", context)


def _check_now(request, authority, years):
    form, year = _year(request.POST, years)
    back = f"{reverse('data_quality')}?council={authority.ons_code}"
    if year is None:
        messages.error(request, "Choose a year from the list to check")
        return redirect(back)
    try:
        run = quality.run(authority, year, by=request.user)
    except validator.ValidatorMissing:
        messages.error(
            request,
            "The DfE's rules could not be run: the validator is not installed on this server. "
            "Ask a system administrator to install it (make validator).",
        )
        return redirect(f"{back}&year={year}")
    except RuntimeError:
        logger.exception("The data quality check of %s %s stopped", authority.ons_code, year)
        messages.error(
            request,
            "The check stopped before it finished: the DfE's validator failed on this return. "
            "Nothing was recorded and the last check's results are still shown. Try again "
            "later; if it keeps failing, tell a system administrator.",
        )
        return redirect(f"{back}&year={year}")
    count = len(run.failures)
    messages.success(
        request,
        f"Checked the {year} to {year + 1} return: "
        + (
            f"{count} {'problem' if count == 1 else 'problems'} found." if count else "no problems."
        ),
    )
    return redirect(f"{back}&year={year}")


@requires(Capability.VIEW_CHILDREN)
@require_GET
def data_quality_download(request):
    authority, _councils_offered, refusal = _council(
        request, permissions.may_make_return, DOWNLOAD, permissions.RETURN_MAKER_WORDS,
    )  # fmt: skip
    if refusal is not None:
        return refusal
    form, year = _year(request.GET, years_offered())
    if year is None:
        raise Http404("No such year")
    from hearth.ssda903.export import write_return

    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="hearth-return-") as folder:
        written = write_return(authority, year, Path(folder), previous=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(written):
                archive.write(Path(folder) / file, arcname=file)
    audit_list_shown(
        request, "child", written.get("header.csv", 0),
        f"the SSDA903 return of {authority.ons_code} {year} to {year + 1}, zip download",
        organisation=authority,
    )  # fmt: skip
    return download(
        out.getvalue(), "application/zip", f"ssda903-{authority.ons_code}-{year + 1}.zip"
    )


urlpatterns = [
    path("reports/data-quality/", data_quality, name="data_quality"),
    path("reports/data-quality/download/", data_quality_download, name="data_quality_download"),
]
