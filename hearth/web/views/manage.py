"""Administration within the administrator's own organisation: people, teams, policy, access logs."""

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.password_validation import validate_password
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from hearth.accounts import administration
from hearth.accounts.access import (
    administered_organisations,
    can,
    policy_for_user,
    record_for_auditor,
    record_id_for_auditor,
    staff_of,
    team_for_admin,
    teams_for_admin,
    teams_of,
    user_for_admin,
    users_for_admin,
)
from hearth.accounts.models import User
from hearth.accounts.roles import AGENCY_ROLES, AUTHORITY_ROLES, Capability, Role
from hearth.audit.selectors import access_log
from hearth.core import services as policy_services
from hearth.core.rules import APPROVERS, SWITCHES, THRESHOLDS, TIMESCALES, Unit
from hearth.web.decorators import requires
from hearth.web.forms import GovukForm

ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _organisation(request):
    return administered_organisations(request.user)[0]


class AccessLogLookupForm(GovukForm):
    RECORDS = {"child": "child", "household": "foster carer household"}

    record_type = forms.ChoiceField(label="Record", widget=forms.RadioSelect)
    reference = forms.CharField(
        label="Reference", max_length=40, help_text="For example C1042 or WIG-H0007"
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ["household"] if organisation.is_agency else ["child", "household"]
        self.fields["record_type"].choices = [(k, f"A {self.RECORDS[k]}") for k in kinds]


@requires(Capability.ADMINISTER)
@require_GET
def manage(request):
    organisation = _organisation(request)
    form = AccessLogLookupForm(request.GET or None, organisation=organisation)
    if request.GET and form.is_valid() and can(request.user, Capability.VIEW_AUDIT):
        record_type, reference = form.cleaned_data["record_type"], form.cleaned_data["reference"]
        record_id = record_id_for_auditor(request.user, record_type, reference.strip())
        if record_id is not None:
            return redirect("access_log", record_type=record_type, pk=record_id)
        form.add_error(
            "reference", f"There is no {form.RECORDS[record_type]} with the reference {reference}"
        )
    return render(request, "manage/index.html", {"organisation": organisation, "form": form})


# People ------------------------------------------------------------------------------------------------


class UserForm(GovukForm):
    username = forms.CharField(
        max_length=150, help_text="What they type to sign in, e.g. sam.jones"
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address")
    job_title = forms.CharField(max_length=120, required=False)
    roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    team = forms.ModelChoiceField(queryset=None, required=False)
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Give it to them in person.",
    )
    is_active = forms.BooleanField(label="Can sign in", required=False, initial=True)

    def __init__(self, *args, organisation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.user = organisation, user
        allowed = AGENCY_ROLES if organisation.is_agency else AUTHORITY_ROLES
        self.fields["roles"].choices = [
            (value, label) for value, label in ROLE_CHOICES if value in allowed
        ]
        self.fields["team"].queryset = teams_of(organisation)
        if user is None:
            del self.fields["is_active"]
        else:
            password = self.fields["password"]
            password.required = False
            password.label = "New password (optional)"
            password.help_text = (
                "Only if they have forgotten theirs: at least 12 characters. "
                "Give it to them in person."
            )
            self.fields["username"].disabled = True

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if self.user is None and administration.username_taken(username):
            raise forms.ValidationError("Someone already has this username")
        return username

    def clean(self):
        data = super().clean()
        if "password" in self.fields and data.get("password"):
            candidate = self.user or User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(data["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


@requires(Capability.ADMINISTER)
@require_GET
def user_index(request):
    users = users_for_admin(request.user).order_by("last_name", "first_name")
    locked = set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )
    return render(request, "manage/user_index.html", {"users": users, "locked": locked})


@requires(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def user_add(request):
    organisation = _organisation(request)
    form = UserForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        user = administration.user_create(
            by=request.user, request=request, organisation=organisation, **form.cleaned_data
        )
        messages.success(request, f"{user.display_name} can now sign in as {user.username}.")
        return redirect("manage_users")
    return render(request, "manage/user_form.html", {"form": form, "title": "Add a person"})


@requires(Capability.ADMINISTER, record="user")
@require_http_methods(["GET", "POST"])
def user_change(request, pk):
    organisation = _organisation(request)
    person = user_for_admin(request.user, pk, request=request)
    memberships = person.memberships.filter(organisation=organisation)
    initial = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "is_active": person.is_active,
        "roles": [m.role for m in memberships],
        "team": next((m.team for m in memberships if m.team), None),
    }
    form = UserForm(request.POST or None, organisation=organisation, user=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("username", "password")}
        administration.user_update(
            by=request.user, request=request, user=person, organisation=organisation, **data
        )
        if form.cleaned_data["password"]:
            administration.user_set_password(
                by=request.user, request=request, user=person, organisation=organisation,
                password=form.cleaned_data["password"],
            )  # fmt: skip
        messages.success(request, f"{person.display_name}'s roles and details were saved.")
        return redirect("manage_users")
    locked = AccessAttempt.objects.filter(
        username=person.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
    context = {
        "form": form,
        "title": f"Change {person.display_name}",
        "person": person,
        "locked": locked,
        "has_second_factor": user_has_device(person),
    }
    return render(request, "manage/user_form.html", context)


@requires(Capability.ADMINISTER, record="user")
@require_POST
def user_unlock(request, pk):
    person = user_for_admin(request.user, pk, request=request)
    administration.user_unlock(
        by=request.user, request=request, user=person, organisation=_organisation(request)
    )
    messages.success(request, f"{person.display_name} can sign in again.")
    return redirect("manage_user", pk=person.pk)


@requires(Capability.ADMINISTER, record="user")
@require_POST
def user_reset_second_factor(request, pk):
    person = user_for_admin(request.user, pk, request=request)
    administration.user_reset_second_factor(
        by=request.user, request=request, user=person, organisation=_organisation(request)
    )
    messages.success(
        request,
        f"{person.display_name} will set up a new authenticator app when they next sign in.",
    )
    return redirect("manage_user", pk=person.pk)


# Teams -------------------------------------------------------------------------------------------------


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
    organisation = _organisation(request)
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


# Policy ------------------------------------------------------------------------------------------------


class PolicyForm(GovukForm):
    """One field per timescale amount and unit, threshold, approver and switch."""

    reason = forms.CharField(
        label="Why are you changing the policy?",
        max_length=500,
        help_text="Kept in the policy's history",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        role_choices = [(r.value, r.label) for r in Role if r in AUTHORITY_ROLES]
        for rule in TIMESCALES:
            amount, unit = policy.timescale(rule.name)
            self.fields[f"t_{rule.name}_amount"] = forms.IntegerField(
                label=f"{rule.label}: how many",
                min_value=1,
                max_value=1000,
                initial=amount,
                help_text=f"Source: seed {rule.source}. Default {rule.describe()}.",
            )
            self.fields[f"t_{rule.name}_unit"] = forms.ChoiceField(
                label=f"{rule.label}: counted in", choices=Unit.choices, initial=unit
            )
        for threshold in THRESHOLDS:
            self.fields[f"h_{threshold.name}"] = forms.IntegerField(
                label=threshold.label,
                min_value=0,
                max_value=100,
                initial=policy.threshold(threshold.name),
            )
        for approver in APPROVERS:
            self.fields[f"a_{approver.name}"] = forms.ChoiceField(
                label=approver.label, choices=role_choices, initial=policy.approver(approver.name)
            )
        tiers = policy.cost_tiers
        self.fields["cost_lower_limit"] = forms.IntegerField(
            label="Weekly cost at which a head of service's approval is needed, £",
            min_value=1,
            initial=tiers[0]["below"],
        )
        self.fields["cost_upper_limit"] = forms.IntegerField(
            label="Weekly cost at which the director's approval is needed, £",
            min_value=1,
            initial=tiers[1]["below"],
        )
        for index, label in enumerate(
            (
                "Approves costs below the first limit",
                "Approves costs between the limits",
                "Approves costs at or above the second limit",
            )
        ):
            self.fields[f"cost_role_{index}"] = forms.ChoiceField(
                label=label, choices=role_choices, initial=tiers[index]["role"]
            )
        for name, (_default, label) in SWITCHES.items():
            self.fields[f"s_{name}"] = forms.BooleanField(
                label=label, required=False, initial=policy.switch(name)
            )
        self.fields["two_factor_roles"] = forms.MultipleChoiceField(
            label="Roles that must use a second factor to sign in",
            required=False,
            choices=role_choices,
            widget=forms.CheckboxSelectMultiple,
            initial=policy.two_factor_roles,
        )
        self.fields["version"].initial = policy.version
        self.order_fields(
            [*[f for f in self.fields if f not in ("reason", "version")], "reason", "version"]
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("cost_lower_limit"), data.get("cost_upper_limit")
        if low is not None and high is not None and high <= low:
            self.add_error(
                "cost_upper_limit", "The director's limit must be above the head of service's limit"
            )
        return data

    def proposed(self):
        data = self.cleaned_data
        return {
            "timescales": {
                rule.name: {
                    "amount": data[f"t_{rule.name}_amount"],
                    "unit": data[f"t_{rule.name}_unit"],
                }
                for rule in TIMESCALES
            },
            "thresholds": {t.name: data[f"h_{t.name}"] for t in THRESHOLDS},
            "approvers": {a.name: data[f"a_{a.name}"] for a in APPROVERS},
            "cost_tiers": [
                {"below": data["cost_lower_limit"], "role": data["cost_role_0"]},
                {"below": data["cost_upper_limit"], "role": data["cost_role_1"]},
                {"below": None, "role": data["cost_role_2"]},
            ],
            "switches": {name: data[f"s_{name}"] for name in SWITCHES},
            "two_factor_roles": sorted(data["two_factor_roles"]),
        }


@requires(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def policy_change(request):
    policy = policy_for_user(request.user, write=True)
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            changes = policy_services.policy_update(
                user=request.user,
                policy=policy,
                proposed=form.proposed(),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except policy_services.PolicyConflict as error:
            form.add_error(
                None, f"{error}. Your changes were not saved: reload the page and make them again."
            )
        else:
            messages.success(
                request, f"{len(changes)} setting{'s' if len(changes) != 1 else ''} changed."
            )
            return redirect("manage_policy_history")
    return render(request, "manage/policy_form.html", {"form": form, "policy": policy})


@requires(Capability.ADMINISTER)
@require_GET
def policy_history(request):
    policy = policy_for_user(request.user, write=True)
    changes = policy.changes.select_related("changed_by")[:500]
    return render(request, "manage/policy_history.html", {"policy": policy, "changes": changes})


# Access logs -------------------------------------------------------------------------------------------


@requires(Capability.VIEW_AUDIT)
@require_GET
def record_access_log(request, record_type, pk):
    record = record_for_auditor(request.user, record_type, pk, request=request)
    events = access_log(record_type=record_type, record_id=record.pk)[:1000]
    return render(
        request,
        "manage/access_log.html",
        {"record": record, "record_type": record_type, "events": events},
    )
