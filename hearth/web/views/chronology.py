"""The chronology of a referral, and of every search made for a child: a page that prints cleanly,
a CSV file for a spreadsheet (`?format=csv`) and a PDF made from the same page (`?format=pdf`).

The PDF is drawn by WeasyPrint from the page's own HTML and stylesheets (ADR 0011). WeasyPrint
fetches nothing over the network: `StaticFilesOnly` hands it Hearth's static files from disk and
refuses every other address.
"""

import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from hearth.accounts.access import child_for_user, referral_for_user, referrals_for_user
from hearth.accounts.roles import Capability
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.referrals import chronology
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download, download
from hearth.web.editing import audit_names_shown

FORMATS = ("html", "csv", "pdf")


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_GET
def referral_chronology(request, pk):
    output = request.GET.get("format", "html")
    if output not in FORMATS:
        return _unknown_format(output)
    referral = referral_for_user(request.user, pk, request=request)
    children = list(referral.children.all())
    audit_names_shown(request, "child", children, f"referral {referral.pk}'s chronology")
    entries = chronology.referral_chronology(referral, request.user)
    context = {
        "referral": referral,
        "children": children,
        "status": chronology.status_label(referral.status),
        "entries": entries,
        "references": ", ".join(child.reference for child in children),
    }
    return _respond(
        request, output, "chronology/referral.html", context, entries,
        filename=f"referral-{referral.pk}-chronology",
    )  # fmt: skip


@requires(Capability.VIEW_CHILDREN, record="child")
@require_GET
def child_searches(request, pk):
    output = request.GET.get("format", "html")
    if output not in FORMATS:
        return _unknown_format(output)
    child = child_for_user(request.user, pk, request=request)
    referrals = list(
        referrals_for_user(request.user)
        .filter(children=child)
        .order_by("created_at", "pk")
        .prefetch_related("children")
    )
    _audit_referrals_shown(request, child, referrals)
    others = {c.pk: c for r in referrals for c in r.children.all() if c.pk != child.pk}
    audit_names_shown(request, "child", list(others.values()), f"child {child.pk}'s searches")
    found = chronology.searches(referrals, request.user)
    context = {"child": child, "searches": found}
    return _respond(
        request, output, "chronology/child_searches.html", context,
        [entry for search in found for entry in search.entries],
        filename=f"child-{child.pk}-searches",
    )  # fmt: skip


def _audit_referrals_shown(request, child, referrals):
    """The referrals' chronologies shown on the child's page: one row naming them all."""
    if referrals:
        numbers = ", ".join(str(referral.pk) for referral in referrals)
        audit_record(
            user=request.user, action=AuditEvent.Action.LIST, record_type="referral",
            organisation=child.authority, request=request,
            detail=f"referrals {numbers} shown on child {child.pk}'s searches",
        )  # fmt: skip


def _unknown_format(output):
    return HttpResponseBadRequest(
        f"There is no format '{output}': choose one of {', '.join(FORMATS)}",
        content_type="text/plain; charset=utf-8",
    )


def _respond(request, output, template, context, entries, *, filename):
    if output == "csv":
        rows = [entry.csv_row() for entry in entries]
        return csv_download(f"{filename}.csv", chronology.CSV_HEADER, rows)
    if output == "pdf":
        pdf = pdf_from_html(render_to_string(template, context, request=request), request)
        return download(pdf, "application/pdf", f"{filename}.pdf")
    return render(request, template, context)


# The PDF ------------------------------------------------------------------------------------------


class BrowserOnlyStyles(logging.Filter):
    """GOV.UK Frontend's stylesheet is written for browsers: reading it, WeasyPrint warns some 600
    times a PDF about screen-width media queries, vendor properties and selectors it skips. Those
    warnings say nothing about the PDF; its others (an image it could not load) are kept."""

    def filter(self, record):
        return f"{os.sep}weasyprint{os.sep}css{os.sep}" not in record.pathname


logging.getLogger("weasyprint").addFilter(BrowserOnlyStyles())


def pdf_from_html(html, request):
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    document = HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=static_files_only()
    )
    return document.write_pdf(pdf_tags=True)


def static_files_only():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        """Hearth's own static files, read from disk; any other address is refused, so drawing a
        PDF never reaches the network."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            path = static_file(unquote(parts.path))
            if path is None:
                raise ValueError(f"{url} is not one of Hearth's static files")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFilesOnly(allowed_protocols=("http", "https", "data"))


def static_file(url_path):
    """The file on disk that `url_path` (such as /static/hearth/hearth.css) names, or None."""
    if not url_path.startswith(settings.STATIC_URL):
        return None
    try:
        found = finders.find(url_path.removeprefix(settings.STATIC_URL))
    except SuspiciousFileOperation:
        return None
    return Path(found) if found else None
