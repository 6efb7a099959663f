"""An administrator's screens for their organisation's teams."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts import administration
from hearth.accounts.access import (
    administered_organisations,
    staff_of,
    team_for_admin,
    teams_for_admin,
    teams_of,
)
from hearth.accounts.roles import Capability
from hearth.web.choosing import choose_organisation, organisation_for
from hearth.web.decorators import requires
from hearth.web.forms import GovukForm


class TeamForm(GovukForm):
    name = forms.CharField(max_length=120)
    manager = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, organisation, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.team = organisation, team
        self.fields["manager"].queryset = staff_of(organisation).order_by("first_name", "last_name")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = teams_of(self.organisation).filter(name__iexact=name)
        if self.team is not None:
            clash = clash.exclude(pk=self.team.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a team with this name")
        return name


@requires(Capability.ADMINISTER)
@require_GET
def team_index(request):
    teams = teams_for_admin(request.user).select_related("manager", "organisation")
    return render(request, "manage/team_index.html", {"teams": teams})


@requires(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def team_add(request):
    administered = administered_organisations(request.user)
    organisation = organisation_for(request, administered)
    if organisation is None:
        return choose_organisation(request, administered, "Add a team")
    form = TeamForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        team = administration.team_save(
            by=request.user, request=request, organisation=organisation, **form.cleaned_data
        )
        messages.success(request, f"{team.name} was added.")
        return redirect("manage_teams")
    return render(request, "manage/team_form.html", {"form": form, "title": "Add a team"})


@requires(Capability.ADMINISTER, record="team")
@require_http_methods(["GET", "POST"])
def team_change(request, pk):
    team = team_for_admin(request.user, pk, request=request)
    initial = {"name": team.name, "manager": team.manager}
    form = TeamForm(
        request.POST or None, organisation=team.organisation, team=team, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        administration.team_save(
            by=request.user,
            request=request,
            organisation=team.organisation,
            team=team,
            **form.cleaned_data,
        )
        messages.success(request, "The team was saved.")
        return redirect("manage_teams")
    return render(request, "manage/team_form.html", {"form": form, "title": f"Change {team.name}"})
