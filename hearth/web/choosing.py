"""Which organisation a new record belongs to, for someone who works for more than one."""

from django.shortcuts import render


def organisation_for(request, organisations):
    """The only organisation, or the one chosen in the address (`?organisation=ID`); None if a
    choice is still to be made. A form posts back to its own address, so the choice is kept."""
    if len(organisations) == 1:
        return organisations[0]
    chosen = request.GET.get("organisation", "")
    return next((o for o in organisations if str(o.pk) == chosen), None)


def choose_organisation(request, organisations, title):
    context = {"organisations": organisations, "title": title}
    return render(request, "choose_organisation.html", context)
