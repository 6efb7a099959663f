from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from hearth.accounts.access import can


def signed_in(view):
    return login_required(view)


def requires(capability):
    """Only users holding `capability` in some organisation reach the view; others get 404."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, capability):
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
