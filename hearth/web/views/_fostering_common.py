"""What the fostering service's pages share: the council a page is about.

Someone who reads the fostering service of several councils chooses the council with `?council=`
(its ONS code) on a list or a page, or a `council` field of a form it posts; anyone else reads
their one council. The councils are `hearth.fostering.common.councils_read`'s.
"""

from django.http import Http404

from hearth.fostering.common import councils_read


def reading_council(request):
    """(the council chosen, the councils offered when more than one); 404 for anyone who reads
    no council's fostering service. The choice: `council` posted, else `?council=`, else the
    person's first council; a code the person does not read chooses the first too."""
    councils = councils_read(request.user)
    if not councils:
        raise Http404("No such page")
    chosen = request.POST.get("council") or request.GET.get("council", "")
    authority = next((c for c in councils if c.ons_code == chosen), councils[0])
    return authority, councils if len(councils) > 1 else []
