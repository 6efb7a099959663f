"""What the stability screens (`stability`, `stability_actions`, `endings`) share: reading a posted
form, keeping a refused attempt for the audit, and taking a step with its service."""

from django.contrib import messages
from django.shortcuts import redirect

from hearth.people.services import EditConflict
from hearth.referrals.services import ActionNotAllowed, ReferralError

CONFLICT = (
    "Someone else changed this after you opened the page. Nothing was saved: reload the page and "
    "try again."
)


def posted(request):
    return request.POST if request.method == "POST" else None


def deny(request, record_type, record_id, detail):
    """Keep the attempt at a step the person may not take, for the audit (written as refused)."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {"record_type": record_type, "record_id": str(record_id), "user": request.user,
         "detail": detail},
    ]  # fmt: skip


def take_step(
    request, form, service, *, refused, message, to, conflict=CONFLICT, put_errors=None,
    **arguments,
):  # fmt: skip
    """Take a step with its service, `service(user=, request=, **arguments)`, for a valid form.

    The response to send: `refused(reason)` when the service refuses the step; when it is taken,
    the success `message` and a redirect to `to` (either may be a function of what the service
    returned). None when the form is to be drawn again with the errors: `conflict` at the top for
    an edit made after someone else's, a ReferralError put back by `put_errors` (the form's
    `add_service_errors` unless given)."""
    try:
        result = service(user=request.user, request=request, **arguments)
    except EditConflict:
        form.add_error(None, conflict)
    except ActionNotAllowed as refusal:
        return refused(str(refusal))
    except ReferralError as error:
        (put_errors or form.add_service_errors)(error)
    else:
        messages.success(request, message(result) if callable(message) else message)
        return redirect(to(result) if callable(to) else to)
    return None
