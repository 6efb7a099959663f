from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from hearth.accounts.access import can, deny


def signed_in(view):
    return login_required(view)


def requires(capability, *, record=None):
    """Only users holding `capability` in some organisation reach the view; others get 404.

    For a view of one record (`record` names its kind, the URL gives its `pk`), the refusal is
    audited like any other refused attempt at a record."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, capability):
                if "pk" in kwargs:
                    record_type = kwargs.get("record_type", record)
                    deny(
                        request.user,
                        record_type=record_type,
                        record_id=kwargs["pk"],
                        request=request,
                    )
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
