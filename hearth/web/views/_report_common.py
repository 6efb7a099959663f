"""What the council-wide report pages share (data quality, placement stability indicators,
timeliness and spend, Ofsted's fostering data): which council a page is about, and refusing one the
person may not read.

The council is the one chosen (?council=ONS code, or the posted `council`), else the first of the
person's councils whose page they read. A council they may not read, or a code that is no council
of theirs, is 404 and the attempt audited (written as refused: `hearth.accounts.middleware`). A
person who reads the page for none of their councils is told why (403, audited) on the pages that
say why (`refused`), and gets the audited 404 on the others.
"""

from django.http import Http404
from django.shortcuts import render

from hearth.accounts.access import memberships_of

NOT_FOUND = "No such page"


def councils_of(user):
    """The councils (local authorities) the person belongs to, in the order of their memberships."""
    seen = {}
    for membership in memberships_of(user):
        organisation = membership.organisation
        if organisation.is_authority:
            seen.setdefault(organisation.pk, organisation)
    return list(seen.values())


def _keep_refused(request, record_id, detail):
    """Keep a refused attempt for the audit (written as refused once the response is made)."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {"record_type": "report", "record_id": str(record_id), "user": request.user,
         "detail": detail},
    ]  # fmt: skip


def not_found(request, *, council, code, page):
    """404 for a council the person may not read (`council`, or None when `code` names no council
    of theirs), the attempt audited under the council's id (or the ONS code asked for: a council
    outside the person's walls is not looked up)."""
    _keep_refused(request, council.pk if council else code, f"{page}: council {code or '-'}")
    raise Http404(NOT_FOUND)


def refused(request, authority, *, page, reason, what):
    """403 with why: the person belongs to `authority` but may not read `page` of it; the attempt
    audited. `reason` is the sentence saying who may ("The data quality page is for ... of X");
    `what` what they tried ("see the data quality page")."""
    _keep_refused(request, authority.pk, page)
    context = {"reason": reason, "authority": authority, "what": what}
    return render(request, "reports/not_allowed.html", context, status=403)


def choose_council(request, may, *, page, refuse=None):
    """(the council chosen, the councils offered in the chooser, a refusal response or None).

    `may(user, council_pk)`: whether the person reads `page` for a council. The councils offered
    are the ones they read, when there are several (else none: no chooser). When they read the
    page for none of their councils, `refuse(council)` makes the 403 with why (the council chosen
    if it is theirs, else their first); without `refuse` it is the audited 404. A chosen council
    they do not read is always the audited 404."""
    councils = councils_of(request.user)
    chosen = request.POST.get("council") or request.GET.get("council", "")
    if not councils:
        if chosen:
            not_found(request, council=None, code=chosen, page=page)
        raise Http404(NOT_FOUND)
    readable = [council for council in councils if may(request.user, council.pk)]
    theirs = next((council for council in councils if council.ons_code == chosen), None)
    if not readable:
        if chosen and theirs is None:
            not_found(request, council=None, code=chosen, page=page)
        if refuse is None:
            not_found(request, council=theirs or councils[0], code=chosen, page=page)
        return None, [], refuse(theirs or councils[0])
    if not chosen:
        return readable[0], readable if len(readable) > 1 else [], None
    authority = next((council for council in readable if council.ons_code == chosen), None)
    if authority is None:
        not_found(request, council=theirs, code=chosen, page=page)
    return authority, readable if len(readable) > 1 else [], None
