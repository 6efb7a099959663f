"""A person who may see a referral but may not take a step on it: 403, and the attempt audited.

Who may see a referral is the access functions' business (404 for anyone else, audited); what they
may do with it is the workflow's and the search's rules'. Both refusals are kept in the audit.
"""

from django.http import JsonResponse
from django.shortcuts import render

AUTOSAVE_HEADER = "X-Hearth-Autosave"


def not_allowed(request, referral, reason, detail):
    """The person may see the referral but not do this: 403, and the attempt audited as refused."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {
            "record_type": "referral",
            "record_id": str(referral.pk),
            "user": request.user,
            "detail": detail,
        },
    ]
    if request.headers.get(AUTOSAVE_HEADER) == "1":
        return JsonResponse({"message": f"Not saved: {reason}"}, status=403)
    context = {"referral": referral, "reason": reason}
    return render(request, "referrals/not_allowed.html", context, status=403)
